package dev.flash.meta;

/**
 * What one PPO iteration (rollout + update) achieved.
 *
 * @param iteration          1-based iteration number
 * @param totalSteps         environment steps so far
 * @param episodes           episodes completed during this iteration's rollout
 * @param meanEpisodeReward  mean training-objective reward of those episodes (NaN when none ended)
 * @param stepRewardMean     mean per-step reward of the rollout
 * @param stepRewardStd      standard deviation of per-step reward of the rollout
 * @param policyLoss         clipped surrogate loss, mean over minibatches of the last epoch
 * @param valueLoss          0.5 * MSE of the critic, same averaging
 * @param entropy            policy entropy, same averaging
 * @param approxKl           CleanRL's approximate KL ((ratio - 1) - log ratio), same averaging
 * @param clipFraction       fraction of samples whose ratio was clipped, same averaging
 * @param learningRate       learning rate used for this iteration
 * @param seconds            wall time of the iteration
 */
public record IterationMetrics(
        int iteration,
        long totalSteps,
        int episodes,
        double meanEpisodeReward,
        double stepRewardMean,
        double stepRewardStd,
        double policyLoss,
        double valueLoss,
        double entropy,
        double approxKl,
        double clipFraction,
        double learningRate,
        double seconds) implements java.io.Serializable {
}
