package dev.flash.configsearch;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.Djl;
import dev.flash.meta.Episode;
import dev.flash.meta.EpisodeBuilder;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.ShotDraw;
import dev.flash.meta.ShotSampler;
import dev.flash.meta.SupervisedTrainer;
import dev.flash.meta.yardstick.SupervisedFineTuneSweep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Case I's Table 2 protocol: folds grouped by workload (a workload is never in training and test
 * at once); per fold the reference is fitted and the networks are trained on the training
 * workloads only; then for each seed, each k and each test workload, k configurations are drawn
 * at random as the measured shots (the same draw for every method) and every method predicts the
 * workload's other configurations. Scores: MAPE in original units over the unmeasured
 * configurations, and the regret of the configuration each method would pick (the lowest of
 * measured shots and predictions) against the workload's true best.
 */
public final class FewShotEvaluation {

    /** The methods, in report order. */
    public static final List<String> METHODS = List.of("flash", "flash-attention", "flash-plain", "baseline",
            "transfer", "reference");

    /**
     * @param target        what is predicted
     * @param shots         the k values evaluated
     * @param seeds         repeats of the random shot draws
     * @param trainer       the networks' training settings (the seed is varied per fold and member)
     * @param transferGrid  transfer learning's fine-tuning candidates (rate, steps); per fold the
     *                      one of the lowest error on the fold's early-stopping workloads (training
     *                      workloads the baseline did not fit) is used
     * @param ensemble      networks per method, trained from different seeds; their log predictions are averaged
     * @param maxTestPerFold test workloads evaluated per fold at most (0: all); the folds' order is random
     * @param seed          drives validation split, weights and draws
     */
    public record Settings(Target target, int[] shots, int seeds, SupervisedTrainer.Config trainer,
                           List<SupervisedFineTuneSweep.Setting> transferGrid, int ensemble, int maxTestPerFold,
                           long seed, ReferenceBlend blend) {
        public Settings {
            shots = shots.clone();
            transferGrid = List.copyOf(transferGrid);
        }

        /** With FLASH's reference the {@link ReferenceBlend#DEFAULT}. */
        public Settings(Target target, int[] shots, int seeds, SupervisedTrainer.Config trainer,
                        List<SupervisedFineTuneSweep.Setting> transferGrid, int ensemble, int maxTestPerFold,
                        long seed) {
            this(target, shots, seeds, trainer, transferGrid, ensemble, maxTestPerFold, seed, ReferenceBlend.DEFAULT);
        }

        public int maxShots() {
            int m = 0;
            for (int k : shots) {
                m = Math.max(m, k);
            }
            return m;
        }
    }

    public record Fold(List<Workload> train, List<Workload> test) {
    }

    /**
     * Per method and k: the per-seed means over every test workload of every fold. {@code search}:
     * per searcher ({@link #SEARCHERS}), the per-seed mean number of measurements until the best
     * measured configuration is within 5% of the workload's best. {@code costRegret} and
     * {@code deadlineMiss}: the cost-under-deadline choice ({@link #costUnderDeadline}) from the
     * same random shots, NaN when the data lacks a target. {@code adaptiveRegret}: per searcher but
     * random, and k, the regret of the pick after k measurements the searcher chose itself (the
     * first at random) ({@link FoldModels#adaptiveRegret}). {@code chosenRegret}: per
     * {@link #CHOSEN_SEARCHERS chosen-shot searcher} and k, the regret of the pick after k
     * measurements chosen from the start, the first by the training workloads'
     * {@link ConfigurationPrior}, the pick the lowest measured ({@code portfolio}: the prior's k
     * configurations measured blind).
     * {@code searchChosen}: the search loop from that first measurement instead of a random one.
     * {@code costChosen} and {@code missedChosen}: per {@link #COST_SEARCHERS cost searcher} and k,
     * cost under the median-runtime deadline after k measurements the searcher chose
     * ({@link FoldModels#chosenCostUnderDeadline}); {@code nearChosen}: the share of those picks
     * on time and within 5% of the cheapest on time (the mean regret is dominated by a few
     * workloads); NaN when the data lacks a target.
     */
    public record Scores(Map<String, Map<Integer, double[]>> mape, Map<String, Map<Integer, double[]>> regret,
                         Map<Integer, Integer> skipped, Map<Integer, Integer> evaluated, List<String> training,
                         Map<String, double[]> search, Map<String, Map<Integer, double[]>> costRegret,
                         Map<String, Map<Integer, double[]>> deadlineMiss,
                         Map<String, Map<Integer, double[]>> adaptiveRegret,
                         Map<String, Map<Integer, double[]>> chosenRegret, Map<String, double[]> searchChosen,
                         Map<String, Map<Integer, double[]>> costChosen,
                         Map<String, Map<Integer, double[]>> missedChosen,
                         Map<String, Map<Integer, double[]>> nearChosen) {
    }

    /**
     * The search loop's contestants: greedy on FLASH's predictions, FLASH one standard deviation
     * down (its attention's spread: the configuration most likely to beat what is known), greedy on
     * the reference's predictions, and random search.
     */
    public static final List<String> SEARCHERS = List.of("flash", "flash-optimistic", "reference", "random");

    /** The searchers whose k chosen measurements are scored by the regret of the pick they lead to. */
    public static final List<String> ADAPTIVE_SEARCHERS = List.of("flash", "flash-optimistic", "flash-consensus",
            "baseline", "reference");

    /**
     * Chosen shots: the adaptive searchers with their first measurement chosen too (the
     * configuration the training workloads' {@link ConfigurationPrior} puts closest to the best),
     * and {@code portfolio}, a non-learned reference: the prior's k configurations that together
     * came closest to the training workloads' best, measured without looking at the results; its
     * pick is the lowest measured.
     */
    public static final List<String> CHOSEN_SEARCHERS = List.of("flash", "flash-optimistic", "flash-consensus",
            "baseline", "reference", "portfolio");

    /** The search loop's contestants from the prior's first measurement. */
    public static final List<String> CHOSEN_START_SEARCHERS = List.of("flash", "flash-optimistic",
            "flash-consensus", "reference", "portfolio");

    /**
     * Cost under a runtime deadline from chosen shots ({@link DeadlineRule}): the first measurement
     * the cost prior's ({@code recommend --first} of a cost model), the next ones the searcher's
     * lowest cost among the configurations predicted on time. {@code flash-consensus}: what {@code
     * recommend --objective cost --deadline S} did until log 8 (on time by the ratio reference's
     * runtime, next by the consensus of FLASH's and the reference's cost); {@code -margin}: on time only with the
     * attention's spread added to the predicted log runtime; {@code -rt}: on time by the consensus
     * of FLASH's and the reference's runtime; {@code reference}: the ratio reference alone;
     * {@code portfolio}: {@link DeadlinePortfolio}'s k configurations, measured blind;
     * {@code random}: the k random shots of the MAPE draw. {@code flash-saving} (round 2, log 7):
     * on time by {@code -rt}'s runtime, next where the expected saving on what will be run is
     * largest ({@link DeadlineRule#measureNextBySaving}, sigma FLASH's validation log RMSE): what
     * {@code recommend --objective cost --deadline S} does since log 8, which adopted it. Log 8:
     * {@code flash-saving-p} next where P(on time) x (B - FLASH's predicted cost) is largest ({@link
     * DeadlineRule#measureNextByOnTimeSaving}); {@code flash-saving-confirm} while nothing measured
     * met the deadline measures what {@link DeadlineRule#pick} would run, then as {@code flash-saving}.
     * {@code flash-saving-wide} (log 9) is {@code flash-saving} with sigma the larger of FLASH's
     * validation log RMSE and the ratio reference's error from one measurement on the training
     * workloads ({@link FoldModels#oneShotLogRmse}); {@code flash-saving-wide-each} the same per
     * configuration ({@link FoldModels#oneShotLogRmseByConfig}). {@code flash-saving-sibling} (log
     * 2026-12-08-cssibling) is {@code flash-saving} where an unmeasured configuration has a measured
     * sibling (keys one column apart): its saving is averaged over the training workloads' votes from
     * the siblings ({@link SiblingVotes}, {@link DeadlineRule#measureNextBySavingWithVotes});
     * {@code flash-saving-sibling-attention} weighs each training workload's vote by its weight in
     * FLASH's attention from every measurement ({@link NeighbourReference#voterWeights}): how much it
     * resembles the new workload, not one vote each.
     */
    public static final List<String> COST_SEARCHERS = List.of("flash-consensus", "flash-consensus-margin",
            "flash-consensus-rt", "flash-consensus-rt-margin", "flash-saving", "flash-saving-p", "flash-saving-confirm",
            "flash-saving-wide", "flash-saving-wide-each", "flash-saving-sibling", "flash-saving-sibling-attention",
            "reference", "portfolio", "random");

    /** Within this share of the best, a configuration counts as found. */
    public static final double SEARCH_TOLERANCE = 0.05;

    private FewShotEvaluation() {
    }

    /** {@code k} folds of whole workloads, shuffled by {@code seed}; k is capped at the workload count. */
    public static List<Fold> groupedFolds(List<Workload> workloads, int k, long seed) {
        int n = workloads.size();
        int folds = Math.min(k, n);
        int[] order = ShotSampler.permutation(n, new Random(seed));
        List<Fold> out = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            List<Workload> train = new ArrayList<>();
            List<Workload> test = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (i % folds == f ? test : train).add(workloads.get(order[i]));
            }
            out.add(new Fold(train, test));
        }
        return out;
    }

    /** One fold per data-set group ({@link Workload#group()}): train on the other groups. */
    public static List<Fold> groupFolds(List<Workload> workloads) {
        return foldsBy(workloads, Workload::group);
    }

    /**
     * One fold per algorithm ({@link Workload#algorithm()}: {@code buzz-xgboost}, {@code
     * creditcard-xgboost} and {@code santander-xgboost} held out together), train on the others:
     * new jobs on the data sets seen in training, the closest stand-in for another half of the
     * multi-cloud workloads.
     */
    public static List<Fold> algorithmFolds(List<Workload> workloads) {
        return foldsBy(workloads, Workload::algorithm);
    }

    /**
     * One fold per value of {@code key}, in the order the values first appear; train on the rest.
     * A group with no measurement (every run failed: santander-spectral_clustering) gives no fold.
     */
    static List<Fold> foldsBy(List<Workload> workloads, java.util.function.Function<Workload, String> key) {
        Map<String, List<Workload>> groups = new LinkedHashMap<>();
        for (Workload w : workloads) {
            groups.computeIfAbsent(key.apply(w), g -> new ArrayList<>()).add(w);
        }
        List<Fold> out = new ArrayList<>();
        for (List<Workload> test : groups.values()) {
            if (test.stream().allMatch(w -> w.size() == 0)) {
                continue;
            }
            List<Workload> train = new ArrayList<>(workloads);
            train.removeAll(test);
            out.add(new Fold(train, test));
        }
        return out;
    }

    /**
     * Runs every fold; {@code data} gives the configuration and metric columns (and the scaling
     * of configurations). {@code progress} receives (folds done, folds).
     */
    public static Scores run(ConfigDataset data, List<Fold> folds, Settings s, BiConsumer<Integer, Integer> progress) {
        return run(data, folds, s, progress, null);
    }

    /**
     * {@link #run(ConfigDataset, List, Settings, BiConsumer)}, and when {@code costTrace} is not
     * null it receives each test workload's {@link CostTrace} per cost searcher (but {@code random})
     * and k, from the first seed only (chosen shots do not depend on the seed).
     */
    public static Scores run(ConfigDataset data, List<Fold> folds, Settings s, BiConsumer<Integer, Integer> progress,
                             java.util.function.Consumer<CostTrace> costTrace) {
        Djl.init();
        Map<String, Map<Integer, double[]>> mape = new LinkedHashMap<>();
        Map<String, Map<Integer, double[]>> regret = new LinkedHashMap<>();
        Map<String, Map<Integer, double[]>> costRegret = perMethod(METHODS, s);
        Map<String, Map<Integer, double[]>> deadlineMiss = perMethod(METHODS, s);
        Map<String, Map<Integer, double[]>> adaptiveRegret = perMethod(ADAPTIVE_SEARCHERS, s);
        Map<String, Map<Integer, double[]>> chosenRegret = perMethod(CHOSEN_SEARCHERS, s);
        Map<String, Map<Integer, double[]>> costChosen = perMethod(COST_SEARCHERS, s);
        Map<String, Map<Integer, double[]>> missedChosen = perMethod(COST_SEARCHERS, s);
        Map<String, Map<Integer, double[]>> nearChosen = perMethod(COST_SEARCHERS, s);
        Map<String, double[]> searchChosen = new LinkedHashMap<>();
        for (String m : CHOSEN_START_SEARCHERS) {
            searchChosen.put(m, new double[s.seeds()]);
        }
        boolean bothTargets = true;
        Map<Integer, Integer> skipped = new LinkedHashMap<>();
        Map<Integer, Integer> evaluated = new LinkedHashMap<>();
        Map<Integer, int[]> counts = new HashMap<>();
        for (String m : METHODS) {
            mape.put(m, new LinkedHashMap<>());
            regret.put(m, new LinkedHashMap<>());
            for (int k : s.shots()) {
                mape.get(m).put(k, new double[s.seeds()]);
                regret.get(m).put(k, new double[s.seeds()]);
            }
        }
        for (int k : s.shots()) {
            skipped.put(k, 0);
            evaluated.put(k, 0);
            counts.put(k, new int[s.seeds()]);
        }
        List<String> training = new ArrayList<>();
        Map<String, double[]> search = new LinkedHashMap<>();
        for (String m : SEARCHERS) {
            search.put(m, new double[s.seeds()]);
        }
        int searched = 0;
        Map<Integer, int[]> adaptiveCounts = new HashMap<>();
        for (int k : s.shots()) {
            adaptiveCounts.put(k, new int[s.seeds()]);
        }
        int foldNo = 0;
        for (Fold fold : folds) {
            try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
                long foldSeed = s.seed() * 1000 + foldNo;
                FoldModels models = FoldModels.train(data, fold.train(), s, foldSeed, manager);
                PriceTable prices = PriceTable.fit(fold.train());
                bothTargets &= !prices.isEmpty();
                training.add(models.describe());
                List<Workload> tests = s.maxTestPerFold() > 0 && fold.test().size() > s.maxTestPerFold()
                        ? fold.test().subList(0, s.maxTestPerFold()) : fold.test();
                for (int seed = 0; seed < s.seeds(); seed++) {
                    for (int k : s.shots()) {
                        for (Workload w : tests) {
                            if (w.size() < k + 1) {
                                if (seed == 0) {
                                    skipped.merge(k, 1, Integer::sum);
                                }
                                continue;
                            }
                            if (seed == 0) {
                                evaluated.merge(k, 1, Integer::sum);
                            }
                            Random r = new Random(seed * 7919L + k * 104729L + w.name().hashCode());
                            ShotDraw draw = ShotSampler.draw(w.size(), k, 0, r);
                            Map<String, double[]> predictions = models.predictAll(w, draw, manager);
                            for (String m : METHODS) {
                                double[] pred = predictions.get(m);
                                mape.get(m).get(k)[seed] += mape(w, draw, pred, s.target());
                                regret.get(m).get(k)[seed] += regret(w, draw, pred, s.target());
                                if (s.target() == Target.RUNTIME && !prices.isEmpty()) {
                                    double[] cd = costUnderDeadline(w, draw, pred, prices);
                                    costRegret.get(m).get(k)[seed] += cd[0];
                                    deadlineMiss.get(m).get(k)[seed] += cd[1];
                                }
                            }
                            if (models.costReady()) {
                                double[] cd = models.pickUnderDeadline(w, draw.shots(), null);
                                costChosen.get("random").get(k)[seed] += cd[0];
                                missedChosen.get("random").get(k)[seed] += cd[1];
                                nearChosen.get("random").get(k)[seed] += near(cd);
                            }
                            counts.get(k)[seed]++;
                        }
                    }
                    for (Workload w : tests) {
                        if (w.size() < 2) {
                            continue;
                        }
                        Random r = new Random(seed * 31L + w.name().hashCode());
                        int first = r.nextInt(w.size());
                        for (String searcher : SEARCHERS) {
                            if (!searcher.equals("random")) {
                                search.get(searcher)[seed] += models.search(w, first, searcher, s.target());
                            }
                        }
                        search.get("random")[seed] += expectedRandomSearch(w, s.target());
                        for (int k : s.shots()) {
                            if (w.size() < k + 1) {
                                continue;
                            }
                            for (String searcher : ADAPTIVE_SEARCHERS) {
                                adaptiveRegret.get(searcher).get(k)[seed] += models.adaptiveRegret(w, first, k,
                                        searcher, s.target());
                            }
                            for (String searcher : CHOSEN_SEARCHERS) {
                                chosenRegret.get(searcher).get(k)[seed] += models.chosenRegret(w, k, searcher,
                                        s.target());
                            }
                            for (String searcher : COST_SEARCHERS) {
                                if (models.costReady() && !searcher.equals("random")) {
                                    double[] cd;
                                    if (costTrace != null && seed == 0) {
                                        CostTrace trace = models.traceCostUnderDeadline(foldNo, w, k, searcher);
                                        costTrace.accept(trace);
                                        cd = new double[] {trace.regret(), trace.missed()};
                                    } else {
                                        cd = models.chosenCostUnderDeadline(w, k, searcher);
                                    }
                                    costChosen.get(searcher).get(k)[seed] += cd[0];
                                    missedChosen.get(searcher).get(k)[seed] += cd[1];
                                    nearChosen.get(searcher).get(k)[seed] += near(cd);
                                }
                            }
                            adaptiveCounts.get(k)[seed]++;
                        }
                        for (String searcher : CHOSEN_START_SEARCHERS) {
                            searchChosen.get(searcher)[seed] += searcher.equals("portfolio")
                                    ? models.portfolioSearch(w, s.target())
                                    : models.search(w, models.prior.first(w), searcher, s.target());
                        }
                        if (seed == 0) {
                            searched++;
                        }
                    }
                }
            }
            foldNo++;
            progress.accept(foldNo, folds.size());
        }
        for (String m : METHODS) {
            for (int k : s.shots()) {
                for (int seed = 0; seed < s.seeds(); seed++) {
                    int n = Math.max(1, counts.get(k)[seed]);
                    mape.get(m).get(k)[seed] /= n;
                    regret.get(m).get(k)[seed] /= n;
                    boolean cost = bothTargets && s.target() == Target.RUNTIME;
                    costRegret.get(m).get(k)[seed] = cost ? costRegret.get(m).get(k)[seed] / n : Double.NaN;
                    deadlineMiss.get(m).get(k)[seed] = cost ? deadlineMiss.get(m).get(k)[seed] / n : Double.NaN;
                }
            }
        }
        boolean costs = bothTargets && s.target() == Target.RUNTIME;
        for (Map<String, Map<Integer, double[]>> byK : List.of(costChosen, missedChosen, nearChosen)) {
            for (Map<Integer, double[]> perK : byK.values()) {
                for (int k : s.shots()) {
                    if (!costs) {
                        java.util.Arrays.fill(perK.get(k), Double.NaN);
                    }
                }
            }
        }
        for (Map<String, Map<Integer, double[]>> byK : List.of(adaptiveRegret, chosenRegret, costChosen,
                missedChosen, nearChosen)) {
            for (Map<Integer, double[]> perK : byK.values()) {
                for (int k : s.shots()) {
                    for (int seed = 0; seed < s.seeds(); seed++) {
                        perK.get(k)[seed] /= Math.max(1, adaptiveCounts.get(k)[seed]);
                    }
                }
            }
        }
        for (double[] v : searchChosen.values()) {
            for (int seed = 0; seed < v.length; seed++) {
                v[seed] /= Math.max(1, searched);
            }
        }
        for (double[] v : search.values()) {
            for (int seed = 0; seed < v.length; seed++) {
                v[seed] /= Math.max(1, searched);
            }
        }
        return new Scores(mape, regret, skipped, evaluated, training, search, costRegret, deadlineMiss,
                adaptiveRegret, chosenRegret, searchChosen, costChosen, missedChosen, nearChosen);
    }

    /** 1 when a {regret, missed} pick is on time and within {@link #SEARCH_TOLERANCE} of the cheapest on time. */
    static double near(double[] regretMissed) {
        return regretMissed[1] == 0 && regretMissed[0] <= SEARCH_TOLERANCE ? 1 : 0;
    }

    private static Map<String, Map<Integer, double[]>> perMethod(List<String> methods, Settings s) {
        Map<String, Map<Integer, double[]>> out = new LinkedHashMap<>();
        for (String m : methods) {
            out.put(m, new LinkedHashMap<>());
            for (int k : s.shots()) {
                out.get(m).put(k, new double[s.seeds()]);
            }
        }
        return out;
    }

    /**
     * The cost-under-deadline choice from a method's runtime predictions: the deadline is the
     * median of the workload's true runtimes over its configurations (half of them meet it); the
     * pick is the cheapest of the measured shots (true runtime and cost) and the predicted
     * queries (predicted runtime, and cost = predicted runtime times the configuration's
     * {@link PriceTable price}) whose runtime meets the deadline, or the fastest if none does; a
     * query without a price is not a candidate. Returns {regret, missed}: the pick's true cost
     * over the cheapest true cost among the configurations whose true runtime meets the
     * deadline, minus 1, floored at 0 (a pick that misses the deadline gains nothing by being
     * cheap), and 1 if the pick's true runtime misses the deadline.
     */
    static double[] costUnderDeadline(Workload w, ShotDraw draw, double[] logRuntime, PriceTable prices) {
        double deadline = deadline(w);
        double cheapest = Double.POSITIVE_INFINITY;
        for (Measurement m : w.measurements()) {
            if (m.runtime() <= deadline) {
                cheapest = Math.min(cheapest, m.cost());
            }
        }
        int n = draw.shots().length + draw.queries().length;
        int[] idx = new int[n];
        double[] runtime = new double[n];
        double[] cost = new double[n];
        for (int i = 0; i < draw.shots().length; i++) {
            Measurement m = w.get(draw.shots()[i]);
            idx[i] = draw.shots()[i];
            runtime[i] = m.runtime();
            cost[i] = m.cost();
        }
        for (int i = 0; i < draw.queries().length; i++) {
            int at = draw.shots().length + i;
            idx[at] = draw.queries()[i];
            runtime[at] = Math.exp(logRuntime[i]);
            cost[at] = Math.exp(logRuntime[i] + prices.logPrice(w.get(idx[at]).configKey()));
        }
        int pick = -1;
        int fastest = -1;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(cost[i])) {
                continue;
            }
            if (fastest < 0 || runtime[i] < runtime[fastest]) {
                fastest = i;
            }
            if (runtime[i] <= deadline && (pick < 0 || cost[i] < cost[pick])) {
                pick = i;
            }
        }
        Measurement chosen = w.get(idx[pick >= 0 ? pick : fastest]);
        return new double[] {Math.max(0, chosen.cost() / cheapest - 1), chosen.runtime() > deadline ? 1 : 0};
    }

    /** The deadline of the cost-under-deadline choice: the median of the workload's true runtimes. */
    static double deadline(Workload w) {
        double[] r = new double[w.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = w.get(i).runtime();
        }
        java.util.Arrays.sort(r);
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    /** Mean |prediction - truth| / truth over the queries (original units). */
    static double mape(Workload w, ShotDraw draw, double[] logPred, Target t) {
        double sum = 0;
        for (int i = 0; i < draw.queries().length; i++) {
            double y = w.get(draw.queries()[i]).target(t);
            sum += Math.abs(Math.exp(logPred[i]) - y) / y;
        }
        return sum / draw.queries().length;
    }

    /**
     * The configuration picked (lowest of measured shots and predicted queries), as its true
     * target over the workload's best true target, minus 1.
     */
    static double regret(Workload w, ShotDraw draw, double[] logPred, Target t) {
        double best = Double.POSITIVE_INFINITY;
        for (Measurement m : w.measurements()) {
            best = Math.min(best, m.target(t));
        }
        double pickedValue = Double.POSITIVE_INFINITY;
        double pickedTruth = Double.NaN;
        for (int s : draw.shots()) {
            double y = w.get(s).target(t);
            if (y < pickedValue) {
                pickedValue = y;
                pickedTruth = y;
            }
        }
        for (int i = 0; i < draw.queries().length; i++) {
            double p = Math.exp(logPred[i]);
            if (p < pickedValue) {
                pickedValue = p;
                pickedTruth = w.get(draw.queries()[i]).target(t);
            }
        }
        return pickedTruth / best - 1;
    }

    /**
     * Random search's expected measurements until one within 5% of the best: the expected position
     * of the first of g good configurations in a random order of n, (n + 1) / (g + 1).
     */
    static double expectedRandomSearch(Workload w, Target t) {
        double best = Double.POSITIVE_INFINITY;
        for (Measurement m : w.measurements()) {
            best = Math.min(best, m.target(t));
        }
        int good = 0;
        for (Measurement m : w.measurements()) {
            good += m.target(t) <= best * (1 + SEARCH_TOLERANCE) ? 1 : 0;
        }
        return (w.size() + 1.0) / (good + 1.0);
    }

    static List<Measurement> pick(Workload w, int[] idx) {
        List<Measurement> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(w.get(i));
        }
        return out;
    }

    /** The models of one fold: the reference and the three networks, trained on the fold's training workloads. */
    static final class FoldModels {
        final Settings settings;
        final RatioReference reference;
        /** Where the training workloads were near their best: the chosen shots' first measurement. */
        final ConfigurationPrior prior;
        /**
         * Cost under a deadline from chosen shots (runtime target, data with costs; else null): the
         * configurations' prices, the ratio reference and the prior on cost (what a cost model's
         * {@code flash.params} carries), and the non-learned portfolio.
         */
        PriceTable prices;
        /** FLASH's log-space validation RMSE, as a trained model's {@code log_rmse} (NaN: no validation workloads). */
        double logRmse = Double.NaN;
        /**
         * The runtime ratio reference's log RMS error over the training workloads' configurations,
         * each workload predicted from the cost prior's first configuration alone by the reference
         * fitted without it (the error of a prediction from one measurement of a new workload); per
         * configuration key in {@link #oneShotLogRmseByConfig} (keys seen in no other workload absent).
         * Fitted on first use ({@link #fitOneShotError}): only the traced and the {@code -wide}
         * searchers read it, and it refits the reference once per training workload.
         */
        private double oneShotLogRmse = Double.NaN;
        private Map<String, Double> oneShotLogRmseByConfig;
        /** The training workloads {@link #fitOneShotError} reads (null: no cost models). */
        private List<Workload> costTrain;
        RatioReference costReference;
        /** The training workloads' runtime votes from a measured sibling ({@code flash-saving-sibling}). */
        SiblingVotes siblingVotes;
        /** The same over the attention's tables, in the order of its voter weights ({@code -attention}). */
        SiblingVotes attentionVotes;
        ConfigurationPrior costPrior;
        DeadlinePortfolio deadlinePortfolio;
        /** FLASH's attention over the fold's training workloads (temperature pairs weighted on them). */
        NeighbourReference attention;
        /** Transfer learning's fine-tuning, chosen by the sweep. */
        SupervisedFineTuneSweep.Setting transfer;
        final Map<FewShotEncoding.Mode, FewShotEncoding> encodings = new LinkedHashMap<>();
        final Map<FewShotEncoding.Mode, List<FlashAgentNetwork>> nets = new LinkedHashMap<>();
        final Map<FewShotEncoding.Mode, List<SupervisedTrainer.Result>> results = new LinkedHashMap<>();

        private FoldModels(Settings settings, RatioReference reference, ConfigurationPrior prior) {
            this.settings = settings;
            this.reference = reference;
            this.prior = prior;
        }

        static FoldModels train(ConfigDataset data, List<Workload> train, Settings s, long seed, NDManager manager) {
            FoldModels fm = new FoldModels(s, RatioReference.fit(train, s.target()),
                    ConfigurationPrior.fit(train, s.target()));
            // Two training workloads watch for over-fitting; the rest train.
            List<Workload> fit = new ArrayList<>(train);
            List<Workload> validation = new ArrayList<>();
            if (train.size() >= 6) {
                int[] order = ShotSampler.permutation(train.size(), new Random(seed));
                for (int i = 0; i < 2; i++) {
                    validation.add(train.get(order[i]));
                }
                fit.removeAll(validation);
            }
            // FLASH's reference: attention over the training workloads, temperatures weighted by
            // leave-one-workload-out on them; while training, each workload's reference is fitted
            // without it, as it will be for a new one.
            fm.attention = s.blend().fit(train, s.target(), s.shots(),
                    NeighbourReference.selectionDraws(train.size()), seed);
            Map<Workload, NeighbourReference> leaveOneOut = new HashMap<>();
            for (Workload w : train) {
                List<Workload> rest = new ArrayList<>(train);
                rest.remove(w);
                leaveOneOut.put(w, fm.attention.refit(rest));
            }
            for (FewShotEncoding.Mode mode : FewShotEncoding.Mode.values()) {
                FewShotEncoding enc = FewShotEncoding.fit(mode, s.target(), s.maxShots(), data, train);
                fm.encodings.put(mode, enc);
                EpisodeBuilder<Workload> builder = (w, d) -> enc.episode(pick(w, d.shots()), pick(w, d.queries()),
                        leaveOneOut.get(w));
                for (int member = 0; member < s.ensemble(); member++) {
                    long netSeed = seed + 10L * member + mode.ordinal();
                    FlashAgentNetwork net = FlashAgentNetwork.create(enc.network(), manager, netSeed);
                    SupervisedTrainer.Result r = SupervisedTrainer.train(net, s.trainer().withSeed(netSeed),
                            fit, validation, builder, step -> { });
                    fm.nets.computeIfAbsent(mode, m -> new ArrayList<>()).add(net);
                    fm.results.computeIfAbsent(mode, m -> new ArrayList<>()).add(r);
                }
                if (mode == FewShotEncoding.Mode.FLASH && !validation.isEmpty()) {
                    // How much of the residual to trust: fitted on the early-stopping workloads.
                    double scale = residualScale(fm.nets.get(mode), validation, s.trainer().withSeed(seed + 977),
                            builder);
                    fm.encodings.put(mode, enc.withResidualScale(scale));
                    fm.logRmse = validationLogRmse(fm.nets.get(mode), validation, s.trainer().withSeed(seed + 977),
                            builder, scale, enc);
                }
            }
            fm.transfer = sweepTransfer(fm, validation.isEmpty() ? fit : validation, s, seed);
            PriceTable prices = PriceTable.fit(train);
            if (s.target() == Target.RUNTIME && !prices.isEmpty()) {
                fm.prices = prices;
                fm.costReference = RatioReference.fit(train, Target.COST);
                fm.siblingVotes = SiblingVotes.fit(train, Target.RUNTIME);
                fm.attentionVotes = SiblingVotes.of(fm.attention);
                fm.costPrior = ConfigurationPrior.fit(train, Target.COST);
                fm.deadlinePortfolio = DeadlinePortfolio.fit(train);
                fm.costTrain = train;
            }
            return fm;
        }

        /** {@link #oneShotLogRmse} and {@link #oneShotLogRmseByConfig} from the training workloads, once. */
        private void fitOneShotError() {
            if (oneShotLogRmseByConfig != null) {
                return;
            }
            List<Workload> train = costTrain;
            Map<String, double[]> byConfig = new LinkedHashMap<>();
            double sum = 0;
            int n = 0;
            for (Workload w : train) {
                if (w.size() < 2) {
                    continue;
                }
                RatioReference without = RatioReference.fitWithout(train, w, Target.RUNTIME);
                Measurement first = w.get(costPrior.first(w));
                for (Measurement m : w.measurements()) {
                    if (m == first) {
                        continue;
                    }
                    double e = without.predictLog(List.of(first), m.configKey()) - Math.log(m.runtime());
                    sum += e * e;
                    n++;
                    double[] acc = byConfig.computeIfAbsent(m.configKey(), k -> new double[2]);
                    acc[0] += e * e;
                    acc[1]++;
                }
            }
            oneShotLogRmse = n == 0 ? Double.NaN : Math.sqrt(sum / n);
            Map<String, Double> out = new HashMap<>();
            byConfig.forEach((k, acc) -> out.put(k, Math.sqrt(acc[0] / acc[1])));
            oneShotLogRmseByConfig = out;
        }

        /**
         * The log-space RMSE of the members' mean output, scaled, on {@code tasks}: what {@code flash
         * train config-search} records as the model's {@code log_rmse} (ConfigSearchTraining).
         */
        static double validationLogRmse(List<FlashAgentNetwork> members, List<Workload> tasks,
                                        SupervisedTrainer.Config cfg, EpisodeBuilder<Workload> builder, double scale,
                                        FewShotEncoding enc) {
            List<Episode> episodes = SupervisedTrainer.validationEpisodes(tasks, cfg, builder);
            double sum = 0;
            long rows = 0;
            for (Episode e : episodes) {
                float[] mean = membersMean(members, e);
                for (int q = 0; q < e.rows(); q++) {
                    double d = e.target()[q] - scale * mean[q];
                    sum += d * d;
                }
                rows += e.rows();
            }
            return rows == 0 ? Double.NaN : Math.sqrt(sum / rows) * enc.logTargetStd();
        }

        /** The members' mean output on one episode (an ensemble's prediction, before any scale). */
        private static float[] membersMean(List<FlashAgentNetwork> members, Episode e) {
            float[] mean = new float[e.rows()];
            for (FlashAgentNetwork net : members) {
                float[] p = SupervisedTrainer.predict(net, e);
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += p[i] / members.size();
                }
            }
            return mean;
        }

        /** {@link SupervisedTrainer#outputShrinkage} of the members' mean output on {@code tasks}. */
        static double residualScale(List<FlashAgentNetwork> members, List<Workload> tasks, SupervisedTrainer.Config cfg,
                                    EpisodeBuilder<Workload> builder) {
            List<Episode> episodes = SupervisedTrainer.validationEpisodes(tasks, cfg, builder);
            List<float[]> outputs = new ArrayList<>();
            for (Episode e : episodes) {
                float[] mean = membersMean(members, e);
                outputs.add(mean);
            }
            return SupervisedTrainer.outputShrinkage(episodes, outputs);
        }

        /**
         * Transfer learning's fine-tuning by {@link SupervisedFineTuneSweep} on {@code tasks}
         * (training workloads; the early-stopping ones, which the baseline did not fit, when there
         * are any), with the first baseline network.
         */
        private static SupervisedFineTuneSweep.Setting sweepTransfer(FoldModels fm, List<Workload> tasks, Settings s,
                                                                     long seed) {
            if (s.transferGrid().size() == 1) {
                return s.transferGrid().get(0);
            }
            FewShotEncoding enc = fm.encodings.get(FewShotEncoding.Mode.BASELINE);
            FlashAgentNetwork base = fm.nets.get(FewShotEncoding.Mode.BASELINE).get(0);
            return SupervisedFineTuneSweep.choose(base, tasks, s.shots(), 2, s.transferGrid(),
                    (w, d) -> List.of(enc.episode(pick(w, d.shots()), pick(w, d.shots()), null)),
                    (net, w, d) -> {
                        List<Measurement> shots = pick(w, d.shots());
                        List<Measurement> queries = pick(w, d.queries());
                        double[] p = enc.decode(SupervisedTrainer.predict(net, enc.episode(shots, queries, null)),
                                shots, queries, null);
                        return mape(w, d, p, s.target());
                    }, seed ^ 0x7f4aL).chosen();
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            b.append("attention ").append(attention.describe()).append(String.format(java.util.Locale.ROOT,
                    ", residual scale %.2f", encodings.get(FewShotEncoding.Mode.FLASH).residualScale()))
                    .append(", transfer ").append(transfer.label()).append(", ");
            for (Map.Entry<FewShotEncoding.Mode, List<SupervisedTrainer.Result>> e : results.entrySet()) {
                b.append(e.getKey() == FewShotEncoding.Mode.FLASH ? "" : ", ").append(e.getKey().label())
                        .append(" best step");
                for (SupervisedTrainer.Result r : e.getValue()) {
                    b.append(' ').append(r.bestStep()).append('/').append(r.stepsRun());
                }
            }
            return b.toString();
        }

        /** Log predictions of the draw's queries by every method. */
        Map<String, double[]> predictAll(Workload w, ShotDraw draw, NDManager manager) {
            List<Measurement> shots = pick(w, draw.shots());
            List<Measurement> queries = pick(w, draw.queries());
            Map<String, double[]> out = new LinkedHashMap<>();
            out.put("flash", predict(FewShotEncoding.Mode.FLASH, nets.get(FewShotEncoding.Mode.FLASH), shots, queries));
            out.put("flash-plain", predict(FewShotEncoding.Mode.FLASH_PLAIN,
                    nets.get(FewShotEncoding.Mode.FLASH_PLAIN), shots, queries));
            out.put("baseline", predict(FewShotEncoding.Mode.BASELINE, nets.get(FewShotEncoding.Mode.BASELINE),
                    shots, queries));
            try (NDManager sub = manager.newSubManager()) {
                List<FlashAgentNetwork> tuned = new ArrayList<>();
                FewShotEncoding enc = encodings.get(FewShotEncoding.Mode.BASELINE);
                for (FlashAgentNetwork member : nets.get(FewShotEncoding.Mode.BASELINE)) {
                    FlashAgentNetwork t = member.copy(sub);
                    SupervisedTrainer.fineTune(t, List.of(enc.episode(shots, shots, null)), transfer.steps(),
                            transfer.learningRate());
                    tuned.add(t);
                }
                out.put("transfer", predict(FewShotEncoding.Mode.BASELINE, tuned, shots, queries));
            }
            double[] ref = new double[queries.size()];
            double[] att = new double[queries.size()];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = reference.predictLog(shots, queries.get(i).configKey());
                att[i] = attention.predictLog(shots, queries.get(i).configKey());
            }
            out.put("reference", ref);
            out.put("flash-attention", att);
            return out;
        }

        /**
         * The search loop on {@code w} from the measured configuration {@code first}: measure the
         * unmeasured configuration with the lowest prediction until the best measured is within 5%
         * of the best; returns the measurements taken. {@code flash}: FLASH's prediction, its
         * attention over every measured configuration plus the network's residual from the lowest
         * measured ones (as many as its context holds); {@code flash-optimistic}: the same one
         * standard deviation of the attention's votes down; {@code reference}: the ratio reference
         * from every measured configuration.
         */
        int search(Workload w, int first, String searcher, Target t) {
            double best = Double.POSITIVE_INFINITY;
            for (Measurement m : w.measurements()) {
                best = Math.min(best, m.target(t));
            }
            List<Integer> measured = new ArrayList<>(List.of(first));
            double bestMeasured = w.get(first).target(t);
            while (bestMeasured > best * (1 + SEARCH_TOLERANCE) && measured.size() < w.size()) {
                int chosen = next(w, measured, searcher, t);
                measured.add(chosen);
                bestMeasured = Math.min(bestMeasured, w.get(chosen).target(t));
            }
            return measured.size();
        }

        /**
         * Adaptive shots: from the measured configuration {@code first}, the searcher chooses what
         * to measure next ({@link #search}'s rule) until {@code k} are measured; then the pick is
         * the lowest of the measured values and the searcher's predictions from them. Returns its
         * true target over the workload's best, minus 1 (as {@link #regret} for random shots).
         */
        double adaptiveRegret(Workload w, int first, int k, String searcher, Target t) {
            return adaptiveRegret(w, first, k, searcher, t, true);
        }

        /**
         * {@link #adaptiveRegret}; with {@code trustPredictions} false the pick is the lowest
         * measured only: a searcher that chose its measurements has already measured what it
         * predicted lowest, and an unmeasured configuration it predicts lower still is the one it
         * would measure next, not one to recommend blind.
         */
        double adaptiveRegret(Workload w, int first, int k, String searcher, Target t, boolean trustPredictions) {
            double best = Double.POSITIVE_INFINITY;
            for (Measurement m : w.measurements()) {
                best = Math.min(best, m.target(t));
            }
            List<Integer> measured = new ArrayList<>(List.of(first));
            while (measured.size() < k) {
                measured.add(next(w, measured, searcher, t));
            }
            if (!trustPredictions) { // the product's rule (RecommendationRule): the lowest measured
                double[] values = new double[measured.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = w.get(measured.get(i)).target(t);
                }
                return values[RecommendationRule.recommend(values)] / best - 1;
            }
            List<Integer> open = open(w, measured);
            double[] pred = predictOpen(w, measured, open, searcher, t);
            double pickedValue = Double.POSITIVE_INFINITY;
            double pickedTruth = Double.NaN;
            for (int i : measured) {
                if (w.get(i).target(t) < pickedValue) {
                    pickedValue = w.get(i).target(t);
                    pickedTruth = pickedValue;
                }
            }
            for (int i = 0; i < pred.length; i++) {
                if (Math.exp(pred[i]) < pickedValue) {
                    pickedValue = Math.exp(pred[i]);
                    pickedTruth = w.get(open.get(i)).target(t);
                }
            }
            return pickedTruth / best - 1;
        }

        /**
         * Chosen shots: {@link #adaptiveRegret} from the prior's first configuration instead of a
         * random one, the pick the lowest measured (chosen on the training part: log
         * 2026-12-07-config-search-3); {@code portfolio}: the prior's k configurations, the pick
         * the lowest measured.
         */
        double chosenRegret(Workload w, int k, String searcher, Target t) {
            if (!searcher.equals("portfolio")) {
                return adaptiveRegret(w, prior.first(w), k, searcher, t, false);
            }
            double best = Double.POSITIVE_INFINITY;
            for (Measurement m : w.measurements()) {
                best = Math.min(best, m.target(t));
            }
            double picked = Double.POSITIVE_INFINITY;
            for (int i : prior.portfolio(w, k)) {
                picked = Math.min(picked, w.get(i).target(t));
            }
            return picked / best - 1;
        }

        /** Whether {@link #chosenCostUnderDeadline} can be scored (runtime target, data with costs). */
        boolean costReady() {
            return prices != null;
        }

        /**
         * Cost under the median-runtime deadline after {@code k} measurements chosen by {@code
         * searcher} ({@link #COST_SEARCHERS}): from the cost prior's first configuration, each next
         * one by {@link DeadlineRule#measureNext} (measuring stops early when nothing unmeasured is
         * predicted on time); the run-it pick by {@link DeadlineRule#pick}. Returns {regret,
         * missed} as {@link FewShotEvaluation#costUnderDeadline} scores a pick.
         */
        double[] chosenCostUnderDeadline(Workload w, int k, String searcher) {
            if (searcher.equals("portfolio")) {
                return pickUnderDeadline(w, deadlinePortfolio.choose(w, k).stream().mapToInt(Integer::intValue)
                        .toArray(), null);
            }
            return pickUnderDeadline(w, chooseUnderDeadline(w, k, searcher, null).stream().mapToInt(Integer::intValue)
                    .toArray(), searcher);
        }

        /**
         * {@link #chosenCostUnderDeadline} with the per-workload detail ({@link CostTrace}): which
         * configurations were measured, what each was predicted to take when it was chosen, what is
         * run and on what basis, and the cheapest configuration truly on time as the searcher saw it
         * after the last measurement. Its {@code regret()} and {@code missed()} are what {@link
         * #chosenCostUnderDeadline} returns.
         */
        CostTrace traceCostUnderDeadline(int fold, Workload w, int k, String searcher) {
            List<Double> predictedWhenChosen = new ArrayList<>();
            List<Integer> measured;
            String predictor = searcher;
            if (searcher.equals("portfolio")) {
                measured = deadlinePortfolio.choose(w, k);
                predictor = null;
                measured.forEach(i -> predictedWhenChosen.add(Double.NaN));
            } else {
                measured = chooseUnderDeadline(w, k, searcher, predictedWhenChosen);
            }
            double deadline = deadline(w);
            int[] idx = measured.stream().mapToInt(Integer::intValue).toArray();
            List<Integer> open = priced(w, open(w, measured));
            DeadlineRule.Predicted p = predictor == null ? null : predictUnderDeadline(w, measured, open, predictor);
            int at = DeadlineRule.pick(pick(w, idx), p, deadline);
            int cheapest = cheapestOnTime(w, deadline);
            double c = w.get(cheapest).cost();
            List<CostTrace.Shot> shots = new ArrayList<>();
            for (int n = 0; n < idx.length; n++) {
                Measurement m = w.get(idx[n]);
                shots.add(new CostTrace.Shot(m.configKey(), m.runtime() / deadline, m.cost() / c,
                        Math.exp(predictedWhenChosen.get(n)) / deadline));
            }
            String basis;
            int chosen;
            double chosenPredicted = Double.NaN;
            if (at < 0) {
                basis = "predicted_on_time";
                chosen = open.get(-1 - at);
                chosenPredicted = Math.exp(p.runtimeLog()[-1 - at]) / deadline;
            } else {
                basis = w.get(idx[at]).runtime() <= deadline ? "measured_on_time" : "fastest_measured";
                chosen = idx[at];
            }
            int t = open.indexOf(cheapest);
            double targetRuntime = p == null || t < 0 ? Double.NaN : Math.exp(p.runtimeLog()[t]) / deadline;
            double targetCost = p == null || t < 0 ? Double.NaN : Math.exp(p.costLog()[t]) / c;
            int cheaperOnTime = 0;
            if (p != null && t >= 0) {
                for (int j = 0; j < open.size(); j++) {
                    if (j != t && DeadlineRule.onTime(p.runtimeLog()[j], p.marginLog()[j], deadline)
                            && p.costLog()[j] < p.costLog()[t]) {
                        cheaperOnTime++;
                    }
                }
            }
            Measurement run = w.get(chosen);
            fitOneShotError();
            return new CostTrace(fold, w.name(), searcher, k, deadline, w.get(cheapest).configKey(), shots, basis,
                    run.configKey(), run.runtime() / deadline, run.cost() / c, chosenPredicted,
                    measured.contains(cheapest), targetRuntime, targetCost, cheaperOnTime, logRmse, oneShotLogRmse);
        }

        /**
         * The configurations a cost {@code searcher} measures, in order: the cost prior's first, then
         * each next by the searcher's rule, at most {@code k} (fewer when nothing unmeasured is
         * predicted on time). {@code predictedWhenChosen}, when not null, receives each one's
         * predicted log runtime at the moment it was chosen (NaN for the prior's first).
         */
        private List<Integer> chooseUnderDeadline(Workload w, int k, String searcher, List<Double> predictedWhenChosen) {
            double deadline = deadline(w);
            List<Integer> measured = new ArrayList<>(List.of(costPrior.first(w)));
            if (predictedWhenChosen != null) {
                predictedWhenChosen.add(Double.NaN);
            }
            while (measured.size() < k) {
                List<Integer> open = priced(w, open(w, measured));
                DeadlineRule.Predicted p = predictUnderDeadline(w, measured, open, searcher);
                double sigma = Double.isNaN(logRmse) ? 0 : logRmse;
                double best = bestOnTime(w, measured, deadline);
                int at;
                if (searcher.equals("flash-saving-p")) {
                    at = DeadlineRule.measureNextByOnTimeSaving(p.runtimeLog(), logPrices(w, open), p.costLog(), sigma,
                            deadline, best);
                } else if (searcher.equals("flash-saving-wide")) {
                    fitOneShotError();
                    at = DeadlineRule.measureNextBySaving(p.runtimeLog(), logPrices(w, open), wide(sigma,
                            oneShotLogRmse), deadline, best);
                } else if (searcher.equals("flash-saving-wide-each")) {
                    fitOneShotError();
                    double[] each = new double[open.size()];
                    for (int i = 0; i < each.length; i++) {
                        each[i] = wide(sigma, oneShotLogRmseByConfig.getOrDefault(w.get(open.get(i)).configKey(),
                                oneShotLogRmse));
                    }
                    at = DeadlineRule.measureNextBySaving(p.runtimeLog(), logPrices(w, open), each, deadline, best);
                } else if (searcher.startsWith("flash-saving-sibling")) {
                    // the attention's weights only where it votes from the same tables as the votes
                    boolean weighted = searcher.equals("flash-saving-sibling-attention");
                    List<Measurement> done = pick(w, measured.stream().mapToInt(Integer::intValue).toArray());
                    double[][] votes = new double[open.size()][];
                    double[][] weights = weighted ? new double[open.size()][] : null;
                    for (int i = 0; i < votes.length; i++) {
                        String key = w.get(open.get(i)).configKey();
                        votes[i] = (weighted ? attentionVotes : siblingVotes).votes(done, Target.RUNTIME, key);
                        if (weighted && votes[i] != null) {
                            weights[i] = attention.voterWeights(done, key);
                        }
                    }
                    at = DeadlineRule.measureNextBySavingWithVotes(p.runtimeLog(), logPrices(w, open), sigma, votes,
                            weights, deadline, best);
                } else if (searcher.startsWith("flash-saving")) {
                    at = searcher.equals("flash-saving-confirm") && Double.isInfinite(best)
                            ? DeadlineRule.measureNext(p.runtimeLog(), p.marginLog(), deadline, p.costLog()) : -1;
                    if (at < 0) {
                        at = DeadlineRule.measureNextBySaving(p.runtimeLog(), logPrices(w, open), sigma, deadline, best);
                    }
                } else {
                    at = DeadlineRule.measureNext(p.runtimeLog(), p.marginLog(), deadline, nextScore(w, measured,
                            open, searcher, p));
                }
                if (at < 0) {
                    break;
                }
                measured.add(open.get(at));
                if (predictedWhenChosen != null) {
                    predictedWhenChosen.add(p.runtimeLog()[at]);
                }
            }
            return measured;
        }

        /**
         * {regret, missed} of {@link DeadlineRule#pick} after measuring {@code measured}; {@code
         * searcher} null: no predictions (the portfolio, random shots).
         */
        double[] pickUnderDeadline(Workload w, int[] measured, String searcher) {
            double deadline = deadline(w);
            List<Integer> measuredList = new ArrayList<>();
            for (int i : measured) {
                measuredList.add(i);
            }
            List<Integer> open = priced(w, open(w, measuredList));
            DeadlineRule.Predicted p = searcher == null ? null : predictUnderDeadline(w, measuredList, open, searcher);
            int at = DeadlineRule.pick(pick(w, measured), p, deadline);
            Measurement chosen = w.get(at >= 0 ? measured[at] : open.get(-1 - at));
            int target = cheapestOnTime(w, deadline);
            double cheapest = target < 0 ? Double.POSITIVE_INFINITY : w.get(target).cost();
            return new double[] {Math.max(0, chosen.cost() / cheapest - 1), chosen.runtime() > deadline ? 1 : 0};
        }

        /** The cheapest configuration whose measured runtime meets {@code deadline}, the first of equals (-1: none). */
        private static int cheapestOnTime(Workload w, double deadline) {
            int cheapest = -1;
            for (int i = 0; i < w.size(); i++) {
                if (w.get(i).runtime() <= deadline && (cheapest < 0 || w.get(i).cost() < w.get(cheapest).cost())) {
                    cheapest = i;
                }
            }
            return cheapest;
        }

        /** The larger of FLASH's sigma and a one-shot error (NaN: FLASH's). */
        private static double wide(double sigma, double oneShot) {
            return Double.isNaN(oneShot) ? sigma : Math.max(sigma, oneShot);
        }

        private double[] logPrices(Workload w, List<Integer> open) {
            double[] out = new double[open.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = prices.logPrice(w.get(open.get(i)).configKey());
            }
            return out;
        }

        /** The cost of the cheapest measured configuration that met the deadline; +inf when none did. */
        private static double bestOnTime(Workload w, List<Integer> measured, double deadline) {
            double best = Double.POSITIVE_INFINITY;
            for (int i : measured) {
                if (w.get(i).runtime() <= deadline) {
                    best = Math.min(best, w.get(i).cost());
                }
            }
            return best;
        }

        /** The configurations a cost model would rank: those with a price (a training workload measured them). */
        private List<Integer> priced(Workload w, List<Integer> open) {
            List<Integer> out = new ArrayList<>();
            for (int i : open) {
                if (!Double.isNaN(prices.logPrice(w.get(i).configKey()))) {
                    out.add(i);
                }
            }
            return out;
        }

        /**
         * A cost searcher's predictions of the {@code open} configurations from the {@code
         * measured} ones: log runtime for the deadline (the ratio reference's, or with {@code -rt}
         * the consensus of FLASH's and the reference's), its margin ({@code -margin}: the
         * attention's spread of votes; else 0), and the searcher's own log cost (FLASH's runtime
         * times the price for the flash searchers, as a cost model's prediction; the cost ratio
         * reference's for {@code reference}).
         */
        private DeadlineRule.Predicted predictUnderDeadline(Workload w, List<Integer> measured, List<Integer> open,
                                                            String searcher) {
            List<Measurement> all = pick(w, measured.stream().mapToInt(Integer::intValue).toArray());
            double[] refRuntime = new double[open.size()];
            double[] margin = new double[open.size()];
            double[] cost = new double[open.size()];
            for (int i = 0; i < open.size(); i++) {
                String key = w.get(open.get(i)).configKey();
                refRuntime[i] = reference.predictLog(all, key);
                if (searcher.endsWith("-margin")) {
                    double spread = attention.predict(all, key)[1];
                    margin[i] = Double.isNaN(spread) ? 0 : spread;
                }
            }
            if (searcher.equals("reference")) {
                for (int i = 0; i < open.size(); i++) {
                    cost[i] = costReference.predictLog(all, w.get(open.get(i)).configKey());
                }
                return new DeadlineRule.Predicted(refRuntime, margin, cost);
            }
            double[] flashRuntime = predictOpen(w, measured, open, "flash", Target.RUNTIME);
            for (int i = 0; i < open.size(); i++) {
                cost[i] = flashRuntime[i] + prices.logPrice(w.get(open.get(i)).configKey());
            }
            double[] runtime = searcher.startsWith("flash-consensus-rt") || searcher.startsWith("flash-saving")
                    ? RecommendationRule.consensus(flashRuntime, refRuntime) : refRuntime;
            return new DeadlineRule.Predicted(runtime, margin, cost);
        }

        /** What the next measurement minimises: the flash searchers the consensus of FLASH's and the reference's log cost. */
        private double[] nextScore(Workload w, List<Integer> measured, List<Integer> open, String searcher,
                                   DeadlineRule.Predicted p) {
            if (searcher.equals("reference")) {
                return p.costLog();
            }
            List<Measurement> all = pick(w, measured.stream().mapToInt(Integer::intValue).toArray());
            double[] refCost = new double[open.size()];
            for (int i = 0; i < open.size(); i++) {
                refCost[i] = costReference.predictLog(all, w.get(open.get(i)).configKey());
            }
            return RecommendationRule.consensus(p.costLog(), refCost);
        }

        /**
         * The search loop for the non-learned portfolio: its configurations in the greedy order
         * (then the rest in the workload's order) until one is within 5% of the best.
         */
        int portfolioSearch(Workload w, Target t) {
            double best = Double.POSITIVE_INFINITY;
            for (Measurement m : w.measurements()) {
                best = Math.min(best, m.target(t));
            }
            List<Integer> order = new ArrayList<>(prior.portfolio(w, w.size()));
            for (int i = 0; i < w.size(); i++) {
                if (!order.contains(i)) {
                    order.add(i);
                }
            }
            for (int n = 0; n < order.size(); n++) {
                if (w.get(order.get(n)).target(t) <= best * (1 + SEARCH_TOLERANCE)) {
                    return n + 1;
                }
            }
            return order.size();
        }

        /** The unmeasured configuration of the lowest prediction (the searcher's). */
        private int next(Workload w, List<Integer> measured, String searcher, Target t) {
            List<Integer> open = open(w, measured);
            double[] pred = predictOpen(w, measured, open, searcher, t);
            if (searcher.equals("flash-optimistic")) {
                List<Measurement> all = pick(w, measured.stream().mapToInt(Integer::intValue).toArray());
                for (int i = 0; i < pred.length; i++) {
                    double spread = attention.predict(all, w.get(open.get(i)).configKey())[1];
                    pred[i] -= Double.isNaN(spread) ? 0 : spread;
                }
            }
            return open.get(RecommendationRule.measureNext(pred));
        }

        private static List<Integer> open(Workload w, List<Integer> measured) {
            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < w.size(); i++) {
                if (!measured.contains(i)) {
                    open.add(i);
                }
            }
            return open;
        }

        /**
         * Log predictions of the {@code open} configurations from the {@code measured} ones:
         * FLASH's (both flash searchers), the baseline's (the mean of its per-measurement
         * predictions), the reference's, or ({@code flash-consensus}) the mean of FLASH's and the
         * reference's ({@link RecommendationRule#consensus}).
         */
        private double[] predictOpen(Workload w, List<Integer> measured, List<Integer> open, String searcher,
                                     Target t) {
            List<Measurement> queries = pick(w, open.stream().mapToInt(Integer::intValue).toArray());
            List<Integer> byValue = new ArrayList<>(measured);
            byValue.sort(java.util.Comparator.comparingDouble(i -> w.get(i).target(t)));
            List<Measurement> all = pick(w, byValue.stream().mapToInt(Integer::intValue).toArray());
            double[] pred = new double[queries.size()];
            if (searcher.equals("flash-consensus")) {
                return RecommendationRule.consensus(predictOpen(w, measured, open, "flash", t),
                        predictOpen(w, measured, open, "reference", t));
            }
            if (searcher.startsWith("flash")) {
                int context = encodings.get(FewShotEncoding.Mode.FLASH).contextLength();
                LogPredictor overAll = (shots, q) -> attention.predictLog(all, q);
                return predict(FewShotEncoding.Mode.FLASH, nets.get(FewShotEncoding.Mode.FLASH),
                        all.subList(0, Math.min(context, all.size())), queries, overAll);
            }
            if (searcher.equals("baseline")) {
                return predict(FewShotEncoding.Mode.BASELINE, nets.get(FewShotEncoding.Mode.BASELINE), all, queries);
            }
            for (int i = 0; i < pred.length; i++) {
                pred[i] = reference.predictLog(all, queries.get(i).configKey());
            }
            return pred;
        }

        /** The members' mean log prediction. */
        private double[] predict(FewShotEncoding.Mode mode, List<FlashAgentNetwork> members, List<Measurement> shots,
                                 List<Measurement> queries) {
            return predict(mode, members, shots, queries, attention);
        }

        /** The same with FLASH's residual over {@code prior}. */
        private double[] predict(FewShotEncoding.Mode mode, List<FlashAgentNetwork> members, List<Measurement> shots,
                                 List<Measurement> queries, LogPredictor prior) {
            FewShotEncoding enc = encodings.get(mode);
            Episode e = enc.episode(shots, queries, prior);
            double[] mean = new double[queries.size()];
            for (FlashAgentNetwork net : members) {
                double[] p = enc.decode(SupervisedTrainer.predict(net, e), shots, queries, prior);
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += p[i] / members.size();
                }
            }
            return mean;
        }
    }
}
