#!/bin/bash
# Runs flash evaluate dvfs (shipped model, seed 7, guard on) on every set x node, one at a time.
cd /work/wt/dvfsoracle
JAR=/tmp/dvfsoracle/flash.jar
OUT=${OUT:-/tmp/dvfsoracle/runs}
for node in default threads-per-cpu irregular-table fine-steps-boost; do
  for set in default foreign-apps foreign-apps-2 foreign-apps-3 foreign-apps-4; do
    args=""
    [ "$set" != default ] && args="$args --apps bench/apps/$set.json"
    [ "$node" != default ] && args="$args --node bench/nodes/$node.toml"
    f=$OUT/eval-$node-$set.json
    [ -s $f ] && continue
    echo "$(date -u +%H:%M:%S) start $node $set load $(cut -d' ' -f1-3 /proc/loadavg) :: java -jar flash.jar evaluate dvfs --model models/dvfs-flash.onnx --seed 7 --json$args" >> $OUT/runs.txt
    nice -n 10 java -jar $JAR evaluate dvfs --model models/dvfs-flash.onnx --seed 7 --json $args > $f.tmp 2> $OUT/eval-$node-$set.err && mv $f.tmp $f
    echo "$(date -u +%H:%M:%S) end   $node $set rc=$? load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/runs.txt
  done
done
echo done >> $OUT/runs.txt
