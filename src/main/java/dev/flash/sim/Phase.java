package dev.flash.sim;

/**
 * One phase of a simulated application. Phases run in order for their duration and then repeat.
 *
 * @param memoryBoundness   m: share of busy time at fmax spent stalled on memory; that time does
 *                          not shrink when the clock rises. 0 = pure compute, 0.95 at most
 * @param load              offered load as a fraction of one CPU's capacity at fmax; &gt;= 1 means
 *                          saturated (batch): the CPU is always busy and any slowdown is lost work
 * @param parallelism       share of the policy's CPUs the application keeps busy, (0, 1]; at
 *                          least one CPU is always used
 * @param durationSeconds   how long the phase lasts before the next one starts
 * @param loadNoise         relative standard deviation of the load, drawn per simulated interval
 * @param sineAmplitude     relative amplitude of a slow sine on the load, [0, 0.9]
 * @param sinePeriodSeconds period of that sine
 */
public record Phase(
        double memoryBoundness,
        double load,
        double parallelism,
        double durationSeconds,
        double loadNoise,
        double sineAmplitude,
        double sinePeriodSeconds) implements java.io.Serializable {

    public static final double MAX_MEMORY_BOUNDNESS = 0.95;

    public Phase {
        SpecException.inRange("memory_boundness", memoryBoundness, 0, MAX_MEMORY_BOUNDNESS);
        SpecException.inRangeOpen("load", load, 0, 4);
        SpecException.inRangeOpen("parallelism", parallelism, 0, 1);
        SpecException.inRangeOpen("duration_s", durationSeconds, 0, 86_400);
        SpecException.inRange("load_noise", loadNoise, 0, 0.5);
        SpecException.inRange("load_sine_amplitude", sineAmplitude, 0, 0.9);
        SpecException.inRangeOpen("load_sine_period_s", sinePeriodSeconds, 0, 86_400);
    }

    /** A steady phase: no noise, no sine. */
    public static Phase steady(double memoryBoundness, double load, double parallelism, double durationSeconds) {
        return new Phase(memoryBoundness, load, parallelism, durationSeconds, 0, 0, 60);
    }

    /** The same phase with another per-second load noise. */
    public Phase withLoadNoise(double noise) {
        return new Phase(memoryBoundness, load, parallelism, durationSeconds, noise, sineAmplitude, sinePeriodSeconds);
    }

    /** The highest load the sine reaches (noise aside). */
    public double peakLoad() {
        return load * (1 + sineAmplitude);
    }

    /**
     * The highest load the sine reaches between {@code from} and {@code to} seconds into the
     * phase (noise aside): the crest if one falls inside, else the higher end.
     */
    public double peakLoadBetween(double from, double to) {
        if (sineAmplitude == 0) {
            return load;
        }
        // Crests at t = P * (k + 1/4); the first at or after `from`:
        double firstCrest = sinePeriodSeconds * (Math.ceil(from / sinePeriodSeconds - 0.25) + 0.25);
        if (firstCrest <= to) {
            return peakLoad();
        }
        return Math.max(loadAt(from), loadAt(to));
    }

    /** Load at {@code secondsIntoPhase}, before noise. */
    public double loadAt(double secondsIntoPhase) {
        if (sineAmplitude == 0) {
            return load;
        }
        return load * (1 + sineAmplitude * Math.sin(2 * Math.PI * secondsIntoPhase / sinePeriodSeconds));
    }
}
