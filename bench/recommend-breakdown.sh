#!/bin/sh
# bench/recommend-breakdown.sh: where the CPU of a one-shot `flash config-search recommend` goes,
# by thread and by phase (issue 21; docs/log/2026-12-07-recommend-latency-2.md).
#
#   bench/recommend-breakdown.sh                         # 8 runs per variant and pass
#   RUNS=12 BEFORE_JAR=old/flash.jar BEFORE_CLASSLIST=old/config-search.classlist bench/recommend-breakdown.sh
#
# Variants, each through the launcher (systemd/flash, its small-JVM flags) with the AppCDS archive
# `flash --prepare-cds` makes from the jar's class list (what the Debian package's postinst does),
# on models/configsearch-multicloud.onnx and src/cds/config-search-samples.csv, --json:
#   after     target/flash.jar and target/cds/config-search.classlist
#   before    BEFORE_JAR and BEFORE_CLASSLIST, when given
#   hello     the floor: the launcher's JVM flags and the same archive running a Hello World class
#             (the JVM's own start and exit, flash.jar opened; no launcher script)
# Three passes per run, the variants interleaved in each so that a change of load reaches all:
#   plain   bench/first_answer.py: the process tree's CPU (wait4 rusage: scheduler nanoseconds)
#   perf    `perf record -e cpu-clock` (the VM has no PMU) at 2 kHz: each thread's share of the
#           samples; printed as that share of the plain pass's median CPU (perf's own interrupts
#           inflate the CPU of the sampled run, so its samples give shares, not milliseconds)
#   timing  -Dflash.timing=true: the main thread's CPU per phase from main() to the answer
# Threads: launcher (the shell script and the readlink, stat, find it starts), main (the JVM's
# main thread: creating the VM, main(), exit), C1 (the JIT compiler thread), VM (GC and
# safepoints), other (the JVM's service threads and the java launcher's primordial thread).
# Needs perf and python3. The machine is shared: read the figures with the load printed.
set -eu
cd "$(dirname "$0")/.."
RUNS="${RUNS:-8}"
command -v perf >/dev/null || { echo "$0: needs perf" >&2; exit 2; }
[ -s target/flash.jar ] || mvn -B -q package -DskipTests -Ddeb.skip=true
W=$(mktemp -d /tmp/flash-breakdown.XXXXXX)
trap 'rm -rf "$W"' EXIT
ARGS="config-search recommend --model models/configsearch-multicloud.onnx --samples src/cds/config-search-samples.csv --json"
VARIANTS="after hello"
[ -z "${BEFORE_JAR:-}" ] || VARIANTS="before $VARIANTS"

home() { # variant jar classlist: a FLASH_HOME and its archive as the package's postinst makes it
    mkdir -p "$W/$1/home/cds" "$W/$1/cds"
    cp -p "$2" "$W/$1/home/flash.jar"
    cp "$3" "$W/$1/home/cds/config-search.classlist"
    FLASH_HOME="$W/$1/home" FLASH_CDS_DIR="$W/$1/cds" sh systemd/flash --prepare-cds
}
home after target/flash.jar target/cds/config-search.classlist
[ -z "${BEFORE_JAR:-}" ] || home before "$BEFORE_JAR" "${BEFORE_CLASSLIST:?BEFORE_CLASSLIST: the class list of BEFORE_JAR}"
mkdir -p "$W/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hi"); } }\n' > "$W/hello/Hello.java"
javac -d "$W/hello" "$W/hello/Hello.java"
# the launcher's JVM flags, read from the script itself (one definition)
SMALL_JVM=$(sed -n '/^SMALL_JVM="/,/"$/p' systemd/flash | tr -d '\\\n' | sed 's/^SMALL_JVM="//; s/"$//')

run() { # variant pass out
    v=$1
    case "$v" in
        hello) set -- "$v" "$2" "$3" java $SMALL_JVM "-XX:SharedArchiveFile=$(ls "$W"/after/cds/*.jsa)" -Xlog:cds=off \
                   -Xlog:cds+dynamic=off -cp "$W/after/home/flash.jar:$W/hello" Hello ;;
        *) set -- "$v" "$2" "$3" sh systemd/flash $ARGS ;;
    esac
    opts="-Dflash.native.cache=$W/native"
    [ "$2" != timing ] || opts="$opts -Dflash.timing=true"
    pass=$2
    out=$3
    shift 3
    case "$pass" in
        perf)
            FLASH_HOME="$W/$v/home" FLASH_CDS_DIR="$W/$v/cds" FLASH_JAVA_OPTS="$opts" \
                perf record -q -e cpu-clock -F 2000 -o "$W/perf.data" -- "$@" > /dev/null 2>&1
            perf script -i "$W/perf.data" -F comm,pid,tid 2>/dev/null > "$W/perf.txt"
            python3 - "$W/perf.txt" >> "$out" <<'EOF'
import collections, sys
count = collections.Counter()
threads = collections.Counter()
for line in open(sys.argv[1]):
    p = line.split()
    if p:
        threads[(" ".join(p[:-1]), p[-1])] += 1
# the JVM's main thread: the busiest thread named java that is not the process's first
jvm_main = max((t for t in threads if t[0] == "java" and t[1].split("/")[0] != t[1].split("/")[1]),
               key=lambda t: threads[t], default=None)
for (comm, ids), n in threads.items():
    if comm in ("sh", "readlink", "stat", "find"):
        k = "launcher"
    elif (comm, ids) == jvm_main:
        k = "main"
    elif comm.startswith("C1 "):
        k = "C1"
    elif comm == "VM Thread":
        k = "VM"
    else:
        k = "other"
    count[k] += n
total = sum(count.values())
print("\t".join("%s=%.4f" % (k, count[k] / total) for k in ("launcher", "main", "C1", "VM", "other")))
EOF
            ;;
        *)
            FLASH_HOME="$W/$v/home" FLASH_CDS_DIR="$W/$v/cds" FLASH_JAVA_OPTS="$opts" \
                python3 bench/first_answer.py 1 "$W/one.tsv" -- "$@"
            cat "$W/one.tsv" >> "$out"
            [ ! -s "$W/one.tsv.timing" ] || cat "$W/one.tsv.timing" >> "$out.timing"
            ;;
    esac
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $RUNS runs per variant and pass"
for v in $VARIANTS; do : > "$W/$v.plain"; : > "$W/$v.perf"; : > "$W/$v.timing"; : > "$W/$v.timing.timing"; done
i=0
while [ "$i" -lt "$RUNS" ]; do
    for pass in plain perf timing; do
        for v in $VARIANTS; do
            [ "$v:$pass" != hello:timing ] || continue
            run "$v" "$pass" "$W/$v.$pass"
        done
    done
    i=$((i + 1))
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$W" $VARIANTS <<'EOF'
import re, sys
w, variants = sys.argv[1], sys.argv[2:]
def med(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else float("nan")
print("%-7s %12s %12s | %9s %9s %9s %9s %9s | %s" % ("variant", "process cpu", "exec->exit", "launcher", "main", "C1",
                                                    "VM", "other", "main thread from main() to the answer, per phase"))
for v in variants:
    plain = [l.split("\t") for l in open("%s/%s.plain" % (w, v)) if l.strip()]
    cpu = med([float(r[2]) for r in plain])
    wall = med([float(r[1]) for r in plain])
    shares = {}
    for l in open("%s/%s.perf" % (w, v)):
        for k, x in re.findall(r"(\w+)=([0-9.]+)", l):
            shares.setdefault(k, []).append(float(x))
    part = lambda k: "%9.1f" % (cpu * med(shares.get(k, [0])))
    phases = {}
    main = []
    try:
        for l in open("%s/%s.timing.timing" % (w, v)):
            for name, c in re.findall(r"([a-z-]+) [0-9.]+ ms \(cpu ([0-9.]+)\)", l):
                phases.setdefault(name, []).append(float(c))
            m = re.search(r"main-thread cpu ([0-9.]+) ms", l)
            if m:
                main.append(float(m.group(1)))
    except FileNotFoundError:
        pass
    per = ", ".join("%s %.1f" % (k, med(x)) for k, x in phases.items())
    print("%-7s %12.1f %12.1f | %s %s %s %s %s | %s" % (v, cpu, wall, part("launcher"), part("main"), part("C1"), part("VM"),
                                                   part("other"), ("total %.1f: " % med(main) + per) if main else "-"))
print("(ms, medians over the runs; the thread columns are each thread's median share of the perf pass's samples times")
print(" the plain pass's median process CPU, so they need not add up exactly)")
EOF
