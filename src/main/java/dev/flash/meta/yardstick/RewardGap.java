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

    public static double of(double expert, double agent) {
        if (expert == 0) {
            return agent == 0 ? 0 : Double.NaN;
        }
        return (expert - agent) / Math.abs(expert);
    }
}
