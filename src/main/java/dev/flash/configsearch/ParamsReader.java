package dev.flash.configsearch;

import com.google.gson.JsonObject;
import dev.flash.policy.onnx.JsonCursor;
import dev.flash.policy.onnx.JsonCursor.Unhandled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's {@code flash.params} read from its text straight into the arrays of
 * {@link ModelParams}, without a JSON tree: the tree of a config-search model's params (16,800
 * numbers, most of them the two ratio references' 82 x 82 matrices) and the walk over it were
 * about a fifth of a one-shot {@code recommend}'s work after {@code main()}
 * (docs/log/2026-12-07-recommend-latency-5.md).
 *
 * <p>Reads what {@link ModelParams#toJson} writes, in its order and shapes (each key once, each
 * array exactly as long as its configurations), and makes the parts with the same constructors
 * {@link ModelParams#fromJson} calls, each number the same bits ({@link JsonCursor}). Anything
 * else (another order, a string where a number goes, a wrong length, an invalid value, text that
 * is not strict JSON) gives null, and the caller reads the tree, whose answer (the params or the
 * error naming the key) is the one given: {@code ParamsReaderTest} holds the two to the same
 * params on the shipped models and to the same answer on mutated ones.
 */
final class ParamsReader {
    private final JsonCursor in;

    private ParamsReader(String text) {
        this.in = new JsonCursor(text);
    }

    /** The params of {@code text}, or null where the tree must answer. */
    static ModelParams read(String text) {
        try {
            return new ParamsReader(text).params();
        } catch (Unhandled | RuntimeException e) {
            return null;
        }
    }

    private ModelParams params() throws Unhandled {
        String format = null;
        FewShotEncoding enc = null;
        Map<Target, RatioReference> refs = null;
        RawAttention attention = null;
        Map<String, float[]> configs = null;
        double logRmse = Double.NaN;
        boolean hasLogRmse = false;
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "format" -> format = in.nextString();
                case "encoding" -> enc = encoding();
                case "references" -> refs = references();
                case "attention" -> attention = attention();
                case "configurations" -> configs = configurations();
                case "log_rmse" -> {
                    logRmse = in.nextDouble();
                    hasLogRmse = true;
                }
                default -> in.skipValue();
            }
        }
        in.endObject();
        in.endDocument();
        if (format == null || enc == null || refs == null || configs == null || !hasLogRmse) {
            throw unhandled();
        }
        NeighbourReference att = attention == null ? null : attention.make(refs.get(enc.target()));
        return new ModelParams(format, enc, refs, att, configs, logRmse);
    }

    private FewShotEncoding encoding() throws Unhandled {
        String mode = null;
        String target = null;
        Integer contextLength = null;
        List<String> configColumns = null;
        List<String> metricColumns = null;
        double[] configMean = null;
        double[] configStd = null;
        double[] metricMean = null;
        double[] metricStd = null;
        Double mu = null;
        Double sd = null;
        double residualScale = 1;
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "mode" -> mode = in.nextString();
                case "target" -> target = in.nextString();
                case "context_length" -> contextLength = in.nextInt();
                case "config_columns" -> configColumns = strings();
                case "metric_columns" -> metricColumns = strings();
                case "config_mean" -> configMean = doubles();
                case "config_std" -> configStd = doubles();
                case "metric_mean" -> metricMean = doubles();
                case "metric_std" -> metricStd = doubles();
                case "log_target_mean" -> mu = in.nextDouble();
                case "log_target_std" -> sd = in.nextDouble();
                case "residual_scale" -> residualScale = in.nextDouble();
                default -> in.skipValue();
            }
        }
        in.endObject();
        FewShotEncoding.Mode m = mode == null ? null : FewShotEncoding.mode(mode);
        if (m == null || target == null || contextLength == null || configColumns == null || metricColumns == null
                || configMean == null || configStd == null || metricMean == null || metricStd == null || mu == null
                || sd == null) {
            throw unhandled();
        }
        return FewShotEncoding.of(m, Target.parse(target), contextLength, configColumns, metricColumns, configMean,
                configStd, metricMean, metricStd, mu, sd, residualScale);
    }

    private Map<Target, RatioReference> references() throws Unhandled {
        Map<Target, RatioReference> refs = new LinkedHashMap<>();
        in.beginObject();
        while (in.hasNext()) {
            String name = in.nextName();
            refs.put(Target.parse(name), ratioReference());
        }
        in.endObject();
        return refs;
    }

    /** {@link RatioReference#toJson}'s keys in its order: target, configs, log_ratio (n x n, null: NaN), level. */
    private RatioReference ratioReference() throws Unhandled {
        in.beginObject();
        Target t = Target.parse(stringMember("target"));
        member("configs");
        List<String> configs = strings();
        int n = configs.size();
        member("log_ratio");
        double[][] ratio = new double[n][n];
        in.beginArray();
        for (int a = 0; a < n; a++) {
            element();
            in.nextDoubles(ratio[a]); // null: NaN, a pair no training workload measured
        }
        in.endArray();
        member("level");
        double[] level = new double[n];
        in.nextDoubles(level);
        for (double v : level) {
            if (Double.isNaN(v)) { // a null: the tree's reading refuses it
                throw unhandled();
            }
        }
        in.endObject();
        return RatioReference.of(t, configs, ratio, level);
    }

    /** What {@link NeighbourReference#toJson} wrote, kept until the ratio reference it falls back on is read. */
    private record RawAttention(Target target, List<NeighbourReference.Member> members,
                                List<Map<String, Double>> tables, double ratioWeight, JsonObject factors) {
        NeighbourReference make(RatioReference fallback) {
            return NeighbourReference.of(target, fallback, members, tables, ratioWeight, factors);
        }
    }

    /**
     * {@link NeighbourReference#toJson}'s keys in its order: target, tau_shape, tau_level, members,
     * configs, log_targets (a row per training workload, null: not measured), then factors and
     * ratio_weight when there.
     */
    private RawAttention attention() throws Unhandled {
        in.beginObject();
        Target t = Target.parse(stringMember("target"));
        member("tau_shape");
        double tauShape = in.nextDouble();
        member("tau_level");
        double tauLevel = in.nextDouble();
        member("members");
        List<NeighbourReference.Member> members = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            in.beginArray();
            element();
            double ts = in.nextDouble();
            element();
            double tl = in.nextDouble();
            element();
            double w = in.nextDouble();
            in.endArray();
            if (!NeighbourReference.validTau(ts) || !NeighbourReference.validTau(tl) || !(w > 0)
                    || !Double.isFinite(w)) {
                throw unhandled(); // the tree's reading names what is wrong
            }
            members.add(new NeighbourReference.Member(NeighbourReference.decodeTau(ts),
                    NeighbourReference.decodeTau(tl), w));
        }
        in.endArray();
        if (members.isEmpty()) {
            members.add(new NeighbourReference.Member(NeighbourReference.decodeTau(tauShape),
                    NeighbourReference.decodeTau(tauLevel), 1));
        }
        member("configs");
        List<String> keys = strings();
        member("log_targets");
        List<Map<String, Double>> tables = new ArrayList<>();
        double[] row = new double[keys.size()];
        in.beginArray();
        while (in.hasNext()) {
            Map<String, Double> m = new HashMap<>();
            in.nextDoubles(row); // null (NaN here): not measured; JSON has no NaN of its own
            for (int i = 0; i < row.length; i++) {
                if (!Double.isNaN(row[i])) {
                    m.put(keys.get(i), row[i]);
                }
            }
            tables.add(m);
        }
        in.endArray();
        JsonObject factors = null;
        double rw = 0;
        while (in.hasNext()) {
            String name = in.nextName();
            switch (name) {
                case "factors" -> {
                    com.google.gson.JsonElement f = in.nextTree();
                    if (!f.isJsonObject()) {
                        throw unhandled();
                    }
                    factors = f.getAsJsonObject();
                }
                case "ratio_weight" -> rw = in.nextDouble();
                default -> throw unhandled();
            }
        }
        in.endObject();
        return new RawAttention(t, members, tables, rw, factors);
    }

    /** {@link ModelParams#toJson}'s configurations: objects of key, then config (one float per column). */
    private Map<String, float[]> configurations() throws Unhandled {
        Map<String, float[]> out = new LinkedHashMap<>();
        in.beginArray();
        float[] buffer = new float[16];
        while (in.hasNext()) {
            in.beginObject();
            String key = stringMember("key");
            member("config");
            int n = 0;
            in.beginArray();
            while (in.hasNext()) {
                if (n == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, 2 * n);
                }
                buffer[n++] = in.nextFloat();
            }
            in.endArray();
            in.endObject();
            out.put(key, java.util.Arrays.copyOf(buffer, n));
        }
        in.endArray();
        return out;
    }

    /** The next member, which must be {@code name}. */
    private void member(String name) throws Unhandled {
        if (!in.hasNext() || !in.nextName().equals(name)) {
            throw unhandled();
        }
    }

    private String stringMember(String name) throws Unhandled {
        member(name);
        return in.nextString();
    }

    /** The array has its next element (the count is the reader's: fewer is not read here). */
    private void element() throws Unhandled {
        if (!in.hasNext()) {
            throw unhandled();
        }
    }

    private List<String> strings() throws Unhandled {
        List<String> out = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
            out.add(in.nextString());
        }
        in.endArray();
        return out;
    }

    private double[] doubles() throws Unhandled {
        double[] out = new double[8];
        int n = 0;
        in.beginArray();
        while (in.hasNext()) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, 2 * n);
            }
            out[n++] = in.nextDouble();
        }
        in.endArray();
        return java.util.Arrays.copyOf(out, n);
    }

    private static Unhandled unhandled() {
        return JsonCursor.unhandled();
    }
}
