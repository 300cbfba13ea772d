#!/bin/sh
# bench/daemon-threads.sh: flashd's CPU split by thread (bench/procthreads.py), several daemons
# side by side over the same window, each as bench/daemon-vs-tuned.sh starts it (launcher flags of
# systemd/flash, `daemon --simulate --quiet`, an empty --models-dir).
#
#   bench/daemon-threads.sh                                   # this tree's jar, with and without model
#   WINDOW=300 WARMUP=60 bench/daemon-threads.sh
#   bench/daemon-threads.sh a=target/flash.jar b=/tmp/other/target/flash.jar   # A/B, same window
#   OPTS_b="-XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0" \
#       bench/daemon-threads.sh a=target/flash.jar b=target/flash.jar         # a JVM flag, A/B
#   bench/daemon-threads.sh a=target/flash.jar a2=target/flash.jar            # A/A: the spread
#
# An arm is NAME=JAR (the jar's built-in shipped model decides) or NAME=JAR:nomodel (a copy
# without models/dvfs-flash.onnx: the rule controller decides, ONNX Runtime is never loaded);
# OPTS_NAME adds JVM flags after the launcher's (FLASH_JAVA_OPTS), ARGS_NAME daemon options
# (e.g. ARGS_b="--config /tmp/noguard.toml"). Default arms: flashd=target/flash.jar
# flashd-fallback=target/flash.jar:nomodel. Work directory (logs, homes) is printed; it is kept.
set -eu
cd "$(dirname "$0")/.."
WINDOW="${WINDOW:-180}"
WARMUP="${WARMUP:-30}"
[ -s target/flash.jar ] || ${MVN:-mvn -B -o -q} package -DskipTests
[ $# -gt 0 ] || set -- flashd=target/flash.jar flashd-fallback=target/flash.jar:nomodel

W=$(mktemp -d /tmp/flash-threads.XXXXXX)
mkdir -p "$W/empty"
PIDS=""
cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
SAMPLE=""
for arm in "$@"; do
    name=${arm%%=*}
    spec=${arm#*=}
    jar=${spec%:nomodel}
    [ -s "$jar" ] || { echo "$name: no jar at $jar" >&2; exit 2; }
    mkdir -p "$W/$name/home" "$W/$name/state"
    if [ "$jar" != "$spec" ]; then
        python3 - "$jar" "$W/$name/home/flash.jar" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if item.filename != "models/dvfs-flash.onnx":
            dst.writestr(item, src.read(item.filename))
PY
    else
        cp "$jar" "$W/$name/home/flash.jar"
    fi
    key=$(echo "$name" | tr -c 'A-Za-z0-9_\n' '_')
    eval "opts=\${OPTS_$key:-}"
    eval "args=\${ARGS_$key:-}"
    # shellcheck disable=SC2086
    FLASH_HOME="$W/$name/home" FLASH_JAVA_OPTS="$opts" sh systemd/flash daemon --simulate --quiet \
        --state-dir "$W/$name/state" --socket "$W/$name/state/flashd.sock" --models-dir "$W/empty" \
        $args 2>"$W/$name.log" &
    PIDS="$PIDS $!"
    SAMPLE="$SAMPLE $name=$!"
    echo "$name: $spec${opts:+, JVM +$opts}${args:+, daemon $args}"
done
echo "warm-up ${WARMUP} s, window ${WINDOW} s (work dir $W; load: $(cut -d' ' -f1-3 /proc/loadavg))"
sleep "$WARMUP"
for s in $SAMPLE; do
    kill -0 "${s#*=}" 2>/dev/null || { echo "${s%%=*} died during warm-up; logs in $W" >&2; exit 1; }
    echo "${s%%=*}: $(grep -m1 -o 'ready:.*' "$W/${s%%=*}.log" || echo 'not ready')"
done
# shellcheck disable=SC2086
python3 bench/procthreads.py "$WINDOW" $SAMPLE
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
