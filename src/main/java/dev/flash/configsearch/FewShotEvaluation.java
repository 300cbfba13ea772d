package dev.flash.configsearch;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.Djl;
import dev.flash.meta.Episode;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.ShotDraw;
import dev.flash.meta.ShotSampler;
import dev.flash.meta.SupervisedTrainer;
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
    public static final List<String> METHODS = List.of("flash", "flash-plain", "baseline", "transfer", "reference");

    /**
     * @param target        what is predicted
     * @param shots         the k values evaluated
     * @param seeds         repeats of the random shot draws
     * @param trainer       the networks' training settings (the seed is varied per fold and member)
     * @param transferSteps Adam steps of transfer learning on the k shots
     * @param transferLr    its learning rate
     * @param seed          drives validation split, weights and draws
     */
    public record Settings(Target target, int[] shots, int seeds, SupervisedTrainer.Config trainer,
                           int transferSteps, double transferLr, long seed) {
        public Settings {
            shots = shots.clone();
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

    /** Per method and k: the per-seed means over every test workload of every fold. */
    public record Scores(Map<String, Map<Integer, double[]>> mape, Map<String, Map<Integer, double[]>> regret,
                         Map<Integer, Integer> skipped, Map<Integer, Integer> evaluated, List<String> training) {
    }

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
        Map<String, List<Workload>> groups = new LinkedHashMap<>();
        for (Workload w : workloads) {
            groups.computeIfAbsent(w.group(), g -> new ArrayList<>()).add(w);
        }
        List<Fold> out = new ArrayList<>();
        for (List<Workload> test : groups.values()) {
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
        Djl.init();
        Map<String, Map<Integer, double[]>> mape = new LinkedHashMap<>();
        Map<String, Map<Integer, double[]>> regret = new LinkedHashMap<>();
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
        int foldNo = 0;
        for (Fold fold : folds) {
            try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
                long foldSeed = s.seed() * 1000 + foldNo;
                FoldModels models = FoldModels.train(data, fold.train(), s, foldSeed, manager);
                training.add(models.describe());
                for (int seed = 0; seed < s.seeds(); seed++) {
                    for (int k : s.shots()) {
                        for (Workload w : fold.test()) {
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
                            }
                            counts.get(k)[seed]++;
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
                }
            }
        }
        return new Scores(mape, regret, skipped, evaluated, training);
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
        final Map<FewShotEncoding.Mode, FewShotEncoding> encodings = new LinkedHashMap<>();
        final Map<FewShotEncoding.Mode, FlashAgentNetwork> nets = new LinkedHashMap<>();
        final Map<FewShotEncoding.Mode, SupervisedTrainer.Result> results = new LinkedHashMap<>();

        private FoldModels(Settings settings, RatioReference reference) {
            this.settings = settings;
            this.reference = reference;
        }

        static FoldModels train(ConfigDataset data, List<Workload> train, Settings s, long seed, NDManager manager) {
            FoldModels fm = new FoldModels(s, RatioReference.fit(train, s.target()));
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
            Map<Workload, RatioReference> leaveOneOut = new HashMap<>();
            for (Workload w : train) {
                leaveOneOut.put(w, RatioReference.fitWithout(train, w, s.target()));
            }
            for (FewShotEncoding.Mode mode : FewShotEncoding.Mode.values()) {
                FewShotEncoding enc = FewShotEncoding.fit(mode, s.target(), s.maxShots(), data, train);
                FlashAgentNetwork net = FlashAgentNetwork.create(enc.network(), manager, seed + mode.ordinal());
                SupervisedTrainer.Result r = SupervisedTrainer.train(net, s.trainer().withSeed(seed + mode.ordinal()),
                        fit, validation, (w, d) -> enc.episode(pick(w, d.shots()), pick(w, d.queries()),
                                leaveOneOut.get(w)), step -> { });
                fm.encodings.put(mode, enc);
                fm.nets.put(mode, net);
                fm.results.put(mode, r);
            }
            return fm;
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<FewShotEncoding.Mode, SupervisedTrainer.Result> e : results.entrySet()) {
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey().label()).append(" best step ")
                        .append(e.getValue().bestStep()).append('/').append(e.getValue().stepsRun());
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
                FlashAgentNetwork tuned = nets.get(FewShotEncoding.Mode.BASELINE).copy(sub);
                FewShotEncoding enc = encodings.get(FewShotEncoding.Mode.BASELINE);
                SupervisedTrainer.fineTune(tuned, List.of(enc.episode(shots, shots, null)), settings.transferSteps(),
                        settings.transferLr());
                out.put("transfer", predict(FewShotEncoding.Mode.BASELINE, tuned, shots, queries));
            }
            double[] ref = new double[queries.size()];
            for (int i = 0; i < ref.length; i++) {
                ref[i] = reference.predictLog(shots, queries.get(i).configKey());
            }
            out.put("reference", ref);
            return out;
        }

        private double[] predict(FewShotEncoding.Mode mode, FlashAgentNetwork net, List<Measurement> shots,
                                 List<Measurement> queries) {
            FewShotEncoding enc = encodings.get(mode);
            Episode e = enc.episode(shots, queries, reference);
            return enc.decode(SupervisedTrainer.predict(net, e), shots, queries, reference);
        }
    }
}
