#!/bin/sh
# The queue-blind session's whole matrix for one jar, two runs at a time, nice 5:
#   [JAVA_OPTS=...] docs/log/2026-12-07-dvfs-queue-blind-matrix.sh JAR OUTDIR
# Rows: the eight sets (default, foreign-apps, foreign-apps-2..7) on the default node, one thread
# per CPU, without schedstat, without PMU+RAPL, on the boost and the irregular node; idle-hosts
# (120 episodes) on the default node and one thread per CPU. Rows already in OUTDIR are skipped.
jar=$1; out=$2
rows=""
for node in default tpc nosched nopmu boost irregular; do
  for set in default foreign-apps foreign-apps-2 foreign-apps-3 foreign-apps-4 foreign-apps-5 foreign-apps-6 foreign-apps-7; do
    rows="$rows $set:$node"
  done
done
exec "$(dirname "$0")/2026-12-07-dvfs-queue-blind-screen.sh" "$jar" "$out" $rows idle-hosts:default idle-hosts:tpc
