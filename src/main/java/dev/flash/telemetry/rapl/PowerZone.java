package dev.flash.telemetry.rapl;

import dev.flash.telemetry.PowerZoneSample;

/**
 * One energy zone as the meters report it: sums the energy of its counters each tick (one for
 * powercap and Intel MSRs, one per core for AMD's per-core MSR), rejects implausible power, and
 * accumulates joules since start.
 *
 * <p>Rejection rule: power above {@code boundWatts} over a tick is not physical for this zone;
 * it comes from a counter reset that looked like a wrap, or from a garbage read. Such a tick
 * reports NaN watts and adds nothing to the joules, so the total never jumps.
 */
final class PowerZone {
    /** Used when a zone has no power limit to scale from: far above any socket shipped today. */
    static final double ABSOLUTE_BOUND_WATTS = 2000.0;
    /** A zone may briefly exceed its long-term limit (PL2, PL4), but not by this factor. */
    static final double LIMIT_FACTOR = 4.0;

    final String name;
    final String path;
    final double boundWatts;
    private final EnergyCounter[] counters;
    private double joulesTotal;
    private long lastNanos;
    private boolean primed;

    PowerZone(String name, String path, double limitWatts, EnergyCounter... counters) {
        this.name = name;
        this.path = path;
        this.boundWatts = boundFor(limitWatts);
        this.counters = counters;
    }

    /** 4x the zone's (or its package's) long-term limit when known, else an absolute bound. */
    static double boundFor(double limitWatts) {
        return limitWatts > 0 && Double.isFinite(limitWatts) ? LIMIT_FACTOR * limitWatts : ABSOLUTE_BOUND_WATTS;
    }

    /**
     * Feeds one raw value per counter (same order as the constructor) taken at {@code nanos}.
     */
    PowerZoneSample update(long[] raw, long nanos) {
        double joules = 0;
        for (int i = 0; i < counters.length; i++) {
            joules += counters[i].advance(raw[i]); // NaN from any counter poisons the sum
        }
        boolean hadPrevious = primed;
        long dtNanos = nanos - lastNanos;
        primed = true;
        lastNanos = nanos;
        if (!hadPrevious || dtNanos <= 0) {
            return sample(Double.NaN);
        }
        double watts = joules / (dtNanos / 1e9);
        if (Double.isNaN(watts) || watts > boundWatts) {
            return sample(Double.NaN); // reset or implausible jump: the total stays put
        }
        joulesTotal += joules;
        return sample(watts);
    }

    /** The counter could not be read this tick: report the total, NaN watts, re-prime next time. */
    PowerZoneSample unreadable() {
        primed = false;
        for (EnergyCounter c : counters) {
            c.forget();
        }
        return sample(Double.NaN);
    }

    int counterCount() {
        return counters.length;
    }

    private PowerZoneSample sample(double watts) {
        return new PowerZoneSample(name, path, joulesTotal, watts);
    }
}
