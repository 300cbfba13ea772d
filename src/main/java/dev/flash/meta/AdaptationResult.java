package dev.flash.meta;

import java.util.List;

/**
 * Rewards of a network run on one (new) application, episode by episode.
 *
 * @param episodeRewards  total training-objective reward of each episode, in order
 * @param steps           environment steps taken
 * @param updates         PPO gradient updates performed (0 for frozen FLASH adaptation)
 * @param stepRewardMean  mean per-step reward over all steps
 * @param stepRewardStd   standard deviation of per-step reward over all steps
 * @param seconds         wall time
 */
public record AdaptationResult(
        List<Double> episodeRewards,
        long steps,
        int updates,
        double stepRewardMean,
        double stepRewardStd,
        double seconds) {

    public AdaptationResult {
        episodeRewards = List.copyOf(episodeRewards);
    }

    public double meanEpisodeReward() {
        return episodeRewards.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Mean reward of the last {@code n} episodes (all when fewer). */
    public double meanOfLast(int n) {
        int from = Math.max(0, episodeRewards.size() - n);
        return episodeRewards.subList(from, episodeRewards.size()).stream()
                .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
