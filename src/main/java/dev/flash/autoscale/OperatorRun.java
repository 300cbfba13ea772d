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
     * Runs {@code autoscaler} on {@code spec} for the whole of {@code load}, starting from the
     * allocation the first step's load needs at 70% utilization on one core (what a well-set HPA
     * would hold), with the service's randomness from {@code seed}: two autoscalers run with the
     * same seed see the same requests.
     */
    public static OperatorRun run(Autoscaler autoscaler, ServiceSpec spec, LoadTrace load, long seed) {
        Bounds bounds = Bounds.of(spec.maxReplicas());
        double need = load.rate(0) * spec.serviceSeconds(1.0) / HpaReference.DEFAULT_TARGET;
        Allocation now = bounds.clamp(new Allocation((int) Math.ceil(need), 1.0));
        SimulatedService service = new SimulatedService(spec, now, seed);
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
            requests += last.requests();
            misses += last.sloMisses();
            cores += last.coreSeconds();
            reward += AutoscaleReward.of(last);
        }
        int steps = Math.max(1, load.steps() - 1);
        return new OperatorRun(autoscaler.name(), steps, requests, misses, cores, reward / steps, moves);
    }
}
