#!/bin/sh
# bench/recommend-compare.sh BEFORE_JAR AFTER_JAR [WORKDIR]: are two builds' one-shot
# `flash config-search recommend` answers the same, byte for byte? (issue 21: every latency cut
# must keep the answers; docs/log/2026-12-07-recommend-latency-6.md)
#
#   bench/recommend-compare.sh /tmp/main/target/flash.jar target/flash.jar
#   DATA=other.csv SEED=3 FILES=42 PARALLEL=2 bench/recommend-compare.sh A.jar B.jar /tmp/cmp
#
# Runs both jars (`java -cp JAR dev.flash.cli.FlashMain`, the launcher's serial GC and C1, no
# AppCDS) on the same cases and compares, per case, standard output (less the lines naming
# "milliseconds": the timings), standard error and the exit code. Prints each case that differs
# and a summary; exit 0 when every case is the same, 1 when any differs, 2 on a usage error.
# The cases (written to WORKDIR/cases: one command line per line, the files they read beside it):
#   - FILES (42) samples files of 1-3 measurements of one workload of DATA (the shared multi-cloud
#     half), drawn with SEED (7): each as text --top 90, --json, text --deadline 100, and with the
#     cost model --objective cost --deadline 150 as text and --json
#   - --first: text, --json, the cost model's cost, with a deadline (text and --json)
#   - src/cds/config-search-samples.csv (the fixture's two measurements): text, --json, --top 2,
#     --verbose, --engine ort
#   - bad inputs: a wrong objective, a missing samples file, a file that is no CSV of the format,
#     the whole test fixture (several workloads), a bad --deadline, a header-only samples file
#   - 8 copies of the model with one edit in its flash.params (invalid JSON; Gson-lenient quotes;
#     a string where log_rmse's number goes; the keys reordered; an unknown key; a repeated key;
#     an attention member's weight out of range; a context length the network does not take),
#     each as text, --json and --first
# Needs python3. Under load 8-10 the ~330 runs per jar take 5-8 minutes (PARALLEL runs at once).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_JAR AFTER_JAR [WORKDIR]" >&2; exit 2; }
cd "$(dirname "$0")/.."
before=$(readlink -f "$1")
after=$(readlink -f "$2")
[ -s "$before" ] && [ -s "$after" ] || { echo "$0: no such jar: $1 or $2" >&2; exit 2; }
W=${3:-$(mktemp -d /tmp/flash-recommend-compare.XXXXXX)}
mkdir -p "$W/cases"
W=$(readlink -f "$W")
DATA=${DATA:-/work/shared/data/multicloud/multi-cloud-configuration-half.csv}
MODEL=$(readlink -f models/configsearch-multicloud.onnx)
COST=$(readlink -f models/configsearch-multicloud-cost.onnx)
FIXTURE=$(readlink -f src/cds/config-search-samples.csv)
WHOLE=$(readlink -f src/test/resources/configsearch/multicloud-fixture.csv)

# the cases: WORKDIR/cases/list, "ID ARG..." per line (no spaces inside an argument)
python3 - "$W/cases" "$DATA" "$MODEL" "$COST" "$FIXTURE" "$WHOLE" "${SEED:-7}" "${FILES:-42}" "$(readlink -f README.md)" <<'EOF'
import os, random, sys
out, data, model, cost, fixture, whole, seed, files, readme = sys.argv[1:]
rng = random.Random(int(seed))
lines = open(data).read().splitlines()
header, rows = lines[0], [l for l in lines[1:] if l.strip()]
wcol = header.split(",").index("workload")
by = {}
for r in rows:
    by.setdefault(r.split(",")[wcol], []).append(r)
names = sorted(by)
cases = []
def case(*args):
    cases.append("c%03d %s" % (len(cases), " ".join(args)))
R = "config-search recommend"
for i in range(int(files)):
    w = rng.choice(names)
    pick = rng.sample(by[w], min(len(by[w]), rng.randint(1, 3)))
    f = os.path.join(out, "samples-%02d.csv" % i)
    open(f, "w").write(header + "\n" + "\n".join(pick) + "\n")
    case(R, "--model", model, "--samples", f, "--top", "90")
    case(R, "--model", model, "--samples", f, "--json")
    case(R, "--model", model, "--samples", f, "--deadline", "100")
    case(R, "--model", cost, "--samples", f, "--objective", "cost", "--deadline", "150")
    case(R, "--model", cost, "--samples", f, "--objective", "cost", "--deadline", "150", "--json")
case(R, "--model", model, "--first")
case(R, "--model", model, "--first", "--json")
case(R, "--model", cost, "--first", "--objective", "cost")
case(R, "--model", cost, "--first", "--objective", "cost", "--deadline", "150")
case(R, "--model", cost, "--first", "--objective", "cost", "--deadline", "150", "--json")
case(R, "--model", model, "--samples", fixture)
case(R, "--model", model, "--samples", fixture, "--json")
case(R, "--model", model, "--samples", fixture, "--top", "2")
case(R, "--model", model, "--samples", fixture, "--verbose")
case(R, "--model", model, "--samples", fixture, "--engine", "ort", "--json")
case(R, "--model", model, "--samples", fixture, "--objective", "speed")
case(R, "--model", model, "--samples", os.path.join(out, "no-such.csv"))
case(R, "--model", model, "--samples", readme)
case(R, "--model", model, "--samples", whole)
case(R, "--model", model, "--samples", fixture, "--objective", "cost", "--deadline", "-3")
empty = os.path.join(out, "header-only.csv")
open(empty, "w").write(header + "\n")
case(R, "--model", model, "--samples", empty, "--json")

# models with one edit in flash.params (metadata_props, field 14 of ModelProto, rewritten)
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]; i += 1; r |= (c & 0x7f) << s; s += 7
        if c < 0x80:
            return r, i
def enc(n):
    o = bytearray()
    while True:
        c = n & 0x7f; n >>= 7
        if n:
            o.append(c | 0x80)
        else:
            o.append(c); return bytes(o)
def field(f, payload):
    return enc(f << 3 | 2) + enc(len(payload)) + payload
src = open(model, "rb").read()
parts, params_at = [], None
i = 0
while i < len(src):
    start = i
    k, i = varint(src, i)
    if k & 7 == 0:
        _, i = varint(src, i)
    elif k & 7 == 2:
        n, i = varint(src, i)
        body = src[i:i + n]
        i += n
        if k >> 3 == 14 and b"flash.params" in body[:20]:
            params_at = len(parts)
            kl, j = varint(body, 1)
            key = body[j:j + kl]
            j += kl + 1
            vl, j = varint(body, j)
            params = body[j:j + vl].decode()
    else:
        raise SystemExit("unexpected wire type in " + model)
    parts.append(src[start:i])
def rewrite(name, text):
    body = field(1, key) + field(2, text.encode())
    b = b"".join(parts[:params_at]) + field(14, body) + b"".join(parts[params_at + 1:])
    f = os.path.join(out, "model-" + name + ".onnx")
    open(f, "wb").write(b)
    return f
def one(old, new, text=None):
    text = params if text is None else text
    assert old in text, old
    return text.replace(old, new, 1)
p = params
fmt = '"format":"multicloud",'
m = p.index('"members":[[') + len('"members":[[')
weight_at = p.index(",", p.index(",", m) + 1) + 1
weight_end = p.index("]", weight_at)
rmse = p[p.index('"log_rmse":') + len('"log_rmse":'):p.rindex("}")]
edits = {
    "invalid": p[:-1],
    "lenient": one('"format":"multicloud"', "'format':'multicloud'"),
    "string-number": one('"log_rmse":' + rmse, '"log_rmse":"' + rmse + '"'),
    "reordered": "{" + p[1:-1].replace(fmt, "", 1) + "," + fmt[:-1] + "}",
    "unknown-key": "{" + '"extra":[1,{"a":null,"b":"x"}],' + p[1:],
    "repeated-key": one(fmt, fmt + fmt),
    "bad-weight": p[:weight_at] + "-1.5" + p[weight_end:],
    "context-length": one('"context_length":3', '"context_length":4'),
}
for name, text in edits.items():
    f = rewrite(name, text)
    case(R, "--model", f, "--samples", fixture)
    case(R, "--model", f, "--samples", fixture, "--json")
    case(R, "--model", f, "--first")
open(os.path.join(out, "list"), "w").write("\n".join(cases) + "\n")
EOF

run() { # jar dir: every case's stdout, stderr and exit code into dir
    mkdir -p "$2"
    # shellcheck disable=SC2016
    xargs -P "${PARALLEL:-2}" -L 1 sh -c '
        id=$1; shift
        java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dflash.native.cache="$0.native" -cp "$JAR" \
            dev.flash.cli.FlashMain "$@" > "$0/$id.out" 2> "$0/$id.err"
        echo $? > "$0/$id.code"' "$2" < "$W/cases/list"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(wc -l < "$W/cases/list") cases per jar; work dir $W"
JAR=$before run "$before" "$W/before"
JAR=$after run "$after" "$W/after"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
differ=0
same=0
while read -r id _; do
    d=
    for f in out err code; do
        if [ "$f" = out ]; then
            grep -v 'milliseconds"' "$W/before/$id.out" > "$W/b.tmp" || true
            grep -v 'milliseconds"' "$W/after/$id.out" > "$W/a.tmp" || true
            cmp -s "$W/b.tmp" "$W/a.tmp" || d="$d stdout"
        else
            cmp -s "$W/before/$id.$f" "$W/after/$id.$f" || d="$d $f"
        fi
    done
    if [ -n "$d" ]; then
        differ=$((differ + 1))
        echo "DIFFERS $id:$d: $(grep "^$id " "$W/cases/list" | cut -d' ' -f2-)"
    else
        same=$((same + 1))
    fi
done < "$W/cases/list"
codes=$(cat "$W"/before/*.code | sort | uniq -c | awk '{printf "%s%s x exit %s", (NR > 1 ? ", " : ""), $1, $2}')
echo "$same cases the same, $differ differ (before's exit codes: $codes)"
[ "$differ" = 0 ]
