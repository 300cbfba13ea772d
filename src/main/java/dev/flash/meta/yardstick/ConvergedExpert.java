package dev.flash.meta.yardstick;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
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
 * improving ({@link PlateauRule}) at a level that clearly beats the case's do-nothing policy
 * ({@link DoNothing}), built independently of every contestant's run. Its reward is the mean of
 * the last quarter of its evaluated curve (the plateau level).
 *
 * <p>PPO from scratch can settle on doing nothing: on DVFS the reward is 0 at fmax, a policy
 * that always asks for the maximum sees no advantage anywhere and its exploration dies. When an
 * attempt is {@link PlateauRule#stuck stuck} there (or ends at the maximum budget without
 * beating it), training starts again from fresh weights with the next of {@link #REMEDIES}:
 * another seed, more entropy while the first half of the minimum runs, an initial policy biased
 * to the middle of the action set, then a doubled minimum. None of them reads anything of
 * FLASH's or transfer learning's runs. When every remedy fails the expert is {@code failed}: the
 * yardstick counts its application apart and measures no gap or cost against it.
 */
public final class ConvergedExpert {
    private ConvergedExpert() {
    }

    /**
     * Part of every expert's cache key ({@link Yardstick#cachedExperts}): names the rule that
     * decides what an expert is. Bump it when that rule changes, so no expert of an older rule is read.
     */
    public static final String RULE_VERSION = "expert-rule/2 (beats do-nothing; retries with remedies)";

    /**
     * One way to train an attempt.
     *
     * @param name            what it changes, for reports
     * @param seedOffset      added to the configured seed (weights, action sampling)
     * @param startEntropy    entropy coefficient over the first half of the minimum (0: as configured)
     * @param biasMiddle      start with the middle action at {@link #MIDDLE_PROBABILITY} instead of near uniform
     * @param minimumMultiple the plateau rule's minimum and maximum multiplied by this
     */
    public record Remedy(String name, long seedOffset, double startEntropy, boolean biasMiddle, int minimumMultiple)
            implements java.io.Serializable {
    }

    /** Initial probability of the middle action under {@link Remedy#biasMiddle}. */
    public static final double MIDDLE_PROBABILITY = 0.5;

    /** The attempts, in order: the configured training, then the remedies. */
    public static final List<Remedy> REMEDIES = List.of(
            new Remedy("as configured", 0, 0, false, 1),
            new Remedy("another seed, entropy 0.05 over the first half of the minimum, initial policy biased to the "
                    + "middle action", 1, 0.05, true, 1),
            new Remedy("a third seed, the same with the minimum and maximum doubled", 2, 0.05, true, 2));

    /**
     * A trained expert.
     *
     * @param rewardPerStep   plateau level of its evaluated curve
     * @param converged       the plateau rule (do-nothing beaten included) held before the maximum budget
     * @param steps           training steps of the attempt kept
     * @param seconds         wall time of its training, every attempt (0 when read from the cache)
     * @param curve           its evaluated curve, training steps on the x axis
     * @param doNothingReward the do-nothing policy's reward per step on the same evaluation episodes
     * @param attempts        attempts trained (1 when the configured training got there)
     * @param failed          no attempt beat the do-nothing policy: not a reference, counted apart
     */
    public record Expert(double rewardPerStep, boolean converged, long steps, double seconds, EvaluatedCurve curve,
                         double doNothingReward, int attempts, boolean failed)
            implements java.io.Serializable {
    }

    /** Called after every evaluation of the expert in training, and when an attempt gives up. */
    @FunctionalInterface
    public interface Progress {
        void evaluated(long steps, double rewardPerStep);

        default void retrying(int nextAttempt, Remedy remedy, String why) {
        }
    }

    /**
     * Trains an expert from fresh weights, retrying with {@link #REMEDIES} while it does nothing.
     *
     * @param experience  a fresh environment of the application from a seed (each training chunk
     *                    draws new seeds, so no chunk replays another's noise)
     * @param evaluation  the application's fixed evaluation episodes
     * @param network     the base agent's network (no context)
     * @param ppo         its PPO settings; {@code numEnvs} replicas of the application are stepped
     *                    per rollout, the iterations are set here from the rule
     * @param doNothing   the case's do-nothing policy, played on the same evaluation episodes
     */
    public static Expert train(LongFunction<RlEnvironment> experience, IntFunction<RlEnvironment> evaluation,
                               int evalEpisodes, int episodeSteps, NetworkConfig network, PpoConfig ppo,
                               PlateauRule rule, DoNothing doNothing, NDManager manager, Progress progress) {
        return train(experience, evaluation, evalEpisodes, episodeSteps, network, ppo, rule, doNothing, REMEDIES,
                manager, progress);
    }

    /** {@link #train} with the attempts given (tests use fewer or cheaper ones). */
    public static Expert train(LongFunction<RlEnvironment> experience, IntFunction<RlEnvironment> evaluation,
                               int evalEpisodes, int episodeSteps, NetworkConfig network, PpoConfig ppo,
                               PlateauRule rule, DoNothing doNothing, List<Remedy> remedies, NDManager manager,
                               Progress progress) {
        if (network.hasContext()) {
            throw new IllegalArgumentException("the converged expert is the base agent, without context; got C = "
                    + network.contextLength());
        }
        if (remedies.isEmpty()) {
            throw new IllegalArgumentException("an expert needs at least one attempt");
        }
        long start = System.nanoTime();
        DoNothing.Level level = doNothing.level(evaluation, evalEpisodes, episodeSteps);
        long[] chunk = {0}; // across attempts too: no attempt replays another's experience
        Attempt last = null;
        for (int a = 0; a < remedies.size(); a++) {
            last = attempt(experience, evaluation, evalEpisodes, episodeSteps, network, ppo, rule, level,
                    remedies.get(a), chunk, manager, progress);
            if (level.beatenBy(last.curve)) {
                break;
            }
            if (a + 1 < remedies.size() && progress != null) {
                progress.retrying(a + 2, remedies.get(a + 1), String.format(java.util.Locale.ROOT,
                        "attempt %d %s at %.4f/step after %d steps, do-nothing %.4f", a + 1,
                        last.stuck ? "stuck" : "ended", PlateauRule.plateauReward(last.curve), last.trained,
                        level.rewardPerStep()));
            }
        }
        boolean beats = level.beatenBy(last.curve);
        int attempts = 1 + remedies.indexOf(last.remedy);
        return new Expert(PlateauRule.plateauReward(last.curve), beats && last.plateaued, last.trained,
                (System.nanoTime() - start) / 1e9, last.curve, level.rewardPerStep(), attempts, !beats);
    }

    private record Attempt(Remedy remedy, EvaluatedCurve curve, long trained, boolean plateaued, boolean stuck) {
    }

    private static Attempt attempt(LongFunction<RlEnvironment> experience, IntFunction<RlEnvironment> evaluation,
                                   int evalEpisodes, int episodeSteps, NetworkConfig network, PpoConfig configured,
                                   PlateauRule configuredRule, DoNothing.Level level, Remedy remedy, long[] chunk,
                                   NDManager manager, Progress progress) {
        PlateauRule rule = remedy.minimumMultiple() > 1 ? configuredRule.longer(remedy.minimumMultiple())
                : configuredRule;
        PpoConfig ppo = configured.withSeed(configured.seed() + 1_000_033L * remedy.seedOffset());
        int chunkIterations = (int) Math.max(1, rule.checkSteps() / ppo.batchSize());
        long chunkSteps = (long) chunkIterations * ppo.batchSize();
        long boostUntil = remedy.startEntropy() > 0 ? rule.minSteps() / 2 : 0;
        ApplicationSet single = ApplicationSet.of(List.of("expert"), List.of(),
                (split, index, seed) -> experience.apply(seed + 1_000_000_007L * chunk[0]));
        List<Long> steps = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        try (NDManager sub = manager.newSubManager()) {
            FlashAgentNetwork net = FlashAgentNetwork.create(network, sub, ppo.seed());
            if (remedy.biasMiddle()) {
                biasTowards(net, network.actionCount() / 2, MIDDLE_PROBABILITY);
            }
            PpoTrainer trainer = new PpoTrainer(net, (boostUntil > 0 ? ppo.withEntropyCoef(remedy.startEntropy())
                    : ppo).withIterations(chunkIterations));
            boolean boosted = boostUntil > 0;
            long trained = 0;
            while (true) {
                double[] p = EvaluatedCurve.point(PpoTrainer.evaluateGreedy(net, evaluation, evalEpisodes,
                        java.util.Collections.singletonList(null))[0], episodeSteps);
                steps.add(trained);
                points.add(p);
                if (progress != null) {
                    progress.evaluated(trained, p[0]);
                }
                EvaluatedCurve curve = curveOf(steps, points);
                boolean plateaued = rule.plateaued(curve, level);
                boolean stuck = rule.stuck(curve, level);
                if (plateaued || stuck || trained >= rule.maxSteps()) {
                    return new Attempt(remedy, curve, trained, plateaued, stuck);
                }
                if (boosted && trained >= boostUntil) {
                    // back to the configured entropy; a new optimiser (its seed moved on, so its
                    // action sampling does not replay the first trainer's)
                    trainer = new PpoTrainer(net, ppo.withSeed(ppo.seed() + 7).withIterations(chunkIterations));
                    boosted = false;
                }
                trainer.train(single, null);
                chunk[0]++;
                trained += chunkSteps;
            }
        }
    }

    /**
     * Sets the actor's output biases so that, with the near-zero initial logits, {@code action}
     * is chosen with probability {@code p} and the others share the rest evenly.
     */
    static void biasTowards(FlashAgentNetwork net, int action, double p) {
        List<Linear> actor = net.actorLayers();
        NDArray bias = actor.get(actor.size() - 1).getParameters().get("bias").getArray();
        int k = Math.toIntExact(bias.size());
        float[] b = new float[k];
        b[action] = (float) Math.log(p * (k - 1) / (1 - p));
        try (NDArray set = bias.getManager().create(b, bias.getShape())) {
            set.copyTo(bias);
        }
    }

    private static EvaluatedCurve curveOf(List<Long> steps, List<double[]> points) {
        return new EvaluatedCurve(steps.stream().mapToLong(Long::longValue).toArray(),
                points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }
}
