package dev.flash.telemetry;

import java.util.Arrays;

/**
 * The two history signals of a policy, kept by every telemetry source so real and simulated
 * records carry the same values: {@code utilization_avg}, an exponentially weighted average of
 * the busiest CPU's utilization with a time constant of {@link #TIME_CONSTANT_SECONDS}, and
 * {@code utilization_dev}, the same average of how far each interval's value lies from it.
 *
 * <p>Why: one interval cannot tell a load rise from a burst. A service whose load jumps by a
 * third from one second to the next looks, second by second, like a string of level changes,
 * and a policy that follows each of them clocks up and down all the time; the deviation says
 * "this is noise around a level", the average says which level. (Linux's schedutil reads a
 * decayed average too: PELT's {@code util_avg}.)
 *
 * <p>The weights follow the interval length ({@code a = 1 - exp(-dt / tau)}), so a source that
 * ticks every 0.5 s and one that ticks every 2 s report the same history, and an interval much
 * longer than the time constant (a simulated node fast-forwarded to another point of its
 * application) restarts both: the average becomes that interval's value, the deviation 0.
 */
public final class UtilizationHistory {
    /** Seconds for the average to forget 63% of what it knew. */
    public static final double TIME_CONSTANT_SECONDS = 8.0;

    private final double timeConstantSeconds;
    /** Indexed by policy id: {average, deviation}; NaN until the policy's first interval. */
    private double[] average = new double[0];
    private double[] deviation = new double[0];

    public UtilizationHistory() {
        this(TIME_CONSTANT_SECONDS);
    }

    public UtilizationHistory(double timeConstantSeconds) {
        if (!(timeConstantSeconds > 0)) {
            throw new IllegalArgumentException("time constant must be > 0 s, got " + timeConstantSeconds);
        }
        this.timeConstantSeconds = timeConstantSeconds;
    }

    /**
     * Folds one interval of {@code p} (its busiest CPU, from the record's per-CPU values) into
     * the history and returns {@code p} carrying the updated values. An interval of length 0 (a
     * source's first tick) or an unreadable utilization leaves the history as it was.
     */
    public PolicySample update(PolicySample p, double[] perCpuUtilization, double intervalSeconds) {
        add(p, perCpuUtilization, intervalSeconds);
        return p.withUtilizationHistory(average(p.id()), deviation(p.id()));
    }

    /**
     * {@link #update} without the copy, for a source that builds its sample afterwards and
     * passes {@link #average} and {@link #deviation} in.
     */
    public void add(PolicySample p, double[] perCpuUtilization, double intervalSeconds) {
        int id = p.id();
        grow(id);
        double u = p.busiestUtilization(perCpuUtilization);
        if (intervalSeconds > 0 && !Double.isNaN(u)) {
            if (Double.isNaN(average[id])) {
                average[id] = u;
                deviation[id] = 0;
            } else {
                double a = 1 - Math.exp(-intervalSeconds / timeConstantSeconds);
                average[id] += a * (u - average[id]);
                // against the updated average: after a gap far longer than the time constant,
                // a = 1 and the deviation restarts at 0 instead of comparing two unrelated levels
                deviation[id] += a * (Math.abs(u - average[id]) - deviation[id]);
            }
        }
    }

    /** Policy {@code id}'s average, NaN before its first interval. */
    public double average(int id) {
        return id < average.length ? average[id] : Double.NaN;
    }

    /** Policy {@code id}'s deviation, NaN before its first interval. */
    public double deviation(int id) {
        return id < deviation.length ? deviation[id] : Double.NaN;
    }

    private void grow(int id) {
        if (id >= average.length) {
            int n = Math.max(id + 1, average.length * 2);
            int old = average.length;
            average = Arrays.copyOf(average, n);
            deviation = Arrays.copyOf(deviation, n);
            Arrays.fill(average, old, n, Double.NaN);
            Arrays.fill(deviation, old, n, Double.NaN);
        }
    }
}
