#!/usr/bin/env python3
"""Which recommend answers change between two jars (log 2026-12-07-config-search-8, step 1).

42 samples sets of 1-3 random ok rows of random workloads of the multi-cloud half (seed 8), each
answered by both jars with --samples-stream (one start-up per model and deadline):
  runtime model, no deadline; cost model --objective cost --deadline 150;
  cost model --deadline = the workload's median runtime (median over its configurations of the
  geometric mean of their ok runs: the evaluation's deadline).
Prints, per case, the sets whose answer differs (with --check-late, checks that the old answer's
recommended configuration missed the deadline in each: step 1's claim) (less "milliseconds", "line", and the fields
only the new jar writes, given with --ignore), and what "recommended" became.

usage: recommend-changes.py OLD.jar NEW.jar HALF.csv MODELS_DIR OUT_DIR [--ignore k1,k2] [--check-late]
"""
import csv, json, math, os, random, statistics, subprocess, sys
from collections import defaultdict

old_jar, new_jar, half, models, out = sys.argv[1:6]
ignore = set()
check_late = '--check-late' in sys.argv
if '--ignore' in sys.argv:
    ignore = set(sys.argv[sys.argv.index('--ignore') + 1].split(','))
os.makedirs(out, exist_ok=True)
rows = [r for r in csv.DictReader(open(half)) if r['status'] == 'ok']
by_w = defaultdict(list)
for r in rows:
    by_w[r['workload']].append(r)
cfg_cols = ['provider', 'A_family', 'A_vcpu', 'B_family', 'B_vcpu', 'C_family', 'C_type', 'C_vcpu', 'nodes']

def median_deadline(w):
    per = defaultdict(list)
    for r in by_w[w]:
        per[tuple(r[c] for c in cfg_cols)].append(math.log(float(r['target_runtime'])))
    return statistics.median(math.exp(sum(v) / len(v)) for v in per.values())

def sample(r):
    s = {}
    for k, v in r.items():
        if k in ('', 'workload'):
            continue
        if v == '':
            s[k] = None
        elif k.startswith('target_') or k == 'nodes':
            s[k] = float(v)
        else:
            s[k] = v
    return s

rng = random.Random(8)
names = sorted(by_w)
sets = []
for i in range(42):
    w = rng.choice(names)
    picked = rng.sample(by_w[w], rng.randint(1, 3))
    sets.append((f's{i:02d}', w, picked))

def run(jar, model, lines, extra):
    f = os.path.join(out, 'in.jsonl')
    with open(f, 'w') as fh:
        for ident, w, picked in lines:
            fh.write(json.dumps({'workload': ident, 'samples': [sample(r) for r in picked]}) + '\n')
    p = subprocess.run(['java', '-jar', jar, 'config-search', 'recommend', '--model', model,
                        '--samples-stream', f] + extra, capture_output=True, text=True)
    answers = {}
    for line in p.stdout.splitlines():
        o = json.loads(line)
        answers[o['workload']] = o
    return answers, p.returncode, p.stderr

def strip(o):
    return {k: v for k, v in o.items() if k not in ('milliseconds', 'model_load_milliseconds', 'line') and k not in ignore}

cases = [('runtime, no deadline', os.path.join(models, 'configsearch-multicloud.onnx'), {None: sets}, []),
         ('cost, --deadline 150', os.path.join(models, 'configsearch-multicloud-cost.onnx'), {150: sets}, ['--objective', 'cost'])]
groups = defaultdict(list)
for s in sets:
    groups[median_deadline(s[1])].append(s)
cases.append(('cost, --deadline the workload median', os.path.join(models, 'configsearch-multicloud-cost.onnx'), groups, ['--objective', 'cost']))
report = []
for name, model, grouped, extra in cases:
    changed = []
    for deadline, lines in grouped.items():
        ex = extra + ([] if deadline is None else ['--deadline', repr(deadline)])
        a, ca, ea = run(old_jar, model, lines, ex)
        b, cb, eb = run(new_jar, model, lines, ex)
        assert ca == cb == 0, (name, ca, cb, ea, eb)
        for ident, w, picked in lines:
            if strip(a[ident]) != strip(b[ident]):
                if check_late:
                    was = [c for c in a[ident]['ranked'] if c['config'] == a[ident]['recommended']][0]
                    assert not was['meets_deadline'], (name, ident, 'changed though the old pick met the deadline')
                changed.append(f"{ident} ({w}, {len(picked)} sample{'s' if len(picked) > 1 else ''}"
                               f"{'' if deadline is None else f', deadline {deadline:.1f} s'}): recommended "
                               f"{a[ident]['recommended']} -> {b[ident]['recommended']} "
                               f"({b[ident].get('recommended_basis')}); measure next "
                               f"{a[ident]['measure_next']} -> {b[ident]['measure_next']}")
    report.append(f"{name}: {len(changed)} of 42 answers change" + ''.join('\n  ' + c for c in changed))
print('\n'.join(report))
