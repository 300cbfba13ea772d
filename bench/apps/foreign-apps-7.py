#!/usr/bin/env python3
"""Writes foreign-apps-7.json: 40 hand-written held-out applications (see foreign-apps-7.md).

Every value below was typed by hand, application by application; nothing is drawn at random.
`python3 bench/apps/foreign-apps-7.py > bench/apps/foreign-apps-7.json` rewrites the file byte
for byte.

A phase is (memory_boundness, load, parallelism, duration_s, load_noise, sine_amplitude,
sine_period_s); an application is (name, mlp, base_ipc, power_intensity, [phases]).

The common thread: services whose CPU is partly busy most of the time and whose work also
arrives in saturated stretches shorter than a second (a GC pause, a batch, a key frame, a
micro-batch, a cron job), so that a one-second sample reads a partial load; mixed with plain
phases (steady, noisy or sine loads of 5-40 s).
"""
import json


def P(m, load, dur, par=1.0, noise=0.0, amp=0.0, period=60.0):
    return (m, load, par, dur, noise, amp, period)


APPS = [
    # --- f7-gc: JVM / Go services serving at 0.3-0.7 of a CPU, with stop-the-world or parallel
    #     GC pauses of 40-400 ms (every core, compute- and memory-heavy) every 1.3-9 s; a full
    #     GC of 1.2 s now and then; one service whose heap fills faster under a sine load.
    ("f7-gc-00", 3.1, 1.7, 1.25, [P(0.25, 0.55, 3.7, noise=0.1), P(0.45, 2.0, 0.15)]),
    ("f7-gc-01", 2.7, 1.9, 1.3, [P(0.20, 0.4, 1.9, noise=0.15), P(0.50, 1.8, 0.08), P(0.20, 0.45, 2.3, noise=0.15),
                                 P(0.50, 1.8, 0.11)]),
    ("f7-gc-02", 4.2, 1.4, 1.15, [P(0.30, 0.65, 8.6, noise=0.08), P(0.55, 2.5, 0.35)]),
    ("f7-gc-03", 3.5, 1.6, 1.2, [P(0.22, 0.5, 5.2, noise=0.1), P(0.48, 2.0, 0.12), P(0.22, 0.5, 5.9, noise=0.1),
                                 P(0.48, 2.0, 0.12), P(0.22, 0.5, 4.4, noise=0.1), P(0.60, 1.5, 1.2)]),
    ("f7-gc-04", 2.2, 2.3, 1.4, [P(0.15, 0.35, 1.25, noise=0.2), P(0.40, 3.0, 0.045)]),
    ("f7-gc-05", 5.0, 1.2, 1.1, [P(0.35, 0.6, 20.0, noise=0.05), P(0.35, 0.6, 2.8, noise=0.05), P(0.65, 2.0, 0.4),
                                 P(0.35, 0.6, 3.1, noise=0.05), P(0.65, 2.0, 0.4)]),
    ("f7-gc-06", 2.9, 1.8, 1.3, [P(0.18, 0.45, 6.5, amp=0.4, period=13.0), P(0.42, 1.6, 0.22)]),
    ("f7-gc-07", 3.8, 1.5, 1.2, [P(0.28, 0.7, 2.6, noise=0.1, par=0.5), P(0.50, 2.2, 0.07)]),
    # --- f7-batch: RPC and queue consumers that gather requests while doing light work
    #     (0.2-0.5) and process each batch saturated for 0.12-0.7 s; batch periods of 0.45-2.9 s
    #     that drift against the one-second tick; a consumer that backs up into a 12 s drain.
    ("f7-batch-00", 2.5, 2.0, 1.35, [P(0.12, 0.3, 0.95, noise=0.2), P(0.10, 1.3, 0.35)]),
    ("f7-batch-01", 3.3, 1.6, 1.25, [P(0.20, 0.45, 1.6, noise=0.15), P(0.15, 1.5, 0.25)]),
    ("f7-batch-02", 2.1, 2.4, 1.45, [P(0.10, 0.25, 0.33, noise=0.2), P(0.08, 1.2, 0.12)]),
    ("f7-batch-03", 4.4, 1.3, 1.15, [P(0.30, 0.35, 2.2, noise=0.2), P(0.35, 1.4, 0.7)]),
    ("f7-batch-04", 2.8, 1.8, 1.3, [P(0.18, 0.4, 1.15, noise=0.1), P(0.12, 1.6, 0.2), P(0.18, 0.4, 1.15, noise=0.1),
                                    P(0.12, 1.6, 0.2), P(0.12, 1.1, 12.0), P(0.18, 0.2, 15.0, noise=0.3)]),
    ("f7-batch-05", 1.9, 2.6, 1.5, [P(0.06, 0.5, 2.5, noise=0.1), P(0.06, 2.0, 0.4)]),
    ("f7-batch-06", 3.6, 1.5, 1.2, [P(0.25, 0.2, 0.6, noise=0.3, par=0.5), P(0.20, 1.0, 0.3, par=0.5)]),
    ("f7-batch-07", 2.4, 2.1, 1.35, [P(0.14, 0.55, 25.0, noise=0.1), P(0.14, 0.3, 1.3, noise=0.2), P(0.10, 1.4, 0.45)]),
    # --- f7-frame: frame pipelines at 24-120 frames a second (each frame a saturated part and a
    #     lighter part), with key frames or scene cuts of 60-300 ms every 0.5-4 s, a renderer
    #     whose frame time nearly fills the frame, and a camera feed that pauses.
    ("f7-frame-00", 2.0, 2.5, 1.55, [P(0.08, 1.4, 0.011), P(0.20, 0.3, 0.0057)]),
    ("f7-frame-01", 2.6, 2.1, 1.45, [P(0.10, 0.45, 1.9, noise=0.1), P(0.05, 1.8, 0.1)]),
    ("f7-frame-02", 1.7, 2.8, 1.65, [P(0.05, 1.0, 0.028), P(0.15, 0.2, 0.0137), P(0.05, 1.0, 0.028),
                                     P(0.15, 0.2, 0.0137), P(0.04, 1.5, 0.25)]),
    ("f7-frame-03", 3.0, 1.8, 1.35, [P(0.12, 0.6, 3.7, noise=0.05), P(0.06, 2.2, 0.3)]),
    ("f7-frame-04", 2.3, 2.2, 1.5, [P(0.07, 1.2, 0.0075), P(0.25, 0.4, 0.001)]),
    ("f7-frame-05", 1.5, 3.0, 1.8, [P(0.03, 0.5, 0.45), P(0.03, 1.6, 0.06), P(0.03, 0.5, 0.52), P(0.03, 1.6, 0.06),
                                    P(0.03, 0.02, 6.0)]),
    ("f7-frame-06", 2.9, 1.9, 1.4, [P(0.15, 0.7, 30.0, noise=0.05), P(0.12, 0.5, 1.1, noise=0.1), P(0.06, 1.7, 0.16)]),
    ("f7-frame-07", 2.2, 2.3, 1.5, [P(0.09, 0.35, 0.8, noise=0.15, par=0.75), P(0.05, 1.4, 0.09, par=0.75)]),
    # --- f7-mb: inference micro-batches on a host that also pre- and post-processes (0.3-0.6
    #     busy): each micro-batch saturates for 30-250 ms, some memory-bound (large embeddings),
    #     arriving every 0.3-1.7 s; a model reload of 2 s; an autoregressive decoder stepping.
    ("f7-mb-00", 6.8, 0.9, 1.3, [P(0.30, 0.4, 0.7, noise=0.15), P(0.70, 1.5, 0.12)]),
    ("f7-mb-01", 5.5, 1.0, 1.35, [P(0.25, 0.55, 1.45, noise=0.1), P(0.60, 2.0, 0.25)]),
    ("f7-mb-02", 3.4, 1.6, 1.5, [P(0.20, 0.3, 0.27, noise=0.2), P(0.35, 1.2, 0.03)]),
    ("f7-mb-03", 7.9, 0.8, 1.2, [P(0.35, 0.5, 1.2, noise=0.1), P(0.78, 1.8, 0.2), P(0.35, 0.5, 1.2, noise=0.1),
                                 P(0.78, 1.8, 0.2), P(0.50, 1.0, 2.0), P(0.35, 0.5, 8.0, noise=0.1)]),
    ("f7-mb-04", 2.6, 2.0, 1.6, [P(0.12, 0.6, 0.55, noise=0.05), P(0.15, 1.3, 0.09)]),
    ("f7-mb-05", 4.7, 1.3, 1.4, [P(0.40, 0.45, 1.7, noise=0.15), P(0.45, 1.6, 0.15), P(0.40, 0.2, 10.0, noise=0.3)]),
    ("f7-mb-06", 3.9, 1.5, 1.45, [P(0.30, 0.8, 0.08), P(0.30, 0.2, 0.04), P(0.30, 0.8, 0.08), P(0.30, 0.2, 0.04),
                                  P(0.30, 0.8, 0.08), P(0.30, 0.2, 0.4, noise=0.2)]),
    ("f7-mb-07", 6.1, 1.0, 1.25, [P(0.45, 0.35, 0.9, noise=0.2, par=0.5), P(0.65, 1.7, 0.18, par=0.5)]),
    # --- f7-cron: web and API servers at 0.2-0.6 of a CPU with housekeeping bursts of 0.3-0.9 s
    #     every 4-45 s (log rotation, metric flushes, cache refreshes, certificate checks), plus
    #     plain stretches: a steady reporting job, a sine of daily-like traffic compressed.
    ("f7-cron-00", 2.8, 1.8, 1.25, [P(0.22, 0.4, 9.4, noise=0.15), P(0.10, 1.5, 0.6)]),
    ("f7-cron-01", 3.2, 1.6, 1.2, [P(0.25, 0.3, 4.3, noise=0.2), P(0.20, 1.2, 0.35)]),
    ("f7-cron-02", 2.4, 2.1, 1.3, [P(0.20, 0.55, 29.3, noise=0.1), P(0.05, 2.0, 0.9)]),
    ("f7-cron-03", 4.0, 1.4, 1.1, [P(0.30, 0.25, 14.6, noise=0.2), P(0.40, 1.0, 0.45), P(0.30, 0.25, 14.6, noise=0.2),
                                   P(0.15, 1.4, 0.7)]),
    ("f7-cron-04", 2.6, 1.9, 1.3, [P(0.20, 0.45, 44.0, amp=0.5, period=22.0), P(0.10, 1.8, 0.5)]),
    ("f7-cron-05", 3.0, 1.7, 1.2, [P(0.18, 0.6, 6.2, noise=0.1), P(0.12, 1.3, 0.3), P(0.18, 0.6, 6.2, noise=0.1),
                                   P(0.12, 1.3, 0.3), P(0.25, 0.85, 20.0, noise=0.05)]),
    ("f7-cron-06", 2.1, 2.4, 1.4, [P(0.15, 0.2, 3.9, noise=0.3), P(0.05, 1.6, 0.8)]),
    ("f7-cron-07", 3.7, 1.5, 1.15, [P(0.28, 0.5, 11.0, noise=0.1), P(0.35, 2.0, 0.4, par=0.5), P(0.28, 0.5, 7.5, noise=0.1),
                                    P(0.35, 1.2, 0.3)]),
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
