package dev.flash.meta.yardstick;

import dev.flash.meta.RlEnvironment;
import java.util.function.IntFunction;

/**
 * The do-nothing reference of a case: what an operator gets without any agent, played as one
 * constant action (DVFS: {@code max} every step, the performance governor, reward 0 by
 * construction; autoscaling: {@code no-op} every step, the allocation left as it starts). A
 * converged expert has to beat it clearly ({@link Level#beatenBy}), or a figure measured
 * against the expert could be met by a policy that does nothing useful (yardsticks.md).
 *
 * <p>The level is measured, not assumed: the constant action plays the application's own
 * evaluation episodes (the expert's and the contestants'), so a reward that is not exactly 0
 * at the performance governor would show here.
 *
 * @param action  the constant action that is the do-nothing policy
 * @param margin  the smallest gain per step over it that counts as doing something, in the
 *                case's reward units (a floor under the noise rule of {@link Level#beatenBy})
 * @param policy  its name in reports ("performance governor (max every step)")
 */
public record DoNothing(int action, double margin, String policy) implements java.io.Serializable {

    /** An expert's plateau must clear the do-nothing level by this many standard errors of one point. */
    public static final double NOISE_MULTIPLE = 2.0;

    public DoNothing {
        if (action < 0 || !(margin > 0) || policy == null || policy.isBlank()) {
            throw new IllegalArgumentException("invalid do-nothing reference: action " + action + ", margin "
                    + margin + ", policy '" + policy + "'");
        }
    }

    /**
     * The do-nothing level of one application, and the margin an expert has to clear it by.
     *
     * @param rewardPerStep the constant action's mean reward per step over the evaluation episodes
     * @param margin        {@link DoNothing#margin}
     */
    public record Level(double rewardPerStep, double margin) implements java.io.Serializable {

        /**
         * The curve's plateau (the mean of its last quarter, {@link PlateauRule#plateauReward})
         * exceeds the do-nothing level by more than the margin and by more than
         * {@link #NOISE_MULTIPLE} standard errors of its last quarter's points.
         */
        public boolean beatenBy(EvaluatedCurve curve) {
            return lead(curve) > required(curve);
        }

        /** The plateau's lead over the do-nothing level, reward per step. */
        public double lead(EvaluatedCurve curve) {
            return PlateauRule.plateauReward(curve) - rewardPerStep;
        }

        /** The lead {@link #beatenBy} asks for on this curve. */
        public double required(EvaluatedCurve curve) {
            return Math.max(margin, NOISE_MULTIPLE * PlateauRule.lastQuarterStandardError(curve));
        }
    }

    /**
     * Plays the constant action on evaluation episodes {@code 0 .. episodes-1} for
     * {@code episodeSteps} steps each (or until an episode ends) and returns the level.
     */
    public Level level(IntFunction<RlEnvironment> evaluation, int episodes, int episodeSteps) {
        if (episodes < 1 || episodeSteps < 1) {
            throw new IllegalArgumentException("need at least one episode of one step, got " + episodes + " x "
                    + episodeSteps);
        }
        double total = 0;
        for (int j = 0; j < episodes; j++) {
            RlEnvironment env = evaluation.apply(j);
            if (action >= env.actionCount()) {
                throw new IllegalArgumentException("do-nothing action " + action + " (" + policy
                        + ") is outside the environment's " + env.actionCount() + " actions");
            }
            env.reset();
            for (int t = 0; t < episodeSteps; t++) {
                RlEnvironment.Step s = env.step(action);
                total += s.reward();
                if (s.done()) {
                    break;
                }
            }
        }
        return new Level(total / ((double) episodes * episodeSteps), margin);
    }
}
