#!/usr/bin/env python3
"""bench/ticktail.py: what the slowest ticks of a TickTail run are made of.

    java <launcher flags> -Xlog:gc,safepoint,jit+compilation=debug:file=target/tt.log:uptimenanos \\
        ... dev.flash.bench.TickTail cpus=256 out=target/tt.tsv
    bench/ticktail.py target/tt.tsv [target/tt.log] [--top 1.0] [--by-cpu]

Prints the p50/p99 of wall and CPU time and of each part (pre = before Sense, sense, decide =
Sense to the first write, act = first write to the end), then for the slowest --top percent of
ticks by wall time (thread CPU time with --by-cpu): how many carried a collection, fell on a relisting tick (index % 128 == 0 of
the cpufreq reader's count: the reader's tick = TickTail's index + the bench's set-up ticks, so
the residue is reported as found), saw JIT time, or overlapped -Xlog lines (safepoints,
compilations), and which part grew most against its median.
"""
import sys
from collections import Counter


def pct(v, q):
    s = sorted(v)
    return s[min(len(s) - 1, max(0, int(-(-len(s) * q // 1)) - 1))]


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    top = 1.0
    if "--top" in argv:
        top = float(argv[argv.index("--top") + 1])
        args.remove(argv[argv.index("--top") + 1])
    if not args:
        sys.exit("usage: bench/ticktail.py TSV [XLOG] [--top PERCENT]")
    rows = []
    with open(args[0]) as f:
        head = f.readline().rstrip("\n").split("\t")
        for n, line in enumerate(f, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != len(head):
                sys.exit(f"{args[0]}:{n}: {len(parts)} fields, expected {len(head)}")
            rows.append(dict(zip(head, map(int, parts))))
    events = []
    if len(args) > 1:
        with open(args[1]) as f:
            for n, line in enumerate(f, 1):
                if not line.startswith("["):
                    continue
                stamp = line[1:line.index("]")]
                if not stamp.endswith("ns"):
                    sys.exit(f"{args[1]}:{n}: expected the uptimenanos decoration, got [{stamp}]")
                events.append((int(stamp[:-2]), line.strip()))
    by_cpu = "--by-cpu" in argv
    key = "cpu_ns" if by_cpu else "wall_ns"
    sfx = "_cpu_ns" if by_cpu else "_ns"
    names = ["wall_ns", "cpu_ns", "pre_ns", "sense_ns", "decide_ns", "act_ns",
             "pre_cpu_ns", "sense_cpu_ns", "decide_cpu_ns", "act_cpu_ns"]
    med = {k: pct([r[k] for r in rows], 0.5) for k in names}
    print(f"{len(rows)} ticks")
    for k in names:
        v = [r[k] for r in rows]
        print(f"  {k[:-3]:11s} p50 {pct(v, .5) / 1e3:8.0f} us  p99 {pct(v, .99) / 1e3:8.0f} us  max {max(v) / 1e3:8.0f} us")
    # the residue modulo 128 whose ticks are slowest on average
    by = Counter()
    cnt = Counter()
    for r in rows:
        by[r["tick"] % 128] += r["sense_ns"]
        cnt[r["tick"] % 128] += 1
    worst = max(by, key=lambda k: by[k] / cnt[k])
    rest = sum(by[k] for k in by if k != worst) / sum(cnt[k] for k in cnt if k != worst)
    print(f"  sense by tick % 128: residue {worst} {by[worst] / cnt[worst] / 1e3:.0f} us on average, others {rest / 1e3:.0f} us")
    n = max(1, int(len(rows) * top / 100))
    slow = sorted(rows, key=lambda r: -r[key])[:n]
    cut = slow[-1][key]
    print(f"slowest {n} ticks ({top}%) by {key[:-3]}, >= {cut / 1e3:.0f} us:")
    tags = Counter()
    grew = Counter()
    for r in slow:
        t0 = r["start_uptime_ns"]
        t1 = t0 + r["wall_ns"]
        ev = [e for e in events if t0 - 50_000 <= e[0] <= t1 + 50_000]
        kinds = set()
        if r["gc"]:
            kinds.add("collection")
        if r["tick"] % 128 == worst:
            kinds.add("relist residue")
        if r["jit_ms"]:
            kinds.add("jit time")
        if any("safepoint" in e[1] for e in ev):
            kinds.add("safepoint")
        if any("jit" in e[1] for e in ev):
            kinds.add("compilation logged")
        if r["wall_ns"] - r["cpu_ns"] > 300_000:
            kinds.add("off-CPU > 300 us")
        for k in kinds or {"none of these"}:
            tags[k] += 1
        extra = {k: r[k + sfx] - med[k + sfx] for k in ("pre", "sense", "decide", "act")}
        grew[max(extra, key=extra.get)] += 1
    for k, v in tags.most_common():
        print(f"  {k}: {v}")
    print("  part that grew most against its median: " + ", ".join(f"{k} {v}" for k, v in grew.most_common()))
    print("  mean excess over the medians, us: " + ", ".join(
        f"{k} {sum(r[k + sfx] - med[k + sfx] for r in slow) / len(slow) / 1e3:.0f}" for k in ("pre", "sense", "decide", "act")))
    for r in slow[:12]:
        print("   tick {tick} wall {w:.0f} cpu {c:.0f} | {kind}: pre {p:.0f} sense {s:.0f} decide {d:.0f} act {a:.0f} us gc {gc} jit {jit_ms} ms"
              .format(w=r["wall_ns"] / 1e3, c=r["cpu_ns"] / 1e3, p=r["pre" + sfx] / 1e3, s=r["sense" + sfx] / 1e3,
                      d=r["decide" + sfx] / 1e3, a=r["act" + sfx] / 1e3, kind="cpu" if by_cpu else "wall", **r))


if __name__ == "__main__":
    main(sys.argv[1:])
