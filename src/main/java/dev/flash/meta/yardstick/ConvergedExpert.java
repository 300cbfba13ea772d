package dev.flash.meta.yardstick;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.RlEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * The reference of the reward gap and of the adaptation cost on one application: the base agent
 * trained from scratch on that application alone with PPO until its evaluated reward stops
 * improving ({@link PlateauRule}), built independently of every contestant's run. Its reward is
 * the mean of the last quarter of its evaluated curve (the plateau level).
 */
public final class ConvergedExpert {
    private ConvergedExpert() {
    }

    /**
     * A trained expert.
     *
     * @param rewardPerStep  plateau level of its evaluated curve
     * @param converged      the plateau rule held before the maximum budget
     * @param steps          training steps it took
     * @param seconds        wall time of its training (0 when read from the cache)
     * @param curve          its evaluated curve, training steps on the x axis
     */
    public record Expert(double rewardPerStep, boolean converged, long steps, double seconds, EvaluatedCurve curve)
            implements java.io.Serializable {
    }

    /** Called after every evaluation of the expert in training. */
    @FunctionalInterface
    public interface Progress {
        void evaluated(long steps, double rewardPerStep);
    }

    /**
     * Trains an expert from fresh weights.
     *
     * @param experience  a fresh environment of the application from a seed (each training chunk
     *                    draws new seeds, so no chunk replays another's noise)
     * @param evaluation  the application's fixed evaluation episodes
     * @param network     the base agent's network (no context)
     * @param ppo         its PPO settings; {@code numEnvs} replicas of the application are stepped
     *                    per rollout, the iterations are set here from the rule
     */
    public static Expert train(LongFunction<RlEnvironment> experience, IntFunction<RlEnvironment> evaluation,
                               int evalEpisodes, int episodeSteps, NetworkConfig network, PpoConfig ppo,
                               PlateauRule rule, NDManager manager, Progress progress) {
        if (network.hasContext()) {
            throw new IllegalArgumentException("the converged expert is the base agent, without context; got C = "
                    + network.contextLength());
        }
        long start = System.nanoTime();
        int chunkIterations = (int) Math.max(1, rule.checkSteps() / ppo.batchSize());
        long chunkSteps = (long) chunkIterations * ppo.batchSize();
        long[] chunk = {0};
        ApplicationSet single = ApplicationSet.of(List.of("expert"), List.of(),
                (split, index, seed) -> experience.apply(seed + 1_000_000_007L * chunk[0]));
        List<Long> steps = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        try (NDManager sub = manager.newSubManager()) {
            FlashAgentNetwork net = FlashAgentNetwork.create(network, sub, ppo.seed());
            PpoTrainer trainer = new PpoTrainer(net, ppo.withIterations(chunkIterations));
            long trained = 0;
            EvaluatedCurve curve;
            while (true) {
                double[] p = EvaluatedCurve.point(PpoTrainer.evaluateGreedy(net, evaluation, evalEpisodes,
                        java.util.Collections.singletonList(null))[0], episodeSteps);
                steps.add(trained);
                points.add(p);
                if (progress != null) {
                    progress.evaluated(trained, p[0]);
                }
                curve = curveOf(steps, points);
                if (rule.plateaued(curve) || trained >= rule.maxSteps()) {
                    break;
                }
                trainer.train(single, null);
                chunk[0]++;
                trained += chunkSteps;
            }
            return new Expert(PlateauRule.plateauReward(curve), rule.plateaued(curve), trained,
                    (System.nanoTime() - start) / 1e9, curve);
        }
    }

    private static EvaluatedCurve curveOf(List<Long> steps, List<double[]> points) {
        return new EvaluatedCurve(steps.stream().mapToLong(Long::longValue).toArray(),
                points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }
}
