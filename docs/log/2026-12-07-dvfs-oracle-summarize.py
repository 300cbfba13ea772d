import json, os, sys
OUT = '/tmp/dvfsoracle/runs'
sets = ['default', 'foreign-apps', 'foreign-apps-2', 'foreign-apps-3', 'foreign-apps-4']
nodes = ['default', 'threads-per-cpu', 'irregular-table', 'fine-steps-boost']
def pct(x): return '%.1f%%' % (100 * x)
rows = []
checks = []
compact = {}
for node in nodes:
    for s in sets:
        f = f'{OUT}/eval-{node}-{s}.json'
        if not os.path.exists(f):
            continue
        d = json.load(open(f))
        a = d['agents']; n = len(d['apps'])
        def cell(ag):
            r = a[ag]
            return r
        g = a['flash+guard']
        o, op, ph = a['oracle'], a['oracle-optimal'], a['oracle-phase']
        rows.append((node, s, n, g, a['flash'], a['schedutil'], o, op, ph))
        compact[f'{node}/{s}'] = {k: {kk: a[k].get(kk) for kk in ['apps_within_budget', 'energy_saving_vs_performance', 'slowdown_vs_performance', 'in_budget_share_of_oracle_saving', 'in_budget_share_of_optimal_oracle_saving', 'in_budget_share_of_phase_oracle_saving', 'frequency_changes_per_minute']} for k in ['flash+guard', 'flash', 'schedutil', 'fallback', 'oracle', 'oracle-optimal', 'oracle-phase']}
        # per-app check: optimal saves >= oracle where oracle holds
        per = {}
        for r in d['per_app']:
            per.setdefault(r['app'], {})[r['agent']] = r
        below = []
        for app, m in per.items():
            if m['oracle']['budget_held'] and m['oracle-optimal']['energy_saving_vs_performance'] < m['oracle']['energy_saving_vs_performance'] - 1e-9:
                below.append((app, m['oracle-optimal']['energy_saving_vs_performance'], m['oracle']['energy_saving_vs_performance']))
        for app, m in per.items():
            for ag, r in m.items():
                if ag != 'oracle-optimal' and r['budget_held'] and r['energy_saving_vs_performance'] > m['oracle-optimal']['energy_saving_vs_performance'] + 1e-9:
                    below.append((app, ag, r['energy_saving_vs_performance'], m['oracle-optimal']['energy_saving_vs_performance']))
        opt_over = [app for app, m in per.items() if not m['oracle-optimal']['budget_held']]
        checks.append((node, s, below, opt_over))
print('| node | set | flash+guard: in budget, saving / slowdown | share vs oracle | vs oracle-optimal | vs oracle-phase (old) | model alone: in budget, share vs oracle / optimal | schedutil share vs oracle / optimal | oracle: in budget, saving / slowdown | oracle-optimal | oracle-phase (old) | oracle / oracle-phase as share of optimal |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|')
for node, s, n, g, fl, su, o, op, ph in rows:
    print(f"| {node} | {s} | {g['apps_within_budget']}/{n}, {pct(g['energy_saving_vs_performance'])} / {pct(g['slowdown_vs_performance'])} | **{pct(g['in_budget_share_of_oracle_saving'])}** | **{pct(g['in_budget_share_of_optimal_oracle_saving'])}** | {pct(g['in_budget_share_of_phase_oracle_saving'])} | {fl['apps_within_budget']}/{n}, {pct(fl['in_budget_share_of_oracle_saving'])} / {pct(fl['in_budget_share_of_optimal_oracle_saving'])} | {pct(su['in_budget_share_of_oracle_saving'])} / {pct(su['in_budget_share_of_optimal_oracle_saving'])} | {o['apps_within_budget']}/{n}, {pct(o['energy_saving_vs_performance'])} / {pct(o['slowdown_vs_performance'])} | {op['apps_within_budget']}/{n}, {pct(op['energy_saving_vs_performance'])} / {pct(op['slowdown_vs_performance'])} | {ph['apps_within_budget']}/{n}, {pct(ph['energy_saving_vs_performance'])} / {pct(ph['slowdown_vs_performance'])} | {pct(o['in_budget_share_of_optimal_oracle_saving'])} / {pct(ph['in_budget_share_of_optimal_oracle_saving'])} |")
print()
for node, s, below, over in checks:
    print(f'{node} {s}: in-budget agents (any) saving more than oracle-optimal: {len(below)} apps {below[:5]}; oracle-optimal over budget on {len(over)} {over[:5]}')
if len(sys.argv) > 1:
    json.dump(compact, open(sys.argv[1], 'w'), indent=1)
