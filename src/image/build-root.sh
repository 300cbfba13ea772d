#!/bin/sh
# Builds the root file system of flash's container image (Maven profile `image`, docs/install.md):
#   /opt/java                 a Java 17 runtime cut by jlink from the build machine's JDK to the
#                             modules flash.jar uses
#   /lib, /lib64              the shared libraries that runtime and flash's native code (ONNX
#                             Runtime, JNA) load, copied from the build machine (glibc and libstdc++
#                             of a Debian-like system, as ldd resolves them)
#   /usr/share/flash/flash.jar, /tmp
#   /usr/share/flash/k8s-lib/ the Kubernetes client (flash autoscale controller), from k8s-lib/
#                             beside FLASH_JAR; flash.jar's manifest names these jars
#   /usr/share/flash/native/  ONNX Runtime's shared libraries, extracted once here: the
#                             entrypoint's -Donnxruntime.native.path points at them, so no
#                             process copies 22 MB out of the jar at start
#   /opt/flash/models/        the repository's shipped models (the autoscaler's Deployment reads
#                             autoscale-flash.onnx from here; the daemon reads /var/lib/flash/models)
# No registry is reachable from the build machines, so the image starts from scratch and takes its
# base from the local JDK and libraries instead of pulling a Java base image.
#
#   src/image/build-root.sh OUT_DIR FLASH_JAR
set -eu

out="$1"
[ -f "$2" ] || { echo "build-root.sh: no $2 (mvn package builds it)" >&2; exit 2; }
jar=$(readlink -f "$2")
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[ -x "$java_home/bin/jlink" ] || { echo "build-root.sh: no jlink in $java_home (needs a JDK, not a JRE)" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out/usr/share/flash" "$out/tmp" "$out/etc" "$out/proc" "$out/sys" "$out/dev" "$out/run/flash" \
    "$out/var/lib/flash/models"
chmod 1777 "$out/tmp"
cp "$jar" "$out/usr/share/flash/flash.jar"
k8s_lib="$(dirname "$jar")/k8s-lib"
[ -d "$k8s_lib" ] || { echo "build-root.sh: no $k8s_lib (mvn package builds it beside flash.jar)" >&2; exit 2; }
mkdir -p "$out/usr/share/flash/k8s-lib" "$out/usr/share/flash/native" "$out/opt/flash/models"
cp "$k8s_lib"/*.jar "$out/usr/share/flash/k8s-lib/"
(cd "$out/usr/share/flash/native" && "$java_home/bin/jar" xf "$jar" ai/onnxruntime/native/linux-x64 \
    && mv ai/onnxruntime/native/linux-x64/*.so . && rm -r ai)
models="$(cd "$(dirname "$0")/../../models" && pwd)"
cp "$models"/*.onnx "$out/opt/flash/models/"
# jdeps --print-module-deps on flash.jar (java.desktop: picocli reflects on the commands, whose
# PNG plots use java.awt), plus java.logging for ONNX Runtime's logger; k8s-lib needs no other
# (jdeps on its jars: java.base, java.desktop, java.sql), but the controller's TLS to the API
# server does: Go's TLS offers only elliptic-curve key exchange, which is jdk.crypto.ec's (a
# security provider, which jdeps cannot see).
"$java_home/bin/jlink" --add-modules java.base,java.compiler,java.desktop,java.logging,java.management,java.sql,jdk.unsupported,jdk.crypto.ec \
    --output "$out/opt/java" --strip-debug --no-header-files --no-man-pages --compress=2

# The natives flash.jar carries for this machine, to ask ldd what they need.
natives="$out/.natives"
mkdir -p "$natives"
(cd "$natives" && "$java_home/bin/jar" xf "$jar" com/sun/jna/linux-x86-64)

copy_deps() {
    ldd "$1" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/.*ld-linux/ {print $1}' | while read -r lib; do
        case "$lib" in "$out"/*) continue ;; esac   # the runtime's own (RPATH $ORIGIN)
        dest="$out$lib"
        if [ ! -e "$dest" ]; then
            mkdir -p "$(dirname "$dest")"
            cp -L "$lib" "$dest"
        fi
    done
}
# The image runs headless: AWT's X11, sound, splash and font libraries are never loaded, so
# their X11/ALSA/freetype dependencies stay out.
for f in "$out/opt/java/bin/java" $(find "$out/opt/java/lib" "$natives" "$out/usr/share/flash/native" -name '*.so*' -type f \
        ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libjsound.so' ! -name 'libsplashscreen.so' \
        ! -name 'libfontmanager.so'); do
    copy_deps "$f"
done
rm -rf "$natives"
# The dynamic loader at the path every binary names (PT_INTERP).
interp=$(readelf -l "$out/opt/java/bin/java" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
if [ -n "$interp" ] && [ ! -e "$out$interp" ]; then
    mkdir -p "$out$(dirname "$interp")"
    cp -L "$interp" "$out$interp"
fi
printf 'root:x:0:0:root:/root:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nflash:x:999:\n' > "$out/etc/group"
echo "build-root.sh: $(du -sh "$out" | cut -f1) in $out"
