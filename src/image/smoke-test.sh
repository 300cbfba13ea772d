#!/bin/sh
# Runs the container image built by `mvn -Pimage package` without a container runtime (none is
# installed on the build machines): unpacks the tarball's layers into a directory and runs the
# image's own entrypoint there as a container would, chrooted, as PID 1 of new PID and mount
# namespaces with its own /proc. Checks `--version`, that ONNX Runtime loads the shipped model
# (`models list`), `restore`, that `autoscale controller` finds its Kubernetes client (k8s-lib/)
# and model, and that the daemon starts (on the simulated node: this machine has no cpufreq)
# and answers `flash status`. Needs root (unshare, chroot), python3 and tar.
#
#   src/image/smoke-test.sh target/flash-image-VERSION.tar
set -eu

tarball=$(readlink -f "$1")
models=$(cd "$(dirname "$0")/../../models" && pwd)   # the repository's shipped models
work=$(mktemp -d)
daemon=
cleanup() {
    rc=$?
    if [ -n "$daemon" ]; then
        # unshare --fork ignores SIGTERM itself: stop its child, flashd, as a runtime would (it
        # restores and exits; unshare follows).
        kill "$(cat "/proc/$daemon/task/$daemon/children" 2>/dev/null)" 2>/dev/null || kill -KILL "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
cd "$work"
tar xf "$tarball"
mkdir rootfs
for layer in $(python3 -c 'import json; print(" ".join(json.load(open("manifest.json"))[0]["Layers"]))'); do
    tar xzf "$layer" -C rootfs 2>/dev/null
done
# The image's entrypoint and environment, as a runtime reads them from its config.
entrypoint=$(python3 -c 'import json; m = json.load(open("manifest.json"))[0]; print(" ".join(json.load(open(m["Config"]))["config"]["Entrypoint"]))')
env=$(python3 -c 'import json; m = json.load(open("manifest.json"))[0]; print(" ".join(json.load(open(m["Config"]))["config"]["Env"]))')

unshare=$(command -v unshare)
chroot=$(command -v chroot)
container() {
    # shellcheck disable=SC2086
    env -i $env "$unshare" --mount --pid --fork --kill-child=SIGTERM --mount-proc="$work/rootfs/proc" \
        "$chroot" "$work/rootfs" $entrypoint "$@"
}

container --version
mkdir -p rootfs/etc/flash rootfs/var/lib/flash/models
cp "$models"/*.onnx rootfs/var/lib/flash/models/
container models list --dir /var/lib/flash/models | tee models.txt
grep -q ' valid ' models.txt
container restore --state-dir /run/flash
# The autoscaler's Deployment runs the controller from this image with /opt/flash/models: it must
# find the Kubernetes client in k8s-lib/ and get as far as the API server (none answers here).
set +e
container autoscale controller --model /opt/flash/models/autoscale-flash.onnx --once \
    --master http://127.0.0.1:1 --request-timeout 2000 > controller.txt 2>&1
code=$?
set -e
if [ "$code" != 1 ] || ! grep -q 'API server' controller.txt; then
    echo "smoke-test.sh: autoscale controller did not reach the API server (exit $code)" >&2
    cat controller.txt >&2
    exit 1
fi
printf 'simulate = "always"\nstate_dir = "/run/flash"\nsocket = "/run/flash/flashd.sock"\n' > rootfs/etc/flash/flashd.toml
# shellcheck disable=SC2086
env -i $env "$unshare" --mount --pid --fork --kill-child=SIGTERM --mount-proc="$work/rootfs/proc" \
    "$chroot" "$work/rootfs" $entrypoint daemon --config /etc/flash/flashd.toml > daemon.log 2>&1 &
daemon=$!
# Until the daemon has ticked: the JSON status says "running" (the summary's wording may change).
i=0
until container status --socket /run/flash/flashd.sock --json > status.json 2>&1 \
        && grep -q '"state":"running"' status.json; do
    i=$((i + 1))
    if [ "$i" -ge 120 ] || ! kill -0 "$daemon" 2>/dev/null; then
        echo "smoke-test.sh: the image's daemon did not report running in flash status" >&2
        cat daemon.log status.json >&2
        exit 1
    fi
    sleep 1
done
container status --socket /run/flash/flashd.sock | head -n 3
echo "smoke-test.sh: the image runs flash (version, models, restore, controller, daemon + status)"
