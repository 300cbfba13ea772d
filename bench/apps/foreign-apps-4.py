#!/usr/bin/env python3
"""Writes foreign-apps-4.json: 40 hand-written held-out applications (see foreign-apps-4.md).

Every value below was typed by hand, application by application; nothing is drawn at random.
`python3 bench/apps/foreign-apps-4.py > bench/apps/foreign-apps-4.json` rewrites the file byte
for byte.

A phase is (memory_boundness, load, parallelism, duration_s, load_noise, sine_amplitude,
sine_period_s); an application is (name, mlp, base_ipc, power_intensity, [phases]).
"""
import json


def P(m, load, dur, par=1.0, noise=0.0, amp=0.0, period=60.0):
    return (m, load, par, dur, noise, amp, period)


APPS = [
    # --- f4-db: database-like, an OLTP base that waits on I/O, with short CPU spikes
    #     (query compilation, sorts, index builds) and the odd compaction/checkpoint.
    ("f4-db-00", 3.0, 0.9, 1.1, [P(0.45, 0.22, 7.3, noise=0.3), P(0.12, 1.2, 1.4), P(0.40, 0.08, 3.1, noise=0.4),
                                 P(0.15, 1.0, 0.8)]),
    ("f4-db-01", 6.5, 0.7, 0.9, [P(0.55, 0.30, 11.6, noise=0.25), P(0.10, 1.5, 2.6, par=0.5),
                                 P(0.50, 0.85, 9.0, noise=0.1)]),
    ("f4-db-02", 2.2, 1.3, 1.4, [P(0.35, 0.12, 4.4, noise=0.45), P(0.20, 1.1, 0.6), P(0.35, 0.10, 5.2, noise=0.45),
                                 P(0.20, 1.3, 1.7)]),
    ("f4-db-03", 8.0, 0.6, 0.8, [P(0.62, 0.35, 18.0, noise=0.2), P(0.08, 1.0, 3.3, par=0.25),
                                 P(0.62, 0.40, 14.5, noise=0.2)]),
    ("f4-db-04", 4.1, 1.0, 1.2, [P(0.30, 0.05, 9.7, noise=0.5), P(0.05, 2.0, 1.1), P(0.30, 0.05, 2.2, noise=0.5),
                                 P(0.05, 1.6, 0.9)]),
    ("f4-db-05", 5.0, 0.8, 1.0, [P(0.48, 0.25, 25.0, noise=0.3), P(0.55, 1.0, 12.4),
                                 P(0.18, 1.2, 2.0), P(0.48, 0.25, 25.0, noise=0.3)]),
    ("f4-db-06", 1.6, 1.9, 1.5, [P(0.25, 0.45, 6.0, noise=0.35, amp=0.4, period=13.0), P(0.10, 1.4, 1.3, par=0.75)]),
    ("f4-db-07", 9.5, 0.5, 0.7, [P(0.70, 0.18, 3.8, noise=0.4), P(0.30, 0.95, 0.7), P(0.70, 0.18, 6.6, noise=0.4),
                                 P(0.30, 1.05, 2.4), P(0.70, 0.60, 4.0, noise=0.2)]),
    # --- f4-batch: long steady phases and sharp switches (ETL stages, build steps, renders).
    ("f4-batch-00", 1.4, 2.6, 1.6, [P(0.04, 1.0, 95.0), P(0.72, 1.0, 48.0), P(0.30, 0.15, 20.0, noise=0.2)]),
    ("f4-batch-01", 3.3, 1.8, 1.3, [P(0.10, 1.3, 140.0, par=0.5), P(0.10, 1.3, 60.0), P(0.02, 0.02, 30.0)]),
    ("f4-batch-02", 7.2, 0.8, 0.9, [P(0.82, 1.0, 70.0), P(0.05, 1.0, 70.0)]),
    ("f4-batch-03", 2.0, 2.2, 1.8, [P(0.00, 1.0, 37.5), P(0.45, 0.7, 37.5), P(0.00, 1.0, 37.5),
                                    P(0.45, 0.7, 37.5)]),
    ("f4-batch-04", 4.4, 1.5, 1.2, [P(0.20, 2.5, 200.0), P(0.65, 0.3, 5.0)]),
    ("f4-batch-05", 1.1, 3.1, 1.9, [P(0.01, 0.98, 60.0), P(0.01, 0.55, 60.0), P(0.01, 0.98, 60.0),
                                    P(0.01, 0.25, 60.0)]),
    ("f4-batch-06", 5.8, 1.1, 1.0, [P(0.35, 1.0, 45.2), P(0.88, 1.0, 22.9), P(0.12, 1.0, 31.3)]),
    ("f4-batch-07", 2.6, 1.7, 1.4, [P(0.08, 0.9, 120.0, noise=0.05), P(0.08, 0.04, 15.0), P(0.55, 1.0, 80.0)]),
    # --- f4-interactive: a user thinks for seconds, then a request runs for a fraction of a
    #     second to a few seconds (IDE rebuilds, notebook cells, office macros, game turns).
    ("f4-interactive-00", 2.0, 1.6, 1.0, [P(0.15, 0.03, 6.5, noise=0.5), P(0.10, 1.0, 1.8)]),
    ("f4-interactive-01", 3.5, 1.2, 0.9, [P(0.20, 0.05, 12.0, noise=0.4), P(0.05, 1.4, 5.5, par=0.75),
                                          P(0.20, 0.05, 4.0, noise=0.4), P(0.30, 0.8, 0.5)]),
    ("f4-interactive-02", 1.3, 2.4, 1.3, [P(0.10, 0.01, 20.0), P(0.02, 1.0, 8.0)]),
    ("f4-interactive-03", 4.8, 0.9, 0.8, [P(0.40, 0.08, 2.7, noise=0.5), P(0.35, 0.7, 0.9, noise=0.2),
                                          P(0.40, 0.08, 3.9, noise=0.5), P(0.35, 1.1, 1.2)]),
    ("f4-interactive-04", 2.7, 1.4, 1.2, [P(0.05, 0.02, 45.0), P(0.05, 1.2, 3.0), P(0.05, 0.2, 2.0, noise=0.3),
                                          P(0.05, 1.2, 3.0)]),
    ("f4-interactive-05", 6.0, 1.0, 1.1, [P(0.25, 0.12, 9.0, noise=0.45, amp=0.5, period=9.0),
                                          P(0.25, 0.9, 2.2, noise=0.1)]),
    ("f4-interactive-06", 1.8, 2.0, 1.5, [P(0.12, 0.04, 3.3, noise=0.3), P(0.08, 1.0, 0.4),
                                          P(0.12, 0.04, 1.9, noise=0.3), P(0.08, 1.0, 0.6),
                                          P(0.12, 0.04, 14.0, noise=0.3)]),
    ("f4-interactive-07", 3.9, 1.3, 0.95, [P(0.18, 0.15, 30.0, noise=0.2), P(0.12, 0.95, 10.0, noise=0.05),
                                           P(0.18, 0.15, 30.0, noise=0.2)]),
    # --- f4-gc: managed-runtime services with a steady mutator load and periodic collector
    #     stalls (all cores busy and memory-bound while marking), now and then a full collection.
    ("f4-gc-00", 4.0, 1.5, 1.2, [P(0.25, 0.55, 8.8, noise=0.1), P(0.70, 2.0, 0.4)]),
    ("f4-gc-01", 6.0, 1.1, 1.0, [P(0.30, 0.45, 14.0, noise=0.15), P(0.75, 1.8, 0.9),
                                 P(0.30, 0.45, 14.0, noise=0.15), P(0.75, 1.8, 0.9),
                                 P(0.30, 0.45, 14.0, noise=0.15), P(0.80, 1.0, 4.5)]),
    ("f4-gc-02", 2.5, 2.0, 1.5, [P(0.15, 0.70, 4.6, noise=0.08), P(0.65, 2.5, 0.3)]),
    ("f4-gc-03", 8.5, 0.8, 0.85, [P(0.45, 0.35, 22.0, noise=0.2, amp=0.3, period=40.0), P(0.85, 1.5, 1.6)]),
    ("f4-gc-04", 3.2, 1.7, 1.3, [P(0.20, 0.80, 11.0, noise=0.1), P(0.60, 2.0, 0.7, par=0.5)]),
    ("f4-gc-05", 5.5, 1.2, 1.1, [P(0.35, 0.25, 6.1, noise=0.3), P(0.72, 1.6, 0.5), P(0.35, 0.25, 6.1, noise=0.3),
                                 P(0.72, 1.6, 0.5), P(0.35, 0.25, 6.1, noise=0.3), P(0.78, 1.2, 2.8)]),
    ("f4-gc-06", 1.7, 2.8, 1.7, [P(0.05, 0.92, 17.0, noise=0.05), P(0.55, 2.2, 1.1)]),
    ("f4-gc-07", 7.0, 0.9, 0.9, [P(0.50, 0.60, 3.2, noise=0.2), P(0.80, 1.4, 0.25)]),
    # --- f4-tenant: a shared host, the phases are the sums of tenants that come and go (a web
    #     tier with a daily-like sine, a cron batch, a cache warm-up, a noisy neighbour).
    ("f4-tenant-00", 3.0, 1.4, 1.2, [P(0.22, 0.35, 40.0, noise=0.25, amp=0.5, period=25.0),
                                     P(0.12, 1.35, 18.0, noise=0.05), P(0.22, 0.35, 40.0, noise=0.25, amp=0.5, period=25.0)]),
    ("f4-tenant-01", 5.2, 1.0, 1.0, [P(0.50, 0.65, 30.0, noise=0.2, par=0.5), P(0.30, 1.1, 30.0, noise=0.1),
                                     P(0.50, 0.65, 30.0, noise=0.2, par=0.75)]),
    ("f4-tenant-02", 2.4, 1.9, 1.4, [P(0.08, 0.50, 12.5, noise=0.35, amp=0.7, period=11.0), P(0.60, 1.2, 6.5),
                                     P(0.08, 0.50, 12.5, noise=0.35, amp=0.7, period=11.0)]),
    ("f4-tenant-03", 9.0, 0.6, 0.75, [P(0.78, 0.85, 50.0, noise=0.1), P(0.40, 1.0, 25.0, noise=0.05),
                                      P(0.15, 0.4, 25.0, noise=0.4)]),
    ("f4-tenant-04", 1.5, 2.5, 1.6, [P(0.03, 0.20, 5.5, noise=0.5, amp=0.2, period=7.0),
                                     P(0.03, 0.75, 5.5, noise=0.5, amp=0.2, period=7.0)]),
    ("f4-tenant-05", 4.6, 1.3, 1.15, [P(0.28, 0.6, 20.0, noise=0.3, amp=0.4, period=60.0), P(0.28, 2.2, 4.0),
                                      P(0.45, 0.1, 8.0, noise=0.5)]),
    ("f4-tenant-06", 3.7, 1.6, 1.25, [P(0.33, 0.9, 16.0, noise=0.2, amp=0.15, period=5.0),
                                      P(0.10, 0.9, 16.0, noise=0.2, amp=0.15, period=5.0)]),
    ("f4-tenant-07", 6.8, 0.95, 1.05, [P(0.58, 0.30, 9.0, noise=0.4), P(0.05, 1.0, 3.5, par=0.5),
                                       P(0.58, 0.30, 9.0, noise=0.4), P(0.58, 1.3, 9.0), P(0.05, 0.05, 9.0)]),
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
