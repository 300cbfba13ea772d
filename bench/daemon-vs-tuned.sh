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
#   flashd            launcher flags (systemd/flash), simulated node, the jar's built-in shipped
#                     model models/dvfs-flash.onnx (ONNX Runtime loaded), an empty --models-dir
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
# flash.jar as built: its built-in model is the shipped models/dvfs-flash.onnx; the fallback
# daemon gets a copy without it (no valid model anywhere: the rule controller decides)
mkdir -p "$W/home" "$W/empty" "$W/nomodel"
cp target/flash.jar "$W/home/flash.jar"
python3 - "$W/home/flash.jar" "$W/nomodel/flash.jar" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if item.filename != "models/dvfs-flash.onnx":
            dst.writestr(item, src.read(item.filename))
PY
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
flashd flashd-fallback "$W/nomodel" ""; FALLBACK=$!; PIDS="$PIDS $FALLBACK"
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
