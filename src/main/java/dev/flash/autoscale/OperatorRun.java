package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;

/**
 * What an operator sees of an autoscaler on one service and one load: requests that missed the
 * SLO and the core-seconds it allocated, over the same steps for every autoscaler.
 *
 * @param autoscaler   its name
 * @param steps        steps played
 * @param requests     requests offered
 * @param sloMisses    requests answered late or dropped
 * @param coreSeconds  cores allocated x seconds
 * @param meanReward   mean {@link AutoscaleReward} per step
 * @param scalingMoves steps where the allocation changed
 */
public record OperatorRun(String autoscaler, int steps, double requests, double sloMisses, double coreSeconds,
                          double meanReward, int scalingMoves) {

    /** Share of requests that missed the SLO. */
    public double violationShare() {
        return requests <= 0 ? 0 : sloMisses / requests;
    }

    /**
     * Runs {@code autoscaler} on {@code spec} for the whole of {@code load}, starting from what an
     * operator would set up for HPA: the per-replica CPU limit ({@link #operatorLimit}) that lets
     * the maximum replicas carry the trace's peak at 70% utilization, and the replicas the first
     * step needs at 70%, and the pods' CPU request ({@link #operatorRequest}). The request is part
     * of the pod spec, the same whichever autoscaler runs: the service reports it in every step (the
     * HPA-floor guard reads it there), and HPA measures its utilization against it ({@link
     * HpaReference#setRequestShare}). The service's randomness comes from {@code seed}: two
     * autoscalers run with the same seed see the same requests.
     */
    public static OperatorRun run(Autoscaler autoscaler, ServiceSpec spec, LoadTrace load, long seed) {
        return run(autoscaler, spec, load, seed, null);
    }

    /** Sees each step's metrics as a run plays it. */
    public interface StepObserver {
        /** Step {@code t} (1 to the load's steps - 1, the steps the totals count) ended with {@code metrics}. */
        void step(int t, StepMetrics metrics);
    }

    /** {@link #run(Autoscaler, ServiceSpec, LoadTrace, long)}, showing {@code observer} (if not null) every counted step. */
    public static OperatorRun run(Autoscaler autoscaler, ServiceSpec spec, LoadTrace load, long seed, StepObserver observer) {
        Bounds bounds = Bounds.of(spec.maxReplicas());
        double limit = operatorLimit(spec, load.peak());
        double request = operatorRequest(spec, limit);
        if (autoscaler instanceof HpaReference hpa) {
            hpa.setRequestShare(request / limit);
        }
        double need = load.rate(0) * spec.serviceSeconds(limit) / HpaReference.DEFAULT_TARGET;
        Allocation now = bounds.clamp(new Allocation((int) Math.ceil(need), limit));
        SimulatedService service = new SimulatedService(spec, now, request, seed);
        autoscaler.reset();
        StepMetrics last = service.step(load.rate(0));
        double requests = 0;
        double misses = 0;
        double cores = 0;
        double reward = 0;
        int moves = 0;
        for (int t = 1; t < load.steps(); t++) {
            Allocation next = bounds.clamp(autoscaler.decide(last, now, bounds));
            if (!next.equals(now)) {
                moves++;
            }
            service.allocate(next);
            now = next;
            last = service.step(load.rate(t));
            if (observer != null) {
                observer.step(t, last);
            }
            requests += last.requests();
            misses += last.sloMisses();
            cores += last.coreSeconds();
            reward += AutoscaleReward.of(last, spec);
        }
        int steps = Math.max(1, load.steps() - 1);
        return new OperatorRun(autoscaler.name(), steps, requests, misses, cores, reward / steps, moves);
    }

    /**
     * The CPU request an operator sets with limit {@code limit}: what a saturated replica burns
     * under it (a load test shows it), so that HPA's 70% target is reachable when the service
     * cannot use the whole limit; the limit itself at or below one core.
     */
    public static double operatorRequest(ServiceSpec spec, double limit) {
        return Math.min(limit, spec.effectiveCores(limit));
    }

    /**
     * The smallest of 0.25, 0.5, 1, 2, 4 or 8 cores per replica with which the maximum replicas
     * serve {@code peakRate} at HPA's 70% target (8 when none does).
     */
    public static double operatorLimit(ServiceSpec spec, double peakRate) {
        for (double limit : new double[] {0.25, 0.5, 1, 2, 4, 8}) {
            double capacity = spec.maxReplicas() / spec.serviceSeconds(limit) * HpaReference.DEFAULT_TARGET;
            if (capacity >= peakRate) {
                return limit;
            }
        }
        return ScalingAction.MAX_CPU_LIMIT;
    }
}
