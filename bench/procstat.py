#!/usr/bin/env python3
"""Samples CPU time and resident memory of processes from /proc over a fixed window.

usage: procstat.py SECONDS NAME=PID [NAME=PID ...]

CPU: (utime + stime) from /proc/PID/stat (fields 14, 15, clock ticks) at the start and the end
of the window, as a percentage of one core; children's waited-for time (cutime + cstime) is
shown apart. RSS: VmRSS from /proc/PID/status once a second, mean and max. Threads: Threads
from /proc/PID/status at the end.
"""
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    # fields[0] is field 3 (state): utime is field 14 -> index 11
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main():
    window = float(sys.argv[1])
    procs = [a.split("=", 1) for a in sys.argv[2:]]
    start = {name: stat(pid) for name, pid in procs}
    rss = {name: [] for name, _ in procs}
    t0 = time.monotonic()
    while time.monotonic() - t0 < window:
        for name, pid in procs:
            rss[name].append(status(pid, "VmRSS"))
        time.sleep(1)
    elapsed = time.monotonic() - t0
    end = {name: stat(pid) for name, pid in procs}
    print(f"window {elapsed:.1f} s, clock tick {1000 / HZ:.0f} ms "
          f"(one tick over the window = {100 / HZ / elapsed:.3f} % of one core)")
    print(f"{'process':<22} {'CPU % of one core':>18} {'children CPU %':>15} "
          f"{'RSS MiB mean':>13} {'RSS MiB max':>12} {'threads':>8}")
    for name, pid in procs:
        cpu = (end[name][0] - start[name][0]) / HZ / elapsed * 100
        child = (end[name][1] - start[name][1]) / HZ / elapsed * 100
        r = rss[name]
        print(f"{name:<22} {cpu:>18.3f} {child:>15.3f} {sum(r) / len(r) / 1024:>13.1f} "
              f"{max(r) / 1024:>12.1f} {status(pid, 'Threads'):>8}")


if __name__ == "__main__":
    main()
