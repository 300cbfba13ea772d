package dev.flash.meta.yardstick;

import java.util.ArrayList;
import java.util.List;

/**
 * The online budget and evaluation every contestant gets on a held-out application.
 *
 * @param onlineSteps   environment steps of online experience per application
 * @param rolloutSteps  steps between two updates of an online learner (the same for every
 *                      contestant); evaluation points fall on multiples of it
 * @param episodeSteps  steps of one episode (episodes are of fixed length)
 * @param evalEpisodes  fixed evaluation episodes per point (the noise of a point shrinks with them)
 */
public record Budget(long onlineSteps, int rolloutSteps, int episodeSteps, int evalEpisodes) {

    public Budget {
        if (rolloutSteps < 1 || episodeSteps < 1 || evalEpisodes < 1 || onlineSteps < rolloutSteps) {
            throw new IllegalArgumentException("invalid budget: " + onlineSteps + " online steps, rollouts of "
                    + rolloutSteps + ", episodes of " + episodeSteps + ", " + evalEpisodes + " evaluation episodes");
        }
    }

    /**
     * Evaluation points, in steps, log-spaced (adaptation happens early, and a point costs the
     * same evaluation episodes wherever it falls): 0, then 1, 2, 3, 4, 6, 8, 12, 16, 24, 32 ...
     * rollouts (each power of two and one and a half times it), and always the end of the budget
     * (rounded up to a whole rollout).
     */
    public long[] points() {
        long rollouts = (onlineSteps + rolloutSteps - 1) / rolloutSteps;
        List<Long> ps = new ArrayList<>();
        ps.add(0L);
        for (long k = 1; k < rollouts; k *= 2) {
            ps.add(k * rolloutSteps);
            long half = k + k / 2;
            if (half > k && half < rollouts) {
                ps.add(half * rolloutSteps);
            }
        }
        ps.add(rollouts * rolloutSteps);
        return ps.stream().mapToLong(Long::longValue).toArray();
    }
}
