#!/bin/sh
# bench/recommend-latency.sh: how soon `flash config-search recommend` answers (issue 21).
#
#   bench/recommend-latency.sh            # 15 runs per variant
#   RUNS=30 bench/recommend-latency.sh
#   BEFORE_JAR=/path/to/old/flash.jar bench/recommend-latency.sh   # adds that jar's runs, side by side
#   TASKSET=0 bench/recommend-latency.sh  # also each engine pinned to CPU 0 (taskset -c 0)
#   VARIANTS="builtin ort" bench/recommend-latency.sh               # a subset
#
# Runs the launcher (systemd/flash, its small-JVM flags) on target/flash.jar with the shipped
# models/configsearch-multicloud.onnx and two measured configurations of one workload of the
# test fixture, --json. Per run it records, from the line -Dflash.timing=true prints
# (cli/StartupTiming):
#   answer   wall ms from main() entry to the answer written and flushed
#   cpu      the process's CPU ms (all threads; utime + stime, 10 ms ticks) over the same span
#   process  wall ms of the whole process, exec of the launcher to exit (JVM start and exit
#            included), measured here
# and prints median and p90 of each, with the load average before and after, and the median CPU of
# the main thread per phase (the "(cpu N)" of each phase in that line). Variants, each with the
# launcher as installed (ONNX Runtime's libraries from flash's cache, the launcher's AppCDS archive of
# this command; one unrecorded run per engine fills both, an archive per engine):
#   builtin     --engine builtin: flash's own evaluator (what auto picks for one answer)
#   ort         --engine ort: ONNX Runtime
#   builtin-no-cds, ort-no-cds   the same without an AppCDS archive (FLASH_CDS_DIR=none)
#   before      BEFORE_JAR's flash.jar (no --engine option: ONNX Runtime), when given
#   builtin-cpu0, ort-cpu0       with TASKSET=0: the launcher under taskset -c 0 (one core)
# The machine is shared: read the figures with the load they were taken at.
set -eu
cd "$(dirname "$0")/.."
RUNS="${RUNS:-15}"
[ -s target/flash.jar ] || mvn -B -q package -DskipTests -Ddeb.skip=true
W=$(mktemp -d /tmp/flash-recommend.XXXXXX)
trap 'rm -rf "$W"' EXIT
fixture=src/test/resources/configsearch/multicloud-fixture.csv
sed -n '1,3p' "$fixture" > "$W/samples.csv"
ARGS="config-search recommend --model models/configsearch-multicloud.onnx --samples $W/samples.csv --json"
VARIANTS="${VARIANTS:-builtin ort builtin-no-cds ort-no-cds}"
[ -z "${BEFORE_JAR:-}" ] || { mkdir -p "$W/before" && cp "$BEFORE_JAR" "$W/before/flash.jar"; VARIANTS="before $VARIANTS"; }
[ -z "${TASKSET:-}" ] || VARIANTS="$VARIANTS builtin-cpu$TASKSET ort-cpu$TASKSET"

run() { # variant, extra JVM options, FLASH_CDS_DIR, engine (empty: the jar's default), FLASH_HOME, prefix
    name=$1
    opts=$2
    cds=$3
    engine=${4:+--engine $4}
    home=$5
    prefix=$6
    : > "$W/$name.txt"
    : > "$W/$name.lines"
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        # shellcheck disable=SC2086
        FLASH_HOME="$home" FLASH_CDS_DIR="$cds" FLASH_JAVA_OPTS="-Dflash.timing=true $opts" $prefix sh systemd/flash $ARGS $engine \
            >/dev/null 2>"$W/err.txt"
        t1=$(date +%s%N)
        line=$(grep '^flash: timing:' "$W/err.txt") || { cat "$W/err.txt" >&2; exit 1; }
        answer=$(echo "$line" | sed -n 's/.*answer \([0-9.]*\) ms since main().*/\1/p')
        cpu=$(echo "$line" | sed -n 's/.*; cpu \([0-9]*\) ms.*/\1/p')
        echo "$answer $cpu $(( (t1 - t0) / 1000000 ))" >> "$W/$name.txt"
        echo "$line" >> "$W/$name.lines"
        i=$((i + 1))
    done
    python3 - "$name" "$W/$name.txt" <<'EOF'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]
cols = list(zip(*rows))
print("%-14s runs %2d  answer (main->answer) median %6.0f ms p90 %6.0f | cpu median %4.0f ms p90 %4.0f | process median %6.0f ms p90 %6.0f"
      % (sys.argv[1], len(rows), q(cols[0], .5), q(cols[0], .9), q(cols[1], .5), q(cols[1], .9), q(cols[2], .5), q(cols[2], .9)))
import re
phases = {}
for l in open(sys.argv[2].replace(".txt", ".lines")):
    for name, cpu in re.findall(r"([a-z-]+) [0-9.]+ ms \(cpu ([0-9.]+)\)", l):
        phases.setdefault(name, []).append(float(cpu))
    m = re.search(r"main-thread cpu ([0-9.]+) ms", l)
    if m:
        phases.setdefault("main thread total", []).append(float(m.group(1)))
print("               main-thread cpu per phase, median: " + ", ".join("%s %.1f" % (k, q(v, .5)) for k, v in phases.items()))
EOF
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $RUNS runs per variant"
warm() { # engine, FLASH_HOME, CDS dir: fill the library cache and let the launcher write its AppCDS archive
    # shellcheck disable=SC2086
    FLASH_HOME="$2" FLASH_CDS_DIR="$3" FLASH_JAVA_OPTS="-Dflash.native.cache=$W/cache" \
        sh systemd/flash $ARGS ${1:+--engine $1} >/dev/null 2>&1
    ls "$3"/*.jsa >/dev/null 2>&1 || { echo "the launcher wrote no AppCDS archive in $3" >&2; exit 1; }
}
for v in $VARIANTS; do
    case "$v" in
        before) warm "" "$W/before" "$W/cds-before"
                run before "-Dflash.native.cache=$W/cache" "$W/cds-before" "" "$W/before" "" ;;
        builtin|ort) warm "$v" "$PWD/target" "$W/cds-$v"
                run "$v" "-Dflash.native.cache=$W/cache" "$W/cds-$v" "$v" "$PWD/target" "" ;;
        *-no-cds) run "$v" "-Dflash.native.cache=$W/cache" none "${v%-no-cds}" "$PWD/target" "" ;;
        *-cpu*) e=${v%-cpu*}
                [ -d "$W/cds-$e" ] || warm "$e" "$PWD/target" "$W/cds-$e"
                run "$v" "-Dflash.native.cache=$W/cache" "$W/cds-$e" "$e" "$PWD/target" "taskset -c ${v##*-cpu}" ;;
        *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
