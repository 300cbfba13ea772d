#!/usr/bin/env python3
"""Checks for the docsguide rewrite (docs/log/2026-12-08-docsguide.md), run from the repository root.

  history OLD_REV GUIDE          print the guide's passages at OLD_REV that the current guide no longer
                                 holds verbatim (paragraph by paragraph, under their section and line
                                 numbers), with relative links rewritten to work from docs/log/
  links FILE...                  every relative link `](path)` / `](path#anchor)` in FILE resolves
                                 (anchors by GitHub's rule); also every link to the two guides anywhere
  lost OLD_REV GUIDE HISTORY     every line removed from GUIDE since OLD_REV is in GUIDE or HISTORY
  numbers OLD_REV GUIDE          numbers in GUIDE found neither in GUIDE at OLD_REV, README.md nor docs/log/
"""
import glob
import os
import re
import subprocess
import sys

LINK = re.compile(r'\]\(([^)\s]+)\)')


def old_text(rev, path):
    return subprocess.run(['git', 'show', f'{rev}:{path}'], check=True, capture_output=True,
                          text=True).stdout


def anchor(heading):
    """GitHub's anchor: lowercase, punctuation but '-' and '_' dropped, spaces to '-'."""
    h = heading.strip().lower()
    h = re.sub(r'[^\w\- ]', '', h)
    return h.replace(' ', '-')


def anchors(path):
    seen, out, fence = {}, set(), False
    for line in open(path, encoding='utf-8'):
        if line.startswith('```'):
            fence = not fence
        if fence or not line.startswith('#'):
            continue
        a = anchor(line.lstrip('#'))
        n = seen.get(a, 0)
        seen[a] = n + 1
        out.add(a if n == 0 else f'{a}-{n}')
    return out


def check_link(src, target):
    if re.match(r'^[a-z]+:', target):
        return None  # http:, https:, mailto:
    path, _, frag = target.partition('#')
    dest = os.path.normpath(os.path.join(os.path.dirname(src), path)) if path else src
    if not os.path.exists(dest):
        return f'{src}: {target}: no such file {dest}'
    if frag and dest.endswith('.md') and frag not in anchors(dest):
        return f'{src}: {target}: no heading #{frag} in {dest}'
    return None


def links(files):
    bad = []
    for f in files:
        fence = False
        for n, line in enumerate(open(f, encoding='utf-8'), 1):
            if line.startswith('```'):
                fence = not fence
            if fence:
                continue
            for t in LINK.findall(re.sub(r'`[^`]*`', '', line)):  # not inside inline code
                e = check_link(f, t)
                if e:
                    bad.append(f'{e} (line {n})')
    # every link into the two guides, from any Markdown file in the repository
    for f in glob.glob('**/*.md', recursive=True):
        if f.startswith('target/'):
            continue
        for n, line in enumerate(open(f, encoding='utf-8'), 1):
            for t in LINK.findall(line):
                if re.search(r'(autoscale|reproduce-dvfs)\.md#', t):
                    e = check_link(f, t)
                    if e:
                        bad.append(f'{e} (line {n})')
    for b in sorted(set(bad)):
        print(b)
    print(f'{len(set(bad))} broken links')
    return 1 if bad else 0


def relink(line):
    """A link written in docs/ rewritten to work from docs/log/."""
    def fix(m):
        t = m.group(1)
        if re.match(r'^[a-z]+:', t):
            return m.group(0)
        if t.startswith('#'):
            return f'](../{GUIDE_NAME}{t})'
        if t.startswith('log/'):
            return f']({t[4:]})'
        return f'](../{t})'
    return LINK.sub(fix, line)


def blocks(lines):
    """Paragraphs (blank-line separated; a fenced block stays whole) as (first line number, lines)."""
    out, cur, start, fence = [], [], 0, False
    for n, line in enumerate(lines, 1):
        if line.startswith('```'):
            fence = not fence
        if not fence and line.strip() == '':
            if cur:
                out.append((start, cur))
            cur = []
            continue
        if not cur:
            start = n
        cur.append(line)
    if cur:
        out.append((start, cur))
    return out


def history(rev, guide):
    old = old_text(rev, guide).split('\n')
    new = open(guide, encoding='utf-8').read()
    section, moved = (1, old[0]), {}
    for start, blk in blocks(old):
        if blk[0].startswith('#') and len(blk) == 1:
            section = (start, blk[0])
            continue
        if '\n'.join(blk) not in new:
            moved.setdefault(section, []).append((start, blk))
    for (line, heading), passages in moved.items():
        spans = ', '.join(f'{s}-{s + len(b) - 1}' if len(b) > 1 else f'{s}' for s, b in passages)
        print(f'\n## From "{heading.lstrip("# ")}" (heading at line {line}; lines {spans})\n')
        for _, blk in passages:
            print('\n'.join(relink(l) for l in blk))
            print()


def lost(rev, guide, hist):
    old = old_text(rev, guide).split('\n')
    new = open(guide, encoding='utf-8').read()
    h = open(hist, encoding='utf-8').read()
    # a removed heading is named in the history log's own heading ('## From "...")
    missing = [(n, l) for n, l in enumerate(old, 1)
               if l.strip() and l not in new and relink(l) not in h
               and not (l.startswith('#') and f'## From "{l.lstrip("# ")}"' in h)]
    for n, l in missing:
        print(f'{guide}@{rev}:{n}: {l}')
    print(f'{len(missing)} removed lines found in neither {guide} nor {hist}')
    return 1 if missing else 0


NUM = re.compile(r'(?<![\w.])-?\d+(?:,\d{3})*(?:\.\d+)?')


def numbers(rev, guide):
    """Numbers new to the guide: those in no log are errors; those only in a log are listed to check by hand."""
    before = set(NUM.findall(old_text(rev, guide) + open('README.md', encoding='utf-8').read()))
    logs = ''
    for f in glob.glob('docs/log/*'):
        if f.endswith(('.md', '.txt', '.json', '.tsv')) and '2026-12-08' not in f:
            logs += open(f, encoding='utf-8', errors='replace').read()
    in_logs = set(NUM.findall(logs))
    unknown, from_logs = [], []
    for n, line in enumerate(open(guide, encoding='utf-8'), 1):
        for x in NUM.findall(line):
            if x not in before:
                (from_logs if x in in_logs else unknown).append(f'{guide}:{n}: {x}')
    for u in from_logs:
        print('from a log, check by hand:', u)
    for u in unknown:
        print('found nowhere before:', u)
    print(f'{len(from_logs)} numbers new to the guide and in a log; {len(unknown)} found nowhere before')
    return 1 if unknown else 0


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'history':
        GUIDE_NAME = os.path.basename(args[1])
        history(*args)
    elif cmd == 'links':
        sys.exit(links(args))
    elif cmd == 'lost':
        GUIDE_NAME = os.path.basename(args[1])
        sys.exit(lost(*args))
    elif cmd == 'numbers':
        sys.exit(numbers(*args))
    else:
        sys.exit(__doc__)
