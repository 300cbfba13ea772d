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
 * so ticks of the same phase at different frequencies give m, fitted by least squares over the
 * phase. Misses per instruction do
 * not depend on the clock: a change of MPKI beyond {@link #SAME_PHASE} means another phase and
 * the fit starts over. The estimate is lowered by {@link #SIGMAS} standard errors of the
 * slope (counter noise over the spread of the phase's frequencies): too small an m only costs saving, too large breaks the budget.
 * Without counters (NaN IPC or MPKI) m stays 0, fully CPU-bound.
 */
public final class StallShare {

    /** Relative change of MPKI, tick to tick, beyond which the phase counts as changed. */
    public static final double SAME_PHASE = 0.10;
    /** MPKI below which two readings count as equal whatever their ratio (CPU-bound work). */
    public static final double MPKI_FLOOR = 0.05;
    /** Smallest spread of a phase's frequencies (rms, share of fmax) that gives an estimate. */
    public static final double MIN_GAP = 0.04;
    /** Relative error of one IPC reading assumed (counter noise; a real PMU is noisier). */
    public static final double CPI_NOISE = 0.02;
    /** Standard errors taken off each estimate. */
    public static final double SIGMAS = 2;
    /** Highest m the estimate may reach. */
    public static final double MAX = 0.9;

    private double lastMpki = Double.NaN;
    // Least-squares sums of CPI against r over the current phase.
    private int n;
    private double sumR;
    private double sumRR;
    private double sumCpi;
    private double sumRCpi;
    private double value;

    /** The current lower bound on m (0 until learnt). */
    public double value() {
        return value;
    }

    /** True once the current phase's readings span enough of the clock to give an estimate (possibly 0). */
    public boolean learnt() {
        return n > 1 && spread() >= MIN_GAP;
    }

    /** MPKI of the last reading, NaN without counters: tells phases apart. */
    public double lastMpki() {
        return lastMpki;
    }

    /** Takes one tick's counters at {@code ratio} = f / fmax; returns {@link #value()}. */
    public double update(double ratio, double ipc, double mpki) {
        if (!(ipc > 0) || Double.isNaN(mpki) || !(ratio > 0)) {
            reset();
            lastMpki = Double.NaN;
            return 0;
        }
        if (!Double.isNaN(lastMpki) && !samePhase(lastMpki, mpki)) {
            reset();
        }
        lastMpki = mpki;
        double cpi = 1 / ipc;
        n++;
        sumR += ratio;
        sumRR += ratio * ratio;
        sumCpi += cpi;
        sumRCpi += ratio * cpi;
        value = learnt() ? estimate() : 0;
        return value;
    }

    /** Root-mean-square spread of the phase's frequencies (share of fmax). */
    private double spread() {
        double mean = sumR / n;
        return Math.sqrt(Math.max(0, sumRR / n - mean * mean));
    }

    /** CPI = a + b r fitted to the phase; m = (b - SIGMAS se(b)) / (a + b). */
    private double estimate() {
        double sxx = sumRR - sumR * sumR / n;
        double meanCpi = sumCpi / n;
        double b = (sumRCpi - sumR * sumCpi / n) / sxx;
        double a = meanCpi - b * sumR / n;
        double error = CPI_NOISE * meanCpi / Math.sqrt(sxx);
        if (!(a > 0) || !(a + b > 0)) {
            return 0;
        }
        return Math.max(0, Math.min(MAX, (b - SIGMAS * error) / (a + b)));
    }

    public static boolean samePhase(double before, double now) {
        if (Math.max(before, now) < MPKI_FLOOR) {
            return true;
        }
        return Math.abs(now - before) <= SAME_PHASE * Math.max(before, now);
    }

    private void reset() {
        n = 0;
        sumR = 0;
        sumRR = 0;
        sumCpi = 0;
        sumRCpi = 0;
        value = 0;
    }
}
