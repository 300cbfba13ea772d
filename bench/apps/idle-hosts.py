#!/usr/bin/env python3
"""Writes idle-hosts.json: 20 hand-written hosts that are idle or near idle for long stretches
(see idle-hosts.md).

Every value below was typed by hand, host by host; nothing is drawn at random.
`python3 bench/apps/idle-hosts.py > bench/apps/idle-hosts.json` rewrites the file byte for byte.
Evaluate with `--episodes 120` (3840 simulated seconds, 64 minutes per host): the stretches are
10-60 minutes long.

A phase is (memory_boundness, load, parallelism, duration_s, load_noise, sine_amplitude,
sine_period_s); an application is (name, mlp, base_ipc, power_intensity, [phases]). The simulator
floors every load at 0.001 of a CPU (SimulatedNode.integrate), so "0%" is written as 0.001.
"""
import json


def P(m, load, dur, par=1.0, noise=0.0, amp=0.0, period=60.0):
    return (m, load, par, dur, noise, amp, period)


ZERO = 0.001  # the simulator's least load: a host doing nothing

APPS = [
    # --- idle-zero: nothing at all for 20-60 minutes, then work (a batch window, a failover
    #     replica taking over, a CI runner picking up a job), some then idle again.
    ("idle-zero-00", 2.4, 1.8, 1.3, [P(0.10, ZERO, 3600.0), P(0.15, 0.7, 240.0, noise=0.1)]),
    ("idle-zero-01", 3.0, 1.6, 1.2, [P(0.10, ZERO, 2400.0), P(0.05, 1.0, 60.0), P(0.10, ZERO, 1380.0)]),
    ("idle-zero-02", 5.5, 1.0, 1.0, [P(0.20, ZERO, 1200.0, par=0.25), P(0.60, 0.9, 300.0), P(0.20, ZERO, 900.0)]),
    ("idle-zero-03", 2.0, 2.2, 1.45, [P(0.10, ZERO, 3840.0)]),
    # --- idle-cron: a host at 0.2-1% of a CPU (sshd, an agent, log shipping) with a saturated job
    #     of 0.2-3 s every 10-30 minutes (cron, a backup snapshot, a health probe that compiles).
    ("idle-cron-00", 2.6, 1.9, 1.35, [P(0.20, 0.005, 600.0, noise=0.3), P(0.05, 1.0, 2.0)]),
    ("idle-cron-01", 3.4, 1.5, 1.2, [P(0.25, 0.002, 1200.0, noise=0.4), P(0.10, 1.5, 0.6)]),
    ("idle-cron-02", 2.2, 2.1, 1.4, [P(0.15, 0.01, 1800.0, noise=0.3), P(0.02, 1.0, 3.0)]),
    ("idle-cron-03", 4.2, 1.3, 1.1, [P(0.30, 0.003, 900.0, noise=0.5), P(0.40, 1.2, 1.4, par=0.5)]),
    ("idle-cron-04", 1.8, 2.6, 1.6, [P(0.10, 0.008, 1500.0, noise=0.2), P(0.05, 2.0, 0.2)]),
    ("idle-cron-05", 2.9, 1.7, 1.25, [P(0.20, 0.004, 700.0, noise=0.3), P(0.05, 1.0, 2.5, par=0.25),
                                      P(0.20, 0.004, 500.0, noise=0.3), P(0.08, 1.0, 0.8)]),
    # --- idle-diurnal: slow ramps over 30-60 minutes that stay near idle (a night-time service,
    #     a dashboard polled less as an office goes home), one with a spike at the trough.
    ("idle-diurnal-00", 2.7, 1.8, 1.3, [P(0.25, 0.01, 3840.0, noise=0.2, amp=0.9, period=3600.0)]),
    ("idle-diurnal-01", 3.6, 1.4, 1.15, [P(0.30, 0.02, 1800.0, noise=0.3, amp=0.9, period=1800.0),
                                         P(0.05, 1.0, 1.5)]),
    ("idle-diurnal-02", 2.3, 2.0, 1.4, [P(0.15, 0.006, 2700.0, noise=0.25, amp=0.8, period=2700.0, par=0.5),
                                        P(0.15, 0.15, 600.0, noise=0.2)]),
    ("idle-diurnal-03", 6.0, 0.9, 0.95, [P(0.55, 0.015, 3840.0, noise=0.3, amp=0.7, period=2400.0)]),
    # --- idle-beat: near idle with sub-second heartbeats (a monitoring agent's scrape, a GC of a
    #     quiet JVM, a DNS cache refresh): 50-300 ms busy every 10-60 s.
    ("idle-beat-00", 2.5, 1.9, 1.3, [P(0.20, 0.003, 14.7, noise=0.3), P(0.10, 1.0, 0.3)]),
    ("idle-beat-01", 3.1, 1.6, 1.2, [P(0.25, 0.002, 59.9, noise=0.3), P(0.05, 1.0, 0.1)]),
    ("idle-beat-02", 4.4, 1.2, 1.1, [P(0.35, 0.008, 29.8, noise=0.4), P(0.50, 1.0, 0.2, par=0.5)]),
    ("idle-beat-03", 2.0, 2.3, 1.5, [P(0.15, 0.001, 9.95, noise=0.0), P(0.05, 1.0, 0.05)]),
    # --- idle-wake: an hour of near idle that ends in a long busy stretch (a standby that
    #     becomes primary, a nightly build), and a host idle at a quarter of its CPUs.
    ("idle-wake-00", 2.8, 1.7, 1.3, [P(0.20, 0.004, 2400.0, noise=0.3), P(0.10, 1.0, 600.0, noise=0.05),
                                     P(0.20, 0.004, 840.0, noise=0.3)]),
    ("idle-wake-01", 3.3, 1.5, 1.2, [P(0.20, 0.015, 1800.0, par=0.25, noise=0.3), P(0.35, 0.45, 1200.0, noise=0.15),
                                     P(0.20, 0.015, 840.0, par=0.25, noise=0.3)]),
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
    assert len(apps) == 20 and len({a["name"] for a in apps}) == 20
    print(json.dumps({"format": "flash-apps/1", "apps": apps}, indent=1))


if __name__ == "__main__":
    main()
