#!/usr/bin/env python3
"""Writes foreign-apps-3.json: 40 held-out applications drawn from four hand-written families
whose distributions are not the project's generator's (see foreign-apps-3.md).

Run from the repository root: python3 bench/apps/foreign-apps-3.py > bench/apps/foreign-apps-3.json
Deterministic (seed 2026_12_07); written before any guard change was tuned.
"""
import json
import math
import random

rng = random.Random(20261207)


def r(x, k=3):
    return round(x, k)


def phase(m, load, par, dur, noise=0.0, amp=0.0, period=60.0):
    return {"memory_boundness": r(m), "load": r(load), "parallelism": r(par), "duration_s": r(dur, 1),
            "load_noise": r(noise), "load_sine_amplitude": r(amp), "load_sine_period_s": r(period, 1)}


def hidden():
    # mlp log-uniform 1..12, base_ipc triangular 0.5..3.5 (mode 1.2), intensity uniform 0.5..1.9
    return {"mlp": r(math.exp(rng.uniform(0, math.log(12))), 2),
            "base_ipc": r(rng.triangular(0.5, 3.5, 1.2), 2),
            "power_intensity": r(rng.uniform(0.5, 1.9), 2)}


def app(name, phases):
    a = {"name": name, "split": "test"}
    a.update(hidden())
    a["phases"] = phases
    return a


apps = []
# 1. Periodic CPU / memory alternation, both halves saturated, periods 2 s .. 40 s (log-uniform).
for i in range(10):
    period = math.exp(rng.uniform(math.log(2), math.log(40)))
    duty = rng.uniform(0.2, 0.8)
    cpu_m = rng.uniform(0.0, 0.08)
    mem_m = rng.uniform(0.45, 0.9)
    load = rng.choice([1.0, 1.0, 1.3, 2.0])
    apps.append(app(f"f3-alternate-{i:02d}", [
        phase(cpu_m, load, rng.choice([0.5, 1.0]), max(1, period * duty), 0.02),
        phase(mem_m, load, 1.0, max(1, period * (1 - duty)), 0.02)]))
# 2. I/O-bound with bursts: a low, noisy base and 1-5 s CPU bursts every 4-30 s.
for i in range(10):
    base = rng.uniform(0.03, 0.35)
    burst = rng.uniform(0.8, 2.0)
    apps.append(app(f"f3-io-burst-{i:02d}", [
        phase(rng.uniform(0.2, 0.6), base, rng.uniform(0.3, 1.0), rng.uniform(3, 28), rng.uniform(0.1, 0.5)),
        phase(rng.uniform(0.0, 0.3), burst, 1.0, rng.randint(1, 5), 0.05)]))
# 3. Mostly-idle servers with rare long saturations (idle 20-120 s, saturation 5-40 s).
for i in range(10):
    apps.append(app(f"f3-idle-spike-{i:02d}", [
        phase(rng.uniform(0.1, 0.5), rng.uniform(0.005, 0.06), rng.uniform(0.2, 1.0), rng.uniform(20, 120),
              rng.uniform(0.0, 0.5)),
        phase(rng.uniform(0.0, 0.25), rng.uniform(1.0, 2.5), 1.0, rng.uniform(5, 40), 0.02)]))
# 4. Memory-bound streaming at many intensities: m spread evenly over 0.3 .. 0.92, loads 0.3 .. 1.6,
#    some with a fast sine (10-40 s) on the load.
for i in range(10):
    m = 0.3 + (0.92 - 0.3) * (i + rng.random()) / 10
    amp = rng.choice([0.0, 0.0, rng.uniform(0.2, 0.6)])
    apps.append(app(f"f3-stream-{i:02d}", [
        phase(min(0.95, m), rng.uniform(0.3, 1.6), rng.uniform(0.5, 1.0), rng.uniform(60, 600),
              rng.uniform(0.0, 0.15), amp, rng.uniform(10, 40))]))

print(json.dumps({"format": "flash-apps/1", "apps": apps}, indent=1))
