"""Adaptation cost and curves of held-out runs at other online rates, against a reproduce.json's experts.

usage: python3 bench/analysis/autoscale-online-rescore.py reproduce.json curves.jsonl [FLASH_RULE TRANSFER_RULE ...]

curves.jsonl: JSON lines from `bench/analysis/AutoscaleOnlineProbe.java NETS curves "RATES" FROM-TO` run on the
networks of that reproduce.json (same seed, same iterations and context: the runs are then the yardstick's own,
which the script checks where a rule's curve is also in the JSON). Per rule and contestant: censored services,
mean cost (censored at the budget), the mean gap curve and its last-three-minus-first change, by the yardstick's
rule (dev.flash.meta.yardstick.AdaptationCost: reward >= R_e - 5% |R_e| at a point and every later one; at least
the context-filling steps). Then the cost ratio transfer / FLASH for each pair FLASH_RULE TRANSFER_RULE given
(default: every rule against itself).
"""
import json, math, sys

rep = json.load(open(sys.argv[1]))
experts = {a["app"]: a["expert_reward_per_step"] for a in rep["per_app"] if not a.get("expert_failed")}
json_curves = {(a["app"], c): [p[1] for p in a[f"curve_{c}_steps_reward_se"]] for a in rep["per_app"]
               for c in ("flash", "transfer")}
json_rate = rep["fine_tune_sweep"]["chosen_learning_rate"]
runs = {}
for line in open(sys.argv[2]):
    r = json.loads(line)
    runs.setdefault((r["rule"], r["contestant"]), {})[r["app"]] = r


def cost(r, e):
    floor = e - 0.05 * abs(e)
    first = None
    for s, v in reversed(r["curve"]):
        if v < floor:
            break
        first = s
    budget = r["curve"][-1][0]
    return (budget, True) if first is None else (max(first, r["fill"]), False)


def mean_se(v):
    m = sum(v) / len(v)
    return m, (math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1) / len(v)) if len(v) > 1 else float("nan"))


checked = mismatched = 0
summary = {}
for (rule, c), byapp in sorted(runs.items()):
    apps = [a for a in byapp if a in experts]
    costs = {a: cost(byapp[a], experts[a]) for a in apps}
    gaps = [[100 * (experts[a] - v) / abs(experts[a]) for _, v in byapp[a]["curve"]] for a in apps]
    delta = [sum(g[-3:]) / 3 - g[0] for g in gaps]
    curve = [sum(col) / len(col) for col in zip(*gaps)]
    start = [100 * (experts[a] - byapp[a]["start"]) / abs(experts[a]) for a in apps]
    summary[(rule, c)] = costs
    if abs(float(rule.split(",")[0]) - json_rate) < 1e-12 and "," not in rule:
        for a in apps:
            checked += 1
            mine = [v for _, v in byapp[a]["curve"]]
            if any(abs(x - y) > 1e-5 for x, y in zip(mine, json_curves[(a, c)])):
                mismatched += 1
    m, se = mean_se(delta)
    print(f"{c:8s} at {rule:14s} {len(apps)} services: gap at start {sum(start) / len(start):5.1f}%, censored "
          f"{sum(1 for v in costs.values() if v[1])}, mean cost {sum(v[0] for v in costs.values()) / len(apps):6.1f} "
          f"steps; mean gap curve " + " ".join(f"{g:5.1f}" for g in curve) + f"; last three - first {m:+.1f} +- {se:.1f}")
if checked:
    print(f"check against the JSON's own curves at its rate {json_rate}: {checked - mismatched}/{checked} identical")
pairs = sys.argv[3:]
if not pairs:
    rules = sorted({r for r, _ in runs})
    pairs = [x for r in rules for x in (r, r)]
for f, t in zip(pairs[0::2], pairs[1::2]):
    fc, tc = summary[(f, "flash")], summary[(t, "transfer")]
    apps = [a for a in fc if a in tc]
    mf = sum(fc[a][0] for a in apps) / len(apps)
    mt = sum(tc[a][0] for a in apps) / len(apps)
    print(f"ratio transfer at {t} / FLASH at {f}: {mt / mf:.2f}x (means {mt:.1f} / {mf:.1f} steps; censored "
          f"transfer {sum(1 for a in apps if tc[a][1])}, FLASH {sum(1 for a in apps if fc[a][1])} of {len(apps)})")
