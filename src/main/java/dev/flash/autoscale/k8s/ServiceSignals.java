package dev.flash.autoscale.k8s;

import java.util.Optional;

/**
 * Request rate and latency of a workload, from a service mesh or Prometheus; optional. Without
 * them the controller uses the workload's total CPU use as its rate (the rate's changes are what
 * the model reads) and takes the SLO as kept: the model then scales on CPU alone.
 *
 * @param requestRate        requests per second
 * @param sloPreservation    share of requests within the SLO
 * @param latencyP95Seconds  95th percentile latency
 */
public record ServiceSignals(double requestRate, double sloPreservation, double latencyP95Seconds) {

    /** Where the controller reads them from. */
    @FunctionalInterface
    public interface Source {
        Optional<ServiceSignals> read(String namespace, String name, double sloSeconds);
    }

    public static final Source NONE = (ns, name, slo) -> Optional.empty();
}
