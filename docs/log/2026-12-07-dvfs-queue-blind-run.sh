#!/bin/sh
# One row of the queue-blind session's matrix (docs/log/2026-12-07-dvfs-queue-blind.md):
#   docs/log/2026-12-07-dvfs-queue-blind-run.sh JAR OUTDIR SET NODE [EXTRA...]
# SET: default | foreign-apps | foreign-apps-2..7 | idle-hosts; NODE: default | tpc | nosched |
# nopmu | boost | irregular. Writes OUTDIR/SET.NODE.json and appends start/end time and load to
# OUTDIR/runs.txt. idle-hosts runs with --episodes 120. JAVA_OPTS (e.g. screening -D switches) goes before -jar.
set -e
jar=$1; out=$2; set=$3; node=$4; shift 4
mkdir -p "$out"
args="--model models/dvfs-flash.onnx --seed 7 --json"
[ "$set" = default ] || args="$args --apps bench/apps/$set.json"
[ "$set" = idle-hosts ] && args="$args --episodes 120"
case $node in
  default) ;;
  tpc) args="$args --node bench/nodes/threads-per-cpu.toml" ;;
  nosched) args="$args --drop-signals schedstat" ;;
  nopmu) args="$args --drop-signals pmu,rapl" ;;
  boost) args="$args --node bench/nodes/fine-steps-boost.toml" ;;
  irregular) args="$args --node bench/nodes/irregular-table.toml" ;;
  *) echo "unknown node $node" >&2; exit 2 ;;
esac
start="$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
nice -n 5 java $JAVA_OPTS -jar "$jar" evaluate dvfs $args "$@" > "$out/$set.$node.json"
echo "$set $node: $start ${JAVA_OPTS:+[$JAVA_OPTS] } -> $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) ($jar)" >> "$out/runs.txt"
