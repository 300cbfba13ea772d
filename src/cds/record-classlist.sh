#!/bin/sh
# src/cds/record-classlist.sh JAVA FLASH_JAR OUT: the class list of a one-shot
# `flash config-search recommend` (docs/config-search.md, "Latency").
#
# Run by `mvn package` (after flash.jar is built; a few seconds, no training): answers three times
# on the shipped models/configsearch-multicloud.onnx and the two measured configurations in
# config-search-samples.csv (a workload of the test fixture): as text and with --json on the
# built-in evaluator (what a one-shot answer uses), and with --first --json (nothing measured
# yet: the configuration prior's classes), each with -XX:DumpLoadedClassList, and writes the
# union of the lists to OUT. Not --engine ort: its classes (ONNX Runtime's, the native-library
# cache's, streams, logging, security providers: 1,249 classes against 783 for --json) made the
# archive 12.9 MB instead of 7.8, and a bigger archive costs every answer's JVM start (about 11 ms
# of the main thread's CPU before main(), docs/log/2026-12-07-recommend-latency-3.md); an ort
# answer (300 ms more anyway) reads its classes from flash.jar
# (target/cds/config-search.classlist; in the Debian package /usr/share/flash/cds/).
# A class list is text and names classes only: unlike an archive it does not depend on the Java
# runtime that reads it. The launcher (systemd/flash) turns it into an AppCDS archive with
# -Xshare:dump for the runtime it finds, on the first answer or at install time
# (`flash --prepare-cds`, the package's postinst). The answers run under G1, as the launcher runs
# them (its ONESHOT_GC: G1 loads a few classes the serial collector does not, and the other way
# round). The native-library cache is off: nothing is written outside the build directory.
set -eu
[ $# = 3 ] || { echo "usage: $0 JAVA FLASH_JAR OUT" >&2; exit 2; }
java=$1
jar=$2
out=$3
here=$(dirname "$0")
work=$(mktemp -d "${TMPDIR:-/tmp}/flash-classlist.XXXXXX")
trap 'rm -rf "$work"' EXIT
for mode in text json first; do
    # what the answer is given: the fixture's two measured configurations, or nothing yet
    set -- --samples "$here/config-search-samples.csv"
    case "$mode" in
        text) json= ;;
        json) json=--json ;;
        first) json=--json; set -- --first ;;
    esac
    # shellcheck disable=SC2086
    "$java" -XX:+UseG1GC -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 -XX:TieredStopAtLevel=1 -Dflash.native.cache=none \
        "-XX:DumpLoadedClassList=$work/$mode.classlist" -jar "$jar" config-search recommend \
        --model "$here/../../models/configsearch-multicloud.onnx" "$@" $json \
        > "$work/$mode.out" 2> "$work/$mode.err" || { cat "$work/$mode.err" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
# the union, in the order the classes were first loaded (this JDK's lists carry no ids)
grep -hv '^#' "$work/text.classlist" "$work/json.classlist" "$work/first.classlist" | awk '!seen[$0]++' > "$out.tmp"
[ -s "$out.tmp" ] || { echo "$0: empty class list" >&2; exit 1; }
mv -f "$out.tmp" "$out"
