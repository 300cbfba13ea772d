#!/bin/sh
# bench/daemon-vs-tuned.sh: flashd's CPU use and resident memory at its default 1 s period,
# side by side with tuned (Debian package tuned, dynamic tuning on, sleep_interval 1 s), over the
# same window.
#
#   bench/daemon-vs-tuned.sh                 # 20 s warm-up, 60 s window
#   WINDOW=120 WARMUP=30 bench/daemon-vs-tuned.sh
#   CANDIDATE_OPTS="-XX:ReservedCodeCacheSize=12m" bench/daemon-vs-tuned.sh   # + a third flashd
#
# Runs at once:
#   flashd            launcher flags (systemd/flash), simulated node, a DVFS model (ONNX Runtime
#                     loaded): TestModels' model as the jar's built-in models/dvfs-flash.onnx in
#                     a copy of flash.jar (models/ ships none yet, and a model dropped into
#                     --models-dir is not picked up by DaemonWiring at the time of writing)
#   flashd-fallback   launcher flags, simulated node, no model (rule controller, no ONNX Runtime)
#   flashd-candidate  only with CANDIDATE_OPTS: launcher flags + CANDIDATE_OPTS, with the model
#   tuned             `tuned --no-dbus` in the foreground (profile: tuned's recommendation)
# and samples /proc/PID/stat and /proc/PID/status (bench/procstat.py). Needs root for tuned.
# This VM has no cpufreq: tuned complains about missing hardware and runs anyway; flashd runs
# the simulated node. Figures: docs/benchmarks.md.
set -eu
cd "$(dirname "$0")/.."
WINDOW="${WINDOW:-60}"
WARMUP="${WARMUP:-20}"
MVN="${MVN:-mvn -B -o -q}"
[ -s target/flash.jar ] || $MVN package -DskipTests
$MVN test-compile
if [ ! -s target/bench-cp.txt ] || [ pom.xml -nt target/bench-cp.txt ]; then
    $MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-cp.txt >/dev/null
fi
command -v tuned >/dev/null || { echo "tuned is not installed (apt-get install -y tuned)" >&2; exit 1; }

W=$(mktemp -d /tmp/flash-vs-tuned.XXXXXX)
# flash.jar with a built-in model: what a release with models/dvfs-flash.onnx would be
java -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" dev.flash.bench.BenchModel "$W/jar/models" >/dev/null
mv "$W/jar/models/dvfs-test.onnx" "$W/jar/models/dvfs-flash.onnx"
mkdir -p "$W/home" "$W/empty"
cp target/flash.jar "$W/home/flash.jar"
jar uf "$W/home/flash.jar" -C "$W/jar" models/dvfs-flash.onnx
PIDS=""
cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

flashd() { # name flash-home extra-opts
    mkdir -p "$W/$1"
    FLASH_HOME="$2" FLASH_JAVA_OPTS="$3" sh systemd/flash daemon --simulate --quiet \
        --state-dir "$W/$1" --socket "$W/$1/flashd.sock" --models-dir "$W/empty" 2>"$W/$1.log" &
}
flashd flashd "$W/home" ""; FLASHD=$!; PIDS="$PIDS $FLASHD"
flashd flashd-fallback "$PWD/target" ""; FALLBACK=$!; PIDS="$PIDS $FALLBACK"
ARGS="flashd=$FLASHD flashd-fallback=$FALLBACK"
if [ -n "${CANDIDATE_OPTS:-}" ]; then
    flashd flashd-candidate "$W/home" "$CANDIDATE_OPTS"; CAND=$!; PIDS="$PIDS $CAND"
    ARGS="$ARGS flashd-candidate=$CAND"
fi
tuned --no-dbus --log "$W/tuned.log" --pid "$W/tuned.pid" 2>"$W/tuned.err" &
TUNED=$!; PIDS="$PIDS $TUNED"
ARGS="$ARGS tuned=$TUNED"

echo "warm-up ${WARMUP} s (work dir $W)"
sleep "$WARMUP"
for p in $PIDS; do
    kill -0 "$p" 2>/dev/null || { echo "process $p died during warm-up; logs in $W" >&2; exit 1; }
done
for n in flashd flashd-fallback; do
    echo "$n: $(grep -m1 -o 'ready:.*' "$W/$n.log" || echo 'not ready')"
done
echo "tuned profile: $(cat /etc/tuned/active_profile 2>/dev/null || echo '?')"
echo "launcher flags: $(grep -o -- '-XX:+UseSerialGC[^$]*' systemd/flash | head -1)"
[ -n "${CANDIDATE_OPTS:-}" ] && echo "candidate adds: $CANDIDATE_OPTS"
python3 bench/procstat.py "$WINDOW" $ARGS
