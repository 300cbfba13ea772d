"""A finished `flash reproduce autoscale` run re-scored against other experts (e.g. longer-trained ones).

usage: python3 bench/analysis/autoscale-rescore-experts.py RUN/reproduce.json EXPERT_DIR [OUT.json]

RUN/reproduce.json must hold the curves (the file the run wrote, not a log copy without them). EXPERT_DIR is an
expert cache (`--experts DIR`); each held-out service's expert is found by its service name, so the directory
must hold experts of ONE configuration only (the script stops when a service has two). The contestants' curves,
start rewards and fill steps are the run's; only the reference changes, with the yardstick's definitions
(dev.flash.meta.yardstick.RewardGap, AdaptationCost): gap = (R_expert - R_start) / |R_expert|; cost = the first
evaluated step from which the curve stays at or above R_expert - 5% |R_expert| (at least the context-filling
steps), censored at the budget. Services without an expert in EXPERT_DIR are left out (counted).
Prints, per service, the run's expert beside the new one; writes OUT.json (curves left out) in the run's format,
for bench/analysis/autoscale-gaps.py. Check first: re-scoring against the run's OWN experts must give the run's
figures (`--self-check`).
"""
import glob, json, math, os, sys

TOLERANCE = 0.05


def gap(expert, start):
    if abs(expert) < 1e-12:
        return 0.0 if abs(start) < 1e-12 else float("nan")
    return (expert - start) / abs(expert)


def cost(curve, expert, fill, budget):
    floor = expert - TOLERANCE * abs(expert)
    first = -1
    for i in range(len(curve) - 1, -1, -1):
        if curve[i][1] >= floor:
            first = i
        else:
            break
    if first < 0:
        return budget, True
    return max(curve[first][0], fill), False


def fills(run):
    c = run["plan"]["context_length"]
    return {"flash": c, "flash-frozen": c, "history": c, "transfer": 0, "ppo": 0, "flash-no-context": 0}


def contestants(row):
    return [k[len("curve_"):-len("_steps_reward_se")] for k in row if k.startswith("curve_")]


def rescore(run, experts):
    """experts: service name -> (reward, converged, steps, attempts, failed); returns the run's JSON re-scored."""
    budget = run["definitions"]["online_budget_steps"]
    fill = fills(run)
    rows = []
    for row in run["per_app"]:
        e = experts.get(row["app"])
        if e is None:
            continue
        r = {k: v for k, v in row.items() if not k.startswith("curve_")}
        r.update(expert_reward_per_step=e["rewardPerStep"], expert_converged=e["converged"],
                 expert_steps=e["steps"], expert_attempts=e["attempts"], expert_failed=e["failed"],
                 run_expert_reward_per_step=row["expert_reward_per_step"], run_expert_steps=row["expert_steps"])
        for c in contestants(row):
            r["reward_gap_" + c] = gap(e["rewardPerStep"], row["start_reward_per_step_" + c])
            s, cens = cost(row["curve_" + c + "_steps_reward_se"], e["rewardPerStep"], fill[c], budget)
            r["adaptation_cost_" + c + "_steps"], r["censored_" + c] = s, cens
        r["expert_untrained_reward_per_step"] = e["curve"]["reward"][0]
        rows.append(r)
    out = {k: v for k, v in run.items() if k != "per_app"}
    out["per_app"] = rows
    out["apps"] = len(rows)
    measured = [r for r in rows if not r["expert_failed"]]
    for c in contestants(run["per_app"][0]):
        g = [r["reward_gap_" + c] for r in measured]
        out["reward_gap_" + c] = sum(g) / len(g)
        out["adaptation_cost_" + c + "_steps"] = sum(r["adaptation_cost_" + c + "_steps"] for r in measured) / len(g)
        out["censored_" + c] = sum(1 for r in measured if r["censored_" + c])
        out["above_expert_at_start_" + c] = sum(1 for x in g if x < 0)
    out["adaptation_cost_ratio"] = out["adaptation_cost_transfer_steps"] / out["adaptation_cost_flash_steps"]
    out["reward_gap_untrained"] = sum(gap(r["expert_reward_per_step"], r["expert_untrained_reward_per_step"])
                                      for r in measured) / len(measured)
    out["experts_converged"] = sum(1 for r in rows if r["expert_converged"])
    out["experts"] = dict(run["experts"], rescored_against=os.path.abspath(sys.argv[2]))
    out["plan"] = dict(run["plan"], expert_min_steps=min(r["expert_steps"] for r in rows))
    return out


def read_experts(directory):
    experts = {}
    for f in glob.glob(os.path.join(directory, "*.json")):
        j = json.load(open(f))
        if j["app"] in experts:
            sys.exit(f"{directory}: two experts for {j['app']} (mixed configurations); use a directory of one run")
        experts[j["app"]] = j["expert"]
    return experts


def main():
    args = [a for a in sys.argv[1:] if a != "--self-check"]
    run = json.load(open(args[0]))
    if "curve_flash_steps_reward_se" not in run["per_app"][0]:
        sys.exit(f"{args[0]}: no curves (a log copy?); give the reproduce.json the run wrote")
    if "--self-check" in sys.argv:
        own = {r["app"]: {"rewardPerStep": r["expert_reward_per_step"], "converged": r["expert_converged"],
                          "steps": r["expert_steps"], "attempts": r["expert_attempts"], "failed": r["expert_failed"],
                          "curve": {"reward": [r["expert_untrained_reward_per_step"]]}} for r in run["per_app"]}
        sys.argv[2:3] = ["(own experts)"]
        again = rescore(run, own)
        bad = [(k, run[k], again[k]) for k in again if k.startswith(("reward_gap_", "adaptation_cost_"))
               and isinstance(run.get(k), (int, float)) and not k.endswith(("_std", "_uncensored", "_undefined"))
               and abs(run[k] - again[k]) > 1e-5 * max(1, abs(run[k]))]
        print("self-check:", "the run's figures reproduced" if not bad else f"DIFFERS: {bad}")
        return
    experts = read_experts(args[1])
    out = rescore(run, experts)
    print(f"{len(out['per_app'])}/{len(run['per_app'])} services with an expert in {args[1]}")
    print(f"{'service':10s} {'run expert':>11s} {'steps':>8s} {'new expert':>11s} {'steps':>8s} conv  "
          f"{'flash start':>11s} {'transfer start':>14s}")
    for r in out["per_app"]:
        print(f"{r['app']:10s} {r['run_expert_reward_per_step']:+11.4f} {r['run_expert_steps']:8d} "
              f"{r['expert_reward_per_step']:+11.4f} {r['expert_steps']:8d} {str(r['expert_converged'])[0]:>4s}  "
              f"{r['start_reward_per_step_flash']:+11.4f} {r['start_reward_per_step_transfer']:+14.4f}")
    d = [r["expert_reward_per_step"] - r["run_expert_reward_per_step"] for r in out["per_app"]]
    m = sum(d) / len(d)
    sd = math.sqrt(sum((x - m) ** 2 for x in d) / (len(d) - 1)) if len(d) > 1 else float("nan")
    print(f"new expert - run's expert: {m:+.4f}/step (SE {sd / math.sqrt(len(d)):.4f}), higher on "
          f"{sum(1 for x in d if x > 0)}/{len(d)}")
    # How steady is each expert? Its level is the mean of its curve's last quarter; constant-rate PPO makes the
    # greedy policy jitter from one evaluation to the next. The best evaluated point is picked on the same
    # episodes it is scored on (errs high): a diagnostic bound, not a reference.
    print("expert curves: last-quarter sd of the evaluated points; best point; starts above the best point")
    sds, above_best = [], {c: 0 for c in ("flash", "transfer", "history")}
    for r in out["per_app"]:
        c = experts[r["app"]]["curve"]
        last = [x for s, x in zip(c["steps"], c["reward"]) if s >= 0.75 * c["steps"][-1]]
        m = sum(last) / len(last)
        sd = math.sqrt(sum((x - m) ** 2 for x in last) / (len(last) - 1)) if len(last) > 1 else float("nan")
        sds.append(sd)
        best = max(c["reward"][1:])
        reached = next(s for s, x in zip(c["steps"], c["reward"]) if s > 0 and x >= m - TOLERANCE * abs(m))
        for k in above_best:
            above_best[k] += r["start_reward_per_step_" + k] > best
        print(f"  {r['app']:10s} level {m:+.4f} sd {sd:.4f} ({len(last)} points)  best {best:+.4f}  first within 5% "
              f"of its level at {reached} steps")
    print(f"  mean last-quarter sd {sum(sds) / len(sds):.4f}/step; starting above the expert's BEST point: "
          + ", ".join(f"{k} {v}/{len(sds)}" for k, v in above_best.items()))
    if len(args) > 2:
        json.dump(out, open(args[2], "w"), indent=1)
        print("wrote", args[2])


main()
