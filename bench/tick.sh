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
# The model reaches the fork through the environment: a -jvmArgsAppend here would REPLACE the
# benchmark's @Fork flags (the launcher's serial GC, 64 MB heap, C1) instead of adding to them,
# and the fork would run on the default JVM (G1, a quarter of the RAM, C2). Figures taken with
# FLASH_BENCH_MODEL before 2026-12-07 17:00 UTC ran that way.
if [ -n "${FLASH_BENCH_MODEL:-}" ]; then
    FLASH_BENCH_MODEL=$(readlink -f "$FLASH_BENCH_MODEL")
    export FLASH_BENCH_MODEL
fi
# FLASH_BENCH_JVM_OPTS: flags put BEFORE the launcher's (e.g. -Xmn16m to try a young generation;
# a flag the launcher also sets is overridden by the launcher's, later one).
if [ $# -eq 0 ]; then
    set -- 'dev.flash.bench.TickBenchmark'
fi
if [ -n "${FLASH_BENCH_JVM_OPTS:-}" ]; then
    set -- -jvmArgsPrepend "$FLASH_BENCH_JVM_OPTS" "$@"
fi
exec java -cp "$CP" org.openjdk.jmh.Main -rf json -rff target/tick-bench.json "$@"
