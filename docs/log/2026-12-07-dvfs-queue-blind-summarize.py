#!/usr/bin/env python3
"""Totals of the queue-blind session's runs (docs/log/2026-12-07-dvfs-queue-blind.md), never
per-application rows: `python3 docs/log/2026-12-07-dvfs-queue-blind-summarize.py DIR [DIR2]`
prints one line per SET.NODE.json of DIR (with DIR2's beside it when given): flash+guard's apps
within 5%, in-budget share of oracle / oracle-optimal, saving / slowdown, changes a minute;
schedutil and oracle apps within 5%; on idle-hosts the share of idle seconds held above the
model's target."""
import glob
import json
import os
import sys


def cell(path):
    try:
        d = json.load(open(path))
    except (OSError, ValueError):  # absent, or a run still writing it
        return None
    g = d["agents"]["flash+guard"]
    n = len(d["apps"])
    s = "%d/%d, %.1f / %.1f%%" % (g["apps_within_budget"], n, 100 * g["in_budget_share_of_oracle_saving"],
                                  100 * g["in_budget_share_of_optimal_oracle_saving"])
    extra = "%.1f / %.1f%%, %.1f" % (100 * g["energy_saving_vs_performance"], 100 * g["slowdown_vs_performance"],
                                     g["frequency_changes_per_minute"])
    idle = d.get("guard_estimator", {}).get("idle")
    if idle and "raised_above_model_share" in idle:
        extra += ", idle held %.1f%%" % (100 * idle["raised_above_model_share"])
    ref = "%d / %d" % (d["agents"]["schedutil"]["apps_within_budget"], d["agents"]["oracle"]["apps_within_budget"])
    return g["apps_within_budget"], s, extra, ref


def main():
    a = sys.argv[1]
    b = sys.argv[2] if len(sys.argv) > 2 else None
    for path in sorted(glob.glob(os.path.join(a, "*.json"))):
        name = os.path.basename(path)[:-5]
        ca = cell(path)
        if ca is None:
            continue
        line = "| %s | %s | %s" % (name.rsplit(".", 1)[0], name.rsplit(".", 1)[1], ca[1])
        if b:
            cb = cell(os.path.join(b, name + ".json"))
            if cb:
                delta = cb[0] - ca[0]
                line += " | **%s**%s | %s" % (cb[1], " (%+d)" % delta if delta else "", cb[2])
            else:
                line += " | (not run) | "
        else:
            line += " | %s" % ca[2]
        line += " | %s |" % ca[3]
        print(line)


if __name__ == "__main__":
    main()
