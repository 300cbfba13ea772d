package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.List;

/**
 * The state an autoscaling agent sees, F = {@value #COUNT} floats, each scaled to about [0, 1]
 * from what a cluster reports (metrics API, Prometheus) and the workload's bounds. Nothing here
 * names the service: what a request costs, how it scales and how fast it starts are what FLASH's
 * context has to reveal.
 */
public final class AutoscaleFeatures {
    private AutoscaleFeatures() {
    }

    public static final List<String> NAMES = List.of(
            "cpu_utilization",      // CPU used / limit over ready replicas, capped at 1.5
            "memory_utilization",   // memory used / limit, capped at 1.5
            "slo_preservation",     // share of requests within the SLO
            "latency_p95_slo",      // p95 latency / SLO, capped at 4, divided by 4
            "replicas_share",       // replicas / max replicas
            "cpu_limit_log",        // log(limit / min) / log(max / min) of the CPU limit range
            "ready_share",          // ready / all replicas
            "rate_change");         // log(rate / previous rate), clipped to [-1, 1]
    public static final int COUNT = NAMES.size();

    /** Fills {@code out[0..COUNT)} from a step's metrics. */
    public static float[] of(StepMetrics m, double previousRate, double sloSeconds, Bounds bounds) {
        float[] f = new float[COUNT];
        f[0] = (float) clamp(m.cpuUtilization(), 0, 1.5);
        f[1] = (float) clamp(m.memoryUtilization(), 0, 1.5);
        f[2] = (float) clamp(m.sloPreservation(), 0, 1);
        f[3] = (float) (clamp(finiteOr(m.latencyP95() / sloSeconds, 4), 0, 4) / 4);
        f[4] = (float) clamp((double) m.replicas() / bounds.maxReplicas(), 0, 1);
        f[5] = (float) clamp(Math.log(m.cpuLimit() / ScalingAction.MIN_CPU_LIMIT)
                / Math.log(ScalingAction.MAX_CPU_LIMIT / ScalingAction.MIN_CPU_LIMIT), 0, 1);
        f[6] = m.replicas() == 0 ? 0 : (float) ((double) m.readyReplicas() / m.replicas());
        f[7] = (float) rateChange(m.arrivalRate(), previousRate);
        return f;
    }

    static double rateChange(double rate, double previous) {
        if (!(previous > 0) || !(rate > 0)) {
            return rate > 0 && !(previous > 0) ? 1 : 0;
        }
        return clamp(Math.log(rate / previous), -1, 1);
    }

    private static double finiteOr(double v, double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }

    static double clamp(double v, double lo, double hi) {
        return Double.isNaN(v) ? lo : Math.max(lo, Math.min(hi, v));
    }
}
