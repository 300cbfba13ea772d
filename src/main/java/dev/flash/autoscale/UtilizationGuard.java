package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;

/**
 * The safety layer between a learned autoscaler's move and the workload (case II's counterpart of
 * case III's SlowdownGuard): a move may not leave the replicas' predicted utilization above
 * {@link #BOUND}. When it would, the replicas are raised to what brings it to {@link #TARGET}
 * (HPA's target), and when the maximum replicas cannot, the CPU limit is raised too. The learned
 * policy keeps every other choice: when to scale in, the CPU limit, scaling out ahead of load.
 *
 * <p>The prediction uses only what the policy and HPA see: the last step's utilization of the
 * ready replicas, their CPU limit, the replicas and the arrival rate of the last two steps.
 * <ul>
 *   <li>Busy share of the ready replicas: {@code u = utilization x L / c(L)} (usage over the cores
 *       the limit works like; utilization itself when {@code L <= 1}).</li>
 *   <li>Work in the last step, in cores: {@code u * ready * c(L)}, where
 *       {@code c(L) = min(L, 1) + 0.5 * max(0, L - 1)} counts a core beyond the first as half a
 *       core (a service's parallel efficiency is unknown; one half errs toward more replicas
 *       when the limit shrinks above one core).</li>
 *   <li>Growth: the arrival rate's ratio over the step before, in [1, 2] (a falling rate is not
 *       extrapolated: scale-in stays the policy's call). A replica at or above
 *       {@link #SATURATED} utilization hides its backlog, so its work counts
 *       {@link #SATURATION_FACTOR} times.</li>
 *   <li>Predicted utilization: {@code work * growth / (replicas' * c(L'))}, starting replicas
 *       counted as serving.</li>
 * </ul>
 * Without a ready replica (no utilization to read) a move may not remove replicas.
 */
public final class UtilizationGuard {
    private UtilizationGuard() {
    }

    /** Predicted utilization above which the guard overrides the move. */
    public static final double BOUND = 0.8;
    /** Utilization the guard's replicas aim at (HPA's default target). */
    public static final double TARGET = HpaReference.DEFAULT_TARGET;
    /** Utilization from which a replica is taken as saturated. */
    public static final double SATURATED = 0.9;
    /** How much more work a saturated replica is taken to have than it shows. */
    public static final double SATURATION_FACTOR = 1.5;
    /** Share of a core beyond the first that the guard counts. */
    static final double ASSUMED_EFFICIENCY = 0.5;

    public static final String DEFINITION = "predicted utilization (last utilization x ready x c(limit) x rate growth in"
            + " [1,2], x" + SATURATION_FACTOR + " when >= " + SATURATED + ") over replicas x c(limit) kept <= " + BOUND
            + " by raising replicas to " + TARGET + " (then the limit at max replicas)";

    /**
     * {@code proposed} or, when it would run the replicas above {@link #BOUND}, the allocation
     * the guard sets instead, within {@code bounds}.
     *
     * @param last         the last step's metrics
     * @param previousRate the arrival rate of the step before {@code last} (NaN when unknown)
     */
    public static Allocation apply(StepMetrics last, double previousRate, Allocation proposed, Bounds bounds) {
        Allocation p = bounds.clamp(proposed);
        int ready = last.readyReplicas();
        if (ready <= 0) {
            return p.replicas() >= last.replicas() ? p
                    : bounds.clamp(new Allocation(last.replicas(), p.cpuLimit()));
        }
        double work = work(last, previousRate);
        if (predicted(work, p) <= BOUND) {
            return p;
        }
        int needed = (int) Math.ceil(work / (TARGET * cores(p.cpuLimit())) - 1e-9);
        double limit = p.cpuLimit();
        if (needed > bounds.maxReplicas()) {
            while (limit < bounds.maxCpu() && work / (bounds.maxReplicas() * cores(limit)) > TARGET) {
                limit = Math.min(bounds.maxCpu(), limit * ScalingAction.VERTICAL_FACTOR);
            }
            needed = (int) Math.ceil(work / (TARGET * cores(limit)) - 1e-9);
        }
        return bounds.clamp(new Allocation(Math.max(p.replicas(), needed), Math.max(limit, p.cpuLimit())));
    }

    /** The work the next step is expected to bring, in guard cores (see the class comment). */
    static double work(StepMetrics last, double previousRate) {
        double growth = 1;
        if (previousRate > 0 && last.arrivalRate() > 0) {
            growth = Math.max(1, Math.min(2, last.arrivalRate() / previousRate));
        }
        double u = busyShare(last);
        double saturation = u >= SATURATED ? SATURATION_FACTOR : 1;
        return u * last.readyReplicas() * cores(last.cpuLimit()) * growth * saturation;
    }

    /**
     * The ready replicas' busy share as the guard estimates it from what is measured: usage
     * (utilization x limit) over the cores the limit is taken to work like ({@link #cores}). At
     * or below one core it is the measured utilization; above, usage no longer counts the part of
     * the limit a service's parallelism leaves idle, so utilization alone would hide saturation.
     */
    public static double busyShare(StepMetrics last) {
        double limit = last.cpuLimit();
        if (limit <= 0) {
            return 0;
        }
        return Math.max(0, last.cpuUtilization()) * limit / cores(limit);
    }

    static double predicted(double work, Allocation a) {
        return a.replicas() <= 0 ? Double.POSITIVE_INFINITY : work / (a.replicas() * cores(a.cpuLimit()));
    }

    static double cores(double limit) {
        return Math.min(limit, 1) + ASSUMED_EFFICIENCY * Math.max(0, limit - 1);
    }
}
