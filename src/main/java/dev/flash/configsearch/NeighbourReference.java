package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Attention over the training workloads: a soft nearest-neighbour predictor of a new workload's
 * log target. Each training workload j that measured the query and at least one shot's
 * configuration is aligned to the shots by one offset {@code c_j} (the mean of
 * {@code log y_shot - log y_j(shot)}), and votes {@code log y_j(query) + c_j}; its weight is a
 * softmax of how well it matches the shots:
 *
 * <pre>
 *   score_j = -( D_j / (2 tauShape^2) * n_j  +  c_j^2 / (2 tauLevel^2)  +  missing_j * penalty )
 * </pre>
 *
 * with D_j the mean squared deviation of the per-shot offsets around c_j (how differently j
 * scales between the measured configurations: 0 with one shot), n_j the shots j measured,
 * {@code c_j^2} the difference of absolute levels (workloads of a similar size scale alike) and
 * missing_j the shots j did not measure. With both temperatures infinite it is the mean
 * configuration-to-configuration ratio of every training workload; small temperatures pick the
 * workloads that behave like the shots and borrow their ratios. The temperatures are chosen by
 * {@link #fitSelected}: leave-one-workload-out on the training workloads only.
 *
 * <p>A query no training workload measured together with a shot falls back to the
 * {@link RatioReference}. Works in log space: {@link #predictLog} returns log(target).
 */
public final class NeighbourReference implements LogPredictor {

    /** The temperatures a fit chooses from; infinity switches a term off. */
    public static final double[] TAU_GRID = {0.15, 0.3, 0.6, 1.2, Double.POSITIVE_INFINITY};

    private static final double MISSING_PENALTY = 4.0;

    private final Target target;
    private final RatioReference fallback;
    /** Per training workload: configuration key -> log target. */
    private final List<Map<String, Double>> tables;
    private final double tauShape;
    private final double tauLevel;

    private NeighbourReference(Target target, RatioReference fallback, List<Map<String, Double>> tables,
                               double tauShape, double tauLevel) {
        this.target = target;
        this.fallback = fallback;
        this.tables = tables;
        this.tauShape = tauShape;
        this.tauLevel = tauLevel;
    }

    /** Fits on {@code training} with the given temperatures. */
    public static NeighbourReference fit(List<Workload> training, Target target, double tauShape, double tauLevel) {
        List<Map<String, Double>> tables = new ArrayList<>();
        for (Workload w : training) {
            Map<String, Double> t = new HashMap<>();
            for (Measurement m : w.measurements()) {
                t.put(m.configKey(), Math.log(m.target(target)));
            }
            if (!t.isEmpty()) {
                tables.add(t);
            }
        }
        return new NeighbourReference(target, RatioReference.fit(training, target), tables, tauShape, tauLevel);
    }

    /**
     * Fits on {@code training} with the temperatures of the lowest leave-one-workload-out error
     * on {@code training} itself: each workload in turn is predicted by a reference fitted on the
     * others, from {@code draws} random draws of k shots for every k of {@code shots}; the error is
     * the mean absolute percentage error in original units over the unmeasured configurations.
     */
    public static NeighbourReference fitSelected(List<Workload> training, Target target, int[] shots, int draws,
                                                 long seed) {
        double bestErr = Double.POSITIVE_INFINITY;
        double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (double ts : TAU_GRID) {
            for (double tl : TAU_GRID) {
                double err = looError(training, target, shots, draws, seed, ts, tl);
                if (err < bestErr - 1e-12) {
                    bestErr = err;
                    best = new double[] {ts, tl};
                }
            }
        }
        return fit(training, target, best[0], best[1]);
    }

    static double looError(List<Workload> training, Target target, int[] shots, int draws, long seed,
                           double tauShape, double tauLevel) {
        double sum = 0;
        int n = 0;
        for (Workload held : training) {
            NeighbourReference r = fit(without(training, held), target, tauShape, tauLevel);
            java.util.Random rng = new java.util.Random(seed + held.name().hashCode());
            for (int k : shots) {
                if (held.size() < k + 1) {
                    continue;
                }
                for (int d = 0; d < draws; d++) {
                    dev.flash.meta.ShotDraw draw = dev.flash.meta.ShotSampler.draw(held.size(), k, 0, rng);
                    List<Measurement> s = FewShotEvaluation.pick(held, draw.shots());
                    double e = 0;
                    for (int q : draw.queries()) {
                        Measurement m = held.get(q);
                        double y = m.target(target);
                        e += Math.abs(Math.exp(r.predictLog(s, m.configKey())) - y) / y;
                    }
                    sum += e / draw.queries().length;
                    n++;
                }
            }
        }
        return n == 0 ? Double.POSITIVE_INFINITY : sum / n;
    }

    private static List<Workload> without(List<Workload> all, Workload left) {
        List<Workload> rest = new ArrayList<>(all);
        rest.remove(left);
        return rest;
    }

    public Target target() {
        return target;
    }

    public double tauShape() {
        return tauShape;
    }

    public double tauLevel() {
        return tauLevel;
    }

    public String describe() {
        return String.format(Locale.ROOT, "tau shape %s, level %s", tau(tauShape), tau(tauLevel));
    }

    private static String tau(double t) {
        return Double.isInfinite(t) ? "off" : String.format(Locale.ROOT, "%.2f", t);
    }

    @Override
    public double predictLog(List<Measurement> shots, String query) {
        return predict(shots, query)[0];
    }

    /**
     * {log prediction, weighted spread of the votes in log space, effective number of voters}:
     * the spread says how much the workloads that resemble the shots disagree about the query.
     */
    public double[] predict(List<Measurement> shots, String query) {
        int k = shots.size();
        double[] ly = new double[k];
        for (int s = 0; s < k; s++) {
            ly[s] = Math.log(shots.get(s).target(target));
        }
        int n = tables.size();
        double[] score = new double[n];
        double[] vote = new double[n];
        boolean[] ok = new boolean[n];
        double maxScore = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            Map<String, Double> t = tables.get(j);
            Double q = t.get(query);
            if (q == null) {
                continue;
            }
            double sum = 0;
            double sq = 0;
            int seen = 0;
            for (int s = 0; s < k; s++) {
                Double v = t.get(shots.get(s).configKey());
                if (v != null) {
                    double d = ly[s] - v;
                    sum += d;
                    sq += d * d;
                    seen++;
                }
            }
            if (seen == 0) {
                continue;
            }
            double c = sum / seen;
            double dev = Math.max(0, sq / seen - c * c);
            double sc = 0;
            if (Double.isFinite(tauShape)) {
                sc -= dev * seen / (2 * tauShape * tauShape);
            }
            if (Double.isFinite(tauLevel)) {
                sc -= c * c / (2 * tauLevel * tauLevel);
            }
            sc -= (k - seen) * MISSING_PENALTY;
            score[j] = sc;
            vote[j] = q + c;
            ok[j] = true;
            maxScore = Math.max(maxScore, sc);
        }
        if (maxScore == Double.NEGATIVE_INFINITY) {
            return new double[] {fallback.predictLog(shots, query), Double.NaN, 0};
        }
        double wsum = 0;
        double mean = 0;
        double w2 = 0;
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            if (ok[j]) {
                w[j] = Math.exp(score[j] - maxScore);
                wsum += w[j];
            }
        }
        for (int j = 0; j < n; j++) {
            if (ok[j]) {
                w[j] /= wsum;
                mean += w[j] * vote[j];
                w2 += w[j] * w[j];
            }
        }
        double var = 0;
        for (int j = 0; j < n; j++) {
            if (ok[j]) {
                double d = vote[j] - mean;
                var += w[j] * d * d;
            }
        }
        return new double[] {mean, Math.sqrt(var), 1 / w2};
    }

    /** The training tables and temperatures as JSON (configs, one row of log targets per workload, null where unmeasured). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("target", target.label());
        o.addProperty("tau_shape", Double.isFinite(tauShape) ? tauShape : -1);
        o.addProperty("tau_level", Double.isFinite(tauLevel) ? tauLevel : -1);
        List<String> keys = new ArrayList<>();
        Map<String, Integer> idx = new HashMap<>();
        for (Map<String, Double> t : tables) {
            for (String key : t.keySet()) {
                if (idx.putIfAbsent(key, keys.size()) == null) {
                    keys.add(key);
                }
            }
        }
        JsonArray cs = new JsonArray();
        keys.forEach(cs::add);
        o.add("configs", cs);
        JsonArray rows = new JsonArray();
        for (Map<String, Double> t : tables) {
            JsonArray r = new JsonArray();
            for (String key : keys) {
                Double v = t.get(key);
                if (v == null) {
                    r.add(JsonNull.INSTANCE);
                } else {
                    r.add(v);
                }
            }
            rows.add(r);
        }
        o.add("log_targets", rows);
        return o;
    }

    /** Reads what {@link #toJson} wrote; {@code fallback} is the ratio reference of the same target. */
    public static NeighbourReference fromJson(JsonObject o, RatioReference fallback) {
        Target t = Target.parse(o.get("target").getAsString());
        double ts = o.get("tau_shape").getAsDouble();
        double tl = o.get("tau_level").getAsDouble();
        List<String> keys = new ArrayList<>();
        o.getAsJsonArray("configs").forEach(e -> keys.add(e.getAsString()));
        List<Map<String, Double>> tables = new ArrayList<>();
        for (var row : o.getAsJsonArray("log_targets")) {
            JsonArray r = row.getAsJsonArray();
            Map<String, Double> m = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                if (!r.get(i).isJsonNull()) {
                    m.put(keys.get(i), JsonNumbers.asDouble(r.get(i)));
                }
            }
            tables.add(m);
        }
        return new NeighbourReference(t, fallback, tables, ts < 0 ? Double.POSITIVE_INFINITY : ts,
                tl < 0 ? Double.POSITIVE_INFINITY : tl);
    }
}
