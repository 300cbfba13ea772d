#!/usr/bin/env python3
"""Times exec -> READY=1 of a systemd Type=notify service, without systemd.

usage: notify_wait.py LABEL RUNS COMMAND [ARGS...]

Binds a Unix datagram socket, exports it as NOTIFY_SOCKET, starts COMMAND, and measures the time
until a datagram containing the line READY=1 arrives (time.monotonic around fork/exec). The
process is then stopped with SIGTERM. Prints median, min and max over RUNS runs.
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def once(cmd):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "notify")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        s.settimeout(30)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                msg = s.recv(4096).decode(errors="replace")
                if "READY=1" in msg.split("\n"):
                    return time.monotonic() - t0
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
            s.close()


def main():
    label, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    times = [once(cmd) for _ in range(runs)]
    print(f"{label:<18} median {statistics.median(times):.2f} s   min {min(times):.2f} s   "
          f"max {max(times):.2f} s   ({runs} runs)")


if __name__ == "__main__":
    main()
