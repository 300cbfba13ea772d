#!/usr/bin/env python3
"""Times one-shot commands from the outside: exec -> the answer's last byte on stdout -> exit.

usage: first_answer.py RUNS OUT.tsv -- COMMAND [ARG ...]

Runs COMMAND RUNS times, one after the other, stdout read through a pipe as it arrives, stderr
kept. Per run, one line of OUT.tsv (tab-separated, milliseconds):

  exec_to_last_byte   from just before exec to the read that returned the last byte of stdout
  exec_to_exit        from just before exec to the exit (os.wait4)
  cpu                 CPU of the process and of the children it waited for (the launcher's
                      shell commands): ru_utime + ru_stime of wait4, which Linux derives from
                      the scheduler's nanosecond run time (not 10 ms ticks)
  jvm_start_to_last_byte  from the JVM's own start to the last byte, when the command printed
                      "jvm-start-monotonic-ns N" on stderr (flash does with -Dflash.timing=true:
                      N = System.nanoTime() - RuntimeMXBean uptime, i.e. HotSpot's os::init at the
                      start of creating the VM, millisecond resolution); else "-"
  exec_to_jvm_start   the same difference from the exec side (launcher shell, java launcher,
                      libjvm loading); else "-"
  exit_code

Both sides read CLOCK_MONOTONIC (time.monotonic_ns here, System.nanoTime in the JVM). The last
run's stderr is kept in OUT.tsv.err and every run's "flash: timing:" line in OUT.tsv.timing.
A run that exits non-zero stops the script (exit 1).
"""
import os
import re
import subprocess
import sys
import time


def one(cmd):
    t0 = time.monotonic_ns()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    last = None
    fd = p.stdout.fileno()
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        last = time.monotonic_ns()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    t_exit = time.monotonic_ns()
    p.returncode = os.waitstatus_to_exitcode(status)
    err = err.decode("utf-8", "replace")
    m = re.search(r"jvm-start-monotonic-ns (\d+)", err)
    jvm = int(m.group(1)) if m else None
    ms = lambda ns: "%.2f" % (ns / 1e6)
    row = [
        ms(last - t0) if last else "-",
        ms(t_exit - t0),
        "%.2f" % ((usage.ru_utime + usage.ru_stime) * 1e3),
        ms(last - jvm) if (jvm and last) else "-",
        ms(jvm - t0) if jvm else "-",
        str(p.returncode),
    ]
    timing = [l for l in err.splitlines() if l.startswith("flash: timing:")]
    return row, err, timing, p.returncode


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    runs, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
    with open(out, "w") as f, open(out + ".timing", "w") as tf:
        for _ in range(runs):
            row, err, timing, code = one(cmd)
            f.write("\t".join(row) + "\n")
            for l in timing:
                tf.write(l + "\n")
            with open(out + ".err", "w") as ef:
                ef.write(err)
            if code != 0:
                sys.stderr.write(err)
                sys.exit(1)


if __name__ == "__main__":
    main()
