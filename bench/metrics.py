#!/usr/bin/env python3
"""What VM history costs: N running guests (default 20) sampled into the
database, against the same guests with sampling off (the anchor, measured
in the same run). Figures: vlab's CPU per sampling round (the VMs and the host) and per VM (and as
a share of one core at the default 10 s interval; target under 1%), the
database's growth per VM per day and its cap, and the time to answer 30
days of one VM's history.

The sampled run samples every second, ten times the default, so a minute
holds enough rounds to measure; the per-round cost is what matters. The
guests are paused while measured (a paused QEMU is sampled like a running
one), so TCG guests do not drown vlab's figures.

Usage: bench/metrics.py [--vms 20] [--seconds 60] [--rounds 3]
Needs a release build (scripts/build.sh --release) and the test guests
(guests/build.sh). Prints medians; asserts nothing.
"""
import argparse, os, sqlite3, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classroom import ROOT, Vlab, median  # noqa: E402
from classwall import qemu_pids  # noqa: E402

TIERS = [(10, 3600), (60, 86_400), (600, 7 * 86_400), (3600, 30 * 86_400)]


def guests(v, n):
    """N small guests, booted, then paused."""
    vms = []
    for i in range(n):
        vm = v.call("POST", "/api/v1/vms", {"name": f"m{i}", "memory_mib": 128, "kernel": "test-guest", "network": "none"})["data"]["id"]
        vms.append(vm)
    for vm in vms:
        v.wait(v.call("PUT", f"/api/v1/vms/{vm}/state", {"action": "start"})["data"]["id"])
    time.sleep(20)
    for vm in vms:
        v.wait(v.call("PUT", f"/api/v1/vms/{vm}/state", {"action": "pause"})["data"]["id"])
    return vms


def vlab_cpu(v, seconds, rounds):
    """vlab's CPU seconds per wall second, one median over `rounds` windows."""
    out = []
    for _ in range(rounds):
        c0, w0 = v.cpu_seconds(), time.monotonic()
        time.sleep(seconds)
        out.append((v.cpu_seconds() - c0) / (time.monotonic() - w0))
    return median(out)


def stop(v):
    for pid in qemu_pids(v):
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    v.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vms", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    overhead = "qemu_memory_overhead_mib = 96\n"

    v = Vlab(toml=overhead + "metrics_interval_secs = 0\n")
    try:
        guests(v, a.vms)
        anchor = vlab_cpu(v, a.seconds, a.rounds)
    finally:
        stop(v)

    v = Vlab(toml=overhead + "metrics_interval_secs = 1\n")
    try:
        vms = guests(v, a.vms)
        sampled = vlab_cpu(v, a.seconds, a.rounds)
        per_round = max(sampled - anchor, 0.0)  # CPU seconds per second, one round a second
        print(f"VM history: {a.vms} guests (TCG, paused while measured), {a.rounds} windows of {a.seconds} s")
        print(f"  vlab idle, sampling off (anchor)      {anchor * 100:6.2f}% of one core")
        print(f"  vlab sampling every 1 s               {sampled * 100:6.2f}% of one core")
        print(f"  one round of {a.vms} VMs                 {per_round * 1000:6.1f} ms CPU ({per_round * 1000 / a.vms:.2f} ms per VM)")
        at_default = per_round / 10
        print(f"  at the default 10 s interval          {at_default * 100:6.2f}% of one core   target: < 1% -> {'met' if at_default < 0.01 else 'NOT met'}")

        # Growth: bytes per stored row of vlab's own schema, in a SQLite file
        # of their own (the live database is being written meanwhile).
        now = int(time.time())
        rows = []
        for vm in vms:
            for tier, (step, keep) in enumerate(TIERS):
                start = now - keep
                for at in range(start - start % step, now + 1, step):
                    rows.append((vm, tier, at, 1, 12.5, 10.0, 150 << 20, at * 4096, at * 8192, None, None))
        scratch = os.path.join(v.data, "growth.db")
        con = sqlite3.connect(scratch)
        migration = open(os.path.join(ROOT, "server/migrations/0014_vm_samples.sql")).read()
        con.executescript(migration.replace("REFERENCES vms (id) ON DELETE CASCADE", ""))
        con.execute("VACUUM")
        size = lambda: os.path.getsize(scratch)
        before = size()
        con.executemany("INSERT INTO vm_samples VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        con.commit()
        con.execute("VACUUM")
        per_row = (size() - before) / len(rows)
        con.close()
        full = len(rows) / len(vms)
        day_one = sum(min(keep, 86_400) // step + 1 for step, keep in TIERS)
        print(f"  stored rows                           {per_row:6.1f} bytes each (SQLite, with its index)")
        print(f"  growth per VM, first day              {day_one * per_row / 1024:6.1f} KiB ({day_one} rows)")
        print(f"  growth per VM, each later day         {(24 + 144) * per_row / 1024:6.1f} KiB up to a week, {24 * per_row / 1024:.1f} KiB up to 30 days")
        print(f"  cap per VM (30 days and on)           {full * per_row / 1024:6.1f} KiB ({int(full)} rows)")
        # The same 30 days in the live database, for the query below.
        live = sqlite3.connect(os.path.join(v.data, "vlab.db"), timeout=30)
        live.executemany("INSERT OR REPLACE INTO vm_samples VALUES (?,?,?,?,?,?,?,?,?,?,?)", [r for r in rows if r[0] == vms[0]])
        live.commit()
        live.close()

        # 30 days of one VM's history at the default step, against /auth/me.
        def timed(path):
            t = []
            for _ in range(20):
                t0 = time.perf_counter()
                v.call("GET", path)
                t.append(time.perf_counter() - t0)
            return median(t)

        frm = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 30 * 86_400 + 7200))
        history = timed(f"/api/v1/vms/{vms[0]}/metrics/history?from={frm}")
        me = timed("/api/v1/auth/me")
        points = len(v.call("GET", f"/api/v1/vms/{vms[0]}/metrics/history?from={frm}")["data"]["points"])
        print(f"  30 days of history ({points} points)      {history * 1000:6.1f} ms   anchor: GET /auth/me {me * 1000:.1f} ms")
    finally:
        stop(v)


if __name__ == "__main__":
    main()
