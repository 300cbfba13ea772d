#!/bin/sh
# bench/tick.sh: flashd's per-tick cost (JMH, SampleTime: p50/p99) on fake cpufreq/powercap trees.
#
#   bench/tick.sh                          # everything: tick + parts, 2/64/256 CPUs, both layouts
#   bench/tick.sh -p cpus=256 'TickBenchmark.tick$'   # any JMH options / benchmark regexps
#   FLASH_BENCH_MODEL=models/dvfs-flash.onnx bench/tick.sh   # another model than TestModels'
#
# Builds the test classes, writes the test class path once to target/bench-cp.txt
# (mvn dependency:build-classpath), then runs org.openjdk.jmh.Main. Results also go to
# target/tick-bench.json. See docs/benchmarks.md for the figures and the machine.
set -eu
cd "$(dirname "$0")/.."
MVN="${MVN:-mvn -B -o -q}"
$MVN test-compile
if [ ! -s target/bench-cp.txt ] || [ pom.xml -nt target/bench-cp.txt ]; then
    $MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-cp.txt >/dev/null
fi
CP="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
MODEL_OPT=""
if [ -n "${FLASH_BENCH_MODEL:-}" ]; then
    MODEL_OPT="-jvmArgsAppend -Dflash.bench.model=$(readlink -f "$FLASH_BENCH_MODEL")"
fi
if [ $# -eq 0 ]; then
    set -- 'dev.flash.bench.TickBenchmark'
fi
# shellcheck disable=SC2086
exec java -cp "$CP" org.openjdk.jmh.Main $MODEL_OPT -rf json -rff target/tick-bench.json "$@"
