package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
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
 * workloads that behave like the shots and borrow their ratios. The temperatures are not chosen as one
 * pair: {@link #fitWeighted} keeps every pair of the grid weighted by its leave-one-workload-out
 * likelihood on the training workloads only (an average over temperatures, so that a choice made
 * on ten workloads does not swing with the draws), and predicts the weighted mean of the pairs'
 * log predictions.
 *
 * <p>A query no training workload measured together with a shot falls back to the
 * {@link RatioReference}. Works in log space: {@link #predictLog} returns log(target).
 */
public final class NeighbourReference implements LogPredictor {

    /** The temperatures a fit chooses from; infinity switches a term off. */
    public static final double[] TAU_GRID = {0.15, 0.3, 0.6, 1.2, Double.POSITIVE_INFINITY};

    /** Pairs of the grid lighter than this share of the heaviest are dropped (they change nothing). */
    static final double MIN_RELATIVE_WEIGHT = 1e-2;

    private static final double MISSING_PENALTY = 4.0;

    /** One pair of temperatures and its weight in the average. */
    public record Member(double tauShape, double tauLevel, double weight) {
    }

    private final Target target;
    private final RatioReference fallback;
    /** Per training workload: configuration key -> log target. */
    private final List<Map<String, Double>> tables;
    /** Heaviest first; weights sum to 1. */
    private final List<Member> members;
    /** The linear companion blended into the prediction, or null (files from before it). */
    private final WorkloadFactors factors;
    /** The factors' share of the blended log prediction, in [0, 1]. */
    private final double factorWeight;

    /** A class, not a lambda: a one-shot recommend builds one reference, and a lambda's linkage costs it more than the sort. */
    private static final Comparator<Member> HEAVIEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Member a, Member b) {
            return Double.compare(b.weight(), a.weight());
        }
    };

    private NeighbourReference(Target target, RatioReference fallback, List<Map<String, Double>> tables,
                               List<Member> members) {
        this(target, fallback, tables, members, null, 0);
    }

    private NeighbourReference(Target target, RatioReference fallback, List<Map<String, Double>> tables,
                               List<Member> members, WorkloadFactors factors, double factorWeight) {
        this.target = target;
        this.fallback = fallback;
        this.tables = tables;
        this.factors = factors;
        this.factorWeight = factors == null ? 0 : factorWeight;
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(HEAVIEST_FIRST);
        double total = 0;
        for (Member m : sorted) {
            total += m.weight();
        }
        List<Member> norm = new ArrayList<>();
        for (Member m : sorted) {
            norm.add(new Member(m.tauShape(), m.tauLevel(), m.weight() / total));
        }
        this.members = List.copyOf(norm);
    }

    /** Fits on {@code training} with the given temperatures. */
    public static NeighbourReference fit(List<Workload> training, Target target, double tauShape, double tauLevel) {
        return fit(training, target, List.of(new Member(tauShape, tauLevel, 1)));
    }

    /** Fits on {@code training} with the given weighted temperature pairs. */
    public static NeighbourReference fit(List<Workload> training, Target target, List<Member> members) {
        List<Map<String, Double>> tables = Workload.logTables(training, target);
        return new NeighbourReference(target, RatioReference.fit(training, target), tables, members);
    }

    /** The {@link ConfigurationPrior} of the training workloads this attention holds. */
    public ConfigurationPrior prior() {
        return ConfigurationPrior.fromLogTables(tables);
    }

    /**
     * The same temperatures and weights over other training workloads (leave-one-out while
     * training); the factors, if any, refitted on them with the same share.
     */
    public NeighbourReference refit(List<Workload> training) {
        NeighbourReference r = fit(training, target, members);
        return factors == null ? r : r.withFactors(factorWeight);
    }

    /**
     * This attention blended with {@link WorkloadFactors} fitted on its own training tables, the
     * factors' log prediction weighted {@code weight} (0: the attention alone, as before).
     */
    public NeighbourReference withFactors(double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("factor weight must be in [0, 1], got " + weight);
        }
        return new NeighbourReference(target, fallback, tables, members, WorkloadFactors.fit(tables, target), weight);
    }

    /** The attention alone, without the factors. */
    public NeighbourReference withoutFactors() {
        return new NeighbourReference(target, fallback, tables, members);
    }

    /** The factors' share of the prediction (0 without factors). */
    public double factorWeight() {
        return factorWeight;
    }

    /**
     * Fits as {@link #fitWeighted}, then blends in {@link WorkloadFactors} with a share chosen by
     * the same leave-one-workload-out draws on {@code training}: the inverse of each model's mean
     * squared log error, normalised (an ensemble weighted by inner-validation error: where the
     * factors do no better than the attention they get half or less). Not the default of
     * {@code evaluate} and {@code train}: better across data sets, worse on the synthetic
     * openwhisk set at 3 shots (docs/log/2026-12-07-config-search-4.md).
     */
    public static NeighbourReference fitBlended(List<Workload> training, Target target, int[] shots, int draws,
                                                long seed) {
        NeighbourReference attention = fitWeighted(training, target, shots, draws, seed);
        double[] ea = looError(training, target, shots, draws, seed, rest -> fit(rest, target, attention.members));
        double[] ef = looError(training, target, shots, draws, seed,
                rest -> fit(rest, target, attention.members).withFactors(1));
        if (!(ea[1] > 0) || !(ef[1] > 0) || !Double.isFinite(ea[1]) || !Double.isFinite(ef[1])) {
            return attention;
        }
        return attention.withFactors((1 / ef[1]) / (1 / ea[1] + 1 / ef[1]));
    }

    /**
     * Leave-one-workload-out draws per k for {@code workloads} training workloads: enough that
     * about 160 held-out draws score each pair (16 per workload on the multi-cloud half's ten),
     * at least 4 (large synthetic sets, where the selection's cost grows with the square of the
     * workloads).
     */
    public static int selectionDraws(int workloads) {
        return Math.max(4, (int) Math.ceil(160.0 / Math.max(1, workloads)));
    }

    /**
     * Fits on {@code training} with every pair of {@link #TAU_GRID} weighted by its
     * leave-one-workload-out likelihood on {@code training} itself: each workload in turn is
     * predicted by a reference fitted on the others, from {@code draws} random draws of k shots for
     * every k of {@code shots}; the log errors are taken as Gaussian with the pair's mean squared
     * log error s^2 and one independent unit per held-out workload (its draws share its
     * behaviour), so a pair's weight is {@code s^-W} for W held-out workloads. A pair much worse
     * than the best gets almost nothing; pairs that the training workloads cannot tell apart share
     * the weight instead of one of them winning by the luck of the draws.
     */
    public static NeighbourReference fitWeighted(List<Workload> training, Target target, int[] shots, int draws,
                                                 long seed) {
        List<double[]> scored = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (double ts : TAU_GRID) {
            for (double tl : TAU_GRID) {
                double[] e = looError(training, target, shots, draws, seed, ts, tl);
                double logLik = -e[2] / 2 * Math.log(Math.max(e[1], 1e-12));
                scored.add(new double[] {ts, tl, logLik});
                best = Math.max(best, logLik);
            }
        }
        List<Member> members = new ArrayList<>();
        for (double[] p : scored) {
            double w = Math.exp(p[2] - best);
            if (w >= MIN_RELATIVE_WEIGHT) {
                members.add(new Member(p[0], p[1], w));
            }
        }
        return fit(training, target, members);
    }

    /**
     * Leave-one-workload-out error of one pair on {@code training}: {mean absolute percentage
     * error in original units, mean squared log error, held-out workloads}, over the unmeasured
     * configurations of every draw.
     */
    static double[] looError(List<Workload> training, Target target, int[] shots, int draws, long seed,
                             double tauShape, double tauLevel) {
        return looError(training, target, shots, draws, seed, rest -> fit(rest, target, tauShape, tauLevel));
    }

    /** {@link #looError} of any predictor fitted on the other training workloads by {@code fitter}. */
    static double[] looError(List<Workload> training, Target target, int[] shots, int draws, long seed,
                             java.util.function.Function<List<Workload>, LogPredictor> fitter) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        int units = 0;
        for (Workload held : training) {
            LogPredictor r = fitter.apply(without(training, held));
            java.util.Random rng = new java.util.Random(seed + held.name().hashCode());
            boolean used = false;
            for (int k : shots) {
                if (held.size() < k + 1) {
                    continue;
                }
                for (int d = 0; d < draws; d++) {
                    dev.flash.meta.ShotDraw draw = dev.flash.meta.ShotSampler.draw(held.size(), k, 0, rng);
                    List<Measurement> s = FewShotEvaluation.pick(held, draw.shots());
                    double e = 0;
                    double e2 = 0;
                    for (int q : draw.queries()) {
                        Measurement m = held.get(q);
                        double y = m.target(target);
                        double p = r.predictLog(s, m.configKey());
                        e += Math.abs(Math.exp(p) - y) / y;
                        e2 += (p - Math.log(y)) * (p - Math.log(y));
                    }
                    sum += e / draw.queries().length;
                    sq += e2 / draw.queries().length;
                    n++;
                    used = true;
                }
            }
            units += used ? 1 : 0;
        }
        return n == 0 ? new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0}
                : new double[] {sum / n, sq / n, units};
    }

    private static List<Workload> without(List<Workload> all, Workload left) {
        List<Workload> rest = new ArrayList<>(all);
        rest.remove(left);
        return rest;
    }

    public Target target() {
        return target;
    }

    /** The weighted temperature pairs, heaviest first. */
    public List<Member> members() {
        return members;
    }

    /** The heaviest pair's shape temperature. */
    public double tauShape() {
        return members.get(0).tauShape();
    }

    /** The heaviest pair's level temperature. */
    public double tauLevel() {
        return members.get(0).tauLevel();
    }

    public String describe() {
        if (members.size() == 1) {
            return String.format(Locale.ROOT, "tau shape %s, level %s", tau(tauShape()), tau(tauLevel()));
        }
        StringBuilder b = new StringBuilder("tau shape/level");
        for (int i = 0; i < Math.min(3, members.size()); i++) {
            Member m = members.get(i);
            b.append(String.format(Locale.ROOT, " %s/%s %.2f", tau(m.tauShape()), tau(m.tauLevel()), m.weight()));
        }
        if (members.size() > 3) {
            b.append(String.format(Locale.ROOT, " (+%d pairs)", members.size() - 3));
        }
        if (factors != null) {
            b.append(String.format(Locale.ROOT, "; factors %.2f", factorWeight));
        }
        return b.toString();
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
     * the spread says how much the workloads that resemble the shots disagree about the query
     * (over the weighted pairs: the spread of their mixture).
     */
    public double[] predict(List<Measurement> shots, String query) {
        int k = shots.size();
        double[] ly = new double[k];
        for (int s = 0; s < k; s++) {
            ly[s] = Math.log(shots.get(s).target(target));
        }
        int n = tables.size();
        double[] vote = new double[n];
        double[] level = new double[n];
        double[] shape = new double[n];
        int[] missing = new int[n];
        boolean[] ok = new boolean[n];
        boolean any = false;
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
            shape[j] = Math.max(0, sq / seen - c * c) * seen;
            level[j] = c * c;
            missing[j] = k - seen;
            vote[j] = q + c;
            ok[j] = true;
            any = true;
        }
        if (!any) {
            return new double[] {fallback.predictLog(shots, query), Double.NaN, 0};
        }
        double mean = 0;
        double second = 0;
        double voters = 0;
        for (Member m : members) {
            double[] one = attend(m, vote, level, shape, missing, ok);
            mean += m.weight() * one[0];
            second += m.weight() * (one[1] * one[1] + one[0] * one[0]);
            voters += m.weight() * one[2];
        }
        if (factorWeight > 0) {
            // the factors as one more point in the mixture: their share of the mean and of the spread
            double f = factors.predictLog(shots, query);
            if (Double.isFinite(f)) {
                mean = (1 - factorWeight) * mean + factorWeight * f;
                second = (1 - factorWeight) * second + factorWeight * f * f;
            }
        }
        return new double[] {mean, Math.sqrt(Math.max(0, second - mean * mean)), voters};
    }

    /** One pair's softmax over the voters: {weighted mean vote, weighted spread, effective voters}. */
    private static double[] attend(Member m, double[] vote, double[] level, double[] shape, int[] missing,
                                   boolean[] ok) {
        int n = vote.length;
        double[] score = new double[n];
        double maxScore = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            if (!ok[j]) {
                continue;
            }
            double sc = 0;
            if (Double.isFinite(m.tauShape())) {
                sc -= shape[j] / (2 * m.tauShape() * m.tauShape());
            }
            if (Double.isFinite(m.tauLevel())) {
                sc -= level[j] / (2 * m.tauLevel() * m.tauLevel());
            }
            sc -= missing[j] * MISSING_PENALTY;
            score[j] = sc;
            maxScore = Math.max(maxScore, sc);
        }
        double wsum = 0;
        double[] w = new double[n];
        for (int j = 0; j < n; j++) {
            if (ok[j]) {
                w[j] = Math.exp(score[j] - maxScore);
                wsum += w[j];
            }
        }
        double mean = 0;
        double w2 = 0;
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

    /**
     * The training tables and temperatures as JSON (configs, one row of log targets per workload,
     * null where unmeasured; {@code tau_shape}/{@code tau_level} the heaviest pair, -1 for off,
     * {@code members} every pair with its weight).
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("target", target.label());
        o.addProperty("tau_shape", encodeTau(tauShape()));
        o.addProperty("tau_level", encodeTau(tauLevel()));
        JsonArray ms = new JsonArray();
        for (Member m : members) {
            JsonArray row = new JsonArray();
            row.add(encodeTau(m.tauShape()));
            row.add(encodeTau(m.tauLevel()));
            row.add(m.weight());
            ms.add(row);
        }
        o.add("members", ms);
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
        if (factors != null) {
            JsonObject f = factors.toJson();
            f.addProperty("weight", factorWeight);
            o.add("factors", f);
        }
        return o;
    }

    private static double encodeTau(double t) {
        return Double.isFinite(t) ? t : -1;
    }

    private static boolean validTau(double t) {
        return t == -1 || (t > 0 && Double.isFinite(t));
    }

    private static double decodeTau(double t) {
        return t < 0 ? Double.POSITIVE_INFINITY : t;
    }

    /**
     * Reads what {@link #toJson} wrote (a file without {@code members}, from before the weighted
     * pairs, is its one pair); {@code fallback} is the ratio reference of the same target.
     */
    public static NeighbourReference fromJson(JsonObject o, RatioReference fallback) {
        Target t = Target.parse(o.get("target").getAsString());
        List<Member> members = new ArrayList<>();
        if (o.has("members")) {
            JsonArray ms = o.getAsJsonArray("members");
            for (int i = 0; i < ms.size(); i++) {
                JsonArray m = ms.get(i).getAsJsonArray();
                double ts = m.get(0).getAsDouble();
                double tl = m.get(1).getAsDouble();
                double w = m.get(2).getAsDouble();
                if (m.size() != 3 || !validTau(ts) || !validTau(tl) || !(w > 0) || !Double.isFinite(w)) {
                    throw new IllegalArgumentException("attention.members[" + i + "]: want [tau shape, tau level, "
                            + "weight] with temperatures > 0 (or -1: off) and a weight > 0, got " + m);
                }
                members.add(new Member(decodeTau(ts), decodeTau(tl), w));
            }
        }
        if (members.isEmpty()) {
            members.add(new Member(decodeTau(o.get("tau_shape").getAsDouble()),
                    decodeTau(o.get("tau_level").getAsDouble()), 1));
        }
        List<String> keys = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("configs")) { // a loop, not a lambda: see Recommender
            keys.add(e.getAsString());
        }
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
        if (!o.has("factors")) {
            return new NeighbourReference(t, fallback, tables, members);
        }
        JsonObject f = o.getAsJsonObject("factors");
        double w = f.get("weight").getAsDouble();
        if (!(w >= 0 && w <= 1)) {
            throw new IllegalArgumentException("attention.factors.weight: want a share in [0, 1], got " + w);
        }
        WorkloadFactors factors = WorkloadFactors.fromJson(f);
        if (factors.target() != t) {
            throw new IllegalArgumentException("attention.factors.target: " + factors.target().label()
                    + ", the attention's is " + t.label());
        }
        return new NeighbourReference(t, fallback, tables, members, factors, w);
    }
}
