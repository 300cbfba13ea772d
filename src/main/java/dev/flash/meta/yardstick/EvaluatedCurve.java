package dev.flash.meta.yardstick;

import java.util.Arrays;

/**
 * An agent's evaluated adaptation curve on one application: at each point, the agent's policy
 * after {@code steps[i]} environment steps of online experience, evaluated on the application's
 * fixed evaluation episodes (the same seeds at every point and for every contestant, greedy
 * actions). {@code reward[i]} is the mean reward per step over those episodes and
 * {@code standardError[i]} its standard error over the episodes (the noise of one point).
 */
public record EvaluatedCurve(long[] steps, double[] reward, double[] standardError) implements java.io.Serializable {

    public EvaluatedCurve {
        if (steps.length == 0 || steps.length != reward.length || steps.length != standardError.length) {
            throw new IllegalArgumentException("a curve needs at least one point and as many rewards and errors as "
                    + "points: " + steps.length + " points, " + reward.length + " rewards, " + standardError.length
                    + " errors");
        }
        for (int i = 1; i < steps.length; i++) {
            if (steps[i] <= steps[i - 1]) {
                throw new IllegalArgumentException("curve points must increase: " + Arrays.toString(steps));
            }
        }
        steps = steps.clone();
        reward = reward.clone();
        standardError = standardError.clone();
    }

    /** A curve without noise estimates (synthetic curves in tests, or single-episode points). */
    public static EvaluatedCurve of(long[] steps, double[] reward) {
        return new EvaluatedCurve(steps, reward, new double[reward.length]);
    }

    /**
     * A point from its evaluation episodes: reward per step = mean episode total / episode steps,
     * and the standard error of that mean.
     */
    public static double[] point(double[] episodeTotals, int episodeSteps) {
        int m = episodeTotals.length;
        double mean = Arrays.stream(episodeTotals).average().orElse(Double.NaN) / episodeSteps;
        double var = 0;
        for (double t : episodeTotals) {
            double d = t / episodeSteps - mean;
            var += d * d;
        }
        double se = m > 1 ? Math.sqrt(var / (m - 1) / m) : 0;
        return new double[] {mean, se};
    }

    /** Evaluated reward at the first point with at least {@code s} steps (the last point if none). */
    public double at(long s) {
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] >= s) {
                return reward[i];
            }
        }
        return reward[reward.length - 1];
    }

    /** Steps of the last point: the experience of the whole run. */
    public long length() {
        return steps[steps.length - 1];
    }

    /** Mean of the points with {@code from <= steps < to}; NaN when there is none. */
    public double meanBetween(double from, double to) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] >= from && steps[i] < to) {
                s += reward[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Mean of all points: the area under the curve per point, what a learning-rate sweep ranks by. */
    public double meanReward() {
        return Arrays.stream(reward).average().orElse(Double.NaN);
    }

    /** Mean standard error of the points: the noise of one point of this curve. */
    public double meanStandardError() {
        return Arrays.stream(standardError).average().orElse(Double.NaN);
    }
}
