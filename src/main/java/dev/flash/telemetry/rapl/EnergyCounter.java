package dev.flash.telemetry.rapl;

/**
 * One raw hardware energy counter: unfolds wraps and turns counts into joules. A counter runs
 * from 0 up to {@code wrapAt} and starts again at 0; a decrease is therefore either a wrap
 * (delta = wrapAt - previous + current, as the powercap documentation describes) or a reset
 * (someone wrote 0 to {@code energy_uj}). This class cannot tell them apart alone; the zone
 * does, by the plausibility of the resulting power ({@link PowerZone}).
 */
final class EnergyCounter {
    private final long wrapAt;
    private final double joulesPerCount;
    private long previous;
    private boolean primed;

    /**
     * @param wrapAt         counter range: {@code max_energy_range_uj} for powercap, 2^32 for a
     *                       32-bit MSR field; 0 or less when unknown (a decrease is then a reset)
     * @param joulesPerCount 1e-6 for microjoules, the RAPL energy status unit for MSRs
     */
    EnergyCounter(long wrapAt, double joulesPerCount) {
        this.wrapAt = wrapAt;
        this.joulesPerCount = joulesPerCount;
    }

    /**
     * Feeds the current raw value and returns the energy since the previous value in joules:
     * NaN on the first value (nothing to compare with) and on a decrease that cannot be a wrap.
     * The current value always becomes the new reference, so one bad reading costs one tick; a
     * value outside the counter's range (negative, above {@code wrapAt}) is not one and only
     * makes the next value prime again.
     */
    double advance(long current) {
        if (current < 0 || (wrapAt > 0 && current > wrapAt)) {
            primed = false; // a value the counter cannot hold: neither a delta nor a reference
            return Double.NaN;
        }
        long before = previous;
        boolean hadPrevious = primed;
        previous = current;
        primed = true;
        if (!hadPrevious) {
            return Double.NaN;
        }
        if (current >= before) {
            return (current - before) * joulesPerCount;
        }
        if (wrapAt > 0 && before <= wrapAt && current <= wrapAt) {
            return ((wrapAt - before) + current) * joulesPerCount;
        }
        return Double.NaN;
    }

    /** Forgets the reference, e.g. after a read error, so the next value only primes. */
    void forget() {
        primed = false;
    }
}
