#!/usr/bin/env python3
"""Writes foreign-apps-5.json: 40 hand-written held-out applications (see foreign-apps-5.md).

Every value below was typed by hand, application by application; nothing is drawn at random.
`python3 bench/apps/foreign-apps-5.py > bench/apps/foreign-apps-5.json` rewrites the file byte
for byte.

A phase is (memory_boundness, load, parallelism, duration_s, load_noise, sine_amplitude,
sine_period_s); an application is (name, mlp, base_ipc, power_intensity, [phases]).
"""
import json


def P(m, load, dur, par=1.0, noise=0.0, amp=0.0, period=60.0):
    return (m, load, par, dur, noise, amp, period)


APPS = [
    # --- f5-video: encoders and transcoders. A group of pictures repeats: an intra frame
    #     (compute-heavy, all cores), predicted frames (motion search, lighter), bidirectional
    #     frames (lightest, more memory traffic); live encoders idle between segments.
    ("f5-video-00", 2.1, 2.3, 1.6, [P(0.05, 1.6, 0.12), P(0.20, 0.85, 0.30), P(0.30, 0.55, 0.55)]),
    ("f5-video-01", 2.8, 2.0, 1.5, [P(0.08, 1.2, 0.25), P(0.22, 0.9, 0.45, noise=0.1), P(0.35, 0.6, 0.8, noise=0.1),
                                    P(0.22, 0.9, 0.45, noise=0.1)]),
    ("f5-video-02", 1.9, 2.6, 1.7, [P(0.04, 2.4, 0.2), P(0.18, 1.1, 1.3, noise=0.05)]),
    ("f5-video-03", 3.6, 1.6, 1.3, [P(0.10, 1.0, 2.0, par=0.5), P(0.40, 0.02, 2.0), P(0.10, 1.0, 2.0, par=0.5),
                                    P(0.40, 0.02, 4.0)]),
    ("f5-video-04", 2.4, 2.2, 1.45, [P(0.06, 1.3, 0.08), P(0.25, 0.7, 0.16), P(0.33, 0.45, 0.16),
                                     P(0.25, 0.7, 0.16), P(0.33, 0.45, 0.16)]),
    ("f5-video-05", 4.5, 1.3, 1.2, [P(0.15, 0.95, 6.0, noise=0.05), P(0.55, 0.95, 3.0, noise=0.05),
                                    P(0.15, 0.3, 1.0)]),
    ("f5-video-06", 1.5, 2.9, 1.8, [P(0.02, 3.0, 1.5), P(0.12, 0.8, 4.5, noise=0.15), P(0.02, 3.0, 1.5),
                                    P(0.45, 0.05, 9.0)]),
    ("f5-video-07", 3.1, 1.8, 1.35, [P(0.09, 0.7, 0.9, par=0.75, noise=0.2), P(0.28, 0.45, 0.4, noise=0.2),
                                     P(0.09, 1.05, 0.3)]),
    # --- f5-infer: model serving. Requests are batched: a batch fills (near idle, a little
    #     tokenising), then runs for tens to hundreds of milliseconds (matrix products that are
    #     memory-bound at small batch sizes, compute-bound at large ones).
    ("f5-infer-00", 7.5, 0.9, 1.3, [P(0.20, 0.06, 0.35, noise=0.3), P(0.72, 1.0, 0.15)]),
    ("f5-infer-01", 8.8, 0.7, 1.2, [P(0.15, 0.04, 0.8, noise=0.4), P(0.80, 1.0, 0.2)]),
    ("f5-infer-02", 2.3, 2.4, 1.9, [P(0.10, 0.1, 1.2, noise=0.3), P(0.18, 1.0, 0.6), P(0.10, 0.1, 0.4, noise=0.3),
                                    P(0.18, 1.0, 0.9)]),
    ("f5-infer-03", 6.2, 1.0, 1.4, [P(0.60, 0.75, 25.0, noise=0.1, amp=0.2, period=17.0),
                                    P(0.60, 0.2, 5.0, noise=0.2)]),
    ("f5-infer-04", 3.0, 1.9, 1.6, [P(0.25, 0.02, 2.8), P(0.35, 1.0, 0.45), P(0.25, 0.02, 0.7), P(0.35, 1.0, 0.45),
                                    P(0.25, 0.02, 5.5)]),
    ("f5-infer-05", 9.2, 0.6, 1.0, [P(0.88, 1.0, 12.0), P(0.30, 0.3, 3.0, noise=0.3)]),
    ("f5-infer-06", 4.0, 1.5, 1.5, [P(0.40, 0.55, 0.5, noise=0.2), P(0.50, 1.0, 0.5), P(0.40, 0.35, 0.5, noise=0.2),
                                    P(0.50, 1.0, 1.0), P(0.40, 0.15, 2.5, noise=0.2)]),
    ("f5-infer-07", 5.4, 1.1, 1.35, [P(0.45, 0.9, 40.0, par=0.25, noise=0.05), P(0.45, 0.9, 40.0, par=0.5, noise=0.05),
                                     P(0.10, 0.01, 10.0)]),
    # --- f5-cron: hosts whose work comes from schedulers: a job every 10-60 s, log rotation,
    #     backups, LSM compaction storms that take every core for a few seconds, GC storms of
    #     back-to-back collections.
    ("f5-cron-00", 2.0, 1.7, 1.1, [P(0.05, 0.01, 14.5), P(0.15, 1.0, 0.5)]),
    ("f5-cron-01", 3.4, 1.4, 1.0, [P(0.10, 0.03, 27.0, noise=0.2), P(0.30, 1.2, 3.0), P(0.10, 0.03, 28.0, noise=0.2),
                                   P(0.65, 1.0, 2.0)]),
    ("f5-cron-02", 6.6, 0.8, 0.9, [P(0.40, 0.15, 8.0, noise=0.35), P(0.66, 2.5, 4.0), P(0.40, 0.15, 8.0, noise=0.35),
                                   P(0.66, 2.5, 1.5)]),
    ("f5-cron-03", 5.1, 1.2, 1.2, [P(0.35, 0.5, 9.0, noise=0.1), P(0.70, 1.5, 0.35), P(0.35, 0.5, 0.4, noise=0.1),
                                   P(0.70, 1.5, 0.35), P(0.35, 0.5, 0.4, noise=0.1), P(0.70, 1.5, 0.35)]),
    ("f5-cron-04", 1.2, 3.0, 1.7, [P(0.00, 0.005, 59.0), P(0.02, 1.0, 1.0)]),
    ("f5-cron-05", 4.2, 1.3, 1.05, [P(0.30, 0.2, 4.0, noise=0.3), P(0.25, 0.9, 4.0, noise=0.1), P(0.30, 0.2, 4.0, noise=0.3),
                                    P(0.12, 1.1, 4.0, par=0.5)]),
    ("f5-cron-06", 7.9, 0.7, 0.85, [P(0.75, 1.0, 7.0), P(0.20, 1.0, 7.0), P(0.50, 0.04, 16.0)]),
    ("f5-cron-07", 2.6, 2.1, 1.3, [P(0.08, 0.08, 19.0, noise=0.5), P(0.08, 0.7, 1.1, noise=0.1),
                                   P(0.08, 0.08, 2.0, noise=0.5), P(0.08, 1.3, 1.1)]),
    # --- f5-web: web and API tiers. A diurnal-like ramp (a sine of 60-300 s over a base),
    #     flash crowds shorter than a second, a cache stampede, a checkout tier whose phases change
    #     every 1-3 s.
    ("f5-web-00", 3.3, 1.5, 1.1, [P(0.30, 0.45, 600.0, noise=0.15, amp=0.8, period=120.0)]),
    ("f5-web-01", 4.7, 1.2, 1.0, [P(0.38, 0.55, 300.0, noise=0.2, amp=0.9, period=64.0)]),
    ("f5-web-02", 2.2, 1.8, 1.25, [P(0.20, 0.3, 2.6, noise=0.2), P(0.10, 1.6, 0.3), P(0.20, 0.3, 3.7, noise=0.2),
                                   P(0.10, 1.2, 0.7)]),
    ("f5-web-03", 3.9, 1.4, 1.15, [P(0.28, 0.4, 1.0, noise=0.1), P(0.15, 0.95, 2.0), P(0.35, 0.6, 3.0, noise=0.1),
                                   P(0.15, 0.95, 1.5), P(0.28, 0.2, 2.5, noise=0.1)]),
    ("f5-web-04", 5.6, 1.0, 0.95, [P(0.45, 0.25, 200.0, noise=0.3, amp=0.7, period=200.0)]),
    ("f5-web-05", 1.8, 2.2, 1.4, [P(0.12, 0.6, 1.3, noise=0.25), P(0.06, 1.0, 1.7), P(0.12, 0.6, 2.1, noise=0.25),
                                  P(0.06, 1.0, 1.2), P(0.12, 0.35, 2.9, noise=0.25)]),
    ("f5-web-06", 2.9, 1.6, 1.2, [P(0.25, 0.05, 11.0, noise=0.4), P(0.15, 1.8, 0.6), P(0.25, 0.05, 0.9, noise=0.4),
                                  P(0.15, 1.8, 0.6)]),
    ("f5-web-07", 4.4, 1.3, 1.1, [P(0.33, 0.7, 90.0, noise=0.1, amp=0.45, period=90.0, par=0.5),
                                  P(0.33, 0.7, 90.0, noise=0.1, amp=0.45, period=90.0)]),
    # --- f5-stream: memory-bound streams and sparse hosts: scans and copies (m 0.7-0.95),
    #     sensors and agents that idle for minutes with a rare spike, a sort whose passes
    #     alternate compute and merge.
    ("f5-stream-00", 9.8, 0.4, 0.8, [P(0.93, 1.0, 40.0)]),
    ("f5-stream-01", 8.1, 0.5, 0.85, [P(0.85, 0.7, 15.0, noise=0.1), P(0.90, 1.0, 15.0)]),
    ("f5-stream-02", 1.1, 2.7, 1.5, [P(0.02, 0.003, 80.0), P(0.04, 1.0, 1.6)]),
    ("f5-stream-03", 1.4, 2.5, 1.6, [P(0.03, 0.02, 37.0, noise=0.5), P(0.05, 1.0, 0.25), P(0.03, 0.02, 1.2, noise=0.5),
                                     P(0.05, 1.0, 0.25)]),
    ("f5-stream-04", 6.9, 0.8, 1.0, [P(0.78, 1.0, 2.0), P(0.08, 1.0, 1.0), P(0.78, 1.0, 2.0), P(0.08, 1.0, 3.0)]),
    ("f5-stream-05", 7.3, 0.6, 0.9, [P(0.82, 0.45, 20.0, noise=0.15, par=0.75), P(0.82, 1.4, 5.0)]),
    ("f5-stream-06", 2.5, 2.0, 1.3, [P(0.15, 0.01, 150.0), P(0.10, 0.6, 3.0, noise=0.2), P(0.02, 1.0, 2.0)]),
    ("f5-stream-07", 5.9, 1.0, 1.0, [P(0.60, 1.0, 1.4), P(0.20, 0.5, 1.1, noise=0.3), P(0.90, 1.0, 2.3),
                                     P(0.20, 0.5, 2.7, noise=0.3)]),
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
