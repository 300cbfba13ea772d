package dev.flash.meta.yardstick;

/**
 * Reward gap at start: {@code (R_expert - R_agent) / |R_expert|}, R_agent the agent's evaluated
 * reward right after deployment. Positive when the agent starts below the converged expert,
 * negative when it starts above it (the expert is then not converged, or the agent is better:
 * either is worth reading, so the sign is kept).
 */
public final class RewardGap {
    private RewardGap() {
    }

    /**
     * Below this magnitude a reward per step counts as 0: an expert that settled on the
     * performance governor's behaviour scores 0 up to rounding (1e-18 and the like), and dividing
     * by that gave gaps of 10^15 % that swamped every mean.
     */
    public static final double ZERO = 1e-9;

    /**
     * The gap, or NaN when the expert scores 0 (within {@link #ZERO}) and the agent does not: a
     * relative gap is undefined there. {@link Spread} leaves such applications out and counts them.
     */
    public static double of(double expert, double agent) {
        if (Math.abs(expert) < ZERO) {
            return Math.abs(agent) < ZERO ? 0 : Double.NaN;
        }
        return (expert - agent) / Math.abs(expert);
    }
}
