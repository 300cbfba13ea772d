package dev.flash.policy;

/**
 * Estimates the slowdown a target frequency would cause over the next tick, from what a node
 * measures over the tick that just ended: the busiest CPU's utilization {@code u} at the
 * current frequency, the share {@code w} of runnable time the tasks waited for a CPU
 * ({@code /proc/schedstat}), and a lower bound {@code m} on the share of time at fmax the work
 * spends stalled on memory (0 without counters; {@link StallShare}). Slowdown is work lost
 * against running at the maximum frequency, as the budget counts it.
 *
 * <pre>
 *   r = f / fmax, rc = f_cur / fmax             frequencies as shares of the maximum
 *   t(r) = (1 - m) / r + m                      busy seconds per unit of work (1 at fmax)
 *   L = min(1, u / t(rc))   not saturated       work per second asked for, in units of fmax
 *   L = 1                   saturated           (u &gt;= SATURATED, or queueing: w &gt; WAITING
 *                                               and u w / (1 - w) &gt;= the least wait, 0 by default)
 *   s(r) = max(0, 1 - 1 / (t(r) L))             work lost at r (throughput min(L, 1/t(r)))
 *   lowest safe r = (1 - m) / (1 / (L (1 - budget)) - m)
 * </pre>
 *
 * A smaller m is the conservative side: for a step down (r &lt; rc) t(r)/t(rc) shrinks as m
 * grows, so m = 0 (fully CPU-bound work) predicts the largest loss, and with the CPU saturated
 * the loss 1 - 1/t(r) falls as m grows. When the CPU is saturated, what it would do with more
 * clock is unknown (a job with as many threads as CPUs shows no run-queue wait on a real node),
 * so the estimate takes the whole CPU as demanded at fmax. The node's hidden parameters are
 * never read.
 */
public final class SlowdownEstimator {
    private SlowdownEstimator() {
    }

    /** Utilization at or above which the CPU counts as saturated (demand unknown). */
    public static final double SATURATED = 0.95;
    /** Run-queue wait share above which tasks are queueing for the CPU (demand unknown). */
    public static final double WAITING = 0.02;
    /**
     * Least CPU-seconds per second the tasks must have waited for a wait share above
     * {@link #WAITING} to count as queueing: {@code u w / (1 - w)} (the runnable time is the busy
     * time plus the wait). On a nearly idle CPU the runnable time the share divides by is a few
     * milliseconds, so a share of a few percent is noise (kernel threads, interrupts; the
     * one-thread-per-CPU node's {@code run_wait_noise}), not work lost: read as saturation it
     * charged a whole CPU-second as a jump and kept idle hosts near the maximum clock
     * (docs/log/2026-12-07-dvfs-idle.md section 6). Real queueing is time: a burst of 25 ms at
     * twice the CPU's capacity already waits 25 ms. Half a percent of a CPU. Used only where the
     * guard is asked to ({@code -Dflash.guard.idle-wait-is-noise=true}): on the one-thread-per-CPU
     * node it released idle hosts but 5 of 20 hosts of bench/apps/idle-hosts.json then broke the
     * budget (main 0), so it is off by default (docs/log/2026-12-07-dvfs-queue-blind.md).
     */
    public static final double MIN_WAIT_SECONDS = 0.005;

    /** Busy seconds per unit of work at {@code ratio} = f / fmax with stalled share m. */
    public static double timePerWork(double m, double ratio) {
        return (1 - m) / ratio + m;
    }

    /**
     * The work asked for per second, in units of one CPU at fmax (0..1), from the tick's
     * measurements.
     *
     * @param utilization  the busiest CPU's busy share at {@code curRatio}; NaN = unknown (saturated)
     * @param runWaitShare run-queue wait share; NaN when the node does not report it
     * @param curRatio     current frequency / fmax
     * @param m            stalled share assumed (0 = CPU-bound, the conservative side)
     */
    public static double demandAtFmax(double utilization, double runWaitShare, double curRatio, double m) {
        return demandAtFmax(utilization, runWaitShare, curRatio, m, 0);
    }

    /**
     * {@link #demandAtFmax(double, double, double, double)} where a wait share counts as queueing
     * only with at least {@code minWaitSeconds} CPU-seconds a second waited ({@link #queueing}).
     */
    public static double demandAtFmax(double utilization, double runWaitShare, double curRatio, double m,
                                      double minWaitSeconds) {
        if (Double.isNaN(utilization) || !(curRatio > 0)) {
            return 1;
        }
        double u = Math.max(0, Math.min(1, utilization));
        if (u >= SATURATED || queueing(u, runWaitShare, minWaitSeconds)) {
            return 1;
        }
        return Math.min(1, u / timePerWork(m, Math.min(1, curRatio)));
    }

    /**
     * Whether the tick's wait share says tasks queued for the CPU: above {@link #WAITING}, and
     * {@code minWaitSeconds} of waiting at least ({@link #MIN_WAIT_SECONDS}: a busy CPU's share,
     * not an idle one's noise; 0: any share above {@link #WAITING}, the default). False without
     * schedstat (NaN); an unknown utilization (NaN) counts as busy.
     */
    public static boolean queueing(double utilization, double runWaitShare, double minWaitSeconds) {
        if (!(runWaitShare > WAITING)) {
            return false;
        }
        if (Double.isNaN(utilization)) {
            return true;
        }
        double w = Math.min(runWaitShare, 0.999);
        return Math.max(0, Math.min(1, utilization)) * w / (1 - w) >= minWaitSeconds;
    }

    /** Work lost at {@code targetRatio} = f / fmax when {@code demand} is asked for. */
    public static double slowdown(double demand, double m, double targetRatio) {
        if (!(demand > 0)) {
            return 0;
        }
        return Math.max(0, 1 - 1 / (timePerWork(m, Math.min(1, targetRatio)) * Math.min(1, demand)));
    }

    /** {@link #slowdown(double, double, double)} straight from the tick's measurements. */
    public static double slowdown(double utilization, double runWaitShare, double curRatio, double m,
                                  double targetRatio) {
        return slowdown(demandAtFmax(utilization, runWaitShare, curRatio, m), m, targetRatio);
    }

    /** The lowest f / fmax whose estimated loss stays within {@code budget}. */
    public static double lowestSafeRatio(double demand, double m, double budget) {
        if (!(demand > 0)) {
            return 0;
        }
        double allowedTime = 1 / (Math.min(1, demand) * (1 - budget));
        return Math.min(1, (1 - m) / (allowedTime - m));
    }
}
