#!/bin/sh
# Rows of a variant, two at a time, nice 5 (screening: never foreign-apps-7; the matrix script passes its rows).
#   [JAVA_OPTS="-Dflash.guard.capped-share=true"] docs/log/2026-12-07-dvfs-queue-blind-screen.sh JAR OUTDIR [SET:NODE...]
# Default rows: foreign-5/-6 with one thread per CPU and without schedstat (the criterion), the
# default set and foreign-4 on the default node, foreign-3 with one thread per CPU.
jar=$1; out=$2; shift 2
rows=${*:-"foreign-apps-5:tpc foreign-apps-6:tpc foreign-apps-5:nosched foreign-apps-6:nosched default:default foreign-apps-4:default foreign-apps-3:tpc foreign-apps-5:default"}
run=$(dirname "$0")/2026-12-07-dvfs-queue-blind-run.sh
i=0
for r in $rows; do
  set=${r%%:*}; node=${r##*:}
  [ -s "$out/$set.$node.json" ] && continue
  "$run" "$jar" "$out" "$set" "$node" &
  i=$((i + 1))
  if [ $((i % 2)) -eq 0 ]; then wait; fi
done
wait
