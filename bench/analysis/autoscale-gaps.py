"""Side by side figures of `flash reproduce autoscale --json` runs, with paired per-service differences.

usage: python3 bench/analysis/autoscale-gaps.py LABEL=reproduce.json [LABEL=reproduce.json ...]
Per run: every contestant's reward gap at start (mean, sd over services), start reward, adaptation cost with
censoring; FLASH minus each other contestant paired per service (mean, standard error, sign test), in gap
points and in reward per step (the latter not divided by the expert's reward, so a weak expert cannot
dominate). "ppo" is the pre-trained base without context, deployed as is (FLASH minus ppo: a context-trained
network against one trained without, at equal training); "flash-no-context" is FLASH's own network with an
empty context (FLASH minus it: what the context adds to the same weights). Services whose expert failed (no gap) are left out of every figure.
The same method as bench/analysis/paired-gaps.py (case III).
"""
import json, math, sys

C_ALL = ["flash", "transfer", "history", "flash-frozen", "ppo", "flash-no-context"]

def mean_sd(v):
    n = len(v)
    m = sum(v) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1)) if n > 1 else float("nan")
    return m, sd

def sign_test(up, down):
    n = up + down
    if n == 0:
        return 1.0
    k = min(up, down)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n)

for arg in sys.argv[1:]:
    label, path = arg.split("=", 1)
    j = json.load(open(path))
    pa = [a for a in j["per_app"] if not a.get("expert_failed") and a.get("reward_gap_flash") is not None]
    C = [c for c in C_ALL if "reward_gap_" + c in pa[0]]  # flash-no-context: runs since 2026-12-07 (asgap)
    p = j["plan"]
    mach = j.get("machine", {})
    print(f"== {label}: {p['plan']}, {p['baseline_train_iterations']} iterations, C = {p['context_length']}, "
          f"FLASH {p['flash']}; {len(pa)}/{j['apps']} services with an expert; point noise "
          f"{j['point_noise_reward_per_step']:.4f}/step; train {j['train_seconds']:.0f} s, total "
          f"{j['total_seconds']:.0f} s wall, {j['cpu_seconds']:.0f} s CPU; load {mach.get('load_average_start', float('nan')):.1f}"
          f" -> {mach.get('load_average_end', float('nan')):.1f}; experts built {j['experts']['built']}, cached "
          f"{j['experts']['from_cache']}")
    steps = sorted(a["expert_steps"] for a in pa)
    conv = sum(1 for a in pa if a.get("expert_converged"))
    retried = sum(1 for a in pa if a.get("expert_attempts", 1) > 1)
    print(f"  experts: min steps {p.get('expert_min_steps', 'n/a')}, contestants' pre-training "
          f"{p.get('contestant_pretraining_steps', 'n/a')}; trained {steps[0]}..{steps[len(steps) // 2]}..{steps[-1]} "
          f"steps (min..median..max); plateau reached on {conv}/{len(pa)}, retried {retried}")
    tails = j.get("training_reward_per_step_last_tenth")
    if tails:
        print("  training reward/step, last tenth: " + ", ".join(f"{k} {v:.4f}" if v is not None else f"{k} n/a"
                                                             for k, v in tails.items()))
    gaps = {c: [a["reward_gap_" + c] for a in pa] for c in C}
    starts = {c: [a["start_reward_per_step_" + c] for a in pa] for c in C}
    for c in C:
        m, sd = mean_sd(gaps[c])
        sm, _ = mean_sd(starts[c])
        cost = sum(a[f"adaptation_cost_{c}_steps"] for a in pa) / len(pa)
        cens = sum(1 for a in pa if a[f"censored_{c}"])
        med = sorted(gaps[c])[len(pa) // 2] if len(pa) % 2 else sum(sorted(gaps[c])[len(pa) // 2 - 1:len(pa) // 2 + 1]) / 2
        below = sum(1 for g in gaps[c] if g < 0)  # services where it starts better than the expert
        print(f"  {c:16s} gap {100*m:7.1f}% (sd {100*sd:6.1f}, se {100*sd/math.sqrt(len(pa)):5.1f}, median {100*med:6.1f}, "
              f"< 0 on {below:2d})  start "
              f"{sm:+.4f}/step  cost {cost:6.1f} steps (censored {cens}/{len(pa)})")
    print(f"  untrained policy gap {100*j['reward_gap_untrained']:.1f}%; expert mean "
          f"{mean_sd([a['expert_reward_per_step'] for a in pa])[0]:+.4f}/step; cost ratio transfer/FLASH "
          f"{j['adaptation_cost_ratio']:.2f}x")
    budget = j["definitions"]["online_budget_steps"]
    for other in [c for c in ["transfer", "history"] if c in C]:
        # paired cost difference per service; a censored cost counts at the budget (a lower bound)
        d = [a[f"adaptation_cost_{other}_steps"] - a["adaptation_cost_flash_steps"] for a in pa]
        m, sd = mean_sd(d)
        both = sum(1 for a in pa if a[f"censored_{other}"] and a["censored_flash"])
        print(f"  cost {other} - FLASH {m:+7.1f} steps (SE {sd / math.sqrt(len(d)):5.1f}); FLASH cheaper on "
              f"{sum(1 for x in d if x > 0)}, dearer on {sum(1 for x in d if x < 0)}; both censored at {budget} on {both}")
    for other in [c for c in ["transfer", "history", "ppo", "flash-no-context"] if c in C]:
        d = [x - y for x, y in zip(gaps["flash"], gaps[other])]
        m, sd = mean_sd(d)
        se = sd / math.sqrt(len(d))
        ds = [x - y for x, y in zip(starts["flash"], starts[other])]
        sm, ssd = mean_sd(ds)
        up = sum(1 for x in ds if x > 1e-12)
        down = sum(1 for x in ds if x < -1e-12)
        print(f"  FLASH - {other:9s} gap {100*m:+7.2f} pts (SE {100*se:5.2f}, {m/se if se else float('nan'):+.2f} SE); "
              f"start reward {sm:+.4f}/step (SE {ssd/math.sqrt(len(ds)):.4f}), FLASH higher on {up}, lower on {down}, "
              f"sign test p = {sign_test(up, down):.3f}")
    if "operator" in j:
        print(f"  operator (synthetic): misses x{j['slo_violations_vs_hpa']:.3f} of HPA's at x{j['core_seconds_vs_hpa']:.3f} "
              f"HPA's core-seconds")
