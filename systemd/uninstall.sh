#!/bin/sh
# Removes flash and the flashd unit. Stops the service and runs `flash restore` first, so no
# CPU is left at a frequency flashd chose.
#
#   sudo systemd/uninstall.sh [--prefix /usr] [--unit-dir /etc/systemd/system] [--purge]
#   DESTDIR=/tmp/root systemd/uninstall.sh
#
# Keeps /etc/flash (configuration) and /var/lib/flash (models) unless --purge.
set -eu

prefix=/usr
unit_dir=/etc/systemd/system
purge=0
DESTDIR="${DESTDIR:-}"

die() { echo "uninstall.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
        --unit-dir) [ $# -ge 2 ] || die "--unit-dir needs a directory"; unit_dir="$2"; shift 2 ;;
        --purge) purge=1; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

if [ -z "$DESTDIR" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "uninstall.sh: must run as root (or set DESTDIR)" >&2
        exit 4
    fi
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl disable --now flashd.service 2>/dev/null || true
    fi
    if [ -x "$prefix/bin/flash" ]; then
        "$prefix/bin/flash" restore || echo "uninstall.sh: 'flash restore' failed; check cpufreq settings" >&2
    fi
fi

rm -f "$DESTDIR$unit_dir/flashd.service" "$DESTDIR$prefix/bin/flash"
rm -rf "$DESTDIR$prefix/lib/flash" "$DESTDIR$prefix/share/doc/flash"
if [ "$purge" -eq 1 ]; then
    rm -rf "$DESTDIR/etc/flash" "$DESTDIR/var/lib/flash" "$DESTDIR/var/cache/flash"
else
    echo "uninstall.sh: kept /etc/flash and /var/lib/flash (use --purge to remove them)"
fi
if [ -z "$DESTDIR" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi
echo "uninstall.sh: removed flash"
