package dev.flash.dvfs.eval;

import java.util.List;

/**
 * The paper's adaptation metrics, as pure functions of per-episode reward curves, so they can
 * be checked on hand-made curves.
 *
 * <ul>
 *   <li><b>Reward gap</b>: shortfall of an agent's reward at the start of adaptation on a new
 *       application against the converged per-application expert,
 *       {@code (R_expert - R_start) / |R_expert|}, with {@code R_start} the mean reward of the
 *       agent's first K episodes.</li>
 *   <li><b>Adaptation cost</b>: episodes until the agent's reward stays within a tolerance (5%)
 *       of its own converged reward. "Stays" is judged on the curve smoothed by a forward
 *       window of {@code smooth} episodes, so one noisy episode does not reset the count; the
 *       converged reward is the mean of the last {@code tail} episodes. On the simulated node
 *       episodes differ by more than 5% even for a fixed policy (random phase offset and start
 *       frequency), so the band is the larger of 5% and {@link #NOISE_Z} standard errors of the
 *       difference between a smoothed value and the converged mean, the standard deviation taken over the converged tail: "within 5%, or
 *       within the converged policy's own episode-to-episode noise".</li>
 *   <li><b>Plateau</b> (when a run counts as converged): the mean of the last {@code window}
 *       episodes improved on the mean of the {@code window} before by less than {@code relTol}
 *       of its magnitude.</li>
 *   <li><b>Share of oracle saving</b>: an agent's energy saving against the performance governor
 *       divided by the oracle's.</li>
 * </ul>
 */
public final class AdaptationMetrics {
    private AdaptationMetrics() {
    }

    /** K: episodes averaged for the reward at the start of adaptation. */
    public static final int START_EPISODES = 3;
    /** Tolerance around the converged reward for the adaptation cost (the paper's 5%). */
    public static final double COST_TOLERANCE = 0.05;
    /** Forward smoothing window of the adaptation-cost test. */
    public static final int COST_SMOOTHING = 5;
    /** Episodes averaged for an agent's converged reward (and its noise). */
    public static final int CONVERGED_TAIL = 20;
    /** Width of the noise band in standard errors of a smoothed value. */
    public static final double NOISE_Z = 3.0;
    /** Plateau: window of episodes compared, and the relative improvement under which it is flat. */
    public static final int PLATEAU_WINDOW = 5;
    public static final double PLATEAU_TOLERANCE = 0.01;

    /** Mean of the first {@code k} rewards (all when fewer); NaN for an empty curve. */
    public static double startReward(List<Double> curve, int k) {
        requirePositive(k, "k");
        int n = Math.min(k, curve.size());
        return mean(curve, 0, n);
    }

    /** Mean of the last {@code n} rewards (all when fewer); NaN for an empty curve. */
    public static double convergedReward(List<Double> curve, int n) {
        requirePositive(n, "n");
        return mean(curve, Math.max(0, curve.size() - n), curve.size());
    }

    /**
     * {@code (expert - start) / |expert|} with start = mean of the first k episodes of the agent.
     * Positive when the agent starts below the expert; NaN when the expert reward is 0 or NaN.
     */
    public static double rewardGap(double expertReward, List<Double> agentCurve, int k) {
        double start = startReward(agentCurve, k);
        if (!(Math.abs(expertReward) > 0) || Double.isNaN(start)) {
            return Double.NaN;
        }
        return (expertReward - start) / Math.abs(expertReward);
    }

    /** The paper's relative improvement of FLASH over transfer learning: (gap_TL - gap_FLASH) / gap_TL. */
    public static double relativeImprovement(double gapTransfer, double gapFlash) {
        if (!(Math.abs(gapTransfer) > 0)) {
            return Double.NaN;
        }
        return (gapTransfer - gapFlash) / gapTransfer;
    }

    /**
     * Episodes (1-based count) until the curve stays within {@code tolerance} of its converged
     * reward (mean of the last {@code tail}); the smoothed value at episode i is the mean of
     * episodes i .. i+smooth-1 (only full windows are tested). Returns 1 when the curve starts converged,
     * and {@code curve.size()} when it only gets there at the end (the caller should treat that
     * as censored: "at least"). {@code absoluteFloor} keeps the band from vanishing when the
     * converged reward is near zero.
     */
    public static int adaptationCost(List<Double> curve, double tolerance, int smooth, int tail,
                                     double absoluteFloor) {
        if (curve.isEmpty()) {
            throw new IllegalArgumentException("adaptation cost of an empty curve");
        }
        requirePositive(smooth, "smooth");
        double converged = convergedReward(curve, tail);
        double band = Math.max(tolerance * Math.abs(converged), absoluteFloor);
        int n = curve.size();
        // Only full windows are tested (the last one covers the final episodes), so the end of
        // the curve is not judged on fewer episodes than the rest.
        int w = Math.min(smooth, n);
        int firstInside = n; // index (0-based) from which every smoothed value is in the band
        for (int i = n - w; i >= 0; i--) {
            double s = mean(curve, i, i + w);
            if (Math.abs(s - converged) > band) {
                break;
            }
            firstInside = i;
        }
        return Math.min(firstInside + 1, n);
    }

    /** {@link #adaptationCost} with the defaults above and no absolute floor. */
    public static int adaptationCost(List<Double> curve) {
        return adaptationCost(curve, COST_TOLERANCE, COST_SMOOTHING, CONVERGED_TAIL, 0);
    }

    /**
     * {@link #adaptationCost} with the noise-aware floor: NOISE_Z standard errors of a
     * {@code smooth}-episode mean, the standard deviation measured over the last {@code tail}
     * episodes (never below {@code absoluteFloor}).
     */
    public static int adaptationCostWithNoise(List<Double> curve, double tolerance, int smooth, int tail,
                                              double absoluteFloor) {
        int n = curve.size();
        int from = Math.max(0, n - tail);
        double m = mean(curve, from, n);
        double var = 0;
        for (int i = from; i < n; i++) {
            var += (curve.get(i) - m) * (curve.get(i) - m);
        }
        double sd = n - from > 1 ? Math.sqrt(var / (n - from - 1)) : 0;
        // the smoothed value and the converged mean both carry noise
        double noise = NOISE_Z * sd * Math.sqrt(1.0 / smooth + 1.0 / (n - from));
        return adaptationCost(curve, tolerance, smooth, tail, Math.max(absoluteFloor, noise));
    }

    /**
     * True when the curve has at least {@code 2 * window} episodes and the mean of its last
     * {@code window} episodes exceeds the mean of the {@code window} before by less than
     * {@code relTol} of the latter's magnitude (it may also have fallen: no more progress).
     */
    public static boolean plateaued(List<Double> curve, int window, double relTol) {
        requirePositive(window, "window");
        int n = curve.size();
        if (n < 2 * window) {
            return false;
        }
        double last = mean(curve, n - window, n);
        double before = mean(curve, n - 2 * window, n - window);
        return last - before < relTol * Math.max(Math.abs(before), 1e-9);
    }

    /** Agent saving / oracle saving (both as fractions vs the performance governor); NaN if the oracle saves nothing. */
    public static double shareOfOracleSaving(double agentSaving, double oracleSaving) {
        if (!(oracleSaving > 0)) {
            return Double.NaN;
        }
        return agentSaving / oracleSaving;
    }

    /** Ratio of costs, e.g. transfer learning's episodes over FLASH's; NaN when the denominator is not positive. */
    public static double costRatio(double transferCost, double flashCost) {
        return flashCost > 0 ? transferCost / flashCost : Double.NaN;
    }

    /** Mean of a list (NaN when empty). */
    public static double mean(List<Double> values) {
        return mean(values, 0, values.size());
    }

    static double mean(List<Double> v, int from, int to) {
        if (to <= from) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v.get(i);
        }
        return s / (to - from);
    }

    private static void requirePositive(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }
}
