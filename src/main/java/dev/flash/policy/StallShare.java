package dev.flash.policy;

/**
 * A lower bound on the share of time at fmax a policy's work spends stalled on memory, learnt
 * from how its cycles per instruction move with the clock. Stalled cycles per instruction grow
 * with the frequency (memory latency is fixed in nanoseconds), compute cycles do not:
 *
 * <pre>
 *   CPI(r) = a + b r                 a: compute cycles per instruction, b r: stall cycles at r
 *   m      = b / (a + b)             stalled share of time at fmax
 * </pre>
 *
 * so two ticks of the same phase at different frequencies give m. Misses per instruction do
 * not depend on the clock: a change of MPKI beyond {@link #SAME_PHASE} means another phase and
 * the learnt value is dropped. Each estimate is lowered by {@link #SIGMAS} times its
 * measurement error (counter noise on both CPIs over the frequency gap) and estimates of the
 * same phase are averaged: too small an m only costs saving, too large breaks the budget.
 * Without counters (NaN IPC or MPKI) m stays 0, fully CPU-bound.
 */
public final class StallShare {

    /** Relative change of MPKI, tick to tick, beyond which the phase counts as changed. */
    public static final double SAME_PHASE = 0.10;
    /** MPKI below which two readings count as equal whatever their ratio (CPU-bound work). */
    public static final double MPKI_FLOOR = 0.05;
    /** Smallest frequency gap (share of fmax) that gives an estimate. */
    public static final double MIN_GAP = 0.08;
    /** Relative error of one IPC reading assumed (counter noise; a real PMU is noisier). */
    public static final double CPI_NOISE = 0.02;
    /** Standard errors taken off each estimate. */
    public static final double SIGMAS = 2;
    /** Highest m the estimate may reach. */
    public static final double MAX = 0.9;

    private double lastRatio = Double.NaN;
    private double lastCpi = Double.NaN;
    private double lastMpki = Double.NaN;
    private double sum;
    private int samples;

    /** The current lower bound on m (0 until learnt). */
    public double value() {
        return samples == 0 ? 0 : Math.max(0, Math.min(MAX, sum / samples));
    }

    /** Takes one tick's counters at {@code ratio} = f / fmax; returns {@link #value()}. */
    public double update(double ratio, double ipc, double mpki) {
        if (!(ipc > 0) || Double.isNaN(mpki) || !(ratio > 0)) {
            reset();
            return 0;
        }
        double cpi = 1 / ipc;
        if (!Double.isNaN(lastMpki) && !samePhase(lastMpki, mpki)) {
            sum = 0;
            samples = 0;
        } else if (!Double.isNaN(lastRatio) && Math.abs(ratio - lastRatio) >= MIN_GAP) {
            double b = (cpi - lastCpi) / (ratio - lastRatio);
            double a = cpi - b * ratio;
            if (a > 0 && a + b > 0) {
                double error = CPI_NOISE * Math.sqrt(cpi * cpi + lastCpi * lastCpi) / Math.abs(ratio - lastRatio);
                sum += Math.max(0, (b - SIGMAS * error) / (a + b));
                samples++;
            }
        }
        lastRatio = ratio;
        lastCpi = cpi;
        lastMpki = mpki;
        return value();
    }

    static boolean samePhase(double before, double now) {
        if (Math.max(before, now) < MPKI_FLOOR) {
            return true;
        }
        return Math.abs(now - before) <= SAME_PHASE * Math.max(before, now);
    }

    private void reset() {
        lastRatio = Double.NaN;
        lastCpi = Double.NaN;
        lastMpki = Double.NaN;
        sum = 0;
        samples = 0;
    }
}
