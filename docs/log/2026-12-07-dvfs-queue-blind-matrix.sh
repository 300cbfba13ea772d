#!/bin/sh
# The queue-blind session's whole matrix for one jar, two runs at a time, nice 5:
#   docs/log/2026-12-07-dvfs-queue-blind-matrix.sh JAR OUTDIR
# Rows: the eight sets (default, foreign-apps, foreign-apps-2..7) on the default node, one thread
# per CPU, without schedstat, without PMU+RAPL, on the boost and the irregular node; idle-hosts
# (120 episodes) on the default node and one thread per CPU. Rows already in OUTDIR are skipped.
jar=$1; out=$2
run=$(dirname "$0")/2026-12-07-dvfs-queue-blind-run.sh
rows=""
for node in default tpc nosched nopmu boost irregular; do
  for set in default foreign-apps foreign-apps-2 foreign-apps-3 foreign-apps-4 foreign-apps-5 foreign-apps-6 foreign-apps-7; do
    rows="$rows $set:$node"
  done
done
rows="$rows idle-hosts:default idle-hosts:tpc"
i=0
for r in $rows; do
  set=${r%%:*}; node=${r##*:}
  [ -s "$out/$set.$node.json" ] && continue
  "$run" "$jar" "$out" "$set" "$node" &
  i=$((i + 1))
  if [ $((i % 2)) -eq 0 ]; then wait; fi
done
wait
