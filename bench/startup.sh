#!/bin/sh
# bench/startup.sh: flashd's start-up time, from exec to the READY=1 sd_notify datagram.
#
#   bench/startup.sh            # 5 runs per variant
#   RUNS=10 bench/startup.sh
#
# A Unix datagram socket stands in for systemd (NOTIFY_SOCKET); bench/notify_wait.py starts the
# launcher (systemd/flash) and times exec -> READY=1. flashd sends READY after its first good
# sample, so the time includes JVM start, configuration, the simulated node, loading the model
# (ONNX Runtime, trial inference) and one tick. Variants:
#   launcher         the launcher's flags, flash.jar with a built-in model (TestModels' model)
#   launcher+AppCDS  the same plus -XX:SharedArchiveFile (archive made by one earlier run with
#                    -XX:ArchiveClassesAtExit)
#   fallback         the launcher's flags, no model (no ONNX Runtime)
set -eu
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
MVN="${MVN:-mvn -B -o -q}"
[ -s target/flash.jar ] || $MVN package -DskipTests
$MVN test-compile
if [ ! -s target/bench-cp.txt ] || [ pom.xml -nt target/bench-cp.txt ]; then
    $MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-cp.txt >/dev/null
fi
W=$(mktemp -d /tmp/flash-startup.XXXXXX)
# flash.jar as built: its built-in model is the shipped models/dvfs-flash.onnx
mkdir -p "$W/home" "$W/empty" "$W/state"
cp target/flash.jar "$W/home/flash.jar"

DAEMON="daemon --simulate --quiet --duration 4 --state-dir $W/state --socket $W/state/flashd.sock --models-dir $W/empty"
# One run writes the AppCDS archive at exit.
# shellcheck disable=SC2086
FLASH_HOME="$W/home" FLASH_JAVA_OPTS="-XX:ArchiveClassesAtExit=$W/flash.jsa -Xlog:cds=off" \
    sh systemd/flash $DAEMON 2>/dev/null || true
[ -s "$W/flash.jsa" ] || { echo "no AppCDS archive was written" >&2; exit 1; }

echo "exec -> READY=1, $RUNS runs each (work dir $W)"
# shellcheck disable=SC2086
FLASH_HOME="$W/home" python3 bench/notify_wait.py launcher "$RUNS" sh systemd/flash $DAEMON
# shellcheck disable=SC2086
FLASH_HOME="$W/home" FLASH_JAVA_OPTS="-XX:SharedArchiveFile=$W/flash.jsa" \
    python3 bench/notify_wait.py launcher+AppCDS "$RUNS" sh systemd/flash $DAEMON
# shellcheck disable=SC2086
FLASH_HOME="$PWD/target" python3 bench/notify_wait.py fallback "$RUNS" sh systemd/flash $DAEMON
