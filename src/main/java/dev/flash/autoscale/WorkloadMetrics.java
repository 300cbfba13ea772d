package dev.flash.autoscale;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;

/**
 * One workload's metrics for one decision, as the recommend stream reads them (one JSON object
 * per line) and the controller gathers them from the metrics API and Prometheus.
 *
 * @param workload           the workload's id (e.g. namespace/name)
 * @param replicas           replicas the workload has (ready and starting)
 * @param readyReplicas      replicas serving
 * @param cpuLimit           CPU limit per replica, cores
 * @param cpuRequest         CPU request per replica, cores (the pod spec's; the limit when it sets none, as
 *                           Kubernetes defaults it): what HPA's utilization, and so the HPA-floor guard, divides by
 * @param cpuUsageCores      CPU used per ready replica, cores (mean over the period)
 * @param memoryUtilization  memory used / limit per replica, mean
 * @param requestRate        requests per second over the period
 * @param sloSeconds         latency SLO of a request
 * @param sloPreservation    share of requests within the SLO over the period
 * @param latencyP95Seconds  95th percentile latency over the period
 * @param bounds             what the autoscaler may do to the workload
 */
public record WorkloadMetrics(String workload, int replicas, int readyReplicas, double cpuLimit, double cpuRequest,
                              double cpuUsageCores,
                              double memoryUtilization, double requestRate, double sloSeconds, double sloPreservation,
                              double latencyP95Seconds, Bounds bounds) {

    public Allocation allocation() {
        return new Allocation(replicas, cpuLimit);
    }

    /**
     * The step as the model's features see it. Latency percentiles other than p95 are not used by
     * the features and are derived from p95 under the exponential tail the simulator assumes.
     */
    public StepMetrics toStep() {
        double util = cpuLimit <= 0 ? 0 : cpuUsageCores / cpuLimit;
        double mean = latencyP95Seconds / -Math.log(0.05);
        return new StepMetrics(requestRate, util, cpuUsageCores, memoryUtilization, sloPreservation,
                QueueingModel.quantile(mean, 0.5), latencyP95Seconds, QueueingModel.quantile(mean, 0.99), replicas,
                readyReplicas, cpuLimit, cpuRequest, requestRate * SimulatedService.STEP_SECONDS, 0,
                replicas * cpuLimit * SimulatedService.STEP_SECONDS);
    }

    /**
     * Reads one line's object; every problem names the field. Optional: ready_replicas
     * (default replicas), cpu_request (default cpu_limit, at most cpu_limit), memory_utilization (0), min_replicas (1), min_cpu / max_cpu
     * (the model's range), max_step (0, none), and {@code agent}, which must be "autoscale".
     */
    public static WorkloadMetrics parse(JsonObject o) throws InvalidInputException {
        String workload = text(o, "workload");
        JsonElement agent = o.get("agent");
        if (agent != null && !"autoscale".equals(agent.isJsonPrimitive() ? agent.getAsString() : "")) {
            throw new InvalidInputException("agent: this stream serves the autoscale contract, the line is for " + agent);
        }
        int replicas = integer(o, "replicas", 0, 100_000, null);
        int ready = integer(o, "ready_replicas", 0, replicas, replicas);
        double limit = number(o, "cpu_limit", 1e-3, 1024, null);
        double request = number(o, "cpu_request", 1e-3, limit, limit);
        double usage = number(o, "cpu_usage_cores", 0, 1024, null);
        double memory = number(o, "memory_utilization", 0, 100, 0.0);
        double rate = number(o, "request_rate", 0, 1e9, null);
        double slo = number(o, "slo_seconds", 1e-6, 86_400, null);
        double preservation = number(o, "slo_preservation", 0, 1, null);
        double p95 = number(o, "latency_p95_seconds", 0, 86_400, null);
        int maxReplicas = integer(o, "max_replicas", 1, 100_000, null);
        int minReplicas = integer(o, "min_replicas", 0, maxReplicas, 1);
        double minCpu = number(o, "min_cpu", ScalingAction.MIN_CPU_LIMIT, ScalingAction.MAX_CPU_LIMIT, ScalingAction.MIN_CPU_LIMIT);
        double maxCpu = number(o, "max_cpu", minCpu, ScalingAction.MAX_CPU_LIMIT, ScalingAction.MAX_CPU_LIMIT);
        int maxStep = integer(o, "max_step", 0, 100_000, 0);
        return new WorkloadMetrics(workload, replicas, ready, limit, request, usage, memory, rate, slo, preservation, p95,
                new Bounds(minReplicas, maxReplicas, minCpu, maxCpu, maxStep));
    }

    private static String text(JsonObject o, String field) throws InvalidInputException {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new InvalidInputException(field + ": missing");
        }
        if (!e.isJsonPrimitive() || e.getAsString().isBlank()) {
            throw new InvalidInputException(field + ": must be a non-empty string, got " + e);
        }
        return e.getAsString();
    }

    private static double number(JsonObject o, String field, double min, double max, Double fallback)
            throws InvalidInputException {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) {
                throw new InvalidInputException(field + ": missing");
            }
            return fallback;
        }
        double v;
        try {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new NumberFormatException();
            }
            v = e.getAsDouble();
        } catch (RuntimeException ex) {
            throw new InvalidInputException(field + ": not a number: " + e);
        }
        if (!(v >= min && v <= max)) {
            throw new InvalidInputException(field + ": " + v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    private static int integer(JsonObject o, String field, int min, int max, Integer fallback) throws InvalidInputException {
        double v = number(o, field, min, max, fallback == null ? null : fallback.doubleValue());
        if (v != Math.rint(v)) {
            throw new InvalidInputException(field + ": not an integer: " + v);
        }
        return (int) v;
    }
}
