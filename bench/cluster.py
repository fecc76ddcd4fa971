#!/usr/bin/python3
"""Benchmarks of vlab on several nodes, each figure beside its anchor
measured in the same run:

  databases  the API on PostgreSQL vs SQLite: GET /auth/me, GET /vms/{id}
             and GET /vms?page_size=100 with 100 VMs (wrk)
  rollout    a lab published to 40 students over two nodes vs one node
             (both on this machine, one PostgreSQL)
  console    VNC throughput (full frames of a booted guest) through the
             node that does not own the VM (relayed) vs its own node

Usage: bench/cluster.py [databases rollout console] [--rounds 3]
Needs a release build (scripts/build.sh --release), PostgreSQL, wrk and
Debian's python3-websockets (scripts/setup.sh test installs them; hence
/usr/bin/python3), and the test guests (guests/build.sh).
Starts its own throwaway PostgreSQL cluster. Prints medians.
"""
import argparse, os, shutil, struct, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classroom import BIN, ROOT, Vlab, course, enrol, median, publish, row, template, timed, wrk, hundred_vms  # noqa: E402


class Postgres:
    """A throwaway cluster (scripts/pg.sh) and fresh databases in it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="vlab-bench-pg-")
        self.admin = subprocess.run(["bash", os.path.join(ROOT, "scripts/pg.sh"), "start", self.dir],
                                    check=True, capture_output=True, text=True).stdout.strip()
        self.n = 0

    def database(self):
        self.n += 1
        name = f"bench{self.n}"
        subprocess.run(["psql", "-q", self.admin, "-c", f"CREATE DATABASE {name}"], check=True)
        return self.admin.replace("/postgres?", f"/{name}?", 1)

    def close(self):
        subprocess.run(["bash", os.path.join(ROOT, "scripts/pg.sh"), "stop", self.dir], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def node(url, name, shared):
    toml = f'node_name = "{name}"\nheartbeat_secs = 1\nnode_timeout_secs = 5\nshared_pool_dir = "{shared}"\n'
    return Vlab(toml=toml, args=("--database-url", url))


def node_ids(v):
    return {n["name"]: n["id"] for n in v.call("GET", "/api/v1/nodes")["data"]}


# --- the benchmarks -------------------------------------------------------------

def bench_databases(pg, rounds):
    lite = Vlab()
    post = Vlab(args=("--database-url", pg.database()))
    try:
        res = {}
        for name, v in (("sqlite", lite), ("postgres", post)):
            vm = hundred_vms(v)
            base, auth = f"http://127.0.0.1:{v.port}", f"Authorization: Bearer {v.token}"
            for what, path in (("me", "/api/v1/auth/me"), ("vm", f"/api/v1/vms/{vm}"), ("list", "/api/v1/vms?page_size=100")):
                res[(name, what)] = [wrk(base + path, auth) for _ in range(rounds)]
    finally:
        lite.close()
        post.close()
    m = {k: tuple(median([r[i] for r in rs]) for i in range(3)) for k, rs in res.items()}
    fmt = lambda r: f"{r[0]:.0f} req/s, p99 {r[2] / 1000:.1f} ms"
    print(f"databases: wrk -t2 -c32, {rounds} rounds x 8 s, medians; the same requests on SQLite (anchor) and PostgreSQL")
    for what, label in (("me", "GET /api/v1/auth/me"), ("vm", "GET /api/v1/vms/{id}"), ("list", "GET /api/v1/vms?page_size=100 (100 VMs)")):
        row(f"{label} on PostgreSQL", fmt(m[("postgres", what)]), f"SQLite {fmt(m[('sqlite', what)])}", "")


def bench_rollout(pg, rounds):
    shared = tempfile.mkdtemp(prefix="vlab-bench-shared-")
    results = {}
    try:
        for layout in ("one node", "two nodes"):
            url = pg.database()
            a = node(url, "a", shared)
            b = node(url, "b", shared) if layout == "two nodes" else None
            try:
                c = course(a, "SPREAD")
                enrol(a, c, 40, "s")
                version = template(a, c)
                times, spread = [], {}
                for r in range(rounds):
                    t0 = time.perf_counter()
                    lab, op = publish(a, c, version, f"lab-{r}")
                    a.wait(op)
                    times.append(time.perf_counter() - t0)
                    for seat in a.call("GET", f"/api/v1/labs/{lab}/seats")["data"]:
                        n = a.call("GET", f"/api/v1/vms/{seat['vm_id']}")["data"]["node_id"]
                        spread[n] = spread.get(n, 0) + 1
                results[layout] = (median(times), sorted(v // rounds for v in spread.values()))
            finally:
                a.close()
                if b:
                    b.close()
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    print(f"rollout: a lab published to 40 students (40 linked clones), {rounds} rounds, medians")
    one, two = results["one node"], results["two nodes"]
    row("two nodes: publish -> operation succeeded", f"{two[0]:.2f} s", f"one node {one[0]:.2f} s", "")
    print(f"  clones per node: two nodes {two[1]}, one node {one[1]}")


async def rfb_frames(url, seconds):
    """RFB 3.8 with no security, shared, raw encoding: full-screen frames
    asked one after another for `seconds`; (frames, bytes, seconds, size)."""
    import websockets
    async with websockets.connect(url, subprotocols=["binary"], max_size=None, compression=None) as ws:
        buf = bytearray()

        async def need(n):
            while len(buf) < n:
                buf.extend(await ws.recv())
            out = bytes(buf[:n]); del buf[:n]; return out

        await need(12); await ws.send(b"RFB 003.008\n")
        count = (await need(1))[0]; types = await need(count)
        assert 1 in types, types
        await ws.send(b"\x01"); assert await need(4) == b"\0\0\0\0"
        await ws.send(b"\x01")
        w, h = struct.unpack(">HH", await need(4)); await need(16)
        await need(struct.unpack(">I", await need(4))[0])
        await ws.send(struct.pack(">BBHi", 2, 0, 1, 0))  # SetEncodings: raw only
        got, n, size = 0, 0, (w, h)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            await ws.send(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
            rects = struct.unpack(">H", (await need(4))[2:])[0]
            for _ in range(rects):
                x, y, rw, rh, enc = struct.unpack(">HHHHi", await need(12))
                size = (rw, rh)
                await need(rw * rh * 4)
                got += 12 + rw * rh * 4
            n += 1
        return n, got, time.perf_counter() - t0, size


def frames(base, token, vm, seconds):
    """Full raw frames per second and MB/s through `base`'s console websocket."""
    import asyncio, json, urllib.request
    req = urllib.request.Request(f"{base}/api/v1/vms/{vm}/console", data=json.dumps({"kind": "vnc"}).encode(), method="POST",
                                 headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
    ticket = json.loads(urllib.request.urlopen(req).read())["data"]
    url = f"{base.replace('http', 'ws')}{ticket['ws_path']}?ticket={ticket['ticket']}"
    n, got, t, size = asyncio.run(rfb_frames(url, seconds))
    return n / t, got / t / 1e6, size


def bench_console(pg, rounds):
    shared = tempfile.mkdtemp(prefix="vlab-bench-shared-")
    url = pg.database()
    a = node(url, "a", shared)
    b = node(url, "b", shared)
    try:
        ids = node_ids(a)
        vm = a.call("POST", "/api/v1/vms", {"name": "screen", "kernel": "test-guest", "memory_mib": 128, "network": "none", "node_id": ids["b"]})["data"]["id"]
        a.wait(a.call("PUT", f"/api/v1/vms/{vm}/state", {"action": "start"})["data"]["id"])
        # Measure the guest's settled screen: wait until it has booted.
        log = os.path.join(b.data, "run", f"vm-{vm}", "serial.log")
        for _ in range(600):
            if os.path.exists(log) and b"VLAB-GUEST-READY" in open(log, "rb").read():
                break
            time.sleep(0.1)
        time.sleep(1)
        direct, relayed = [], []
        for _ in range(rounds):
            direct.append(frames(f"http://127.0.0.1:{b.port}", b.token, vm, 5))
            relayed.append(frames(f"http://127.0.0.1:{a.port}", a.token, vm, 5))
        size = direct[0][2]
        print(f"console: full raw VNC frames of a {size[0]}x{size[1]} guest screen for 5 s, {rounds} rounds, medians")
        fmt = lambda rs: f"{median([r[0] for r in rs]):.0f} frames/s, {median([r[1] for r in rs]):.0f} MB/s"
        row("through node A (relayed to B)", fmt(relayed), f"through B, its own node: {fmt(direct)}", "")
        a.wait(a.call("PUT", f"/api/v1/vms/{vm}/state", {"action": "stop"})["data"]["id"])
    finally:
        a.close()
        b.close()
        shutil.rmtree(shared, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("which", nargs="*", default=["databases", "rollout", "console"])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if not os.access(BIN, os.X_OK):
        sys.exit("no release build: scripts/build.sh --release")
    print(f"vlab cluster benchmarks: {os.cpu_count()} cores, release build, loopback, one PostgreSQL")
    pg = Postgres()
    try:
        for name in a.which:
            globals()[f"bench_{name}"](pg, a.rounds)
    finally:
        pg.close()


if __name__ == "__main__":
    main()
