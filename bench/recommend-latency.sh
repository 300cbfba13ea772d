#!/bin/sh
# bench/recommend-latency.sh: how soon a one-shot `flash config-search recommend` answers (issue 21).
#
#   bench/recommend-latency.sh            # 15 runs per variant and pass
#   RUNS=30 bench/recommend-latency.sh
#   BEFORE_JAR=old/flash.jar BEFORE_LAUNCHER=old/flash bench/recommend-latency.sh  # adds "before"
#   BEFORE_JAR=... BEFORE_LAUNCHER=... BEFORE_CLASSLIST=old/config-search.classlist ...  # its archive via --prepare-cds
#   VARIANTS="builtin builtin-no-cds" bench/recommend-latency.sh                   # a subset
#   OPTS="-Xmn16m" bench/recommend-latency.sh   # adds "builtin-opts": the launcher + these JVM flags
#   ANSWER=text bench/recommend-latency.sh      # the text answer (the default output) instead of --json
#   JLINK_JAVA=/tmp/rt/bin/java bench/recommend-latency.sh  # adds "jlink": the launcher on that runtime
#   KEEP=/tmp/runs bench/recommend-latency.sh   # keeps every run's figures and timing lines there
#
# Runs the launcher (systemd/flash, its small-JVM flags) on target/flash.jar with the shipped
# models/configsearch-multicloud.onnx and the two measured configurations of
# src/cds/config-search-samples.csv, --json (ANSWER=text: without), through bench/first_answer.py,
# and prints per variant the median and p90 of:
#   exec->last byte   wall from the exec of the launcher to the answer's last byte read from its
#                     stdout (pipe)
#   exec->exit        wall from the exec of the launcher to its exit
#   process cpu       CPU of the whole process tree (JVM: all threads; the launcher's shell and
#                     its commands), wait4's rusage (scheduler nanoseconds, not 10 ms ticks)
#   main()->last byte wall from main() entry to the answer's last byte (JVM start->last byte less
#                     the JVM start->main() the timing line reports)
#   JVM start->last byte  wall from the JVM's own start (HotSpot's os::init; RuntimeMXBean
#                     uptime) to the answer's last byte; split below the table into exec->JVM
#                     start (launcher script, java launcher, libjvm), JVM start->main() (creating
#                     the VM, opening flash.jar, loading the main class) and main()->answer
#   main-thread cpu   CPU of the main thread from main() to the answer (per phase too)
#   cpu before main() the CPU spent before main() by the main thread (creating the VM, loading the
#                     main class) and by the whole process (all live threads' schedstat, the java
#                     launcher's included), and the process's CPU from exec to the answer written:
#                     the JVM's start in CPU, robust to load (builds from 2872a91 on print it)
# The first three come from runs without -Dflash.timing (the "plain" pass: what a user runs); the
# last two from a second pass with -Dflash.timing=true (the uptime is read after the answer, so
# it costs that pass's exit, not its answer). The variants' runs are interleaved (one run of each
# in turn) so that a change of load reaches all of them alike. Variants:
#   builtin         as the Debian package installs it: the AppCDS archive `flash --prepare-cds`
#                   made from flash.jar's class list (target/cds/config-search.classlist)
#   builtin-dynamic the archive the launcher records at a user's first run's exit when there is
#                   none (-XX:ArchiveClassesAtExit)
#   builtin-no-cds  no AppCDS archive (FLASH_CDS_DIR=none; the JDK's own default archive only)
#   ort             --engine ort (ONNX Runtime, with the class-list archive)
#   before          BEFORE_JAR with BEFORE_LAUNCHER (default: this launcher), when BEFORE_JAR is
#                   given; its archive from BEFORE_CLASSLIST with that launcher's --prepare-cds when
#                   given, else as that launcher records it at a first run
#   builtin-opts    the launcher + OPTS (FLASH_JAVA_OPTS), when OPTS is given
#   jlink           JLINK_JAVA (a runtime jlink made, with JAVA_RUNTIME_VERSION in its release file)
#                   as the launcher's JAVA, with its own archive from the class list (--prepare-cds)
#   hello           the JVM's floor: bench/hello/Hello.java (prints a line and the timing line)
#                   from a jar of its own, with the launcher's JVM flags for a one-shot answer
#                   (ONESHOT_JVM; SMALL_JVM for a launcher without it) and an AppCDS archive of
#                   its own classes made the same way (-Xshare:dump from its class list), no
#                   launcher script: JVM start -> main() and the CPU before main() of a program
#                   that does nothing
#   hello-serial    the same with SMALL_JVM (the serial collector: the one-shot answers' flags
#                   until 2026-12-07, docs/log/2026-12-07-recommend-latency-6.md)
# The machine is shared: read the figures with the load printed before and after.
set -eu
cd "$(dirname "$0")/.."
RUNS="${RUNS:-15}"
[ -s target/flash.jar ] || mvn -B -q package -DskipTests -Ddeb.skip=true
[ -s target/cds/config-search.classlist ] || sh src/cds/record-classlist.sh java target/flash.jar target/cds/config-search.classlist
W=$(mktemp -d /tmp/flash-recommend.XXXXXX)
# KEEP=DIR keeps every run's rows and timing lines (VARIANT.plain, VARIANT.timing, VARIANT.timing.timing)
trap '[ -z "${KEEP:-}" ] || { mkdir -p "$KEEP" && cp "$W"/*.plain "$W"/*.timing* "$KEEP"/ 2>/dev/null; }; rm -rf "$W"' EXIT
ARGS="config-search recommend --model models/configsearch-multicloud.onnx --samples src/cds/config-search-samples.csv"
[ "${ANSWER:-json}" = text ] || ARGS="$ARGS --json"
VARIANTS="${VARIANTS:-builtin builtin-dynamic builtin-no-cds ort hello}"
[ -z "${BEFORE_JAR:-}" ] || VARIANTS="before $VARIANTS"
[ -z "${JLINK_JAVA:-}" ] || VARIANTS="$VARIANTS jlink"
[ -z "${OPTS:-}" ] || VARIANTS="$VARIANTS builtin-opts"

# FLASH_HOMEs: the build as it is, and a copy without its class list (same jar: hard link)
mkdir -p "$W/home-list/cds" "$W/home-nolist" "$W/before"
ln target/flash.jar "$W/home-list/flash.jar" 2>/dev/null || cp -p target/flash.jar "$W/home-list/flash.jar"
cp target/cds/config-search.classlist "$W/home-list/cds/"
ln "$W/home-list/flash.jar" "$W/home-nolist/flash.jar" 2>/dev/null || cp -p target/flash.jar "$W/home-nolist/flash.jar"
[ -z "${BEFORE_JAR:-}" ] || cp -p "$BEFORE_JAR" "$W/before/flash.jar"
BEFORE_LAUNCHER="${BEFORE_LAUNCHER:-systemd/flash}"

# variant -> "FLASH_HOME FLASH_CDS_DIR launcher extra-args"
setup() {
    case "$1" in
        builtin) echo "$W/home-list $W/cds-list systemd/flash --engine builtin" ;;
        builtin-dynamic) echo "$W/home-nolist $W/cds-nolist systemd/flash --engine builtin" ;;
        builtin-no-cds) echo "$W/home-list none systemd/flash --engine builtin" ;;
        ort) echo "$W/home-list $W/cds-list systemd/flash --engine ort" ;;
        before) echo "$W/before $W/cds-before $BEFORE_LAUNCHER" ;;
        builtin-opts) echo "$W/home-list $W/cds-list systemd/flash --engine builtin" ;;
        jlink) echo "$W/home-list $W/cds-jlink systemd/flash --engine builtin" ;;
        hello|hello-serial) echo "- - -" ;;
        *) echo "unknown variant $1" >&2; exit 2 ;;
    esac
}
one() { # variant, pass (plain|timing), out file
    # shellcheck disable=SC2046
    set -- "$1" "$2" "$3" $(setup "$1")
    opts="-Dflash.native.cache=$W/native"
    [ "$1" != builtin-opts ] || opts="$opts $OPTS"
    [ "$2" = plain ] || opts="$opts -Dflash.timing=true"
    if [ "$1" = hello ] || [ "$1" = hello-serial ]; then
        jvm=$HELLO_JVM
        [ "$1" = hello ] || jvm=$SMALL_JVM
        # shellcheck disable=SC2086
        python3 bench/first_answer.py 1 "$W/one.tsv" -- java $jvm "-XX:SharedArchiveFile=$W/$1/hello.jsa" \
            -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$W/hello/hello.jar" Hello
        cat "$W/one.tsv" >> "$3"
        [ ! -s "$W/one.tsv.timing" ] || cat "$W/one.tsv.timing" >> "$3.timing"
        return
    fi
    java=${JAVA:-java}
    [ "$1" != jlink ] || java=$JLINK_JAVA
    # shellcheck disable=SC2086
    JAVA="$java" FLASH_HOME="$4" FLASH_CDS_DIR="$5" FLASH_JAVA_OPTS="$opts" \
        python3 bench/first_answer.py 1 "$W/one.tsv" -- sh "$6" $ARGS ${7:+$7 $8}
    cat "$W/one.tsv" >> "$3"
    [ ! -s "$W/one.tsv.timing" ] || cat "$W/one.tsv.timing" >> "$3.timing"
}

# the launcher's JVM flags, read from the script itself (one definition)
SMALL_JVM=$(sed -n '/^SMALL_JVM="/,/"$/p' systemd/flash | tr -d '\\\n' | sed 's/^SMALL_JVM="//; s/"$//')
# and a one-shot answer's (ONESHOT_JVM: ONESHOT_GC in place of the serial collector)
ONESHOT_GC=$(sed -n 's/^ONESHOT_GC="\(.*\)"$/\1/p' systemd/flash)
HELLO_JVM=$SMALL_JVM
[ -z "$ONESHOT_GC" ] || HELLO_JVM="$ONESHOT_GC ${SMALL_JVM#-XX:+UseSerialGC }"
case " $VARIANTS " in
    *" hello "*|*" hello-serial "*)
        mkdir -p "$W/hello/classes"
        javac -d "$W/hello/classes" bench/hello/Hello.java
        printf 'Main-Class: Hello\n' > "$W/hello/manifest"
        jar cfm "$W/hello/hello.jar" "$W/hello/manifest" -C "$W/hello/classes" .
        # its class list and archive with the flags it runs with
        for h in hello hello-serial; do
            jvm=$HELLO_JVM
            [ "$h" = hello ] || jvm=$SMALL_JVM
            mkdir -p "$W/$h"
            # shellcheck disable=SC2086
            java $jvm -Dhello.record=true "-XX:DumpLoadedClassList=$W/$h/hello.classlist" -cp "$W/hello/hello.jar" Hello >/dev/null 2>&1
            # shellcheck disable=SC2086
            java $jvm -Xshare:dump "-XX:SharedClassListFile=$W/$h/hello.classlist" \
                "-XX:SharedArchiveFile=$W/$h/hello.jsa" -cp "$W/hello/hello.jar" >/dev/null 2>&1
        done
        ;;
esac
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $RUNS runs per variant and pass; answer: ${ANSWER:-json}"
# The archives: --prepare-cds (the package's postinst) for the class-list ones, else a first run.
for v in $VARIANTS; do
    case "$v" in
        hello|hello-serial) ;;
        builtin|ort|builtin-opts)
            [ -d "$W/cds-list" ] || FLASH_HOME="$W/home-list" FLASH_CDS_DIR="$W/cds-list" sh systemd/flash --prepare-cds ;;
        jlink)
            JAVA="$JLINK_JAVA" FLASH_HOME="$W/home-list" FLASH_CDS_DIR="$W/cds-jlink" sh systemd/flash --prepare-cds ;;
        before)
            # with BEFORE_CLASSLIST: its archive as the package makes it (--prepare-cds); else a first run
            if [ -n "${BEFORE_CLASSLIST:-}" ]; then
                mkdir -p "$W/before/cds"
                cp "$BEFORE_CLASSLIST" "$W/before/cds/config-search.classlist"
                FLASH_HOME="$W/before" FLASH_CDS_DIR="$W/cds-before" sh "$BEFORE_LAUNCHER" --prepare-cds
            else
                one "$v" plain "$W/warm.tsv"
            fi ;;
        *) one "$v" plain "$W/warm.tsv" ;;
    esac
done
for v in $VARIANTS; do
    : > "$W/$v.plain"; : > "$W/$v.timing"; : > "$W/$v.timing.timing"
done
i=0
while [ "$i" -lt "$RUNS" ]; do
    for v in $VARIANTS; do one "$v" plain "$W/$v.plain"; done
    for v in $VARIANTS; do one "$v" timing "$W/$v.timing"; done
    i=$((i + 1))
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
for d in "$W"/cds-*; do echo "archive: ${d##*/}/$(ls "$d")"; done
echo "one-shot JVM flags: $HELLO_JVM"

python3 - "$W" $VARIANTS <<'EOF'
import re, sys
w, variants = sys.argv[1], sys.argv[2:]
def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] if xs else float("nan")
def col(path, i):
    return [float(l.split("\t")[i]) for l in open(path) if l.strip() and l.split("\t")[i] != "-"]
print("%-16s %19s %19s %19s %19s %19s %10s %10s" % ("variant (ms)", "exec->last byte", "exec->exit", "process cpu",
                                               "JVM start->last", "main()->last", "main cpu", "cpu main()"))
phases = {}
medians = {}
for v in variants:
    plain, timing = "%s/%s.plain" % (w, v), "%s/%s.timing" % (w, v)
    lines = [l for l in open(timing + ".timing")]
    main = [float(m.group(1)) for l in lines for m in [re.search(r"main-thread cpu ([0-9.]+) ms", l)] if m]
    since = [float(m.group(1)) for l in lines for m in [re.search(r"; cpu ([0-9]+) ms", l)] if m]
    # main() -> last byte, per run: JVM start -> last byte less JVM start -> main() (the timing line's
    # "since JVM start" - "since main()"; one timing line per run, in the runs' order)
    rows = [l.split("\t") for l in open(timing) if l.strip()]
    pairs = [(float(m.group(1)), float(m.group(2))) for l in lines
             for m in [re.search(r"answer ([0-9.]+) ms since main\(\).*answer ([0-9.]+) ms since JVM start", l)] if m]
    main_last = [float(r[3]) - (j - mm) for r, (mm, j) in zip(rows, pairs) if r[3] != "-"]
    f = lambda xs: "%7.0f / %7.0f" % (q(xs, .5), q(xs, .9))
    medians[v] = (q(col(timing, 3), .5), q(main_last, .5), q(col(plain, 2), .5))
    print("%-16s %19s %19s %19s %19s %19s %10.1f %10.0f" % (v, f(col(plain, 0)), f(col(plain, 1)), f(col(plain, 2)),
                                                      f(col(timing, 3)), f(main_last), q(main, .5), q(since, .5)))
    per = {}
    for l in lines:
        for name, cpu in re.findall(r"([a-z-]+) [0-9.]+ ms \(cpu ([0-9.]+)\)", l):
            per.setdefault(name, []).append(float(cpu))
    phases[v] = ", ".join("%s %.1f" % (k, q(x, .5)) for k, x in per.items())
split = {}
for v in variants:
    timing = "%s/%s.timing" % (w, v)
    rows = [l.split("\t") for l in open(timing) if l.strip()]
    lines = [l for l in open(timing + ".timing")]
    since_main = [float(m.group(1)) for l in lines for m in [re.search(r"answer ([0-9.]+) ms since main", l)] if m]
    since_jvm = [float(m.group(1)) for l in lines for m in [re.search(r"answer ([0-9.]+) ms since JVM start", l)] if m]
    split[v] = "exec->JVM start %.0f, JVM start->main() %.0f, main()->answer written %.0f" % (
        q([float(r[4]) for r in rows if r[4] != "-"], .5), q([j - m for j, m in zip(since_jvm, since_main)], .5),
        q(since_main, .5))
if "hello" in medians:
    h = medians["hello"]
    for v in variants:
        if v != "hello":
            print("%-16s / hello, medians: JVM start->last byte %.2f, process cpu %.2f" % (v, medians[v][0] / h[0], medians[v][2] / h[2]))
print("(median / p90; 'main cpu': the main thread's CPU from main() to the answer, median; 'cpu main()':")
print(" the process's CPU over the same span, 10 ms ticks, median; JVM start->last and both cpu columns from")
print(" the -Dflash.timing pass, the rest from the plain pass)")
for v in variants:
    print("%-16s wall, median ms: %s" % (v, split[v]))
for v in variants:
    print("%-16s main-thread cpu per phase, median: %s" % (v, phases[v]))
# CPU before main() and to the answer (builds that print it; ns resolution from schedstat)
for v in variants:
    lines = [l for l in open("%s/%s.timing.timing" % (w, v))]
    pre = [(float(m.group(1)), float(m.group(2)), float(m.group(3))) for l in lines
           for m in [re.search(r"before main\(\) main-thread cpu ([0-9.]+) ms, process cpu ([0-9.]+) ms; process cpu to answer ([0-9.]+) ms", l)] if m]
    if pre:
        print("%-16s cpu, median / p90 ms: before main() main thread %.1f / %.1f, process %.1f / %.1f;"
              " process exec->answer %.1f / %.1f" % (v, q([p[0] for p in pre], .5), q([p[0] for p in pre], .9),
                                                     q([p[1] for p in pre], .5), q([p[1] for p in pre], .9),
                                                     q([p[2] for p in pre], .5), q([p[2] for p in pre], .9)))
    else:
        print("%-16s cpu before main(): not printed by this build" % v)
    if pre:
        print("%-16s spread, p25 - p75 ms: %s" % (v, "; ".join("%s %.1f - %.1f" % (n, q(x, .25), q(x, .75)) for n, x in [
            ("main-thread cpu from main()", [float(m.group(1)) for l in lines
                                             for m in [re.search(r"main-thread cpu ([0-9.]+) ms;", l)] if m]),
            ("before main() main thread", [p[0] for p in pre]), ("process exec->answer", [p[2] for p in pre]),
            ("JVM start->last byte", col("%s/%s.timing" % (w, v), 3)),
            ("process cpu to exit (plain)", col("%s/%s.plain" % (w, v), 2))])))
    mx = [float(m.group(1)) for l in lines for m in [re.search(r"; mxbean ([0-9.]+) ms", l)] if m]
    if mx:
        print("%-16s making the RuntimeMXBean (after the answer), wall median / p90 ms: %.1f / %.1f"
              % (v, q(mx, .5), q(mx, .9)))
EOF
