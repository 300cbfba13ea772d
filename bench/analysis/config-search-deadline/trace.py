#!/usr/bin/env python3
"""Per-workload cost under a deadline from `flash evaluate config-search --cost-trace FILE`.

usage: trace.py TRACE.tsv [--k 3] [--searchers a,b,...] [--rows]

Per searcher at k: mean and median regret, picks late, picks within 5%, and (with --rows) every
workload whose pick is more than 5% over the cheapest on time or late: what was measured, what
is run and why, and how the cheapest on-time configuration (the target) was predicted.
With --against a it also counts, per searcher, the workloads whose pick is worse (regret up by more
than 1 point, or late where a was on time) or better than searcher a's in the same trace.
"""
import argparse
import csv
import statistics
import sys


def load(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--k", default="3")
    ap.add_argument("--searchers", default="flash-saving,flash-consensus,reference")
    ap.add_argument("--rows", action="store_true")
    ap.add_argument("--against", help="count per workload against this searcher (worse: regret up by > 1 point or late)")
    a = ap.parse_args()
    rows = [r for r in load(a.trace) if r["k"] == a.k]
    if not rows:
        sys.exit(f"{a.trace}: no rows at k = {a.k}")
    base = {}
    if a.against:
        base = {(r["fold"], r["workload"]): r for r in rows if r["searcher"] == a.against}
        if not base:
            sys.exit(f"{a.trace}: no searcher {a.against}")
    print("| searcher | workloads | mean regret | median regret | late | within 5%% | worse / better than %s |"
          % (a.against or "-"))
    print("|---|---|---|---|---|---|---|")
    detail = []
    for s in a.searchers.split(","):
        rs = [r for r in rows if r["searcher"] == s]
        if not rs:
            sys.exit(f"{a.trace}: no searcher {s}")
        reg = [float(r["regret"]) for r in rs]
        late = sum(float(r["missed"]) for r in rs)
        near = sum(1 for r in rs if float(r["regret"]) <= 0.05 and float(r["missed"]) == 0)
        wb = "-"
        if base:
            worse = better = 0
            for r in rs:
                b = base[(r["fold"], r["workload"])]
                d = float(r["regret"]) - float(b["regret"])
                if d > 0.01 or float(r["missed"]) > float(b["missed"]):
                    worse += 1
                elif d < -0.01 or float(r["missed"]) < float(b["missed"]):
                    better += 1
            wb = f"{worse} / {better}"
        print(f"| {s} | {len(rs)} | {100 * sum(reg) / len(reg):.1f}% | {100 * statistics.median(reg):.1f}% | "
              f"{late:.0f} | {near} | {wb} |")
        for r in sorted(rs, key=lambda r: -float(r["regret"])):
            if float(r["regret"]) > 0.05 or float(r["missed"]) > 0:
                detail.append((s, r))
    if a.rows:
        print()
        print("| searcher | workload | regret | run (basis) | run runtime / cost | target | target predicted runtime / cost | cheaper predicted on time | measured (runtime/cost/predicted runtime) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for s, r in detail:
            print(f"| {s} | {r['workload']} | {100 * float(r['regret']):.0f}% | {r['run']} ({r['basis']}) | "
                  f"{float(r['run_runtime']):.2f} / {float(r['run_cost']):.2f} | {r['target']} | "
                  f"{r['target_predicted_runtime']} / {r['target_predicted_cost']} | {r['cheaper_predicted_on_time']} | "
                  f"{r['shots'].replace(';', ' ; ')} |")


if __name__ == "__main__":
    main()
