#!/bin/sh
# Installs flash and the flashd systemd unit.
#
#   sudo systemd/install.sh [--prefix /usr] [--jar target/flash.jar] [--models DIR]
#                           [--unit-dir /etc/systemd/system] [--enable] [--with-training]
#   DESTDIR=/tmp/root systemd/install.sh      # stage into a tree (packaging, tests)
#
# Files: PREFIX/lib/flash/flash.jar, its k8s-lib/ when built (the Kubernetes client that only
# `flash autoscale controller` loads), (+ train-lib/ with --with-training: the ~115 MB DJL/PyTorch
# stack that only `flash train|evaluate|reproduce` need), PREFIX/bin/flash, UNIT_DIR/flashd.service,
# /etc/flash/flashd.toml (only if absent: an operator's config is never overwritten),
# /var/lib/flash/models/ (+ the .onnx files of --models, default the repository's models/), PREFIX/share/doc/flash/.
# Creates the system group "flash" (members may run `flash status`) unless DESTDIR is set.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr
jar="$here/../target/flash.jar"
models="$here/../models"   # the shipped models (models/*.onnx)
unit_dir=/etc/systemd/system
enable=0
training=0
DESTDIR="${DESTDIR:-}"

die() { echo "install.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
        --jar) [ $# -ge 2 ] || die "--jar needs a file"; jar="$2"; shift 2 ;;
        --models) [ $# -ge 2 ] || die "--models needs a directory"; models="$2"; shift 2 ;;
        --unit-dir) [ $# -ge 2 ] || die "--unit-dir needs a directory"; unit_dir="$2"; shift 2 ;;
        --enable) enable=1; shift ;;
        --with-training) training=1; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

[ -f "$jar" ] || die "no jar at $jar: build it with 'mvn -B package' or pass --jar"
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: must run as root (or set DESTDIR to stage into a directory)" >&2
    exit 4
fi

libdir="$prefix/lib/flash"
bindir="$prefix/bin"
docdir="$prefix/share/doc/flash"

install -d -m 0755 "$DESTDIR$libdir" "$DESTDIR$bindir" "$DESTDIR$unit_dir" "$DESTDIR/etc/flash" \
    "$DESTDIR/var/lib/flash/models" "$DESTDIR$docdir"
install -m 0644 "$jar" "$DESTDIR$libdir/flash.jar"
if [ -d "$(dirname "$jar")/k8s-lib" ]; then
    install -d -m 0755 "$DESTDIR$libdir/k8s-lib"
    for f in "$(dirname "$jar")"/k8s-lib/*.jar; do
        [ -e "$f" ] && install -m 0644 "$f" "$DESTDIR$libdir/k8s-lib/"
    done
fi
# the class lists of the one-shot answers (AppCDS; the launcher makes the archives from them)
if [ -d "$(dirname "$jar")/cds" ]; then
    install -d -m 0755 "$DESTDIR$libdir/cds"
    for f in "$(dirname "$jar")"/cds/*.classlist; do
        [ -e "$f" ] && install -m 0644 "$f" "$DESTDIR$libdir/cds/"
    done
fi
if [ "$training" -eq 1 ]; then
    [ -d "$(dirname "$jar")/train-lib" ] || die "--with-training: no $(dirname "$jar")/train-lib (built by 'mvn -B package')"
    install -d -m 0755 "$DESTDIR$libdir/train-lib"
    for f in "$(dirname "$jar")"/train-lib/*.jar; do
        [ -e "$f" ] && install -m 0644 "$f" "$DESTDIR$libdir/train-lib/"
    done
fi
sed "s#^FLASH_HOME=.*#FLASH_HOME=\"\${FLASH_HOME:-$libdir}\"#" "$here/flash" > "$DESTDIR$bindir/flash"
chmod 0755 "$DESTDIR$bindir/flash"
sed -e "s#/usr/bin/flash#$bindir/flash#g" -e "s#/usr/share/doc/flash#$docdir#g" \
    "$here/flashd.service" > "$DESTDIR$unit_dir/flashd.service"
chmod 0644 "$DESTDIR$unit_dir/flashd.service"
if [ -e "$DESTDIR/etc/flash/flashd.toml" ]; then
    echo "install.sh: keeping existing /etc/flash/flashd.toml"
else
    install -m 0644 "$here/flashd.toml" "$DESTDIR/etc/flash/flashd.toml"
fi
for doc in config.md status.md; do
    [ -f "$here/../docs/$doc" ] && install -m 0644 "$here/../docs/$doc" "$DESTDIR$docdir/$doc"
done
if [ -n "$models" ]; then
    for m in "$models"/*.onnx; do
        [ -e "$m" ] && install -m 0644 "$m" "$DESTDIR/var/lib/flash/models/"
    done
fi

if [ -z "$DESTDIR" ]; then
    getent group flash >/dev/null 2>&1 || groupadd --system flash
    # the AppCDS archives of the one-shot answers for every user, as the package's postinst
    # (best effort; docs/install.md)
    rm -f /var/cache/flash/cds/*.jsa
    "$bindir/flash" --prepare-cds >/dev/null 2>&1 || true
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        if [ "$enable" -eq 1 ]; then
            systemctl enable --now flashd.service
        fi
    fi
fi
echo "install.sh: installed flash into ${DESTDIR:-/}${DESTDIR:+ }(prefix $prefix)"
[ "$enable" -eq 1 ] || echo "install.sh: start it with: systemctl enable --now flashd"
