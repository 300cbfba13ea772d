"""The online-rate sweep scored three ways, from `AutoscaleOnlineProbe.java NETS per-service "RATES" N` output.

usage: python3 bench/analysis/autoscale-sweep-normalised.py per-service.txt [FIRST_N]

Per contestant and candidate rule: (raw) FineTuneSweep's score, the mean over training services of the curve's
mean reward per step (unnormalised: services with a large |reward| weigh most); (raw-4) the same over the services
of a 4-service sweep (k * total / 4: the yardstick's full plan), to check against its printed scores; (relative) the
mean over services of (curve mean - start) / |start|, the share of the start's reward the candidate's learning
gains (0 = no change, every service weighs alike); (rank) the mean rank of the candidate per service (1 = best).
The winner of each is marked. FIRST_N: use only the first N services of each line.
"""
import re, sys

rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+)\s+(\S+)\s+(.*)", line)
    if not m:
        continue
    svc = re.findall(r"train-(\d+): mean (-?[\d.]+) \(start (-?[\d.]+), end (-?[\d.]+)\)", m.group(3))
    if not svc:
        continue
    rows[(m.group(1), m.group(2))] = [(int(i), float(a), float(s), float(e)) for i, a, s, e in svc]
first = int(sys.argv[2]) if len(sys.argv) > 2 else None
for who in sorted({w for w, _ in rows}):
    rules = [r for w, r in rows if w == who]
    data = {r: rows[(who, r)][:first] if first else rows[(who, r)] for r in rules}
    n = len(next(iter(data.values())))
    ids = [i for i, *_ in next(iter(data.values()))]
    four = {ids[0], *[i for i in ids if i in (40, 80, 120)]} if 0 in ids else set()
    raw = {r: sum(a for _, a, _, _ in v) / n for r, v in data.items()}
    raw4 = {r: sum(a for i, a, _, _ in v if i in four) / len(four) for r, v in data.items()} if len(four) == 4 else {}
    rel = {r: sum((a - s) / abs(s) for _, a, s, _ in v) / n for r, v in data.items()}
    ranks = {r: 0.0 for r in data}
    for k in range(n):
        order = sorted(data, key=lambda r: -data[r][k][1])
        for pos, r in enumerate(order):
            ranks[r] += (pos + 1) / n
    best = {name: (max(d, key=d.get) if name != "rank" else min(d, key=d.get)) for name, d in
            (("raw", raw), ("raw4", raw4), ("rel", rel), ("rank", ranks)) if d}
    print(f"{who}: {n} training services {ids}")
    for r in rules:
        print(f"  {r:10s} raw {raw[r]:.4f}{'*' if best['raw'] == r else ' '}"
              + (f"  raw-4 {raw4[r]:.4f}{'*' if best['raw4'] == r else ' '}" if raw4 else "")
              + f"  relative {100 * rel[r]:+6.2f}%{'*' if best['rel'] == r else ' '}"
              + f"  rank {ranks[r]:.2f}{'*' if best['rank'] == r else ' '}")
