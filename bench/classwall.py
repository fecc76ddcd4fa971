#!/usr/bin/env python3
"""What the class wall costs: a lab of N students (default 40) with every VM
running, watched the way the wall page watches it (the seats and N
thumbnails, 320 px wide, every 5 s). Figure: the CPU that vlab and all N
QEMUs use while the wall is open, less what they use idle over the same
time (the anchor, measured in the same run). Target: under 20% of one core.

Usage: bench/classwall.py [--students 40] [--seconds 60]
Needs a release build (scripts/build.sh --release) and the test guests
(guests/build.sh). Guests run under TCG. Prints medians; asserts nothing.
"""
import argparse, os, sys, threading, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classroom import Vlab, course, enrol, template, publish, HZ  # noqa: E402


def cpu_of(pids):
    total = 0
    for pid in pids:
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total / HZ


def qemu_pids(v):
    run = os.path.realpath(os.path.join(v.data, "run"))
    pids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if run.encode() in open(f"/proc/{p}/cmdline", "rb").read():
                    pids.append(int(p))
            except OSError:
                pass
    return pids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--seconds", type=int, default=60)
    a = ap.parse_args()
    # Host admission counts QEMU's own overhead per VM (512 MiB by default):
    # these small guests need far less, so a class of 40 fits this host.
    v = Vlab(toml="qemu_memory_overhead_mib = 96\n")
    try:
        c = course(v, "WALL")
        enrol(v, c, a.students, "w")
        version = template(v, c)
        lab, op = publish(v, c, version, "wall")
        v.wait(op)
        seats = v.call("GET", f"/api/v1/labs/{lab}/seats")["data"]
        vms = [s["vm_id"] for s in seats]
        v.call("POST", f"/api/v1/labs/{lab}/bulk", {"action": "start", "vm_ids": vms})
        end = time.monotonic() + 900
        while time.monotonic() < end:
            states = [s["state"] for s in v.call("GET", f"/api/v1/labs/{lab}/seats")["data"]]
            if all(s == "running" for s in states):
                break
            time.sleep(2)
        else:
            sys.exit(f"not all VMs came up: {states}")
        # Let the guests finish booting, then pause them: 40 idle guests under
        # TCG alone fill two cores, which leaves nothing to measure against.
        # A paused guest keeps its screen, so the wall works as it would.
        time.sleep(30)
        for vm in vms:
            op = v.call("PUT", f"/api/v1/vms/{vm}/state", {"action": "pause"})["data"]["id"]
            v.wait(op)
        pids = [v.proc.pid] + qemu_pids(v)
        print(f"class wall: {a.students} booted VMs (TCG, paused while measured), {len(pids) - 1} QEMU processes, {a.seconds} s per window")

        def window(watch):
            stop = threading.Event()
            sizes, shots = [], [0]

            def wall():
                while not stop.is_set():
                    t0 = time.monotonic()
                    v.call("GET", f"/api/v1/labs/{lab}/seats")
                    for vm in vms:
                        req = urllib.request.Request(f"http://127.0.0.1:{v.port}/api/v1/vms/{vm}/screenshot?width=320",
                                                     headers={"authorization": f"Bearer {v.token}"})
                        sizes.append(len(urllib.request.urlopen(req, timeout=60).read()))
                        shots[0] += 1
                    stop.wait(max(0, 5 - (time.monotonic() - t0)))

            t = threading.Thread(target=wall, daemon=True)
            c0, w0 = cpu_of(pids), time.monotonic()
            if watch:
                t.start()
            time.sleep(a.seconds)
            stop.set()
            if watch:
                t.join()
            return (cpu_of(pids) - c0) / (time.monotonic() - w0), shots[0], (sum(sizes) / len(sizes) if sizes else 0)

        idle, wall_on = [], []
        for _ in range(3):
            idle.append(window(False)[0])
            load, shots, size = window(True)
            wall_on.append(load)
        med = lambda xs: sorted(xs)[len(xs) // 2]
        cost = med(wall_on) - med(idle)
        print(f"  vlab + QEMUs idle (anchor)           {med(idle) * 100:6.1f}% of one core")
        print(f"  vlab + QEMUs with the wall open      {med(wall_on) * 100:6.1f}% of one core ({shots} thumbnails per window, {size / 1024:.1f} KiB each)")
        print(f"  the wall's cost                      {cost * 100:6.1f}% of one core   target: < 20% -> {'met' if cost < 0.2 else 'NOT met'}")
        v.call("POST", f"/api/v1/labs/{lab}/bulk", {"action": "stop", "vm_ids": vms})
    finally:
        for pid in qemu_pids(v):
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        v.close()


if __name__ == "__main__":
    main()
