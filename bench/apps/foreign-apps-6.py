#!/usr/bin/env python3
"""Writes foreign-apps-6.json: 40 hand-written held-out applications (see foreign-apps-6.md).

Every value below was typed by hand, application by application; nothing is drawn at random.
`python3 bench/apps/foreign-apps-6.py > bench/apps/foreign-apps-6.json` rewrites the file byte
for byte.

A phase is (memory_boundness, load, parallelism, duration_s, load_noise, sine_amplitude,
sine_period_s); an application is (name, mlp, base_ipc, power_intensity, [phases]).
"""
import json


def P(m, load, dur, par=1.0, noise=0.0, amp=0.0, period=60.0):
    return (m, load, par, dur, noise, amp, period)


APPS = [
    # --- f6-jit: managed runtimes that start, warm up (interpreter and compiler threads on every
    #     core, compute-bound) and settle into a steady state; a serverless cold start; a deopt
    #     storm; a runtime whose active thread count changes.
    ("f6-jit-00", 2.6, 1.9, 1.4, [P(0.05, 2.0, 8.0), P(0.25, 0.55, 120.0, noise=0.1)]),
    ("f6-jit-01", 3.2, 1.7, 1.3, [P(0.08, 1.4, 3.0, par=0.5), P(0.15, 1.0, 4.0), P(0.30, 0.4, 60.0, noise=0.15)]),
    ("f6-jit-02", 2.2, 2.1, 1.5, [P(0.04, 1.8, 2.0), P(0.10, 1.2, 5.0, noise=0.1), P(0.20, 0.75, 40.0, noise=0.05)]),
    ("f6-jit-03", 3.8, 1.5, 1.25, [P(0.06, 1.5, 1.2), P(0.30, 0.9, 0.8), P(0.10, 0.01, 6.0)]),
    ("f6-jit-04", 2.9, 1.8, 1.35, [P(0.05, 1.6, 10.0), P(0.35, 0.6, 20.0, noise=0.1), P(0.05, 1.3, 0.7),
                                   P(0.35, 0.6, 25.0, noise=0.1)]),
    ("f6-jit-05", 4.1, 1.4, 1.2, [P(0.12, 1.0, 6.0, par=0.25), P(0.12, 1.0, 6.0), P(0.40, 0.5, 12.0, par=0.5, noise=0.2)]),
    ("f6-jit-06", 1.7, 2.6, 1.6, [P(0.03, 1.0, 2.5), P(0.20, 0.15, 3.5, noise=0.4)]),
    ("f6-jit-07", 6.4, 0.9, 1.05, [P(0.02, 2.2, 15.0), P(0.62, 0.85, 180.0, noise=0.05)]),
    # --- f6-etl: batch ETL and storage work: long memory-bound scans with every core nearly
    #     always busy, extracts that mostly wait on I/O, shuffles, joins, backups.
    ("f6-etl-00", 7.2, 0.7, 0.95, [P(0.45, 0.12, 20.0, noise=0.3), P(0.82, 1.0, 45.0), P(0.30, 0.5, 10.0, noise=0.2)]),
    ("f6-etl-01", 9.5, 0.5, 0.85, [P(0.90, 1.0, 90.0), P(0.55, 1.0, 30.0)]),
    ("f6-etl-02", 5.8, 1.1, 1.1, [P(0.70, 1.0, 8.0), P(0.15, 1.0, 2.0)]),
    ("f6-etl-03", 6.7, 0.8, 0.9, [P(0.50, 0.25, 25.0, noise=0.45), P(0.85, 0.95, 5.0)]),
    ("f6-etl-04", 5.1, 1.0, 1.15, [P(0.75, 1.6, 12.0), P(0.40, 0.08, 6.0, noise=0.3), P(0.25, 1.2, 9.0)]),
    ("f6-etl-05", 8.3, 0.6, 1.0, [P(0.35, 1.0, 4.0, par=0.5), P(0.88, 1.0, 20.0)]),
    ("f6-etl-06", 7.7, 0.65, 0.9, [P(0.80, 0.97, 60.0, noise=0.04)]),
    ("f6-etl-07", 2.4, 2.3, 1.45, [P(0.05, 1.0, 30.0, par=0.25), P(0.60, 0.3, 30.0, noise=0.3)]),
    # --- f6-game: game and simulation servers ticking every 16-64 ms (a busy part, then the rest
    #     of the tick idle), a match lifecycle, a zone filling with players, spin-lock contention,
    #     a lock convoy with changing thread counts, a physics tick that nearly overruns.
    ("f6-game-00", 2.7, 1.9, 1.3, [P(0.15, 1.0, 0.012), P(0.25, 0.05, 0.021)]),
    ("f6-game-01", 3.5, 1.6, 1.25, [P(0.20, 1.0, 0.025, noise=0.2), P(0.20, 0.1, 0.039)]),
    ("f6-game-02", 2.0, 2.4, 1.5, [P(0.10, 0.9, 0.009), P(0.10, 0.1, 0.007)]),
    ("f6-game-03", 3.0, 1.7, 1.2, [P(0.20, 0.05, 20.0, noise=0.4), P(0.18, 0.65, 90.0, noise=0.25, amp=0.3, period=30.0),
                                   P(0.40, 1.2, 2.0)]),
    ("f6-game-04", 3.3, 1.6, 1.25, [P(0.22, 0.35, 30.0, noise=0.2), P(0.22, 0.75, 30.0, noise=0.2), P(0.22, 1.1, 8.0)]),
    ("f6-game-05", 4.6, 1.3, 1.15, [P(0.00, 1.0, 0.4), P(0.45, 0.6, 0.9, noise=0.2)]),
    ("f6-game-06", 3.9, 1.45, 1.2, [P(0.05, 1.0, 1.5, par=0.25), P(0.30, 1.0, 2.5), P(0.30, 0.2, 1.0, noise=0.3)]),
    ("f6-game-07", 1.6, 2.8, 1.7, [P(0.05, 1.0, 0.045), P(0.05, 0.3, 0.005)]),
    # --- f6-tier: autoscaled web tiers whose per-node load steps every 10-30 s as replicas come
    #     and go, and sensor ingestion with periodic bursts of 100-300 ms.
    ("f6-tier-00", 3.6, 1.5, 1.1, [P(0.28, 0.3, 15.0, noise=0.1), P(0.28, 0.6, 15.0, noise=0.1),
                                   P(0.28, 0.9, 15.0, noise=0.1), P(0.28, 0.45, 15.0, noise=0.1)]),
    ("f6-tier-01", 2.8, 1.8, 1.2, [P(0.20, 0.8, 10.0, noise=0.1), P(0.20, 0.4, 10.0, noise=0.1), P(0.20, 0.8, 10.0, noise=0.1),
                                   P(0.20, 0.4, 10.0, noise=0.1), P(0.20, 1.2, 10.0)]),
    ("f6-tier-02", 4.3, 1.3, 1.05, [P(0.30, 0.2, 30.0, noise=0.15), P(0.30, 0.95, 30.0, noise=0.15),
                                    P(0.30, 0.5, 30.0, noise=0.15)]),
    ("f6-tier-03", 3.1, 1.6, 1.15, [P(0.25, 0.5, 20.0, amp=0.3, period=7.0), P(0.25, 0.9, 12.0, noise=0.1)]),
    ("f6-sensor-04", 5.2, 1.1, 1.0, [P(0.30, 0.05, 0.8, noise=0.3), P(0.10, 1.5, 0.2)]),
    ("f6-sensor-05", 2.3, 2.2, 1.35, [P(0.20, 0.1, 0.4), P(0.05, 1.0, 0.1)]),
    ("f6-sensor-06", 6.1, 0.9, 0.95, [P(0.20, 0.03, 2.2, noise=0.4), P(0.70, 2.0, 0.3)]),
    ("f6-sensor-07", 2.5, 2.0, 1.3, [P(0.15, 0.2, 1.55, noise=0.2), P(0.08, 1.8, 0.15)]),
    # --- f6-duty: duty-cycled work that alternates 2-4 s of saturated CPU with 2-4 s idle (not
    #     aligned to the second), on part of the CPUs, and compute alternating with memory-bound
    #     passes that keep every core busy.
    ("f6-duty-00", 1.4, 2.9, 1.75, [P(0.02, 1.0, 3.0), P(0.10, 0.01, 3.0)]),
    ("f6-duty-01", 1.9, 2.5, 1.6, [P(0.05, 1.0, 2.0), P(0.10, 0.02, 4.0)]),
    ("f6-duty-02", 1.2, 3.2, 1.85, [P(0.00, 1.0, 4.0), P(0.10, 0.005, 2.0)]),
    ("f6-duty-03", 2.6, 1.9, 1.4, [P(0.10, 1.0, 2.5), P(0.30, 0.05, 3.5, noise=0.5)]),
    ("f6-duty-04", 2.0, 2.3, 1.55, [P(0.04, 1.3, 2.3), P(0.20, 0.03, 2.7)]),
    ("f6-duty-05", 1.8, 2.6, 1.6, [P(0.03, 1.0, 3.2, par=0.5), P(0.10, 0.02, 2.8)]),
    ("f6-duty-06", 6.8, 1.2, 1.1, [P(0.02, 1.0, 3.0), P(0.85, 1.0, 3.0)]),
    ("f6-duty-07", 2.2, 2.2, 1.45, [P(0.06, 1.0, 2.0), P(0.20, 0.1, 2.0, noise=0.3), P(0.06, 1.0, 4.0),
                                    P(0.20, 0.1, 3.0, noise=0.3)]),
]


def main():
    apps = []
    for name, mlp, ipc, power, phases in APPS:
        apps.append({
            "name": name, "split": "test", "mlp": mlp, "base_ipc": ipc, "power_intensity": power,
            "phases": [{"memory_boundness": m, "load": load, "parallelism": par, "duration_s": dur,
                        "load_noise": noise, "load_sine_amplitude": amp, "load_sine_period_s": period}
                       for (m, load, par, dur, noise, amp, period) in phases],
        })
    assert len(apps) == 40 and len({a["name"] for a in apps}) == 40
    print(json.dumps({"format": "flash-apps/1", "apps": apps}, indent=1))


if __name__ == "__main__":
    main()
