#!/bin/sh
# bench/recommend-stream-latency.sh: per-line latency of `flash config-search recommend --stream`
# (issue 21: one start-up, many workloads).
#
#   bench/recommend-stream-latency.sh          # LINES=500
#   LINES=2000 bench/recommend-stream-latency.sh
#   FLASH_HOME=old/ bench/recommend-stream-latency.sh   # another build's flash.jar (default: target/)
#
# Writes LINES JSON lines, each one workload of the test fixture with one, two or three measured
# configurations (cycling), and runs the launcher (systemd/flash: its small-JVM flags, the library
# cache) on target/flash.jar with the shipped models/configsearch-multicloud.onnx and
# --samples-stream. Reports:
#   per-line   p50 / p99 / max of each answer's "milliseconds": wall time from the line read to its
#              answer built (parse, samples, one batched inference over every configuration, ranking)
#   marginal   CPU per line: (CPU of the LINES-line run - CPU of a 1-line run) / (LINES - 1),
#              user + sys of the whole process (/usr/bin/time), so JIT and GC are included
#   start      wall and CPU of the 1-line run (JVM start, ONNX Runtime, model: paid once)
# with the load average before and after. The machine is shared: read the figures with the load.
set -eu
cd "$(dirname "$0")/.."
LINES="${LINES:-500}"
[ -s target/flash.jar ] || mvn -B -q package -DskipTests -Ddeb.skip=true
W=$(mktemp -d /tmp/flash-stream.XXXXXX)
trap 'rm -rf "$W"' EXIT
python3 - src/test/resources/configsearch/multicloud-fixture.csv "$LINES" > "$W/in.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    by.setdefault(r["workload"], []).append({k: v for k, v in r.items() if k not in ("", "workload")})
names = sorted(by)
for i in range(int(sys.argv[2])):
    w = names[i % len(names)]
    k = 1 + i % 3
    print(json.dumps({"workload": "%s#%d" % (w, i), "samples": by[w][:k]}))
PY
head -n 1 "$W/in.jsonl" > "$W/one.jsonl"
ARGS="config-search recommend --model models/configsearch-multicloud.onnx --samples-stream"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $LINES lines"
run() { # input, output -> "wall_s cpu_s" on stdout
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    /usr/bin/time -f '%U %S' -o "$W/time.txt" env FLASH_HOME="${FLASH_HOME:-$PWD/target}" FLASH_JAVA_OPTS="-Dflash.native.cache=$W/cache" \
        sh systemd/flash $ARGS "$1" > "$2"
    t1=$(date +%s%N)
    awk -v w=$(( (t1 - t0) / 1000000 )) '{printf "%d %.0f\n", w, ($1 + $2) * 1000}' "$W/time.txt"
}
run "$W/one.jsonl" "$W/one.out" > /dev/null # fills the library cache
one=$(run "$W/one.jsonl" "$W/one.out")
many=$(run "$W/in.jsonl" "$W/many.out")
python3 - "$W/many.out" "$LINES" "$one" "$many" <<'PY'
import json, sys
ms = sorted(json.loads(l)["milliseconds"] for l in open(sys.argv[1]) if l.strip())
n = int(sys.argv[2])
assert len(ms) == n, (len(ms), n)
q = lambda p: ms[min(len(ms) - 1, int(round(p * (len(ms) - 1))))]
w1, c1 = map(float, sys.argv[3].split())
wn, cn = map(float, sys.argv[4].split())
print("per-line  (line read -> answer built, wall) p50 %.2f ms  p99 %.2f ms  max %.2f ms over %d lines" % (q(.5), q(.99), ms[-1], n))
print("marginal  CPU per line (whole process, user+sys) %.2f ms" % ((cn - c1) / (n - 1)))
print("start     1-line run: wall %.0f ms, CPU %.0f ms;  %d-line run: wall %.0f ms, CPU %.0f ms" % (w1, c1, n, wn, cn))
PY
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
