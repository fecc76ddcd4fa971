#!/usr/bin/env python3
"""Engine benchmarks for vlab, each against QEMU started by hand in the same run.

  lifecycle  start -> running through vlab's API vs spawning the same QEMU
             command by hand until QMP `cont` returns (the hand anchor)
  storm      N VMs started at once through the API vs N QEMUs started by
             hand: time until every guest printed its serial marker
  rollout    a lab published to N students (linked clones of an uploaded
             template) and all N started, vs N full copies of the template
             made and booted by hand: provisioning time and time until
             every serial marker

Usage: bench/vmbench.py lifecycle|storm|rollout [--rounds R] [--sizes 10,20] [--students 20]
Needs a release build (scripts/build.sh --release) and the test guests
(guests/build.sh). Guests run under TCG. Prints medians; asserts nothing.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/vlab")
GUESTS = os.path.join(ROOT, "guests/out")
MARKER = b"VLAB-GUEST-READY"
CMDLINE = "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet"


class Vlab:
    def __init__(self):
        self.data = tempfile.mkdtemp(prefix="vlab-bench-")
        kdir = os.path.join(self.data, "pools/kernels/test-guest")
        os.makedirs(kdir)
        for f in ("vmlinux", "initrd.img"):
            os.symlink(os.path.join(GUESTS, f), os.path.join(kdir, f))
        with open(os.path.join(kdir, "cmdline"), "w") as fh:
            fh.write(CMDLINE)
        s = socket.socket(); s.bind(("127.0.0.1", 0)); self.port = s.getsockname()[1]; s.close()
        env = dict(os.environ, VLAB_ADMIN_PASSWORD="bench-admin-pass", VLAB_API_RATE_LIMIT="1000000", VLAB_LOG="warn")
        self.proc = subprocess.Popen([BIN, "--data-dir", self.data, "--listen", f"127.0.0.1:{self.port}", "--accel", "tcg"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.call("GET", "/api/v1/health"); break
            except OSError:
                time.sleep(0.1)
        self.token = self.call("POST", "/api/v1/auth/login", {"username": "admin", "password": "bench-admin-pass"})["data"]["token"]

    def call(self, method, path, body=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        req.add_header("content-type", "application/json")
        if getattr(self, "token", None):
            req.add_header("authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read() or b"null")

    def create_vm(self, name):
        return self.call("POST", "/api/v1/vms", {"name": name, "memory_mib": 128, "kernel": "test-guest", "network": "none"})["data"]["id"]

    def act(self, vm, action):
        op = self.call("PUT", f"/api/v1/vms/{vm}/state", {"action": action})["data"]["id"]
        return self.call("GET", f"/api/v1/operations/{op}/wait?timeout=120")["data"]

    def run_dir(self, vm):
        return os.path.join(self.data, "run", f"vm-{vm}")

    def close(self):
        for d in os.listdir(os.path.join(self.data, "run")) if os.path.isdir(os.path.join(self.data, "run")) else []:
            try:
                pid = int(open(os.path.join(self.data, "run", d, "qemu.pid")).read())
                os.kill(pid, 9)
            except (OSError, ValueError):
                pass
        self.proc.kill(); self.proc.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def qemu_argv(vlab, vm):
    """The exact command line vlab ran for this VM."""
    pid = int(open(os.path.join(vlab.run_dir(vm), "qemu.pid")).read())
    return open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[:-1]


def hand_argv(template, old_dir, new_dir):
    return [a.replace(old_dir.encode(), new_dir.encode()) for a in template]


def connect(path, within=30):
    end = time.monotonic() + within
    while True:
        try:
            s = socket.socket(socket.AF_UNIX); s.connect(path); return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.005)


def qmp_ready(path):
    """Connect, negotiate, `cont`: the point vlab calls `running`."""
    s = connect(path)
    f = s.makefile("rwb")
    f.readline()
    for cmd in ("qmp_capabilities", "cont"):
        f.write(json.dumps({"execute": cmd}).encode() + b"\n"); f.flush()
        while b'"return"' not in f.readline():
            pass
    return s


def wait_marker(path, t0, out, key):
    s = connect(path, within=60)
    buf = b""
    s.settimeout(120)
    while MARKER not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    out[key] = time.monotonic() - t0
    s.close()


def boot_by_hand(runs):
    """Starts QEMU for each (run dir, argv) at once; seconds until every
    guest printed its marker (nan if one did not). Kills them after."""
    out, procs = {}, []
    t0 = time.monotonic()
    for _, argv in runs:
        procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    def go(d):
        q = qmp_ready(os.path.join(d, "qmp.sock"))
        wait_marker(os.path.join(d, "serial.sock"), t0, out, d)
        q.close()
    readers = [threading.Thread(target=go, args=(d,)) for d, _ in runs]
    for th in readers: th.start()
    for th in readers: th.join()
    for p in procs:
        p.kill(); p.wait()
    return max(out.values()) if len(out) == len(runs) else float("nan")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def lifecycle(rounds):
    v = Vlab()
    try:
        vm = v.create_vm("bench")
        api, hand = [], []
        template = None
        for r in range(rounds + 1):  # the first round warms caches and is not counted
            t0 = time.monotonic()
            op = v.act(vm, "start")
            t = time.monotonic() - t0
            assert op["status"] == "succeeded", op
            template = template or qemu_argv(v, vm)
            v.act(vm, "stop")
            hand_dir = tempfile.mkdtemp(prefix="hand-", dir=v.data)
            argv = hand_argv(template, v.run_dir(vm), hand_dir)
            t0 = time.monotonic()
            p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            q = qmp_ready(os.path.join(hand_dir, "qmp.sock"))
            th = time.monotonic() - t0
            q.close(); p.kill(); p.wait()
            if r > 0:
                api.append(t * 1000); hand.append(th * 1000)
        print(f"lifecycle: start -> running, {rounds} rounds, TCG, 128 MiB guest, {os.cpu_count()} cores")
        print(f"  {'path':44} {'median ms':>10} {'min':>8} {'max':>8}")
        print(f"  {'vlab API: PUT state start + operation wait':44} {median(api):10.1f} {min(api):8.1f} {max(api):8.1f}")
        print(f"  {'by hand: same argv, QMP cont (anchor)':44} {median(hand):10.1f} {min(hand):8.1f} {max(hand):8.1f}")
        print(f"  overhead of vlab: {median(api) - median(hand):+.1f} ms median ({median(api) / median(hand):.2f}x)")
    finally:
        v.close()


def storm(sizes, rounds):
    v = Vlab()
    try:
        n_max = max(sizes)
        vms = [v.create_vm(f"storm{i}") for i in range(n_max)]
        # One start through vlab gives the exact argv to reproduce by hand.
        v.act(vms[0], "start"); template = qemu_argv(v, vms[0]); template_dir = v.run_dir(vms[0]); v.act(vms[0], "stop")
        print(f"storm: N guests started at once, time until every serial marker, {rounds} rounds, TCG, 128 MiB each, {os.cpu_count()} cores")
        print(f"  {'N':>3} {'vlab API median s':>18} {'by hand median s (anchor)':>26} {'ratio':>7}")
        for n in sizes:
            api, hand = [], []
            for _ in range(rounds):
                group = vms[:n]
                out, threads = {}, []
                t0 = time.monotonic()
                for vm in group:
                    th = threading.Thread(target=lambda vm=vm: v.call("PUT", f"/api/v1/vms/{vm}/state", {"action": "start"}))
                    th.start(); threads.append(th)
                readers = [threading.Thread(target=wait_marker, args=(os.path.join(v.run_dir(vm), "serial.sock"), t0, out, vm)) for vm in group]
                for th in readers: th.start()
                for th in threads + readers: th.join()
                api.append(max(out.values()) if len(out) == n else float("nan"))
                stoppers = [threading.Thread(target=v.act, args=(vm, "stop")) for vm in group]
                for th in stoppers: th.start()
                for th in stoppers: th.join()

                dirs = [tempfile.mkdtemp(prefix="hand-", dir=v.data) for _ in range(n)]
                hand.append(boot_by_hand([(d, hand_argv(template, template_dir, d)) for d in dirs]))
            print(f"  {n:>3} {median(api):18.2f} {median(hand):26.2f} {median(api) / median(hand):7.2f}")
    finally:
        v.close()


def upload_template(v, course, size_mib):
    """A qcow2 template holding size_mib of random data, sent through the chunked upload."""
    import hashlib
    work = tempfile.mkdtemp(prefix="tpl-", dir=v.data)
    raw, img = os.path.join(work, "data.raw"), os.path.join(work, "t.qcow2")
    with open(raw, "wb") as fh:
        fh.write(os.urandom(size_mib << 20))
    subprocess.run(["qemu-img", "convert", "-q", "-O", "qcow2", raw, img], check=True)
    blob = open(img, "rb").read()
    tpl = v.call("POST", f"/api/v1/courses/{course}/templates", {
        "name": "bench", "kernel": "test-guest", "memory_mib": 128,
        "upload": {"size_bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}})["data"]
    vid = tpl["versions"][0]["id"]
    chunk = 16 << 20
    for off in range(0, len(blob), chunk):
        req = urllib.request.Request(f"http://127.0.0.1:{v.port}/api/v1/template-versions/{vid}/content?offset={off}",
                                     method="PUT", data=blob[off:off + chunk])
        req.add_header("authorization", f"Bearer {v.token}")
        with urllib.request.urlopen(req, timeout=120) as r:
            status = json.loads(r.read())["data"]["status"]
    assert status == "ready", status
    shutil.rmtree(work)
    return vid, os.path.join(v.data, "pools/templates", f"{vid}.qcow2")


def rollout(students, rounds, size_mib=64):
    assert rounds >= 1
    v = Vlab()
    try:
        course = v.call("POST", "/api/v1/courses", {"code": "BENCH", "title": "Roll-out"})["data"]["id"]
        csv = "".join(f"stu{i:03},Student {i}\n" for i in range(students)).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{v.port}/api/v1/courses/{course}/members/csv", method="POST", data=csv)
        req.add_header("authorization", f"Bearer {v.token}"); req.add_header("content-type", "text/csv")
        urllib.request.urlopen(req, timeout=300).read()
        version, template_file = upload_template(v, course, size_mib)
        prov_api, prov_hand, boot_api, boot_hand = [], [], [], []
        argv_template = None

        def by_vlab(r):
            nonlocal argv_template
            # Publish (one operation makes every clone), then start them all.
            t0 = time.monotonic()
            pub = v.call("POST", f"/api/v1/courses/{course}/labs", {"name": f"lab{r}", "template_version_id": version})["data"]
            op = v.call("GET", f"/api/v1/operations/{pub['operation']['id']}/wait?timeout=120")["data"]
            prov_api.append(time.monotonic() - t0)
            assert op["status"] == "succeeded", op
            lab = pub["lab"]["id"]
            vms = [s["vm_id"] for s in v.call("GET", f"/api/v1/labs/{lab}/seats")["data"]]
            out = {}
            t0 = time.monotonic()
            starter = threading.Thread(target=v.call, args=("POST", f"/api/v1/labs/{lab}/bulk", {"action": "start", "vm_ids": vms}))
            starter.start()
            readers = [threading.Thread(target=wait_marker, args=(os.path.join(v.run_dir(vm), "serial.sock"), t0, out, vm)) for vm in vms]
            for th in readers: th.start()
            for th in [starter] + readers: th.join()
            boot_api.append(max(out.values()) if len(out) == len(vms) else float("nan"))
            if argv_template is None:
                argv_template = (qemu_argv(v, vms[0]), v.run_dir(vms[0]))
            v.call("POST", f"/api/v1/labs/{lab}/bulk", {"action": "stop", "vm_ids": vms})
            while any(v.call("GET", f"/api/v1/vms/{vm}")["data"]["state"] != "stopped" for vm in vms):
                time.sleep(0.2)

        def by_hand():
            # Full copies of the template, then the same QEMU command lines on them.
            template, template_dir = argv_template
            disk = [a for a in template if b"pools/disks/" in a][0]
            disk_path = disk.split(b"file.filename=")[1].split(b",")[0]
            dirs = [tempfile.mkdtemp(prefix="hand-", dir=v.data) for _ in range(students)]
            t0 = time.monotonic()
            for d in dirs:
                shutil.copyfile(template_file, os.path.join(d, "disk.qcow2"))
            os.sync()
            prov_hand.append(time.monotonic() - t0)
            on_copy = lambda d: [a.replace(disk_path, os.path.join(d, "disk.qcow2").encode()) for a in hand_argv(template, template_dir, d)]
            boot_hand.append(boot_by_hand([(d, on_copy(d)) for d in dirs]))
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)

        # Alternate which goes first, so neither always runs on a warmer machine.
        for r in range(rounds):
            if r % 2 == 0:
                by_vlab(r); by_hand()
            else:
                by_hand(); by_vlab(r)
        print(f"rollout: a lab for {students} students, template with {size_mib} MiB of data, {rounds} rounds, TCG, 128 MiB guests, {os.cpu_count()} cores")
        print(f"  {'':34} {'vlab median s':>14} {'by hand median s (anchor)':>26} {'ratio':>7}")
        print(f"  {'provision (clones | full copies)':34} {median(prov_api):14.3f} {median(prov_hand):26.3f} {median(prov_api) / median(prov_hand):7.2f}")
        print(f"  {'boot all until every marker':34} {median(boot_api):14.2f} {median(boot_hand):26.2f} {median(boot_api) / median(boot_hand):7.2f}")
        print(f"  per round vlab provision: {', '.join(f'{x:.3f}' for x in prov_api)}; boot: {', '.join(f'{x:.1f}' for x in boot_api)} / hand {', '.join(f'{x:.1f}' for x in boot_hand)}")
    finally:
        v.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("which", choices=["lifecycle", "storm", "rollout"])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--sizes", default="10,20")
    a = ap.parse_args()
    for need in (BIN, os.path.join(GUESTS, "vmlinux")):
        if not os.path.exists(need):
            sys.exit(f"missing {need}: run scripts/build.sh --release and guests/build.sh")
    if a.which == "lifecycle":
        lifecycle(a.rounds or 9)
    elif a.which == "rollout":
        rollout(a.students, a.rounds or 3)
    else:
        storm([int(x) for x in a.sizes.split(",")], a.rounds or 3)


if __name__ == "__main__":
    main()
