package dev.flash.configsearch;

import ai.onnxruntime.OrtException;
import dev.flash.meta.Episode;
import dev.flash.policy.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Comparator;
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
 * chosen-shot regret measures: recommend the lowest measured configuration (among those that
 * meet the deadline, if any does); measure next the unmeasured one with the lowest prediction
 * that meets the deadline. The predicted best is reported beside, flagged when it is expected to
 * beat the measured best by more than its uncertainty. With no samples, the first configuration
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
     * @param ranked          every configuration, those meeting the deadline first, then by value
     * @param bestMeasured    the recommendation: {@link RecommendationRule#recommend} over the measured ones
     * @param predictedBest   the lowest predicted configuration (meeting the deadline); null when none
     * @param predictedBeats  whether it is expected to beat {@code bestMeasured} by more than its uncertainty
     * @param next            {@link RecommendationRule#measureNext} over the unmeasured ones; null when none
     */
    public record Recommendation(Target objective, List<Candidate> ranked, Candidate bestMeasured,
                                 Candidate predictedBest, boolean predictedBeats, Candidate next, int samplesUsed,
                                 int samplesGiven) {
        /** What is recommended: the best measured configuration. */
        public Candidate best() {
            return bestMeasured;
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
        }
        // as the evaluation's FLASH searcher predicts: the attention from every sample, the network's
        // context the lowest ones it holds
        List<Measurement> byValue = new ArrayList<>(samples);
        byValue.sort(Comparator.comparingDouble(m -> m.target(objective)));
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
        LogPredictor overAll = (ignored, q) -> params.flashReference().predictLog(samples, q);
        double[] logPred = predict(model, enc, shots, queries, overAll);
        for (int i = 0; i < queries.size(); i++) {
            String key = queries.get(i).configKey();
            double rt = runtimeRef == null || samples.stream().anyMatch(s -> Double.isNaN(s.runtime())) ? Double.NaN
                    : Math.exp(runtimeRef.predictLog(samples, key));
            double std = Math.sqrt(square(Double.isNaN(params.logRmse()) ? 0 : params.logRmse())
                    + disagreement(ref, samples, key));
            ranked.add(new Candidate(key, false, Math.exp(logPred[i]), std, rt, Double.isNaN(deadline) || rt <= deadline));
        }
        ranked.sort(Comparator.comparing((Candidate c) -> !c.meetsDeadline()).thenComparingDouble(Candidate::value));
        List<Candidate> measured = ranked.stream().filter(Candidate::measured).toList();
        List<Candidate> measuredInTime = measured.stream().filter(Candidate::meetsDeadline).toList();
        List<Candidate> among = measuredInTime.isEmpty() ? measured : measuredInTime;
        Candidate bestMeasured = among.get(RecommendationRule.recommend(values(among)));
        List<Candidate> open = ranked.stream().filter(c -> !c.measured() && c.meetsDeadline()).toList();
        int nextAt = RecommendationRule.measureNext(values(open));
        Candidate next = nextAt < 0 ? null : open.get(nextAt);
        boolean beats = next != null && RecommendationRule.beatsBeyondUncertainty(next.value(), next.logStd(),
                bestMeasured.value()) && bestMeasured.meetsDeadline();
        return new Recommendation(objective, ranked, bestMeasured, next, beats, next, shots.size(), samples.size());
    }

    private static double[] values(List<Candidate> cs) {
        return cs.stream().mapToDouble(Candidate::value).toArray();
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
