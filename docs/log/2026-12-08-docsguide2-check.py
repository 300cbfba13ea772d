#!/usr/bin/env python3
"""Checks for the second pass over the guides (docs/log/2026-12-08-docsguide2.md), run from the repository
root. Builds on the first pass's docs/log/2026-12-08-docsguide-check.py (imported, not changed), adding pages
a guide's text moved to verbatim:

  history OLD_REV GUIDE [PAGE...]        GUIDE's passages at OLD_REV found neither in GUIDE nor in a PAGE,
                                         under their section and line numbers, links rewritten for docs/log/
  links FILE...                          every relative link in FILE resolves; every Markdown link anywhere in
                                         the repository into one of FILE (with an anchor) resolves; every
                                         `docs/NAME.md, "Section"` named in a Java comment is there (a
                                         heading or a paragraph's bold label)
  lost OLD_REV GUIDE HISTORY [PAGE...]   every line removed from GUIDE since OLD_REV is in GUIDE, verbatim in a
                                         PAGE, or in HISTORY (links rewritten); a removed heading may reappear
                                         as a heading of a PAGE or be named in quotes in HISTORY
  numbers OLD_REV FILE [OLD_FILE]        numbers in FILE found neither in OLD_FILE (default FILE) at OLD_REV,
                                         README.md nor docs/log/ (logs of 2026-12-08 excluded)
  guardtable                             every cell of docs/slowdown-guard.md's figures table against the
                                         tables of the queue-blind and idle logs it cites
"""
import glob
import importlib.util
import os
import re
import subprocess
import sys

_spec = importlib.util.spec_from_file_location('first', os.path.join(os.path.dirname(__file__),
                                                                     '2026-12-08-docsguide-check.py'))
first = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(first)


def show(rev, path):
    return subprocess.run(['git', 'show', f'{rev}:{path}'], check=True, capture_output=True, text=True).stdout


def history(rev, guide, pages):
    first.GUIDE_NAME = os.path.basename(guide)
    old = show(rev, guide).split('\n')
    new = open(guide, encoding='utf-8').read() + ''.join(open(p, encoding='utf-8').read() for p in pages)
    section, moved = (1, old[0]), {}
    for start, blk in first.blocks(old):
        if blk[0].startswith('#') and len(blk) == 1:
            section = (start, blk[0])
            continue
        if '\n'.join(blk) not in new:
            moved.setdefault(section, []).append((start, blk))
    for (line, heading), passages in moved.items():
        spans = ', '.join(f'{s}-{s + len(b) - 1}' if len(b) > 1 else f'{s}' for s, b in passages)
        print(f'\n### From "{heading.lstrip("# ")}" (heading at line {line}; lines {spans})\n')
        for _, blk in passages:
            print('\n'.join(first.relink(l) for l in blk))
            print()


def headings(path):
    return {l.lstrip('#').strip() for l in open(path, encoding='utf-8') if l.startswith('#')}


def lost(rev, guide, hist, pages):
    first.GUIDE_NAME = os.path.basename(guide)
    old = show(rev, guide).split('\n')
    new = open(guide, encoding='utf-8').read()
    moved = ''.join(open(p, encoding='utf-8').read() for p in pages)
    moved_heads = set().union(*(headings(p) for p in pages)) if pages else set()
    h = open(hist, encoding='utf-8').read()
    missing = []
    for n, l in enumerate(old, 1):
        if not l.strip() or l in new or l in moved or first.relink(l) in h:
            continue
        if l.startswith('#') and (l.lstrip('#').strip() in moved_heads or f'"{l.lstrip("# ")}"' in h):
            continue  # a heading that moved to a page, or renamed there and named in quotes in HISTORY
        missing.append((n, l))
    for n, l in missing:
        print(f'{guide}@{rev}:{n}: {l}')
    print(f'{len(missing)} removed lines found in neither {guide}, {", ".join(pages) or "no page"} nor {hist}')
    return 1 if missing else 0


JAVA_SECTION = re.compile(r'docs/([\w-]+\.md)(?:,\s*"([^"]+)")?')


def links(files):
    bad = []
    status = first.links(files)  # the files' own links, and links into the two first-pass guides
    names = {os.path.basename(f) for f in files}
    for f in glob.glob('**/*.md', recursive=True):
        if f.startswith('target/'):
            continue
        for n, line in enumerate(open(f, encoding='utf-8'), 1):
            for t in first.LINK.findall(line):
                path, _, frag = t.partition('#')
                if frag and os.path.basename(path) in names:
                    e = first.check_link(f, t)
                    if e:
                        bad.append(f'{e} (line {n})')
    for f in glob.glob('src/**/*.java', recursive=True):
        for n, line in enumerate(open(f, encoding='utf-8'), 1):
            if not line.lstrip().startswith(('*', '//', '/*')):
                continue  # comments only; help strings are code
            for doc, section in JAVA_SECTION.findall(line):
                path = os.path.join('docs', doc)
                if not os.path.exists(path):
                    bad.append(f'{f}:{n}: no such file {path}')
                elif section and section not in headings(path) and not any(
                        h.startswith(section) for h in headings(path)) and f'**{section}' not in open(
                            path, encoding='utf-8').read():  # a heading, or a paragraph's bold label
                    bad.append(f'{f}:{n}: no heading "{section}" in {path}')
    for b in sorted(set(bad)):
        print(b)
    print(f'{len(set(bad))} broken links into {", ".join(sorted(names))} and Java comments naming a doc')
    return 1 if bad or status else 0


def numbers(rev, path, old_path):
    before = set(first.NUM.findall(show(rev, old_path) + open('README.md', encoding='utf-8').read()))
    logs = ''
    for f in glob.glob('docs/log/*'):
        if f.endswith(('.md', '.txt', '.json', '.tsv')) and '2026-12-08' not in f:
            logs += open(f, encoding='utf-8', errors='replace').read()
    in_logs = set(first.NUM.findall(logs))
    unknown, from_logs = [], []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        for x in first.NUM.findall(line):
            if x not in before:
                (from_logs if x in in_logs else unknown).append(f'{path}:{n}: {x}')
    for u in from_logs:
        print('from a log, check by hand:', u)
    for u in unknown:
        print('found nowhere before:', u)
    print(f'{len(from_logs)} numbers new to {path} and in a log; {len(unknown)} found nowhere before')
    return 1 if unknown else 0


SETS = ['default', 'foreign-apps', 'foreign-apps-2', 'foreign-apps-3', 'foreign-apps-4', 'foreign-apps-5',
        'foreign-apps-6', 'foreign-apps-7']
NODES = {'default': ('default', 'default'), 'no PMU + RAPL': ('nopmu', 'no PMU+RAPL'),
         'boost bin': ('boost', 'boost bin'), 'irregular table': ('irregular', 'irregular'),
         'one thread per CPU': ('tpc', '1 thread/CPU'), 'no schedstat': ('nosched', 'no schedstat')}


def guardtable():
    qb = open('docs/log/2026-12-07-dvfs-queue-blind.md', encoding='utf-8').read()
    qb = qb[qb.index('## 4. Every row'):qb.index('## 5.')]
    main = {}  # (set, node) -> (in 5%, share vs oracle, vs optimal, schedutil, oracle in 5%), column "main"
    for m in re.finditer(r'^\| (\S+) \| (\S+) \| (\d+)/\d+, ([\d.]+) / ([\d.]+)% \| .* \| (\d+) / (\d+) \|$', qb, re.M):
        main[(m[1], m[2])] = m.groups()[2:]
    idle = open('docs/log/2026-12-07-dvfs-idle.md', encoding='utf-8').read()
    idle = idle[idle.index('## 4. Every set'):idle.index('## 5.')]
    branch = {}  # (set, node) -> (in 5%, share, optimal, saving, slowdown, changes, schedutil, oracle)
    for m in re.finditer(r'^\| (\S+) \| ([^|]+?) \| [^|]+ \| \*\*(\d+)/\d+[^,]*, ([\d.]+) / ([\d.]+)%\*\* \| '
                         r'([\d.]+) / ([\d.]+)%, ([\d.]+) \| (\d+) / (\d+) \|$', idle, re.M):
        branch[(m[1], m[2])] = m.groups()[2:]
    guide = open('docs/slowdown-guard.md', encoding='utf-8').read()
    guide = guide[guide.index('## Figures'):]
    errors, cells = [], 0

    def same(what, got, want):
        nonlocal cells
        cells += 1
        if got != want:
            errors.append(f'{what}: guide {got}, log {want}')

    for m in re.finditer(r'^\| ([^|]+?) \| \*\*([\d, ;]+)\*\* \| ([\d., ;]+) \| ([\d.]+) / ([\d.]+)%, ([\d.]+); '
                         r'([\d.]+)% \|$', guide, re.M):
        node = m[1]
        qn, iname = NODES[node]
        counts, idle_count = m[2].split('; ')
        shares, idle_share = m[3].split('; ')
        for s, c, sh in zip(SETS, counts.split(', '), shares.split(', ')):
            same(f'{node} {s} in 5%', c, main[(s, qn)][0])
            same(f'{node} {s} share', sh, main[(s, qn)][1])
        same(f'{node} idle-hosts in 5%', idle_count, branch[('idle-hosts', iname)][0])
        same(f'{node} idle-hosts share', idle_share, branch[('idle-hosts', iname)][1])
        if ('idle-hosts', qn) in main:
            same(f'{node} idle-hosts in 5% (queue-blind)', idle_count, main[('idle-hosts', qn)][0])
        b = branch[('default', iname)]
        same(f'{node} default saving', m[4], b[3])
        same(f'{node} default slowdown', m[5], b[4])
        same(f'{node} default changes', m[6], b[5])
        same(f'{node} default optimal share', m[7], main[('default', qn)][2])
        same(f'{node} default share (idle log)', shares.split(', ')[0], b[1])
    for name, k in (('schedutil', 3), ('`oracle`', 4)):
        m = re.search(rf'^\| {re.escape(name)}, default node \| ([\d, ;]+) \|', guide, re.M)
        counts, idle_count = m[1].split('; ')
        for s, c in zip(SETS, counts.split(', ')):
            same(f'{name} {s}', c, main[(s, 'default')][k])
        same(f'{name} idle-hosts', idle_count, branch[('idle-hosts', 'default')][k + 3])
    for e in errors:
        print(e)
    print(f'{cells} cells checked, {len(errors)} differ')
    return 1 if errors or cells < 100 else 0


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'history':
        history(args[0], args[1], args[2:])
    elif cmd == 'links':
        sys.exit(links(args))
    elif cmd == 'lost':
        sys.exit(lost(args[0], args[1], args[2], args[3:]))
    elif cmd == 'numbers':
        sys.exit(numbers(args[0], args[1], args[2] if len(args) > 2 else args[1]))
    elif cmd == 'guardtable':
        sys.exit(guardtable())
    else:
        sys.exit(__doc__)
