package dev.flash.autoscale;

/**
 * The reward of one step, trading SLO preservation against allocated cores (docs/autoscale.md):
 * {@code r = slo_preservation - KAPPA * (1 - allocated_utilization)}, where allocated utilization
 * is the CPU the service used over all the cores it was allocated (starting replicas included).
 * Both terms are what a deployed autoscaler measures, so the same value is the context reward. A
 * do-nothing policy that over-provisions keeps the SLO and pays the idle cores; one that
 * under-provisions keeps the cores busy and loses the SLO.
 */
public final class AutoscaleReward {
    private AutoscaleReward() {
    }

    /** Weight of idle cores against missed requests. */
    public static final double KAPPA = 0.3;

    public static final String DEFINITION = "r = slo_preservation - " + KAPPA
            + " * (1 - cpu_used / cpu_allocated) per step (starting replicas count as allocated)";

    public static double of(StepMetrics m) {
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
