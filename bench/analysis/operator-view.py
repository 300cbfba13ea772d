"""Operator-view rows of `flash evaluate dvfs --json` runs side by side.

usage: python3 bench/analysis/operator-view.py LABEL=evaluate.json [LABEL=evaluate.json ...]
"""
import json, sys
for label, path in (a.split('=',1) for a in sys.argv[1:]):
    j = json.load(open(path))
    n = j['apps'] if isinstance(j['apps'], int) else len(j['apps'])
    print(f"== {label}: {n} apps, {j['episodes']} episodes, seed {j['seed']}")
    for name, a in j['agents'].items():
        if name in ('flash', 'flash+guard', 'schedutil', 'oracle', 'fallback'):
            print(f"   {name:12s} in budget {a['apps_within_budget']:3d}/{n}  in-budget share {100*a['in_budget_share_of_oracle_saving']:5.1f}%  "
                  f"saving {100*a['energy_saving_vs_performance']:5.1f}%  slowdown {100*a['slowdown_vs_performance']:5.2f}%")
