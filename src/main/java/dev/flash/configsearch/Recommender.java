package dev.flash.configsearch;

import ai.onnxruntime.OrtException;
import dev.flash.meta.Episode;
import dev.flash.policy.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranks every configuration a config-search model knows for a new workload from its measured
 * samples, with ONNX Runtime only (no training stack): measured configurations keep their
 * measured value, the others get the model's prediction and an uncertainty; and names the
 * configuration worth measuring next.
 *
 * <p>Uncertainty (log space, one standard deviation): the model's validation error combined
 * with the disagreement between the samples about the configuration (the spread of the
 * reference's per-sample predictions; 0 with one sample). The recommendation and the next
 * configuration to measure follow {@link RecommendationRule}, the rule the evaluation's
 * chosen-shot regret measures: recommend the lowest measured configuration; with a deadline, what
 * the evaluation's cost under a deadline runs ({@link DeadlineRule#pick}, one method): the lowest
 * measured that met it, else the lowest predicted to meet it (unmeasured, and the answer says so),
 * else the fastest measured; for cost under a deadline, measure next where the expected saving on
 * what will be run is largest and count a configuration on time by the mean of FLASH's and the
 * ratio reference's log runtime (the evaluation's {@code flash-saving}, log 8); otherwise measure
 * next the unmeasured one, meeting the deadline, with
 * the lowest consensus of the model's and the ratio reference's predictions
 * ({@link RecommendationRule#consensus}). The predicted best (the model's lowest) is reported
 * beside, flagged when it is expected to beat the measured best by more than its uncertainty. With no samples, the first configuration
 * to measure comes from the training workloads' {@link ConfigurationPrior} ({@link #first}).
 */
public final class Recommender {
    private Recommender() {
    }

    /**
     * @param key          configuration
     * @param measured     from the samples (value is the measurement)
     * @param value        the objective (measured or predicted)
     * @param logStd       uncertainty of a prediction in log space (0 when measured)
     * @param runtime      predicted runtime (for the deadline; NaN when unknown)
     * @param meetsDeadline runtime within the deadline (true without one)
     */
    public record Candidate(String key, boolean measured, double value, double logStd, double runtime,
                            boolean meetsDeadline) {
    }

    /**
     * Why the recommended configuration is the one: the text says it in brackets, {@code --json}
     * in {@code recommended_basis} (beside {@code recommended_measured}).
     */
    public enum Basis {
        /** The lowest measured (with a deadline: the lowest measured that met it). */
        BEST_MEASURED("the best measured"),
        /** Nothing measured met the deadline: the lowest predicted to meet it, not measured. */
        PREDICTED_ON_TIME("not measured: nothing measured met the deadline, and it is the best predicted to meet it"),
        /** Nothing measured met the deadline and nothing is predicted to: the fastest measured, late. */
        FASTEST_MEASURED("the fastest measured: nothing measured met the deadline and nothing is predicted to");

        /** The answer's words for it. */
        public final String text;

        Basis(String text) {
            this.text = text;
        }
    }

    /**
     * @param ranked          every configuration, those meeting the deadline first, then by value
     * @param bestMeasured    {@link RecommendationRule#recommend} over the measured ones (those that met the deadline, if any did)
     * @param predictedBest   the lowest predicted configuration (meeting the deadline); null when none
     * @param predictedBeats  whether it is expected to beat {@code bestMeasured} by more than its uncertainty
     * @param next            {@link RecommendationRule#measureNext} over the consensus of the unmeasured ones (for
     *                        cost under a deadline {@link DeadlineRule#measureNextBySaving}); null when none
     * @param recommended     what is recommended: {@code bestMeasured} without a deadline, {@link DeadlineRule#pick} with one
     * @param basis           why
     */
    public record Recommendation(Target objective, List<Candidate> ranked, Candidate bestMeasured,
                                 Candidate predictedBest, boolean predictedBeats, Candidate next, int samplesUsed,
                                 int samplesGiven, Candidate recommended, Basis basis) {
        /** An answer whose recommendation is the best measured configuration. */
        public Recommendation(Target objective, List<Candidate> ranked, Candidate bestMeasured, Candidate predictedBest,
                              boolean predictedBeats, Candidate next, int samplesUsed, int samplesGiven) {
            this(objective, ranked, bestMeasured, predictedBest, predictedBeats, next, samplesUsed, samplesGiven,
                    bestMeasured, Basis.BEST_MEASURED);
        }

        /** What is recommended. */
        public Candidate best() {
            return recommended;
        }
    }

    /**
     * The first configuration to measure for a workload with no samples: the one the training
     * workloads put closest to their best ({@link ConfigurationPrior#first}, from the model's
     * {@code flash.params}), and its mean log target over their best.
     */
    public record First(Target objective, String key, double meanRelativeLog) {
    }

    public static First first(ModelParams params, Target objective, double deadline) {
        check(params, objective, deadline);
        ConfigurationPrior prior = params.prior();
        String key = prior.first(params.keys());
        return new First(objective, key, prior.meanRelativeLog(key));
    }

    /**
     * Whether the model can answer for {@code objective} and {@code deadline} (NaN: none) at all,
     * whatever the samples; an IllegalArgumentException says why not.
     */
    public static void check(ModelParams params, Target objective, double deadline) {
        FewShotEncoding enc = params.encoding();
        if (objective != enc.target()) {
            throw new IllegalArgumentException("the model was trained for " + enc.target().label() + ", not "
                    + objective.label() + " (train one with --target " + objective.label() + ")");
        }
        if (!Double.isNaN(deadline) && !params.references().containsKey(Target.RUNTIME)) {
            throw new IllegalArgumentException("--deadline needs runtimes, and the model's data had none");
        }
    }

    public static Recommendation recommend(OnnxModel model, ModelParams params, List<Measurement> samples,
                                           Target objective, double deadline) throws OrtException {
        check(params, objective, deadline);
        FewShotEncoding enc = params.encoding();
        for (Measurement s : samples) {
            if (!(s.target(objective) > 0)) {
                throw new IllegalArgumentException("sample at line " + s.line() + " has no " + objective.column);
            }
            if (!Double.isNaN(deadline) && !(s.runtime() > 0)) {
                throw new IllegalArgumentException("--deadline needs the samples' runtimes: sample at line " + s.line()
                        + " has no " + Target.RUNTIME.column);
            }
        }
        // as the evaluation's FLASH searcher predicts: the attention from every sample, the network's
        // context the lowest ones it holds
        List<Measurement> byValue = new ArrayList<>(samples);
        byValue.sort(new ByTarget(objective));
        List<Measurement> shots = byValue.subList(0, Math.min(byValue.size(), enc.contextLength()));
        Set<String> measuredKeys = new HashSet<>();
        List<Candidate> ranked = new ArrayList<>();
        RatioReference runtimeRef = params.references().get(Target.RUNTIME);
        for (Measurement s : samples) {
            if (measuredKeys.add(s.configKey())) {
                double rt = Double.isNaN(s.runtime()) ? Double.NaN : s.runtime();
                ranked.add(new Candidate(s.configKey(), true, s.target(objective), 0, rt,
                        Double.isNaN(deadline) || rt <= deadline));
            }
        }
        List<Measurement> queries = new ArrayList<>();
        for (Map.Entry<String, float[]> c : params.configurations().entrySet()) {
            if (!measuredKeys.contains(c.getKey())) {
                queries.add(new Measurement(c.getKey(), c.getValue(), new float[0], Double.NaN, Double.NaN, 0, 0));
            }
        }
        RatioReference ref = params.references().get(objective);
        LogPredictor overAll = new OverAll(params.flashReference(), samples, queries);
        double[] logPred = predict(model, enc, shots, queries, overAll);
        boolean runtimes = runtimeRef != null;
        for (Measurement s : samples) {
            runtimes &= !Double.isNaN(s.runtime());
        }
        // cost under a deadline (log 8): on time by the consensus of FLASH's and the ratio
        // reference's log runtime, FLASH's runtime from the cost model's prediction less the log
        // price (the cost reference's log prediction less the runtime reference's: exact where a
        // configuration's price is fixed, as on the data sets the rule was measured on)
        boolean bySaving = !Double.isNaN(deadline) && objective == Target.COST && runtimes;
        Map<String, Double> logPriceOf = new HashMap<>();
        // the ratio reference's log prediction of each query: the consensus's second member below,
        // and the runtime itself when the objective is runtime (one prediction, not two)
        Map<String, Double> referenceLog = new HashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            String key = queries.get(i).configKey();
            double refLog = ref.predictLog(samples, key);
            referenceLog.put(key, refLog);
            double rtLog = !runtimes ? Double.NaN : ref == runtimeRef ? refLog : runtimeRef.predictLog(samples, key);
            if (bySaving) {
                double logPrice = refLog - rtLog;
                logPriceOf.put(key, logPrice);
                rtLog = RecommendationRule.consensus(new double[] {logPred[i] - logPrice}, new double[] {rtLog})[0];
            }
            double rt = Math.exp(rtLog);
            double std = Math.sqrt(square(Double.isNaN(params.logRmse()) ? 0 : params.logRmse())
                    + disagreement(ref, samples, key));
            // on time by the test DeadlineRule.pick makes below
            ranked.add(new Candidate(key, false, Math.exp(logPred[i]), std, rt,
                    Double.isNaN(deadline) || DeadlineRule.onTime(Math.log(rt), 0, deadline)));
        }
        ranked.sort(IN_TIME_THEN_VALUE);
        List<Candidate> measured = new ArrayList<>();
        List<Candidate> measuredInTime = new ArrayList<>();
        List<Candidate> open = new ArrayList<>();
        for (Candidate c : ranked) {
            if (c.measured()) {
                measured.add(c);
                if (c.meetsDeadline()) {
                    measuredInTime.add(c);
                }
            } else if (c.meetsDeadline()) {
                open.add(c);
            }
        }
        List<Candidate> among = measuredInTime.isEmpty() ? measured : measuredInTime;
        Candidate bestMeasured = among.get(RecommendationRule.recommend(values(among)));
        int predictedAt = RecommendationRule.measureNext(values(open));
        Candidate predictedBest = predictedAt < 0 ? null : open.get(predictedAt);
        boolean beats = predictedBest != null && RecommendationRule.beatsBeyondUncertainty(predictedBest.value(),
                predictedBest.logStd(), bestMeasured.value()) && bestMeasured.meetsDeadline();
        // measure next: the consensus of FLASH's and the ratio reference's predictions, the searcher
        // the chosen-shot regret measures as flash-consensus
        double[] learned = new double[open.size()];
        double[] reference = new double[open.size()];
        for (int i = 0; i < learned.length; i++) {
            learned[i] = Math.log(open.get(i).value());
            reference[i] = referenceLog.get(open.get(i).key());
        }
        int nextAt = RecommendationRule.measureNext(RecommendationRule.consensus(learned, reference));
        Candidate next = nextAt < 0 ? null : open.get(nextAt);
        if (bySaving) {
            next = nextBySaving(ranked, logPriceOf, Double.isNaN(params.logRmse()) ? 0 : params.logRmse(), deadline);
        }
        Candidate recommended = bestMeasured;
        Basis basis = Basis.BEST_MEASURED;
        if (!Double.isNaN(deadline)) {
            recommended = pickUnderDeadline(ranked, deadline);
            basis = !recommended.measured() ? Basis.PREDICTED_ON_TIME
                    : recommended.meetsDeadline() ? Basis.BEST_MEASURED : Basis.FASTEST_MEASURED;
        }
        return new Recommendation(objective, ranked, bestMeasured, predictedBest, beats, next, shots.size(),
                samples.size(), recommended, basis);
    }

    /**
     * Cost under a deadline, measure next (log 8's {@code flash-saving}): where the expected saving
     * on what will be run is largest ({@link DeadlineRule#measureNextBySaving}), over every
     * unmeasured candidate (its runtime the consensus above), sigma the model's validation log
     * RMSE, against the cheapest measured cost that met the deadline; null when none is worth it.
     */
    private static Candidate nextBySaving(List<Candidate> ranked, Map<String, Double> logPriceOf, double sigma,
                                          double deadline) {
        List<Candidate> unmeasured = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (Candidate c : ranked) {
            if (!c.measured()) {
                unmeasured.add(c);
            } else if (c.meetsDeadline()) {
                best = Math.min(best, c.value());
            }
        }
        double[] runtimeLog = new double[unmeasured.size()];
        double[] logPrice = new double[unmeasured.size()];
        for (int j = 0; j < runtimeLog.length; j++) {
            runtimeLog[j] = Math.log(unmeasured.get(j).runtime());
            logPrice[j] = logPriceOf.get(unmeasured.get(j).key());
        }
        int at = DeadlineRule.measureNextBySaving(runtimeLog, logPrice, sigma, deadline, best);
        return at < 0 ? null : unmeasured.get(at);
    }

    /**
     * What to run under the deadline: {@link DeadlineRule#pick}, the method the evaluation's cost
     * under a deadline scores, over the measured candidates (runtime, objective value) and the
     * unmeasured ones (predicted log runtime, no margin, the model's log prediction), in ranked order.
     */
    private static Candidate pickUnderDeadline(List<Candidate> ranked, double deadline) {
        List<Candidate> measured = new ArrayList<>();
        List<Candidate> unmeasured = new ArrayList<>();
        for (Candidate c : ranked) {
            (c.measured() ? measured : unmeasured).add(c);
        }
        double[] runtime = new double[measured.size()];
        double[] value = new double[measured.size()];
        for (int i = 0; i < runtime.length; i++) {
            runtime[i] = measured.get(i).runtime();
            value[i] = measured.get(i).value();
        }
        double[] runtimeLog = new double[unmeasured.size()];
        double[] valueLog = new double[unmeasured.size()];
        for (int j = 0; j < runtimeLog.length; j++) {
            runtimeLog[j] = Math.log(unmeasured.get(j).runtime());
            valueLog[j] = Math.log(unmeasured.get(j).value());
        }
        int at = DeadlineRule.pick(runtime, value,
                new DeadlineRule.Predicted(runtimeLog, new double[runtimeLog.length], valueLog), deadline);
        return at >= 0 ? measured.get(at) : unmeasured.get(-1 - at);
    }

    private static double[] values(List<Candidate> cs) {
        double[] v = new double[cs.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = cs.get(i).value();
        }
        return v;
    }

    // The answer's path is written without lambdas and streams: a one-shot answer runs it once,
    // interpreted, and every lambda or stream call site costs its linkage (method handles, run
    // interpreted too) and C1 compiles more of the stream machinery (docs/log/2026-12-07-recommend-latency-2.md).

    /** Candidates meeting the deadline first, then by value ({@link Double#compare}); a stable sort keeps ties in order. */
    private static final Comparator<Candidate> IN_TIME_THEN_VALUE = new Comparator<>() {
        @Override
        public int compare(Candidate a, Candidate b) {
            if (a.meetsDeadline() != b.meetsDeadline()) {
                return a.meetsDeadline() ? -1 : 1;
            }
            return Double.compare(a.value(), b.value());
        }
    };

    /** Samples by their objective value ({@link Double#compare}). */
    private static final class ByTarget implements Comparator<Measurement> {
        private final Target objective;

        ByTarget(Target objective) {
            this.objective = objective;
        }

        @Override
        public int compare(Measurement a, Measurement b) {
            return Double.compare(a.target(objective), b.target(objective));
        }
    }

    /**
     * The FLASH reference's prediction from every sample (the network's context holds only the
     * lowest), made once per query up front: the episode and the decoding both ask for each
     * query's, and the attention predicts all queries from one look-up of the samples
     * ({@link NeighbourReference#predictLogAll}, the same bits).
     */
    private static final class OverAll implements LogPredictor {
        private final LogPredictor reference;
        private final List<Measurement> samples;
        private final Map<String, Double> known = new HashMap<>();

        OverAll(LogPredictor reference, List<Measurement> samples, List<Measurement> queries) {
            this.reference = reference;
            this.samples = samples;
            List<String> keys = new ArrayList<>(queries.size());
            for (Measurement q : queries) {
                keys.add(q.configKey());
            }
            double[] p;
            if (reference instanceof NeighbourReference attention) {
                p = attention.predictLogAll(samples, keys);
            } else {
                p = new double[keys.size()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = reference.predictLog(samples, keys.get(i));
                }
            }
            for (int i = 0; i < p.length; i++) {
                known.put(keys.get(i), p[i]);
            }
        }

        @Override
        public double predictLog(List<Measurement> ignored, String query) {
            Double p = known.get(query);
            return p != null ? p : reference.predictLog(samples, query);
        }
    }

    /** The model's log predictions for {@code queries}: one batched inference. */
    static double[] predict(OnnxModel model, FewShotEncoding enc, List<Measurement> shots, List<Measurement> queries,
                            LogPredictor ref) throws OrtException {
        if (queries.isEmpty()) {
            return new double[0];
        }
        Episode e = enc.episode(shots, queries, ref);
        OnnxModel.Batch b = model.batch(queries.size());
        System.arraycopy(e.state(), 0, b.state, 0, e.state().length);
        int cw = e.context().length;
        for (int i = 0; i < queries.size(); i++) {
            System.arraycopy(e.context(), 0, b.context, i * cw, cw);
            System.arraycopy(e.mask(), 0, b.mask, i * e.mask().length, e.mask().length);
        }
        model.run(b);
        return enc.decode(b.primary, shots, queries, ref);
    }

    /** Variance over the samples of the reference's per-sample log prediction of {@code key}. */
    private static double disagreement(RatioReference ref, List<Measurement> samples, String key) {
        if (samples.size() < 2) {
            return 0;
        }
        double[] v = new double[samples.size()];
        double mean = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = ref.predictLog(List.of(samples.get(i)), key);
            mean += v[i] / v.length;
        }
        double var = 0;
        for (double x : v) {
            var += square(x - mean) / (v.length - 1);
        }
        return var;
    }

    private static double square(double x) {
        return x * x;
    }
}
