package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

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
    /** The ratio reference's share of the blended log prediction; factorWeight + ratioWeight <= 1. */
    private final double ratioWeight;

    /** A class, not a lambda: a one-shot recommend builds one reference, and a lambda's linkage costs it more than the sort. */
    private static final Comparator<Member> HEAVIEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Member a, Member b) {
            return Double.compare(b.weight(), a.weight());
        }
    };

    private NeighbourReference(Target target, RatioReference fallback, List<Map<String, Double>> tables,
                               List<Member> members) {
        this(target, fallback, tables, members, null, 0, 0);
    }

    private NeighbourReference(Target target, RatioReference fallback, List<Map<String, Double>> tables,
                               List<Member> members, WorkloadFactors factors, double factorWeight,
                               double ratioWeight) {
        this.target = target;
        this.fallback = fallback;
        this.tables = tables;
        this.factors = factors;
        this.factorWeight = factors == null ? 0 : factorWeight;
        this.ratioWeight = ratioWeight;
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
     * training); the factors and the ratio reference, if blended in, refitted on them with the
     * same shares.
     */
    public NeighbourReference refit(List<Workload> training) {
        NeighbourReference r = fit(training, target, members);
        return factors == null && ratioWeight == 0 ? r : r.withBlend(factorWeight, ratioWeight);
    }

    /**
     * This attention blended with {@link WorkloadFactors} fitted on its own training tables, the
     * factors' log prediction weighted {@code weight} (0: the attention alone, as before).
     */
    public NeighbourReference withFactors(double weight) {
        return withBlend(weight, 0);
    }

    /**
     * This attention blended with {@link WorkloadFactors} fitted on its own training tables (share
     * {@code factorWeight}) and with its own {@link RatioReference} (share {@code ratioWeight}); the
     * attention keeps the rest.
     */
    public NeighbourReference withBlend(double factorWeight, double ratioWeight) {
        checkShares(factorWeight, ratioWeight, "blend");
        return new NeighbourReference(target, fallback, tables, members, WorkloadFactors.fit(tables, target),
                factorWeight, ratioWeight);
    }

    private static void checkShares(double factorWeight, double ratioWeight, String key) {
        if (!(factorWeight >= 0 && factorWeight <= 1) || !(ratioWeight >= 0 && ratioWeight <= 1)
                || !(factorWeight + ratioWeight <= 1 + 1e-9)) {
            throw new IllegalArgumentException(key + ": want shares in [0, 1] summing to at most 1, got factors "
                    + factorWeight + ", ratio " + ratioWeight);
        }
    }

    /** The attention alone, without the factors or the ratio reference. */
    public NeighbourReference withoutFactors() {
        return new NeighbourReference(target, fallback, tables, members);
    }

    /** The factors' share of the prediction (0 without factors). */
    public double factorWeight() {
        return factorWeight;
    }

    /** The ratio reference's share of the prediction (0 unless blended in). */
    public double ratioWeight() {
        return ratioWeight;
    }

    /**
     * Fits as {@link #fitWeighted}, then blends in {@link WorkloadFactors} with a share chosen by
     * the same leave-one-workload-out draws on {@code training}: the inverse of each model's mean
     * squared log error, normalised (log 4's rule: where the factors do no better than the
     * attention they get half or less). {@link ReferenceBlend} chooses among the blends.
     */
    public static NeighbourReference fitBlended(List<Workload> training, Target target, int[] shots, int draws,
                                                long seed) {
        return fitBlended(training, target, shots, draws, seed, false, false);
    }

    /**
     * Fits as {@link #fitWeighted}, then blends in {@link WorkloadFactors} and, with {@code
     * withRatio}, the {@link RatioReference}, each member's share from its leave-one-workload-out
     * mean squared log error s^2 on {@code training} (the same draws that weigh the temperature
     * pairs). {@code likelihood}: shares proportional to {@code s^-W} for W held-out workloads, the
     * rule that weighs the temperature pairs (a member clearly worse than the best gets almost
     * nothing once many workloads say so; with few they are blended); otherwise proportional to
     * {@code 1 / s^2}.
     */
    public static NeighbourReference fitBlended(List<Workload> training, Target target, int[] shots, int draws,
                                                long seed, boolean likelihood, boolean withRatio) {
        return fitBlended(training, target, shots, draws, seed, likelihood, withRatio, null);
    }

    /**
     * {@link #fitBlended} with the members scored by leaving out whole groups of {@code training}
     * ({@code holdOut}'s value; null: one workload at a time, as above). The temperature pairs
     * are weighted by leave-one-workload-out either way.
     */
    public static NeighbourReference fitBlended(List<Workload> training, Target target, int[] shots, int draws,
                                                long seed, boolean likelihood, boolean withRatio,
                                                Function<Workload, String> holdOut) {
        NeighbourReference attention = fitWeighted(training, target, shots, draws, seed);
        List<double[]> errors = new ArrayList<>();
        errors.add(looError(training, holdOut, target, shots, draws, seed,
                rest -> fit(rest, target, attention.members)));
        errors.add(looError(training, holdOut, target, shots, draws, seed,
                rest -> fit(rest, target, attention.members).withFactors(1)));
        if (withRatio) {
            errors.add(looError(training, holdOut, target, shots, draws, seed,
                    rest -> RatioReference.fit(rest, target)));
        }
        double[] logShare = new double[errors.size()];
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < errors.size(); i++) {
            double[] e = errors.get(i);
            if (!(e[1] > 0) || !Double.isFinite(e[1])) {
                return attention;
            }
            logShare[i] = likelihood ? -e[2] / 2 * Math.log(e[1]) : -Math.log(e[1]);
            best = Math.max(best, logShare[i]);
        }
        double total = 0;
        double[] share = new double[errors.size()];
        for (int i = 0; i < share.length; i++) {
            share[i] = Math.exp(logShare[i] - best);
            total += share[i];
        }
        return attention.withBlend(share[1] / total, withRatio ? share[2] / total : 0);
    }

    /**
     * Fits as {@link #fitWeighted}, then blends in {@link WorkloadFactors} and (with {@code
     * withRatio}) the {@link RatioReference} with the shares, on a grid of tenths, whose blended
     * log prediction has the lowest leave-one-workload-out mean squared log error on {@code
     * training} (stacking: it scores the blend, so two members that err differently can earn a
     * share neither would by its own error).
     */
    public static NeighbourReference fitStacked(List<Workload> training, Target target, int[] shots, int draws,
                                                long seed, boolean withRatio) {
        return fitStacked(training, target, shots, draws, seed, withRatio, null);
    }

    /**
     * {@link #fitStacked} with the blend scored by leaving out whole groups of {@code training}
     * ({@code holdOut}'s value; null: one workload at a time).
     */
    public static NeighbourReference fitStacked(List<Workload> training, Target target, int[] shots, int draws,
                                                long seed, boolean withRatio, Function<Workload, String> holdOut) {
        NeighbourReference attention = fitWeighted(training, target, shots, draws, seed);
        // per held-out query: {attention, factors, ratio, truth} in log space, on looError's draws
        List<double[]> rows = new ArrayList<>();
        forEachHeldOutDraw(training, holdOut, shots, draws, seed,
                rest -> fit(rest, target, attention.members).withBlend(0, 0), (held, r, s, queries) -> {
                    for (int q : queries) {
                        Measurement m = held.get(q);
                        double a = r.predictLog(s, m.configKey());
                        double f = r.factors.predictLog(s, m.configKey());
                        double rr = r.fallback.predictLog(s, m.configKey());
                        rows.add(new double[] {a, Double.isFinite(f) ? f : a, rr, Math.log(m.target(target)),
                                queries.length});
                    }
                });
        double bestErr = Double.POSITIVE_INFINITY;
        double bestF = 0;
        double bestR = 0;
        for (int fi = 0; fi <= 10; fi++) {
            for (int ri = 0; ri <= (withRatio ? 10 - fi : 0); ri++) {
                double wf = fi / 10.0;
                double wr = ri / 10.0;
                double err = 0;
                for (double[] row : rows) {
                    double p = (1 - wf - wr) * row[0] + wf * row[1] + wr * row[2];
                    err += (p - row[3]) * (p - row[3]) / row[4];
                }
                if (err < bestErr - 1e-12) {
                    bestErr = err;
                    bestF = wf;
                    bestR = wr;
                }
            }
        }
        return rows.isEmpty() ? attention : attention.withBlend(bestF, bestR);
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
        return fitWeighted(training, target, shots, draws, seed, null);
    }

    /**
     * {@link #fitWeighted} with the pairs scored by holding out whole groups ({@code holdOut}'s
     * value, {@link #dataSetHoldOut}; null: one workload at a time): {@code --blend attention
     * --blend-holdout dataset} (log 2026-12-07-config-search-7). W still counts held-out workloads.
     */
    public static NeighbourReference fitWeighted(List<Workload> training, Target target, int[] shots, int draws,
                                                 long seed, Function<Workload, String> holdOut) {
        double[][] pairs = new double[TAU_GRID.length * TAU_GRID.length][];
        for (int i = 0; i < TAU_GRID.length; i++) {
            for (int j = 0; j < TAU_GRID.length; j++) {
                pairs[i * TAU_GRID.length + j] = new double[] {TAU_GRID[i], TAU_GRID[j]};
            }
        }
        double[][] errors = looErrorEachPair(training, holdOut, target, shots, draws, seed, pairs);
        List<double[]> scored = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < pairs.length; p++) {
            double logLik = -errors[p][2] / 2 * Math.log(Math.max(errors[p][1], 1e-12));
            scored.add(new double[] {pairs[p][0], pairs[p][1], logLik});
            best = Math.max(best, logLik);
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
     * {@link #looError} of every pair of temperatures at once, the same draws and sums as one call
     * per pair (so the same figures to the last bit), but each held-out workload's fit on the
     * others (its tables and ratio reference, which the temperatures do not change) made once
     * instead of once per pair, and each query's votes counted once for all pairs.
     */
    static double[][] looErrorEachPair(List<Workload> training, Target target, int[] shots, int draws, long seed,
                                       double[][] pairs) {
        return looErrorEachPair(training, null, target, shots, draws, seed, pairs);
    }

    /** {@link #looErrorEachPair} with whole groups held out ({@code holdOut}; null: one workload at a time). */
    static double[][] looErrorEachPair(List<Workload> training, Function<Workload, String> holdOut, Target target,
                                       int[] shots, int draws, long seed, double[][] pairs) {
        double[][] sums = new double[pairs.length][3]; // absolute percentage error, squared log error, draws
        int units = forEachHeldOutDraw(training, holdOut, shots, draws, seed,
                rest -> fit(rest, target, TAU_GRID[0], TAU_GRID[0]), (held, r, s, queries) -> {
                    double[] e = new double[pairs.length];
                    double[] e2 = new double[pairs.length];
                    for (int q : queries) {
                        Measurement m = held.get(q);
                        double y = m.target(target);
                        double[] each = r.predictEachPair(s, m.configKey(), pairs);
                        for (int i = 0; i < pairs.length; i++) {
                            e[i] += Math.abs(Math.exp(each[i]) - y) / y;
                            e2[i] += (each[i] - Math.log(y)) * (each[i] - Math.log(y));
                        }
                    }
                    for (int i = 0; i < pairs.length; i++) {
                        sums[i][0] += e[i] / queries.length;
                        sums[i][1] += e2[i] / queries.length;
                        sums[i][2]++;
                    }
                });
        double[][] out = new double[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            double n = sums[i][2];
            out[i] = n == 0 ? new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0}
                    : new double[] {sums[i][0] / n, sums[i][1] / n, units};
        }
        return out;
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
                             Function<List<Workload>, LogPredictor> fitter) {
        return looError(training, null, target, shots, draws, seed, fitter);
    }

    /**
     * {@link #looError} with whole groups held out ({@code holdOut}'s value; null: one workload at
     * a time); the third figure still counts held-out workloads.
     */
    static double[] looError(List<Workload> training, Function<Workload, String> holdOut, Target target,
                             int[] shots, int draws, long seed, Function<List<Workload>, LogPredictor> fitter) {
        double[] sums = new double[3]; // absolute percentage error, squared log error, draws
        int units = forEachHeldOutDraw(training, holdOut, shots, draws, seed, fitter, (held, r, s, queries) -> {
            double e = 0;
            double e2 = 0;
            for (int q : queries) {
                Measurement m = held.get(q);
                double y = m.target(target);
                double p = r.predictLog(s, m.configKey());
                e += Math.abs(Math.exp(p) - y) / y;
                e2 += (p - Math.log(y)) * (p - Math.log(y));
            }
            sums[0] += e / queries.length;
            sums[1] += e2 / queries.length;
            sums[2]++;
        });
        double n = sums[2];
        return n == 0 ? new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0}
                : new double[] {sums[0] / n, sums[1] / n, units};
    }

    /** One leave-one-workload-out draw, as {@link #forEachHeldOutDraw} hands it over. */
    interface HeldOutDraw<P> {
        void score(Workload held, P fitted, List<Measurement> shots, int[] queries);
    }

    /**
     * Every leave-one-workload-out draw on {@code training}: per workload, the predictor
     * {@code fitter} fits on the others, then per k (where the workload keeps a configuration to
     * query) {@code draws} shot sets from a generator seeded by {@code seed} and the workload's
     * name. {@link #looError} and {@link #fitStacked} score the same draws through it. Returns the
     * number of workloads that gave at least one draw.
     */
    static <P> int forEachHeldOutDraw(List<Workload> training, int[] shots, int draws, long seed,
                                      Function<List<Workload>, P> fitter, HeldOutDraw<P> visitor) {
        return forEachHeldOutDraw(training, null, shots, draws, seed, fitter, visitor);
    }

    /**
     * {@link #forEachHeldOutDraw} holding out a whole group at a time: per value of {@code
     * holdOut} (in the order the values first appear), {@code fitter} fits on the other groups and
     * every workload of the group is scored on the same draws as when held out alone. With one
     * workload per group (or a null {@code holdOut}) it is leave-one-workload-out, draw for draw.
     */
    static <P> int forEachHeldOutDraw(List<Workload> training, Function<Workload, String> holdOut, int[] shots,
                                      int draws, long seed, Function<List<Workload>, P> fitter,
                                      HeldOutDraw<P> visitor) {
        Map<String, List<Workload>> groups = new LinkedHashMap<>();
        for (int i = 0; i < training.size(); i++) {
            Workload w = training.get(i);
            groups.computeIfAbsent(holdOut == null ? "#" + i : holdOut.apply(w), g -> new ArrayList<>()).add(w);
        }
        int units = 0;
        for (List<Workload> group : groups.values()) {
            List<Workload> rest = new ArrayList<>(training);
            rest.removeAll(group);
            P fitted = fitter.apply(rest);
            for (Workload held : group) {
                java.util.Random rng = new java.util.Random(seed + held.name().hashCode());
                boolean used = false;
                for (int k : shots) {
                    if (held.size() < k + 1) {
                        continue;
                    }
                    for (int d = 0; d < draws; d++) {
                        dev.flash.meta.ShotDraw draw = dev.flash.meta.ShotSampler.draw(held.size(), k, 0, rng);
                        visitor.score(held, fitted, FewShotEvaluation.pick(held, draw.shots()), draw.queries());
                        used = true;
                    }
                }
                units += used ? 1 : 0;
            }
        }
        return units;
    }

    /**
     * What {@code --blend-holdout dataset} holds out when scoring a blend's members: a whole data
     * set ({@link Workload#group()}) when {@code training} spans two or more, so that the shares
     * measure extrapolation to workloads unlike the training ones; else one workload at a time
     * (null). A name without a dash is its own group, so on the synthetic sets this is
     * leave-one-workload-out.
     */
    public static Function<Workload, String> dataSetHoldOut(List<Workload> training) {
        return training.stream().map(Workload::group).distinct().count() >= 2 ? Workload::group : null;
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
        if (ratioWeight > 0) {
            b.append(String.format(Locale.ROOT, "; ratio reference %.2f", ratioWeight));
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
        return predict(shots, new Shots(shots), query);
    }

    /**
     * {@link #predictLog} of each of {@code queries} from the same shots, to the bit: the shots'
     * logs and their rows in the training tables are looked up once, not once per query (a
     * recommendation predicts every configuration the model knows).
     */
    public double[] predictLogAll(List<Measurement> shots, List<String> queries) {
        Shots s = new Shots(shots);
        double[] out = new double[queries.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = predict(shots, s, queries.get(i))[0];
        }
        return out;
    }

    private double[] predict(List<Measurement> shots, Shots s, String query) {
        Votes v = votes(s, query);
        if (v == null) {
            return new double[] {fallback.predictLog(shots, query), Double.NaN, 0};
        }
        double mean = 0;
        double second = 0;
        double voters = 0;
        for (Member m : members) {
            double[] one = attend(m, v.vote, v.level, v.shape, v.missing, v.ok);
            mean += m.weight() * one[0];
            second += m.weight() * (one[1] * one[1] + one[0] * one[0]);
            voters += m.weight() * one[2];
        }
        if (factorWeight > 0 || ratioWeight > 0) {
            // the factors and the ratio reference as more points in the mixture: their shares of the
            // mean and of the spread (a member with no prediction here leaves its share to the rest)
            double f = factorWeight > 0 ? factors.predictLog(shots, query) : Double.NaN;
            double r = ratioWeight > 0 ? fallback.predictLog(shots, query) : Double.NaN;
            double wf = Double.isFinite(f) ? factorWeight : 0;
            double wr = Double.isFinite(r) ? ratioWeight : 0;
            double wa = 1 - wf - wr;
            mean = wa * mean + (wf > 0 ? wf * f : 0) + (wr > 0 ? wr * r : 0);
            second = wa * second + (wf > 0 ? wf * f * f : 0) + (wr > 0 ? wr * r * r : 0);
        }
        return new double[] {mean, Math.sqrt(Math.max(0, second - mean * mean)), voters};
    }

    /** Every training workload's vote for one query and how much it resembles the shots. */
    private record Votes(double[] vote, double[] level, double[] shape, int[] missing, boolean[] ok) {
    }

    /**
     * The shots as every query's votes use them: their log targets and, per training workload, its
     * log target at each shot's configuration (null: not measured there).
     */
    private final class Shots {
        final double[] ly;
        final Double[][] atShot;

        Shots(List<Measurement> shots) {
            int k = shots.size();
            ly = new double[k];
            for (int s = 0; s < k; s++) {
                ly[s] = Math.log(shots.get(s).target(target));
            }
            atShot = new Double[tables.size()][k];
            for (int j = 0; j < atShot.length; j++) {
                Map<String, Double> t = tables.get(j);
                for (int s = 0; s < k; s++) {
                    atShot[j][s] = t.get(shots.get(s).configKey());
                }
            }
        }
    }

    /** The votes of {@link #predict}; null when no training workload measured the query with a shot. */
    private Votes votes(List<Measurement> shots, String query) {
        return votes(new Shots(shots), query);
    }

    private Votes votes(Shots shots, String query) {
        double[] ly = shots.ly;
        int k = ly.length;
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
            Double[] atShot = shots.atShot[j];
            for (int s = 0; s < k; s++) {
                Double v = atShot[s];
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
        return any ? new Votes(vote, level, shape, missing, ok) : null;
    }

    /**
     * Each pair's own log prediction of {@code query} over this reference's training tables (what
     * a reference fitted with that pair alone predicts, to the last bit): the votes are counted
     * once for all pairs.
     */
    private double[] predictEachPair(List<Measurement> shots, String query, double[][] pairs) {
        double[] out = new double[pairs.length];
        Votes v = votes(shots, query);
        for (int p = 0; p < pairs.length; p++) {
            out[p] = v == null ? fallback.predictLog(shots, query)
                    : attend(new Member(pairs[p][0], pairs[p][1], 1), v.vote, v.level, v.shape, v.missing, v.ok)[0];
        }
        return out;
    }

    /**
     * Each training workload's weight in the vote for {@code query} from {@code shots}: the mixture
     * over the temperature pairs (by their weights) of each pair's softmax, 0 for a workload that
     * cannot vote (it did not measure the query or any shot); null when none can. In the order of
     * {@link #tables()} (log 2026-12-08-cssibling's {@code flash-saving-sibling-attention}).
     */
    public double[] voterWeights(List<Measurement> shots, String query) {
        Votes v = votes(shots, query);
        if (v == null) {
            return null;
        }
        double[] out = new double[v.vote.length];
        for (Member m : members) {
            double[] w = softmax(m, v.level, v.shape, v.missing, v.ok);
            for (int j = 0; j < out.length; j++) {
                out[j] += m.weight() * w[j];
            }
        }
        return out;
    }

    /** Per training workload its configuration key -> log target, as this attention votes from them. */
    List<Map<String, Double>> tables() {
        return tables;
    }

    /** One pair's softmax over the voters: {weighted mean vote, weighted spread, effective voters}. */
    private static double[] attend(Member m, double[] vote, double[] level, double[] shape, int[] missing,
                                   boolean[] ok) {
        int n = vote.length;
        double[] w = softmax(m, level, shape, missing, ok);
        double mean = 0;
        double w2 = 0;
        for (int j = 0; j < n; j++) {
            if (ok[j]) {
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

    /** One pair's softmax weights over the voters (0 where a workload cannot vote). */
    private static double[] softmax(Member m, double[] level, double[] shape, int[] missing, boolean[] ok) {
        int n = level.length;
        double[] score = new double[n];
        double maxScore = Double.NEGATIVE_INFINITY;
        // the pair's terms once, not per voter (the same values: the loop runs interpreted at first)
        boolean byShape = Double.isFinite(m.tauShape());
        boolean byLevel = Double.isFinite(m.tauLevel());
        double shapeScale = 2 * m.tauShape() * m.tauShape();
        double levelScale = 2 * m.tauLevel() * m.tauLevel();
        for (int j = 0; j < n; j++) {
            if (!ok[j]) {
                continue;
            }
            double sc = 0;
            if (byShape) {
                sc -= shape[j] / shapeScale;
            }
            if (byLevel) {
                sc -= level[j] / levelScale;
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
        for (int j = 0; j < n; j++) {
            if (ok[j]) {
                w[j] /= wsum;
            }
        }
        return w;
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
        if (ratioWeight > 0) {
            o.addProperty("ratio_weight", ratioWeight);
        }
        return o;
    }

    private static double encodeTau(double t) {
        return Double.isFinite(t) ? t : -1;
    }

    static boolean validTau(double t) {
        return t == -1 || (t > 0 && Double.isFinite(t));
    }

    static double decodeTau(double t) {
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
        double rw = o.has("ratio_weight") ? o.get("ratio_weight").getAsDouble() : 0;
        return of(t, fallback, members, tables, rw, o.has("factors") ? o.getAsJsonObject("factors") : null);
    }

    /**
     * The reference {@link #fromJson} reads, from its parts ({@code f}: the factors' JSON, or null
     * for none); also what the model's params reader ({@link ParamsReader}) makes from the text.
     */
    static NeighbourReference of(Target t, RatioReference fallback, List<Member> members,
                                 List<Map<String, Double>> tables, double rw, JsonObject f) {
        if (!(rw >= 0 && rw <= 1)) {
            throw new IllegalArgumentException("attention.ratio_weight: want a share in [0, 1], got " + rw);
        }
        if (f == null) {
            return new NeighbourReference(t, fallback, tables, members, null, 0, rw);
        }
        double w = f.get("weight").getAsDouble();
        if (!(w >= 0 && w <= 1)) {
            throw new IllegalArgumentException("attention.factors.weight: want a share in [0, 1], got " + w);
        }
        if (!(w + rw <= 1 + 1e-9)) {
            throw new IllegalArgumentException("attention.factors.weight + attention.ratio_weight: want at most 1, got "
                    + (w + rw));
        }
        WorkloadFactors factors = WorkloadFactors.fromJson(f);
        if (factors.target() != t) {
            throw new IllegalArgumentException("attention.factors.target: " + factors.target().label()
                    + ", the attention's is " + t.label());
        }
        return new NeighbourReference(t, fallback, tables, members, factors, w, rw);
    }
}
