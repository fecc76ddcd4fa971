#!/usr/bin/env python3
"""Classroom-scale benchmarks for vlab: each figure printed beside its anchor
(measured in the same run on the same server) and its target.

  list     GET /api/v1/vms?page_size=100 with 100 VMs (wrk) vs GET
           /api/v1/auth/me and a static file of the list's size
  csv      a 300-line CSV enrolment (300 new accounts) vs one password hash
  rollout  a lab published to 100 students (100 linked clones) vs 100
           `qemu-img create` overlays made one after another by hand
  stats    course statistics for 200 students x 10 labs vs GET /auth/me
  events   100 students' event streams open while their 100 VMs are started
           and stopped: each gets its own VM's events and no one else's;
           vlab's CPU and memory for it

Usage: bench/classroom.py [list csv rollout stats events] [--rounds 3]
Needs a release build (scripts/build.sh --release), wrk, qemu-img and the
test guests (guests/build.sh). Prints medians; asserts nothing except that
the events went where they belong.
"""
import argparse, http.client, json, os, re, shutil, socket, sqlite3, statistics, subprocess, sys, tempfile, threading, time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/vlab")
SITE = os.path.join(ROOT, "target/site")
GUESTS = os.path.join(ROOT, "guests/out")
CMDLINE = "console=ttyS0 quiet panic=-1"
HZ = os.sysconf("SC_CLK_TCK")
# VMs the events benchmark runs at once (128 MiB guests; host admission counts QEMU's overhead too).
RUNNING = int(os.environ.get("BENCH_RUNNING_VMS", "30"))


def median(xs):
    return statistics.median(xs)


class Vlab:
    def __init__(self, toml="", args=()):
        self.data = tempfile.mkdtemp(prefix="vlab-bench-")
        conf = os.path.join(self.data, "bench.toml")
        with open(conf, "w") as fh:
            fh.write(toml)
        # A site of our own, to drop the same-size static file into.
        self.site = os.path.join(self.data, "site")
        shutil.copytree(SITE, self.site)
        kdir = os.path.join(self.data, "pools/kernels/test-guest")
        os.makedirs(kdir)
        for f in ("vmlinux", "initrd.img"):
            os.symlink(os.path.join(GUESTS, f), os.path.join(kdir, f))
        with open(os.path.join(kdir, "cmdline"), "w") as fh:
            fh.write(CMDLINE)
        s = socket.socket(); s.bind(("127.0.0.1", 0)); self.port = s.getsockname()[1]; s.close()
        env = dict(os.environ, VLAB_ADMIN_PASSWORD="bench-admin-pass", VLAB_API_RATE_LIMIT="100000000", VLAB_LOG="warn")
        self.proc = subprocess.Popen([BIN, "--data-dir", self.data, "--listen", f"127.0.0.1:{self.port}", "--accel", "tcg",
                                      "--site-root", self.site, "--config", conf, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                self.call("GET", "/api/v1/health"); break
            except OSError:
                time.sleep(0.1)
        self.token = self.login("admin", "bench-admin-pass")

    def login(self, username, password):
        return self.call("POST", "/api/v1/auth/login", {"username": username, "password": password}, token=None)["data"]["token"]

    def call(self, method, path, body=None, token="admin", raw=None, ctype="application/json"):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, data=data)
        req.add_header("content-type", ctype)
        tok = getattr(self, "token", None) if token == "admin" else token
        if tok:
            req.add_header("authorization", f"Bearer {tok}")
        with urllib.request.urlopen(req, timeout=600) as r:
            body = r.read()
            return json.loads(body) if body and r.headers.get_content_type() == "application/json" else body

    def wait(self, op, token="admin"):
        while True:
            done = self.call("GET", f"/api/v1/operations/{op}/wait?timeout=120", token=token)["data"]
            if done.get("finished_at"):
                break
        if done["status"] != "succeeded":
            sys.exit(f"operation {op} {done['status']}: {done.get('error')}")
        return done

    def cpu_seconds(self):
        f = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / HZ

    def rss_mib(self, field="VmRSS"):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def close(self):
        self.proc.kill(); self.proc.wait()
        shutil.rmtree(self.data, ignore_errors=True)


# --- helpers ------------------------------------------------------------------

def wrk(url, header=None, duration="8s", conns=32):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}", "--latency"] + (["-H", header] if header else []) + [url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    def us(v):
        n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
        return float(n) * {"us": 1, "ms": 1e3, "s": 1e6}[u]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = us(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = us(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        sys.exit(f"{url}: {bad.group(1)} non-2xx answers")
    return rps, p50, p99


def timed(fn):
    t0 = time.perf_counter(); r = fn(); return time.perf_counter() - t0, r


def course(v, code):
    return v.call("POST", "/api/v1/courses", {"code": code, "title": code})["data"]["id"]


def enrol(v, course_id, n, prefix):
    csv = "".join(f"{prefix}{i:04d},Student {i}\n" for i in range(n)).encode()
    return v.call("POST", f"/api/v1/courses/{course_id}/members/csv", raw=csv, ctype="text/csv")["data"]


def template(v, course_id):
    vm = v.call("POST", "/api/v1/vms", {"name": f"base-{course_id}", "kernel": "test-guest", "memory_mib": 128, "network": "none"})["data"]["id"]
    disk = v.call("POST", "/api/v1/disks", {"name": f"base-{course_id}", "size_mib": 64})["data"]["id"]
    v.call("POST", f"/api/v1/disks/{disk}/attach", {"vm_id": vm})
    tpl = v.call("POST", f"/api/v1/courses/{course_id}/templates", {"name": "busybox", "vm_id": vm})["data"]
    return tpl["versions"][0]["id"]


def publish(v, course_id, version, name, **extra):
    p = v.call("POST", f"/api/v1/courses/{course_id}/labs", {"name": name, "template_version_id": version, **extra})["data"]
    return p["lab"]["id"], p["operation"]["id"]


def row(label, figure, anchor, target):
    print(f"  {label:<48} {figure:>24}" + (f"   anchor: {anchor}" if anchor else "") + (f"   target: {target}" if target else ""))


# --- the benchmarks -------------------------------------------------------------

def hundred_vms(v):
    for n in range(100):
        vm = v.call("POST", "/api/v1/vms", {"name": f"vm-{n}", "network": "user", "port_forwards": [{"protocol": "tcp", "guest_port": 22}]})["data"]["id"]
        if n % 10 == 0:
            d = v.call("POST", "/api/v1/disks", {"name": f"d-{n}", "size_mib": 1})["data"]["id"]
            v.call("POST", f"/api/v1/disks/{d}/attach", {"vm_id": vm})
    return vm


class Churn:
    """Changes a VM `per_second` times a second while it runs, as a class's
    starts, stops and renames would: each change makes kept lists stale."""

    def __init__(self, v, vm, per_second):
        self.v, self.vm, self.gap, self.stop, self.count = v, vm, 1 / per_second, threading.Event(), 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.wait(self.gap):
            self.v.call("PATCH", f"/api/v1/vms/{self.vm}", {"description": f"change {self.count}"})
            self.count += 1

    def __enter__(self):
        self.thread.start(); return self

    def __exit__(self, *_):
        self.stop.set(); self.thread.join()


def bench_list(v, rounds):
    vm = hundred_vms(v)
    # The same VMs on a server that keeps no list pages (list_cache_entries = 0).
    cold = Vlab(toml="list_cache_entries = 0\n")
    try:
        hundred_vms(cold)
        url = "/api/v1/vms?page_size=100"
        size = len(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{v.port}{url}",
                                          headers={"authorization": f"Bearer {v.token}"})).read())
        with open(os.path.join(v.site, "same-size.json"), "wb") as fh:
            fh.write(b"x" * size)
        base, auth = f"http://127.0.0.1:{v.port}", f"Authorization: Bearer {v.token}"
        res = {"static": [], "me": [], "list": [], "churn": [], "cold": []}
        changes = []
        for _ in range(rounds):
            res["static"].append(wrk(f"{base}/same-size.json"))
            res["me"].append(wrk(f"{base}/api/v1/auth/me", auth))
            res["list"].append(wrk(f"{base}{url}", auth))
            with Churn(v, vm, 10) as churn:
                res["churn"].append(wrk(f"{base}{url}", auth))
            changes.append(churn.count)
            res["cold"].append(wrk(f"http://127.0.0.1:{cold.port}{url}", f"Authorization: Bearer {cold.token}"))
    finally:
        cold.close()
    m = {k: tuple(median([r[i] for r in rs]) for i in range(3)) for k, rs in res.items()}
    print(f"list: GET {url}, 100 VMs, {size} bytes; wrk -t2 -c32, {rounds} rounds x 8 s, medians")
    fmt = lambda r: f"{r[0]:.0f} req/s, p99 {r[2] / 1000:.1f} ms"
    anchors = f"/auth/me {m['me'][0]:.0f} req/s; static {m['static'][0]:.0f} req/s"
    target = ">= 5000 req/s, p99 <= 20 ms"
    met = lambda r: "met" if r[0] >= 5000 and r[2] <= 20000 else "NOT met"
    row("list (nothing changing)", fmt(m["list"]), anchors, f"{target}: {met(m['list'])}")
    row(f"list while a VM changes 10/s ({median(changes):.0f} changes)", fmt(m["churn"]), anchors, f"{target}: {met(m['churn'])}")
    row("list, no kept pages (list_cache_entries = 0)", fmt(m["cold"]), anchors, "(for comparison)")
    row("  anchor: GET /api/v1/auth/me", fmt(m["me"]), "", "")
    row(f"  anchor: static file of {size} bytes", fmt(m["static"]), "", "")


def bench_csv(v, rounds):
    # Anchor: one argon2 hash, as the server makes it (a login's verify).
    t_user = []
    v.call("POST", "/api/v1/users", {"username": "hash-anchor", "password": "hash-anchor-pw", "role": "student"})
    for _ in range(5):
        t, _ = timed(lambda: v.login("hash-anchor", "hash-anchor-pw"))
        t_user.append(t)
    times, ops = [], []
    for r in range(rounds):
        c = course(v, f"CSV-{r}")
        t, report = timed(lambda: enrol(v, c, 300, f"c{r}x"))
        assert len(report["created"]) == 300, report
        times.append(t); ops.append(report.get("operation_id"))
    cores = os.cpu_count()
    print(f"csv: a 300-line CSV, 300 new accounts, {rounds} rounds")
    row("300-line CSV enrolment", f"{median(times):.2f} s", f"one login {median(t_user) * 1000:.0f} ms; x300/{cores} cores = {median(t_user) * 300 / cores:.1f} s", "< 10 s")
    print(f"  shown as an operation with progress: {'yes (operation ' + str(ops[-1]) + ')' if all(ops) else 'no'}")


def bench_rollout(v, rounds):
    c = course(v, "ROLL")
    enrol(v, c, 100, "r")
    version = template(v, c)
    times = []
    for r in range(rounds):
        t0 = time.perf_counter()
        lab, op = publish(v, c, version, f"roll-{r}")
        v.wait(op)
        times.append(time.perf_counter() - t0)
    # Anchor: 100 overlays on the same template by hand, one after another.
    backing = os.path.join(v.data, "pools/templates", f"{version}.qcow2")
    tmp = tempfile.mkdtemp(prefix="vlab-overlays-")
    t0 = time.perf_counter()
    for i in range(100):
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", backing, os.path.join(tmp, f"{i}.qcow2")], check=True)
    hand = time.perf_counter() - t0
    shutil.rmtree(tmp)
    print(f"rollout: a lab published to 100 students (100 linked clones), {rounds} rounds")
    row("publish -> operation succeeded", f"{median(times):.2f} s", f"100 qemu-img create by hand {hand:.2f} s", "< 2 s")
    return c


def bench_stats(v, rounds):
    c = course(v, "STATS")
    enrol(v, c, 200, "st")
    version = template(v, c)
    for l in range(10):
        _, op = publish(v, c, version, f"lab-{l}")
        v.wait(op)
    # A term's activity: 5 runs, 3 console sessions and a reset per VM.
    db = sqlite3.connect(os.path.join(v.data, "vlab.db"), timeout=30)
    vms = [r[0] for r in db.execute("SELECT v.id FROM vms v JOIN labs l ON l.id = v.lab_id WHERE l.course_id = ?", (c,))]
    now = int(time.time())
    rows = []
    for vm in vms:
        for k in range(5):
            rows.append((vm, "run", None, now - 86400 * (k + 1), now - 86400 * (k + 1) + 3600))
        for k in range(3):
            rows.append((vm, "console", None, now - 86400 * (k + 1), now - 86400 * (k + 1) + 1200))
        rows.append((vm, "reset", None, now - 3600, None))
    db.executemany("INSERT INTO vm_activity (vm_id, kind, user_id, started_at, ended_at) VALUES (?, ?, ?, ?, ?)", rows)
    db.commit(); db.close()
    stats, me = [], []
    for _ in range(max(rounds, 1) * 10):
        t, s = timed(lambda: v.call("GET", f"/api/v1/courses/{c}/statistics"))
        stats.append(t)
        t, _ = timed(lambda: v.call("GET", "/api/v1/auth/me"))
        me.append(t)
    assert len(s["data"]["rows"]) == 2000, len(s["data"]["rows"])
    print(f"stats: course statistics, 200 students x 10 labs (2000 VMs, {len(rows)} activity rows), {len(stats)} requests")
    row("GET /courses/{id}/statistics", f"{median(stats) * 1000:.1f} ms", f"GET /auth/me {median(me) * 1000:.1f} ms", "< 50 ms")


def bench_events(v, rounds):
    c = course(v, "EVENTS")
    report = enrol(v, c, 100, "ev")
    version = template(v, c)
    lab, op = publish(v, c, version, "events")
    v.wait(op)
    users = {u["username"]: u["user_id"] for u in v.call("GET", f"/api/v1/courses/{c}/members")["data"]}
    tokens, owner_of = {}, {}
    for acc in report["created"]:
        uid = users[acc["username"]]
        v.call("PUT", f"/api/v1/users/{uid}/password", {"new_password": "student-password"})
        tokens[uid] = v.login(acc["username"], "student-password")
    for s in v.call("GET", f"/api/v1/labs/{lab}/seats")["data"]:
        owner_of[s["vm_id"]] = s["user_id"]
    got = {uid: [] for uid in tokens}
    streams, stop = [], threading.Event()

    def listen(uid, tok, ready):
        conn = http.client.HTTPConnection("127.0.0.1", v.port, timeout=120)
        conn.request("GET", "/api/v1/events", headers={"authorization": f"Bearer {tok}", "accept": "text/event-stream"})
        resp = conn.getresponse()
        ready.release()
        streams.append(conn)
        event = None
        while not stop.is_set():
            line = resp.fp.readline()
            if not line:
                break
            line = line.decode().rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event:
                got[uid].append((event, json.loads(line[5:])))

    ready = threading.Semaphore(0)
    threads = [threading.Thread(target=listen, args=(uid, tok, ready), daemon=True) for uid, tok in tokens.items()]
    for t in threads: t.start()
    for _ in threads: ready.acquire()
    time.sleep(1)
    rss0, cpu0 = v.rss_mib(), v.cpu_seconds()
    t0 = time.perf_counter()
    # As many VMs as this host admits at once (QEMU's overhead counts too).
    vm_ids = list(owner_of)[:RUNNING]
    starters = {owner_of[vm] for vm in vm_ids}

    def all_reached(state, within):
        end = time.monotonic() + within
        while time.monotonic() < end:
            if all(any(n == "vm_state" and d.get("state") == state for n, d in got[uid]) for uid in starters):
                return True
            time.sleep(0.5)
        return False

    # The class starts its VMs and stops them again: every student's
    # stream must show their own VM running and then stopped.
    v.call("POST", f"/api/v1/labs/{lab}/bulk", {"action": "start", "vm_ids": vm_ids})
    started = all_reached("running", 600)
    v.call("POST", f"/api/v1/labs/{lab}/bulk", {"action": "stop", "vm_ids": vm_ids})
    stopped = all_reached("stopped", 300)
    took = time.perf_counter() - t0
    time.sleep(1)
    cpu1, rss1 = v.cpu_seconds(), v.rss_mib()
    stop.set()
    for conn in streams:
        try: conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError: pass
    strays, own = 0, 0
    for uid, evs in got.items():
        for name, data in evs:
            vm = data.get("vm_id") or (data.get("operation", {}).get("target_id") if data.get("operation", {}).get("target_kind") == "vm" else None)
            if vm is None:
                continue
            if owner_of.get(vm) == uid:
                own += 1
            else:
                strays += 1
    everyone = all(any((d.get("vm_id") or d.get("operation", {}).get("target_id")) in [k for k, u in owner_of.items() if u == uid] for _, d in evs) for uid, evs in got.items() if uid in starters)
    quiet = all(not any(n == "vm_state" for n, _ in evs) for uid, evs in got.items() if uid not in starters)
    print(f"events: 100 open event streams; {len(vm_ids)} of the lab's VMs started and stopped by two bulk actions")
    print(f"  the other {100 - len(vm_ids)} students heard no VM event: {'yes' if quiet else 'NO'}")
    print(f"  every student saw their VM running: {'yes' if started else 'NO'}; stopped: {'yes' if stopped else 'NO'}")
    row("VM events delivered to their owner", f"{own}", "", "every student gets theirs")
    row("VM events delivered to anyone else", f"{strays}", "", "0")
    print(f"  every student heard about their own VM: {'yes' if everyone else 'NO'}")
    row("vlab CPU (not QEMU) for it all", f"{cpu1 - cpu0:.2f} s CPU", f"over {took:.0f} s wall time", "")
    row("vlab RSS with 100 streams open", f"{rss1:.0f} MiB", f"before the start {rss0:.0f} MiB", "")
    if strays:
        sys.exit("events reached students they do not belong to")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("which", nargs="*", default=["list", "csv", "rollout", "stats", "events"])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    if not os.access(BIN, os.X_OK):
        sys.exit("no release build: scripts/build.sh --release")
    print(f"vlab classroom benchmarks: {os.cpu_count()} cores, release build, loopback")
    for name in a.which:
        v = Vlab()
        try:
            globals()[f"bench_{name}"](v, a.rounds)
        finally:
            v.close()


if __name__ == "__main__":
    main()
