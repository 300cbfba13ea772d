#!/usr/bin/env python3
"""CPU time of a process split by thread, over a fixed window, from /proc.

usage: procthreads.py SECONDS NAME=PID [NAME=PID ...]

Per thread (/proc/PID/task/TID): the CPU time from schedstat (field 1, nanoseconds: the
scheduler's own account, not the 10 ms clock ticks) and the number of times it ran (field 3:
each wake-up counts), at the start and the end of the window. Threads are grouped by their
comm name with the digits taken out ("GC Thread#0" and "GC Thread#1" add up); the JVM's main
thread is the process's own name ("java"): flashd's loop. A thread that ends inside the window
shows as "(exited)"; one that starts inside it counts from zero. The process's total from
/proc/PID/stat (utime + stime, 10 ms clock ticks) is shown beside the threads' sum as a check,
and the CPU since the process started (start-up and JIT warm-up included) with its age.
RSS: VmRSS at the end (bench/procstat.py samples it once a second).
"""
import os
import re
import sys
import time

from procstat import HZ, stat, status  # this directory's: /proc/PID/stat and /proc/PID/status


def threads(pid):
    """{tid: (group name, cpu ns, runs)} of the live threads of pid."""
    out = {}
    base = f"/proc/{pid}/task"
    for tid in os.listdir(base):
        try:
            with open(f"{base}/{tid}/comm") as f:
                comm = f.read().strip()
            with open(f"{base}/{tid}/schedstat") as f:
                ns, _wait, runs = (int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended while listed
        out[tid] = (re.sub(r"[#\-_ ]?\d+$", "", comm) or comm, ns, runs)
    return out


def proc_ticks(pid):
    return stat(pid)[0]


def since_start(pid):
    """(CPU seconds, age seconds) of pid since it started (utime + stime; starttime, field 22)."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    start = int(text[text.rindex(")") + 2:].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return stat(pid)[0] / HZ, uptime - start / HZ


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    window = float(sys.argv[1])
    procs = [a.split("=", 1) for a in sys.argv[2:]]
    start = {name: (threads(pid), proc_ticks(pid)) for name, pid in procs}
    t0 = time.monotonic()
    time.sleep(window)
    elapsed = time.monotonic() - t0
    end = {name: (threads(pid), proc_ticks(pid)) for name, pid in procs}
    print(f"window {elapsed:.1f} s; % = CPU time / window (of one core); runs/s = wake-ups a second")
    for name, pid in procs:
        (t_start, k_start), (t_end, k_end) = start[name], end[name]
        groups = {}
        for tid, (group, ns, runs) in t_end.items():
            ns0, runs0 = (t_start[tid][1], t_start[tid][2]) if tid in t_start else (0, 0)
            g = groups.setdefault(group, [0, 0, 0])
            g[0] += ns - ns0
            g[1] += runs - runs0
            g[2] += 1
        gone = [t_start[tid] for tid in t_start if tid not in t_end]
        if gone:
            groups["(exited)"] = [0, 0, len(gone)]  # their time after the start is not readable
        total_ns = sum(g[0] for g in groups.values())
        ticks_pct = (k_end - k_start) / HZ / elapsed * 100
        cpu_all, age = since_start(pid)
        print(f"\n{name} (pid {pid}): threads' sum {total_ns / elapsed / 1e7:.4f} %, "
              f"/proc/PID/stat {ticks_pct:.3f} % ({k_end - k_start} clock ticks), "
              f"VmRSS {status(pid, 'VmRSS') / 1024:.1f} MiB, {len(t_end)} threads; "
              f"since its start {cpu_all:.2f} s of CPU in {age:.0f} s")
        print(f"  {'thread':<18} {'n':>3} {'CPU ms':>9} {'% core':>8} {'share':>6} {'runs/s':>7} {'us/run':>7}")
        for group, (ns, runs, n) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
            share = ns / total_ns * 100 if total_ns else 0
            per_run = ns / runs / 1e3 if runs else 0
            print(f"  {group:<18} {n:>3} {ns / 1e6:>9.1f} {ns / elapsed / 1e7:>8.4f} {share:>5.1f}% "
                  f"{runs / elapsed:>7.2f} {per_run:>7.1f}")


if __name__ == "__main__":
    main()
