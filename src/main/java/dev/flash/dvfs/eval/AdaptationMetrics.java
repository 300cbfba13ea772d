package dev.flash.dvfs.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The earlier adaptation metrics of {@link Reproduction} (each agent against its own converged
 * level, FLASH floored at one episode): they hold by construction (issue 19). The yardsticks
 * every case is measured by are {@link dev.flash.meta.yardstick}.
 *
 * <p>The paper's adaptation metrics, as pure functions of <b>snapshot-evaluated</b> curves, so they
 * can be checked on hand-made curves.
 *
 * <p>A {@link Curve} holds, at a schedule of adaptation points k (episodes of experience on the
 * new application, {@link #schedule}), the reward per step of the agent's policy at that point
 * evaluated on the same fixed evaluation episodes of the application (same seeds: phase offsets,
 * start frequencies, load noise) with argmax actions. With these common random numbers two
 * points differ only because the policy differs, so a plain tolerance band works.
 *
 * <ul>
 *   <li><b>Converged reward</b> of a run of N episodes: the mean of its points with
 *       {@code k >= 3N/4} (the last quarter of the run).</li>
 *   <li><b>Reward gap</b>: {@code (R_expert - R_start) / |R_expert|}, R_start the agent's
 *       evaluated reward at its start point (FLASH: k = 1, transfer learning: k = 0).</li>
 *   <li><b>Adaptation cost</b>: the first scheduled k (not before the agent's start point) from
 *       which every later point stays within {@code max(5% of |R_conv|, floor)} of the agent's
 *       own converged reward.</li>
 *   <li><b>Plateau</b>: the last quarter's mean improved on the third quarter's by less than
 *       2% of its magnitude (and the absolute floor).</li>
 *   <li><b>Share of oracle saving</b>: an agent's energy saving against the performance governor
 *       divided by the oracle's.</li>
 * </ul>
 */
public final class AdaptationMetrics {
    private AdaptationMetrics() {
    }

    /** Tolerance around the converged reward for the adaptation cost (the paper's 5%). */
    public static final double COST_TOLERANCE = 0.05;
    /**
     * Absolute floor of the band, reward per step: 5% of a converged reward near 0 (a saturated
     * CPU-bound application whose best policy is fmax) is no band at all. 0.005 per step is half
     * a point of energy saving; it binds only where |R_conv| &lt; 0.1 per step.
     */
    public static final double COST_FLOOR_PER_STEP = 0.005;
    /** Points with k at or after this share of the run make up the converged reward. */
    public static final double CONVERGED_FROM = 0.75;
    /** Plateau tolerance: last quarter against third quarter. */
    public static final double PLATEAU_TOLERANCE = 0.02;
    /** Start point of FLASH (after one context-gathering episode) and of transfer learning (pre-trained). */
    public static final int START_FLASH = 1;
    public static final int START_TRANSFER = 0;

    /**
     * An evaluated adaptation curve: {@code reward[i]} is the evaluated reward per step of the
     * policy after {@code episodes[i]} episodes of experience; episodes strictly increasing.
     */
    public record Curve(int[] episodes, double[] reward) implements java.io.Serializable {
        public Curve {
            if (episodes.length != reward.length || episodes.length == 0) {
                throw new IllegalArgumentException("a curve needs as many rewards as points, and at least one: "
                        + episodes.length + " points, " + reward.length + " rewards");
            }
            for (int i = 1; i < episodes.length; i++) {
                if (episodes[i] <= episodes[i - 1]) {
                    throw new IllegalArgumentException("curve points must increase: " + Arrays.toString(episodes));
                }
            }
            episodes = episodes.clone();
            reward = reward.clone();
        }

        /** The last point: episodes of experience of the whole run. */
        public int length() {
            return episodes[episodes.length - 1];
        }

        /** Evaluated reward at the first point with at least {@code k} episodes (the last if none). */
        public double at(int k) {
            for (int i = 0; i < episodes.length; i++) {
                if (episodes[i] >= k) {
                    return reward[i];
                }
            }
            return reward[reward.length - 1];
        }

        /** Mean of the points with {@code from <= k < to}; NaN when there is none. */
        public double meanBetween(double from, double to) {
            double s = 0;
            int n = 0;
            for (int i = 0; i < episodes.length; i++) {
                if (episodes[i] >= from && episodes[i] < to) {
                    s += reward[i];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : s / n;
        }

        public List<Double> rewards() {
            return Arrays.stream(reward).boxed().toList();
        }

        public List<Integer> points() {
            return Arrays.stream(episodes).boxed().toList();
        }
    }

    /**
     * Adaptation points for a run of {@code n} episodes: 0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32,
     * 48, 64, 96, 128 (dense early, where adaptation happens), then every 32, and always n.
     */
    public static int[] schedule(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a run needs at least 1 episode, got " + n);
        }
        List<Integer> ks = new ArrayList<>();
        for (int k : new int[] {0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128}) {
            if (k < n) {
                ks.add(k);
            }
        }
        for (int k = 160; k < n; k += 32) {
            ks.add(k);
        }
        ks.add(n);
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The per-application expert: the best evaluated policy either method produced on that
     * application (any snapshot of transfer learning's fine-tuning, any context of FLASH), as an
     * operator would keep the best checkpoint. PPO fine-tuning at a fixed learning rate does not
     * always end at its best (on some applications it collapses below its own start), so its
     * converged reward alone is no expert; this is still a lower bound of a true one.
     */
    public static double bestEvaluated(Curve... curves) {
        double best = Double.NEGATIVE_INFINITY;
        for (Curve c : curves) {
            for (double r : c.reward()) {
                best = Math.max(best, r);
            }
        }
        return best;
    }

    /**
     * Each point's mean reward per step over its first {@code m} evaluation episodes.
     *
     * @param episodes [point][episode] total reward of each evaluation episode
     */
    public static double[] pointMeans(double[][] episodes, int m, int steps) {
        double[] out = new double[episodes.length];
        for (int i = 0; i < episodes.length; i++) {
            if (episodes[i].length < m) {
                throw new IllegalArgumentException("point " + i + " has " + episodes[i].length
                        + " evaluation episodes, fewer than " + m);
            }
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += episodes[i][j];
            }
            out[i] = sum / m / steps;
        }
        return out;
    }

    /** Mean of the points in the last quarter of the run ({@code k >= 3N/4}). */
    public static double convergedReward(Curve c) {
        return c.meanBetween(CONVERGED_FROM * c.length(), Double.POSITIVE_INFINITY);
    }

    /**
     * The expert chosen on one half of the evaluation episodes and scored on the other (and the
     * other way round, averaged): {@link #bestEvaluated} picks its maximum on the same episodes
     * it reports, so it is biased upwards, most where evaluations are noisy (bursty loads).
     * This one is not biased by the pick, only by picking on half the episodes (a policy a
     * little worse than the best can win a half), so it errs downwards: the true expert lies
     * between the two, and so does the true gap.
     *
     * @param pointEpisodes per candidate policy (every point of every curve), its total reward
     *                      in each evaluation episode, the same episodes for all (common
     *                      random numbers); the first {@code m} are used, split into halves
     * @return reward per step
     */
    public static double crossValidatedExpert(List<double[]> pointEpisodes, int m, int steps) {
        if (m < 2 || pointEpisodes.isEmpty()) {
            throw new IllegalArgumentException("need at least 2 evaluation episodes and one policy, got " + m
                    + " and " + pointEpisodes.size());
        }
        int half = m / 2;
        double aToB = scoreOfBest(pointEpisodes, 0, half, half, m);
        double bToA = scoreOfBest(pointEpisodes, half, m, 0, half);
        return (aToB * (m - half) + bToA * half) / m / steps;
    }

    /** Mean over {@code [scoreFrom, scoreTo)} of the policy with the best mean over {@code [pickFrom, pickTo)}. */
    private static double scoreOfBest(List<double[]> points, int pickFrom, int pickTo, int scoreFrom, int scoreTo) {
        double best = Double.NEGATIVE_INFINITY;
        double[] winner = null;
        for (double[] p : points) {
            if (p.length < Math.max(pickTo, scoreTo)) {
                throw new IllegalArgumentException("a policy has " + p.length + " evaluation episodes, fewer than "
                        + Math.max(pickTo, scoreTo));
            }
            double pick = mean(p, pickFrom, pickTo);
            if (pick > best) { // ties keep the earlier point: less adaptation for the same reward
                best = pick;
                winner = p;
            }
        }
        return mean(winner, scoreFrom, scoreTo);
    }

    private static double mean(double[] v, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += v[i];
        }
        return sum / (to - from);
    }

    /** Band half-width around a converged reward: 5% of its magnitude, at least the floor. */
    public static double band(double converged, double tolerance, double floor) {
        return Math.max(tolerance * Math.abs(converged), floor);
    }

    /**
     * {@code (expert - start) / |expert|}: positive when the agent starts below the expert; NaN
     * when the expert reward is 0 or either is NaN.
     */
    public static double rewardGap(double expertReward, double startReward) {
        if (!(Math.abs(expertReward) > 0) || Double.isNaN(startReward)) {
            return Double.NaN;
        }
        return (expertReward - startReward) / Math.abs(expertReward);
    }

    /**
     * Pooled gap over applications: {@code (sum expert - sum start) / |sum expert|}, so an
     * application whose best reward is near 0 cannot make the aggregate explode.
     */
    public static double pooledGap(double[] expert, double[] start) {
        if (expert.length != start.length) {
            throw new IllegalArgumentException(expert.length + " experts, " + start.length + " start rewards");
        }
        return rewardGap(Arrays.stream(expert).sum(), Arrays.stream(start).sum());
    }

    /** The paper's relative improvement of FLASH over transfer learning: (gap_TL - gap_FLASH) / gap_TL. */
    public static double relativeImprovement(double gapTransfer, double gapFlash) {
        if (!(Math.abs(gapTransfer) > 0)) {
            return Double.NaN;
        }
        return (gapTransfer - gapFlash) / gapTransfer;
    }

    /**
     * Episodes of experience until the evaluated reward stays in the band around the curve's own
     * converged reward: the first scheduled k {@code >= startK} such that every point from k on
     * is within {@code band(converged, tolerance, floor)}. Returns the run length when only the
     * last point is in the band (the caller reports it as censored with {@link #censored}).
     */
    public static int adaptationCost(Curve c, int startK, double tolerance, double floor) {
        double converged = convergedReward(c);
        double band = band(converged, tolerance, floor);
        int[] k = c.episodes();
        double[] r = c.reward();
        int cost = c.length();
        for (int i = k.length - 1; i >= 0 && k[i] >= startK; i--) {
            if (Math.abs(r[i] - converged) > band) {
                break;
            }
            cost = k[i];
        }
        return Math.max(cost, startK);
    }

    /** {@link #adaptationCost} with the 5% tolerance and the per-step floor. */
    public static int adaptationCost(Curve c, int startK) {
        return adaptationCost(c, startK, COST_TOLERANCE, COST_FLOOR_PER_STEP);
    }

    /**
     * True when a cost only settles inside the window its converged reward is taken from: the
     * run was too short to tell where it settles, and the cost is a lower bound.
     */
    public static boolean censored(Curve c, int cost) {
        return cost >= CONVERGED_FROM * c.length() && cost > 0;
    }

    /**
     * True when the run is flat at its end: the last quarter's mean exceeds the third quarter's
     * ({@code N/2 <= k < 3N/4}) by less than {@code relTol} of the latter's magnitude (and by
     * less than {@code floor}). False when the third quarter holds no point.
     */
    public static boolean plateaued(Curve c, double relTol, double floor) {
        double last = convergedReward(c);
        double before = c.meanBetween(0.5 * c.length(), CONVERGED_FROM * c.length());
        if (Double.isNaN(before)) {
            return false;
        }
        return last - before < Math.max(relTol * Math.abs(before), floor);
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
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
