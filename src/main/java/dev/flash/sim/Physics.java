package dev.flash.sim;

/**
 * The simulated node's equations, as pure functions (no state, no noise) so tests, the oracle
 * and the trainer can evaluate them directly. Frequencies enter as {@code fRatio = f / fmax}.
 *
 * <pre>
 *   t(f)        = (1 - m) / fRatio + m          time per unit of work, 1 at fmax
 *   capacity    = 1 / t(f)
 *   throughput  = min(load, capacity)           per busy CPU, in work units per second
 *   utilization = min(load * t(f), 1)
 *   slowdown    = 1 - throughput / min(load, 1) against running at fmax
 *   run wait    = max(load * t(f) - 1, 0)   CPU-seconds per second the tasks wait runnable
 *   wait share  = wait / (utilization + wait) = 1 - capacity / load, when load &gt; capacity
 *   IPC(f)      = baseIpc (1 - m) / ((1 - m) + m fRatio)
 *   MPKI        = 1000 * mlp * m / ((1 - m) baseIpc latencyCyclesAtFmax)
 * </pre>
 */
public final class Physics {
    private Physics() {
    }

    /** t(f): busy seconds per unit of work; the stalled share m does not shrink with f. */
    public static double timePerWork(double m, double fRatio) {
        return (1 - m) / fRatio + m;
    }

    public static double throughput(double load, double m, double fRatio) {
        return Math.min(load, 1 / timePerWork(m, fRatio));
    }

    public static double utilization(double load, double m, double fRatio) {
        return Math.min(load * timePerWork(m, fRatio), 1);
    }

    /**
     * Seconds per second the application's tasks on one busy CPU spend runnable but waiting for
     * it: the demand beyond what the clock serves ({@code load * t(f)} CPU-seconds are asked for,
     * one is there). What {@code /proc/schedstat}'s run_delay counts on a real CPU.
     */
    public static double runQueueWait(double load, double m, double fRatio) {
        return Math.max(0, load * timePerWork(m, fRatio) - 1);
    }

    /**
     * Run-queue wait when the application runs {@code threadsPerCpu} threads per busy CPU: at most
     * that many are runnable, so the wait stops at threadsPerCpu - 1 however far demand exceeds
     * capacity, and a saturated job with one thread per CPU waits for nobody (what schedstat shows
     * on a real machine; the unserved demand is lost throughput, not queueing). 0 is the open-demand
     * closed form, {@link #runQueueWait(double, double, double)}.
     */
    public static double runQueueWait(double load, double m, double fRatio, double threadsPerCpu) {
        double open = runQueueWait(load, m, fRatio);
        return threadsPerCpu > 0 ? Math.min(open, threadsPerCpu - 1) : open;
    }

    /** {@link #runWaitShare(double, double, double)} under the threads-per-CPU model (0: open demand). */
    public static double runWaitShare(double load, double m, double fRatio, double threadsPerCpu) {
        double wait = runQueueWait(load, m, fRatio, threadsPerCpu);
        return wait > 0 ? wait / (utilization(load, m, fRatio) + wait) : 0;
    }

    /** Share of runnable time spent waiting: 1 - capacity / load when saturated, else 0. */
    public static double runWaitShare(double load, double m, double fRatio) {
        double wait = runQueueWait(load, m, fRatio);
        return wait > 0 ? wait / (utilization(load, m, fRatio) + wait) : 0; // no load: no one waits
    }

    /** Share of work lost against fmax; 0 when the CPU keeps up with the offered load. */
    public static double slowdown(double load, double m, double fRatio) {
        return Math.max(0, 1 - throughput(load, m, fRatio) / Math.min(load, 1));
    }

    /**
     * Long-run slowdown when the offered load is {@code load * (1 + noise * Z)}, Z standard
     * normal, drawn every interval (as {@link SimulatedNode} draws it): 1 - E[throughput] /
     * E[min(load, 1)]. Bursts above capacity lose work even when the mean load fits, so a bursty
     * phase needs a higher clock than its mean says. Expectations on a fixed 41-point grid over
     * z in [-4, 4]; with noise 0 this is {@link #slowdown}.
     */
    public static double expectedSlowdown(double load, double noise, double m, double fRatio) {
        if (noise <= 0) {
            return slowdown(load, m, fRatio);
        }
        double throughput = 0;
        double atFmax = 0;
        for (int i = 0; i < NOISE_GRID_Z.length; i++) {
            double l = Math.max(0.001, load * (1 + noise * NOISE_GRID_Z[i]));
            throughput += NOISE_GRID_W[i] * throughput(l, m, fRatio);
            atFmax += NOISE_GRID_W[i] * Math.min(l, 1);
        }
        return Math.max(0, 1 - throughput / atFmax);
    }

    private static final double[] NOISE_GRID_Z = new double[41];
    private static final double[] NOISE_GRID_W = new double[41];

    static {
        double sum = 0;
        for (int i = 0; i < NOISE_GRID_Z.length; i++) {
            NOISE_GRID_Z[i] = -4 + 8.0 * i / (NOISE_GRID_Z.length - 1);
            NOISE_GRID_W[i] = Math.exp(-0.5 * NOISE_GRID_Z[i] * NOISE_GRID_Z[i]);
            sum += NOISE_GRID_W[i];
        }
        for (int i = 0; i < NOISE_GRID_W.length; i++) {
            NOISE_GRID_W[i] /= sum;
        }
    }

    /** Instructions per cycle at fRatio: stall cycles per instruction grow with the clock. */
    public static double ipc(double baseIpc, double m, double fRatio) {
        return baseIpc * (1 - m) / ((1 - m) + m * fRatio);
    }

    /**
     * Last-level misses per kilo-instruction that produce memory-boundness m: stall cycles per
     * instruction at fmax are m/(1-m)/baseIpc; each miss costs latency/mlp cycles.
     */
    public static double mpki(double m, HiddenParams hidden, double latencyCyclesAtFmax) {
        double stallCpi = m / (1 - m) / hidden.baseIpc();
        return 1000 * stallCpi * hidden.memoryLevelParallelism() / latencyCyclesAtFmax;
    }

    /** Share of full dynamic power a busy CPU burns: stalled cycles burn {@code stallActivity}. */
    public static double activity(double m, double fRatio, double stallActivity) {
        double stalledShare = m / timePerWork(m, fRatio);
        return 1 - stalledShare * (1 - stallActivity);
    }

    /**
     * Dynamic watts of one fully busy CPU at khz: C V(f)^2 f, scaled so base frequency at vmax
     * gives dynamicWattsPerCpu (base is fmax unless the node has a boost bin).
     */
    public static double busyCpuWatts(NodeSpec node, long khz, double m, double powerIntensity) {
        double fRatio = (double) khz / node.maxKhz();
        double v = node.voltage(khz) / node.vmaxVolts();
        return node.dynamicWattsPerCpu() * v * v * ((double) khz / node.baseKhz()) * powerIntensity
                * activity(m, fRatio, node.stallActivity());
    }

    /** CPUs of a policy an application phase keeps busy: at least one. */
    public static int activeCpus(double parallelism, int cpusInPolicy) {
        return Math.max(1, Math.min(cpusInPolicy, (int) Math.round(parallelism * cpusInPolicy)));
    }
}
