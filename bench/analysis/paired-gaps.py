"""Side by side figures of `flash reproduce dvfs --json` runs, with paired per-application differences.

usage: python3 bench/analysis/paired-gaps.py [--converged-only] LABEL=reproduce.json [LABEL=reproduce.json ...]
With several runs of the same held-out apps, also every later run minus every earlier one, per
contestant, and FLASH of each run against the history baseline and plain PPO of every other run.
"Transfer" at its start (0 steps) is the pre-trained base network: plain PPO without context.
"""
import json, math, sys

C = ["flash", "flash-frozen", "transfer", "history"]

def mean_sd(v):
    n = len(v)
    m = sum(v) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1)) if n > 1 else float("nan")
    return m, sd

def sign_test(up, down):
    n = up + down
    k = min(up, down)
    p = sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
    return min(1.0, 2 * p)

def paired(a, b):
    d = [x - y for x, y in zip(a, b)]
    m, sd = mean_sd(d)
    se = sd / math.sqrt(len(d))
    wins = sum(1 for x in d if x < -1e-12)
    return m, se, wins, len(d)

# --converged-only: also leave out apps whose expert did not pass the plateau rule (a robustness check).
converged_only = "--converged-only" in sys.argv
runs = {}
for arg in [a for a in sys.argv[1:] if a != "--converged-only"]:
    label, path = arg.split("=", 1)
    runs[label] = json.load(open(path))
    # An app whose expert failed (expert_failed) has no reward gap: it is left out of every mean and pair.
    every = runs[label]["per_app"]
    runs[label]["per_app"] = [a for a in every if "reward_gap_flash" in a
                              and (a.get("expert_converged", True) or not converged_only)]
    left = [a["app"] for a in every if "reward_gap_flash" not in a]
    if left:
        print(f"({label}: {len(left)} app(s) without a reward gap, expert failed, left out: {', '.join(left)})")

for label, j in runs.items():
    pa = j["per_app"]
    print(f"== {label}: plan {j['plan']}, {len(pa)} apps, point noise {j['point_noise_reward_per_step']:.4f}/step, "
          f"train {j['train_seconds']:.0f} s, total {j['total_seconds']:.0f} s wall, {j['cpu_seconds']:.0f} s CPU")
    gaps = {c: [a["reward_gap_" + c] for a in pa] for c in C}
    starts = {c: [a["start_reward_per_step_" + c] for a in pa] for c in C}
    for c in C:
        m, sd = mean_sd(gaps[c])
        sm, ssd = mean_sd(starts[c])
        cost = sum(a[f"adaptation_cost_{c}_steps"] for a in pa) / len(pa)  # censored apps at the budget
        cens = sum(1 for a in pa if a[f"censored_{c}"])
        print(f"  {c:13s} gap {100*m:6.1f}% (sd {100*sd:5.1f})  start reward {sm:.4f}/step  "
              f"cost {cost:6.1f} steps (censored {cens}/{len(pa)})")
    for other in ["history", "transfer"]:
        m, se, wins, n = paired(gaps["flash"], gaps[other])
        print(f"  paired gap FLASH - {other:8s}: {100*m:+6.2f} pts (SE {100*se:.2f}; {m/se if se else float('nan'):+.2f} SE), "
              f"FLASH lower on {wins}/{n}" + ("  [transfer at 0 steps = plain PPO without context]" if other == "transfer" else ""))
        # The same pair in reward per step, not divided by the expert's reward (no weak-expert outliers);
        # the sign test counts apps where FLASH starts higher, two-sided, ties dropped.
        d = [x - y for x, y in zip(starts["flash"], starts[other])]
        dm, dsd = mean_sd(d)
        up = sum(1 for x in d if x > 1e-12)
        down = sum(1 for x in d if x < -1e-12)
        print(f"    start reward FLASH - {other}: {dm:+.4f}/step (SE {dsd/math.sqrt(len(d)):.4f}); "
              f"FLASH higher on {up}, lower on {down}, sign test p = {sign_test(up, down):.3f}")
    print(f"  cost ratio transfer/FLASH {j['adaptation_cost_ratio']:.2f}x; experts converged {j['experts_converged']}/{len(pa)}")
    print(f"  operator: within budget {j['apps_within_budget_count']}/{j['apps_operator_view']} "
          f"(guard {j['apps_within_budget_guard']*j['apps_operator_view']:.0f}), in-budget share "
          f"{100*j['in_budget_share_of_oracle_saving']:.1f}% (guard {100*j['in_budget_share_of_oracle_saving_guard']:.1f}%), "
          f"saving {100*j['energy_saving_vs_performance']:.1f}%, slowdown {100*j['slowdown_vs_performance']:.2f}%")
    for name, a in j["operator"]["agents"].items():
        print(f"    {name:20s} within budget {a['apps_within_budget']:2d}/{j['apps_operator_view']}  in-budget share "
              f"{100*a['in_budget_share_of_oracle_saving']:5.1f}%  saving {100*a['energy_saving_vs_performance']:5.1f}%  "
              f"slowdown {100*a['slowdown_vs_performance']:5.2f}%")

labels = list(runs)

def column(run, c):
    return [x["reward_gap_" + c] for x in run["per_app"]]

def verdict(m, se):
    return "beyond 2 SE" if se and abs(m) > 2 * se else "within 2 SE"

for i in range(len(labels)):
    for k in range(i + 1, len(labels)):
        a, b = runs[labels[i]], runs[labels[k]]
        apps_a = [x["app"] for x in a["per_app"]]
        apps_b = [x["app"] for x in b["per_app"]]
        if apps_a != apps_b:
            print(f"== {labels[k]} vs {labels[i]}: different held-out apps, not paired")
            continue
        print(f"== {labels[k]} - {labels[i]}, paired per app (gap, lower is better)")
        for c in C:
            m, se, wins, n = paired(column(b, c), column(a, c))
            print(f"  {c:13s} {100*m:+6.2f} pts (SE {100*se:.2f}, {verdict(m, se)}), {labels[k]} lower on {wins}/{n}")
        for x, y in ((labels[k], labels[i]), (labels[i], labels[k])):
            for other in ["history", "transfer"]:
                m, se, wins, n = paired(column(runs[x], "flash"), column(runs[y], other))
                print(f"  FLASH of {x} - {other} of {y}: {100*m:+6.2f} pts (SE {100*se:.2f}, {verdict(m, se)}), "
                      f"FLASH lower on {wins}/{n}")
                d = [p["start_reward_per_step_flash"] - q["start_reward_per_step_" + other]
                     for p, q in zip(runs[x]["per_app"], runs[y]["per_app"])]
                dm, dsd = mean_sd(d)
                up = sum(1 for v in d if v > 1e-12)
                down = sum(1 for v in d if v < -1e-12)
                print(f"    start reward: {dm:+.4f}/step (SE {dsd/math.sqrt(len(d)):.4f}); higher on {up}, lower on "
                      f"{down}, sign test p = {sign_test(up, down):.3f}")
        ea = [x["expert_reward_per_step"] for x in a["per_app"]]
        eb = [x["expert_reward_per_step"] for x in b["per_app"]]
        print("  same experts:", ea == eb)
