package dev.flash.autoscale;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated service: what a request costs, how the service uses cores and memory, how fast a
 * replica starts, its SLO, and the shape of its load. The autoscaler sees none of this directly;
 * it sees the step metrics ({@link StepMetrics}) the service produces, and FLASH's context.
 *
 * @param name               stable name, {@code svc-NNNN}
 * @param split              "train" (meta-training) or "test" (held out)
 * @param cpuPerRequest      mean CPU demand of one request, core-seconds on one full core
 * @param demandCv           coefficient of variation of a request's demand (0 = deterministic)
 * @param parallelEfficiency share of each core beyond the first a replica turns into speed, (0, 1]
 * @param memoryBaseMib      memory of an idle replica, MiB
 * @param memoryPerRequestMib memory per request in flight, MiB
 * @param memoryLimitMib     memory limit per replica, MiB
 * @param startupSteps       steps a new replica takes before it serves (each step is
 *                           {@link SimulatedService#STEP_SECONDS})
 * @param sloSeconds         latency SLO of one request, seconds
 * @param maxReplicas        largest replica count the service may run
 * @param load               its load pattern (synthetic arrivals)
 */
public record ServiceSpec(String name, String split, double cpuPerRequest, double demandCv, double parallelEfficiency,
                          double memoryBaseMib, double memoryPerRequestMib, double memoryLimitMib, int startupSteps,
                          double sloSeconds, int maxReplicas, LoadShape load) {

    /** Splits of a population. */
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    /**
     * The synthetic arrival process of a service (requests per second).
     *
     * @param peakRate        requests per second at the top of the daily cycle
     * @param trough          rate at the bottom of the cycle as a share of the peak, [0, 1]
     * @param periodSteps     steps in one cycle (a compressed day)
     * @param burstsPerCycle  expected bursts per cycle
     * @param burstFactor     rate multiplier during a burst, >= 1
     * @param burstSteps      steps a burst lasts
     * @param noise           sigma of the log-normal per-step noise
     */
    public record LoadShape(double peakRate, double trough, int periodSteps, double burstsPerCycle,
                            double burstFactor, int burstSteps, double noise) {
    }

    /** Every impossible parameter of this spec, each as "field: why" (empty when valid). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        check(p, name != null && !name.isBlank(), "name", "missing");
        check(p, TRAIN.equals(split) || TEST.equals(split), "split", "must be \"train\" or \"test\", got " + split);
        check(p, cpuPerRequest > 0 && cpuPerRequest <= 60, "cpu_per_request", "must be in (0, 60] core-seconds, got " + cpuPerRequest);
        check(p, demandCv >= 0 && demandCv <= 10, "demand_cv", "must be in [0, 10], got " + demandCv);
        check(p, parallelEfficiency > 0 && parallelEfficiency <= 1, "parallel_efficiency", "must be in (0, 1], got " + parallelEfficiency);
        check(p, memoryBaseMib > 0, "memory_base_mib", "must be > 0, got " + memoryBaseMib);
        check(p, memoryPerRequestMib >= 0, "memory_per_request_mib", "must be >= 0, got " + memoryPerRequestMib);
        check(p, memoryLimitMib > memoryBaseMib, "memory_limit_mib", "must exceed memory_base_mib (" + memoryBaseMib + "), got " + memoryLimitMib);
        check(p, startupSteps >= 0 && startupSteps <= 100, "startup_steps", "must be in [0, 100], got " + startupSteps);
        check(p, sloSeconds > cpuPerRequest / ScalingAction.MAX_CPU_LIMIT, "slo_seconds",
                "must exceed the fastest possible request (" + cpuPerRequest / ScalingAction.MAX_CPU_LIMIT + " s), got " + sloSeconds);
        check(p, maxReplicas >= 1 && maxReplicas <= 1000, "max_replicas", "must be in [1, 1000], got " + maxReplicas);
        if (load == null) {
            p.add("load: missing");
        } else {
            check(p, load.peakRate() > 0, "load.peak_rate", "must be > 0, got " + load.peakRate());
            check(p, load.trough() >= 0 && load.trough() <= 1, "load.trough", "must be in [0, 1], got " + load.trough());
            check(p, load.periodSteps() >= 2, "load.period_steps", "must be >= 2, got " + load.periodSteps());
            check(p, load.burstsPerCycle() >= 0, "load.bursts_per_cycle", "must be >= 0, got " + load.burstsPerCycle());
            check(p, load.burstFactor() >= 1, "load.burst_factor", "must be >= 1, got " + load.burstFactor());
            check(p, load.burstSteps() >= 1, "load.burst_steps", "must be >= 1, got " + load.burstSteps());
            check(p, load.noise() >= 0 && load.noise() <= 2, "load.noise", "must be in [0, 2], got " + load.noise());
        }
        return p;
    }

    private static void check(List<String> problems, boolean ok, String field, String why) {
        if (!ok) {
            problems.add(field + ": " + why);
        }
    }

    /** Cores a replica with CPU limit {@code limit} turns into speed: the first fully, the rest by efficiency. */
    public double effectiveCores(double limit) {
        return Math.min(limit, 1.0) + parallelEfficiency * Math.max(0, limit - 1.0);
    }

    /** Mean service time of one request on a replica with CPU limit {@code limit}, seconds. */
    public double serviceSeconds(double limit) {
        return cpuPerRequest / effectiveCores(limit);
    }
}
