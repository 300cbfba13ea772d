"""Per-service online curves of `flash reproduce autoscale --json`: do they move, and what would end censoring?

usage: python3 bench/analysis/autoscale-online-curves.py reproduce.json [contestant ...]   (default: flash transfer history)

For each service and contestant: the expert's reward R_e, the adaptation-cost threshold T = R_e - 5% |R_e|
(the rule in dev.flash.meta.yardstick.AdaptationCost), the curve's points as "gap to the expert" in % of |R_e|
(positive = below the expert), the points' standard error in the same unit, how many points sit inside the band,
and what the rule needs: censored = the LAST point is below T (the rule asks for "reached and stays"), so
"need" is the reward per step the last points lack, in % of |R_e|.

Then per contestant, over services: the mean gap at each point (the mean curve), the least-squares slope of
gap against steps (points per 100 steps) per service and its mean with a standard error, the mean change
from the first point to the mean of the last three, and the mean point-to-point spread |r_i - r_{i-1}|
beside the points' own standard error: a curve that moves only by its noise has a spread about
sqrt(2) x SE and no slope.
"""
import json, math, sys


def mean_se(v):
    n = len(v)
    if n == 0:
        return float("nan"), float("nan")
    m = sum(v) / n
    if n < 2:
        return m, float("nan")
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1))
    return m, sd / math.sqrt(n)


def slope(xs, ys):
    mx = sum(xs) / len(xs)
    my = sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


path = sys.argv[1]
cs = sys.argv[2:] or ["flash", "transfer", "history"]
j = json.load(open(path))
pa = [a for a in j["per_app"] if not a.get("expert_failed")]
print(f"{path}: {len(pa)} services, plan {j['plan']['plan']}, budget {j['definitions']['online_budget_steps']} steps")

summary = {c: {"slope": [], "delta": [], "spread": [], "se": [], "need_last": [], "start_gap": [],
               "curve": None, "inside": 0, "points": 0, "censored": 0} for c in cs}
for a in pa:
    e = a["expert_reward_per_step"]
    t = e - 0.05 * abs(e)
    print(f"\n{a['app']}: expert {e:.4f}, threshold {t:.4f} (gap <= 5%)")
    for c in cs:
        pts = a[f"curve_{c}_steps_reward_se"]
        st = [p[0] for p in pts]
        gap = [100 * (e - p[1]) / abs(e) for p in pts]
        se = [100 * p[2] / abs(e) for p in pts]
        inside = sum(1 for g in gap if g <= 5)
        cens = a[f"censored_{c}"]
        need = gap[-1] - 5  # points of |R_e| the last point lacks (negative: inside)
        s = summary[c]
        s["slope"].append(100 * slope(st, gap))
        s["delta"].append(sum(gap[-3:]) / 3 - gap[0])
        s["spread"].append(sum(abs(gap[i] - gap[i - 1]) for i in range(1, len(gap))) / (len(gap) - 1))
        s["se"].append(sum(se) / len(se))
        s["need_last"].append(need)
        s["start_gap"].append(100 * a[f"reward_gap_{c}"])
        s["inside"] += inside
        s["points"] += len(gap)
        s["censored"] += 1 if cens else 0
        s["curve"] = [x + [g] for x, g in zip(s["curve"], gap)] if s["curve"] else [[g] for g in gap]
        s["steps"] = st
        print(f"  {c:9s} start gap {100 * a[f'reward_gap_{c}']:6.1f}%  curve " + " ".join(f"{g:6.1f}" for g in gap)
              + f"  (SE ~{sum(se) / len(se):4.1f})  inside {inside}/{len(gap)}  cost {a[f'adaptation_cost_{c}_steps']}"
              + (" censored" if cens else "") + (f"; last point lacks {need:.1f}" if need > 0 else ""))

print("\n== per contestant, over services (gaps in % of |R_expert|, positive = below the expert)")
for c in cs:
    s = summary[c]
    print(f"{c}: censored {s['censored']}/{len(pa)}; points inside the band {s['inside']}/{s['points']}")
    print("  mean curve: " + "  ".join(f"{st}:{mean_se(col)[0]:.1f}+-{mean_se(col)[1]:.1f}"
                                      for st, col in zip(s["steps"], s["curve"])))
    m, se = mean_se(s["slope"])
    print(f"  slope {m:+.2f} +- {se:.2f} gap points per 100 steps (negative = improving); "
          f"last three minus first {mean_se(s['delta'])[0]:+.1f} +- {mean_se(s['delta'])[1]:.1f}")
    print(f"  point-to-point spread {mean_se(s['spread'])[0]:.1f}, point SE {mean_se(s['se'])[0]:.1f} "
          f"(x sqrt 2 = {math.sqrt(2) * mean_se(s['se'])[0]:.1f})")
    lack = sorted(x for x in s["need_last"] if x > 0)
    print(f"  censored services: the last point lacks {', '.join(f'{x:.1f}' for x in lack)} gap points")
