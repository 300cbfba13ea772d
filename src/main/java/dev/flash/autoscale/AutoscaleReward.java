package dev.flash.autoscale;

/**
 * The reward of one step, in the operator's money: minus what the step cost, counting allocated
 * cores and requests that missed the SLO at one exchange rate (docs/autoscale.md):
 *
 * <pre>
 *   r = -(cores + MISS_PRICE x missed_requests x cpu_per_request / (TARGET x 60 s)) / (10 x reference_cores)
 *   cores           = replicas x CPU limit allocated this step (starting replicas included)
 *   reference_cores = peak_rate x cpu_per_request / TARGET   (the cores the load's peak needs at HPA's 70%)
 * </pre>
 *
 * A missed request is priced at {@link #MISS_PRICE} times the core-seconds that serve it at HPA's
 * target. The argument, from the SLO rather than from any run: an operator who promises 99% of
 * requests within the SLO counts missing 1% of them as costly as serving all of them once more
 * (100 x 1% = 1: the bill of a right-sized allocation doubles). The reference is one constant
 * per service, so an episode's return is its bill in units of "peak cores for ten steps" and the
 * yardsticks' reward gap {@code (R_expert - R) / |R_expert|} is how much more the operator pays
 * than with the converged expert. The 10 only keeps the critic's targets near the size of the
 * earlier reward's (about -1 per step for a right-sized service); the gap does not depend on it.
 *
 * <p>The reward needs the service's demand and peak, which a deployed autoscaler does not know,
 * so the context rows carry {@link #context}, a proxy it can measure (slo preservation and idle
 * share), as case III's context reward stands in for its ground-truth saving.
 */
public final class AutoscaleReward {
    private AutoscaleReward() {
    }

    /** Price of one missed request in core-seconds that serve it at HPA's target (the 99% promise). */
    public static final double MISS_PRICE = 100;
    /** Utilization the reference cores are sized for: HPA's default target. */
    public static final double TARGET = HpaReference.DEFAULT_TARGET;
    /** Reference steps a reward unit stands for (a scale for the critic; gaps do not depend on it). */
    public static final double UNIT_STEPS = 10;
    /** Weight of idle cores against missed requests in the context reward. */
    public static final double KAPPA = 0.3;

    public static final String DEFINITION = "r = -(replicas x cpu_limit + " + MISS_PRICE
            + " x slo_misses x cpu_per_request / (" + TARGET + " x 60 s)) / (" + UNIT_STEPS
            + " x peak_rate x cpu_per_request / " + TARGET + ") per step; context reward slo_preservation - " + KAPPA
            + " x (1 - cpu_used / cpu_allocated)";

    /** The operator's cost of step {@code m} of service {@code spec}, negated, at core price 1. */
    public static double of(StepMetrics m, ServiceSpec spec) {
        return of(m, spec, 1);
    }

    /**
     * The same with allocated cores weighted by {@code corePrice} (the learned multiplier of
     * {@link CoreBudget}: 1 is the operator's rate).
     */
    public static double of(StepMetrics m, ServiceSpec spec, double corePrice) {
        return of(m, spec, corePrice, 1);
    }

    /**
     * The same with missed requests also weighted by {@code missPrice} relative to {@link #MISS_PRICE}
     * (the learned multiplier of {@link CoreBudget}'s miss budget).
     */
    public static double of(StepMetrics m, ServiceSpec spec, double corePrice, double missPrice) {
        return -(corePrice * cores(m) + missPrice * missCores(m, spec)) / (UNIT_STEPS * referenceCores(spec));
    }

    /** Cores allocated during the step. */
    public static double cores(StepMetrics m) {
        return m.coreSeconds() / SimulatedService.STEP_SECONDS;
    }

    /** The step's missed requests in cores at the operator's price. */
    public static double missCores(StepMetrics m, ServiceSpec spec) {
        return MISS_PRICE * m.sloMisses() * spec.cpuPerRequest() / (TARGET * SimulatedService.STEP_SECONDS);
    }

    /** The cores the service's peak load needs at HPA's target on full cores. */
    public static double referenceCores(ServiceSpec spec) {
        return spec.load().peakRate() * spec.cpuPerRequest() / TARGET;
    }

    /**
     * The context reward, measurable in a cluster: {@code slo_preservation - KAPPA x (1 -
     * allocated utilization)}.
     */
    public static double context(StepMetrics m) {
        return m.sloPreservation() - KAPPA * (1 - allocatedUtilization(m));
    }

    /** Cores used over cores allocated, in [0, 1]. */
    public static double allocatedUtilization(StepMetrics m) {
        double allocated = m.replicas() * m.cpuLimit();
        if (allocated <= 0) {
            return 0;
        }
        return Math.max(0, Math.min(1, m.cpuUsageCores() * m.readyReplicas() / allocated));
    }
}
