#!/usr/bin/env bash
# `flash status` as a non-root member of group flash against a daemon laid out as the unit lays it
# out (issue 23): the daemon runs as root with group flash and umask 0027 in a 0750 root:flash
# runtime directory; user nobody with the supplementary group flash must read the status (exit 0)
# but not act (`flash resume`: exit 4, refused by the daemon from the socket's peer credentials),
# and without the group must get exit 4 with the fix. Needs root, setpriv, user nobody and group flash;
# run after `mvn test` (uses target/classes). Exits non-zero on a failed check.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
# nobody cannot read root's Maven repository: give the client a world-readable copy of what it loads
mkdir -p "$work/client/lib"
cp -r target/classes "$work/client/"
# every runtime jar but the training stack (DJL/PyTorch) and the Kubernetes client (fabric8 and what
# only it pulls in: k8s-lib/): the command classes name types of the companion modes (ONNX Runtime,
# ...) that picocli loads while it builds the command tree, but none of those two, which flash.jar
# leaves out; this checks that the command tree loads without them
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/runtime-cp.txt" >/dev/null
tr ':' '\n' < "$work/runtime-cp.txt" | grep -vE '/ai/djl/|/io/fabric8/|/com/fasterxml/jackson/|/org/snakeyaml/|/org/yaml/|/com/squareup/' | grep -E '\.jar$' | xargs -I{} cp {} "$work/client/lib/"
chmod -R a+rX "$work/client"
chmod 0755 "$work"

run="$work/run"
mkdir -p "$run" && chgrp flash "$run" && chmod 0750 "$run"
( umask 0027; exec setpriv --regid flash --clear-groups \
    java -cp "target/classes:$(cat "$work/cp.txt")" dev.flash.cli.FlashMain daemon --simulate --quiet \
    --state-dir "$run" --models-dir "$work/no-models" --duration 120 ) 2>"$work/daemon.err" &
daemon_pid=$!
for _ in $(seq 1 120); do
  [ -S "$run/flashd.sock" ] && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.err"; echo "ci: the daemon stopped"; exit 1; }
  sleep 0.5
done
[ -S "$run/flashd.sock" ] || { cat "$work/daemon.err"; echo "ci: no status socket after 60 s"; exit 1; }

client=(java -cp "$work/client/classes:$work/client/lib/*" dev.flash.cli.FlashMain status --socket "$run/flashd.sock")
if ! out=$(setpriv --reuid nobody --regid nogroup --groups flash "${client[@]}" 2>&1); then
  echo "$out"; echo "ci: flash status failed for a member of group flash"; exit 1
fi
grep -q '^flashd ' <<<"$out" || { echo "$out"; echo "ci: no summary for a member of group flash"; exit 1; }
set +e
denied=$(setpriv --reuid nobody --regid nogroup --clear-groups "${client[@]}" 2>&1)
code=$?
set -e
if [ "$code" != 4 ] || ! grep -q 'usermod -aG flash' <<<"$denied"; then
  echo "$denied"; echo "ci: a user outside group flash got exit $code, expected 4 with the fix"; exit 1
fi
resume=(java -cp "$work/client/classes:$work/client/lib/*" dev.flash.cli.FlashMain resume --socket "$run/flashd.sock")
set +e
refused=$(setpriv --reuid nobody --regid nogroup --groups flash "${resume[@]}" 2>&1)
code=$?
set -e
if [ "$code" != 4 ] || ! grep -q 'may read the status, not act' <<<"$refused"; then
  echo "$refused"; echo "ci: a member of group flash got exit $code from flash resume, expected 4 (refused)"; exit 1
fi
echo "ci: flash status as a member of group flash: ok; its flash resume: refused (exit 4); outside the group: exit 4 with the fix"
