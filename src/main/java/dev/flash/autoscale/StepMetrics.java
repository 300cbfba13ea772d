package dev.flash.autoscale;

/**
 * What one step of a service looks like from outside: what a metrics server and a service mesh
 * (or Prometheus) report, and what the step cost.
 *
 * @param arrivalRate      requests per second offered this step
 * @param cpuUtilization   CPU used / CPU limit, mean over ready replicas (what HPA reads); below the replicas'
 *                         busy share when the limit is above one core and the service's parallel efficiency below 1
 * @param cpuUsageCores    cores used (burned) per ready replica, as metrics-server reports: at most the cores the
 *                         service's parallelism can use under its limit
 * @param memoryUtilization memory used / memory limit, mean over ready replicas
 * @param sloPreservation  share of this step's requests answered within the SLO (dropped ones count as missed)
 * @param latencyP50       seconds
 * @param latencyP95       seconds
 * @param latencyP99       seconds
 * @param replicas         replicas allocated (ready and starting)
 * @param readyReplicas    replicas serving
 * @param cpuLimit         CPU limit per replica, cores
 * @param cpuRequest       CPU request per replica, cores, as the pod spec sets it (at most the limit): what HPA's
 *                         utilization is measured against, and so what {@link HpaFloorGuard} reads
 * @param requests         requests offered this step
 * @param sloMisses        requests of this step not answered within the SLO (late or dropped)
 * @param coreSeconds      cores allocated times the step length
 */
public record StepMetrics(double arrivalRate, double cpuUtilization, double cpuUsageCores, double memoryUtilization,
                          double sloPreservation, double latencyP50, double latencyP95, double latencyP99,
                          int replicas, int readyReplicas, double cpuLimit, double cpuRequest, double requests, double sloMisses,
                          double coreSeconds) {
}
