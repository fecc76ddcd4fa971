"""Reads vlab's /metrics with the strict OpenMetrics parser of
prometheus_client, after the contract fuzzer has called every operation:
the exposition must parse as a whole, and name API requests by route
template (never by id) with their latency."""

import re
import sys
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main(base: str) -> None:
    with urllib.request.urlopen(f"{base}/metrics") as resp:
        assert resp.headers["Content-Type"].startswith("application/openmetrics-text"), resp.headers
        text = resp.read().decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in ("vlab_build_info", "vlab_host_memory_bytes", "vlab_vms", "vlab_operations",
                 "vlab_console_sessions_open", "vlab_http_requests", "vlab_http_request_duration_seconds"):
        assert name in families, f"{name} missing from /metrics"
    assert families["vlab_http_request_duration_seconds"].type == "histogram"
    routes = {s.labels["route"] for s in families["vlab_http_requests"].samples}
    statuses = {s.labels["status"] for s in families["vlab_http_requests"].samples}
    by_id = [r for r in routes if re.search(r"/\d+(/|$)", r)]
    assert not by_id, f"routes named by id: {by_id}"
    assert len(routes) >= 40, f"only {len(routes)} routes counted: {sorted(routes)}"
    assert {"200", "404", "422"} <= statuses, statuses
    print(f"/metrics: {len(families)} families, {len(routes)} API routes, statuses {sorted(statuses)}")


if __name__ == "__main__":
    main(sys.argv[1])
