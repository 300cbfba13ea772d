package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import org.junit.jupiter.api.Test;

/** The guard between a learned move and the workload, and the proportional scale-in it pairs with. */
class UtilizationGuardTest {

    private static final Bounds BOUNDS = new Bounds(1, 20, 0.1, 8, 0);

    /** A step at {@code rate} req/s with {@code ready} of {@code replicas} serving at {@code util}. */
    static StepMetrics at(double rate, double util, int replicas, int ready, double limit) {
        return new StepMetrics(rate, util, util * limit, 0.3, 1, 0.1, 0.2, 0.3, replicas, ready, limit, limit, rate * 60, 0, 60);
    }

    /** Predicted utilization of {@code a} after {@code last}, as the guard computes it. */
    static double predicted(StepMetrics last, double previousRate, Allocation a) {
        return UtilizationGuard.predicted(UtilizationGuard.work(last, previousRate), a);
    }

    @Test
    void aMoveThatKeepsTheBoundPassesUnchanged() {
        StepMetrics last = at(100, 0.4, 10, 10, 1);
        Allocation in = new Allocation(6, 1); // 4 busy cores on 6: 0.67
        assertEquals(in, UtilizationGuard.apply(last, 100, in, BOUNDS));
        Allocation up = new Allocation(10, 1.5);
        assertEquals(up, UtilizationGuard.apply(last, 100, up, BOUNDS));
    }

    @Test
    void aScaleInThatWouldOverloadIsRaisedToTheTarget() {
        StepMetrics last = at(100, 0.6, 10, 10, 1);
        Allocation proposed = new Allocation(5, 1); // 6 busy cores on 5
        assertTrue(predicted(last, 100, proposed) > UtilizationGuard.BOUND);
        Allocation guarded = UtilizationGuard.apply(last, 100, proposed, BOUNDS);
        assertEquals(1.0, guarded.cpuLimit(), 1e-12);
        assertTrue(predicted(last, 100, guarded) <= UtilizationGuard.TARGET + 1e-9, guarded.toString());
        // and no more than the target needs: one replica fewer would exceed it
        assertTrue(predicted(last, 100, new Allocation(guarded.replicas() - 1, 1)) > UtilizationGuard.TARGET);
    }

    @Test
    void aRisingRateIsExtrapolatedAFallingOneIsNot() {
        StepMetrics rising = at(150, 0.6, 10, 10, 1);
        Allocation hold = new Allocation(10, 1);
        Allocation guarded = UtilizationGuard.apply(rising, 100, hold, BOUNDS);
        assertTrue(guarded.replicas() > 10, "a 1.5x rise at 0.6 predicts 0.9: " + guarded);
        StepMetrics falling = at(50, 0.6, 10, 10, 1);
        assertEquals(hold, UtilizationGuard.apply(falling, 100, hold, BOUNDS));
    }

    @Test
    void aSaturatedServiceCountsMoreWorkThanItShows() {
        StepMetrics saturated = at(100, 0.95, 10, 10, 1);
        Allocation hpaLike = new Allocation(14, 1); // ceil(10 x 0.95 / 0.7) = 14
        Allocation guarded = UtilizationGuard.apply(saturated, 100, hpaLike, BOUNDS);
        assertTrue(guarded.replicas() > 14, guarded.toString());
    }

    @Test
    void shrinkingTheLimitIsPaidForInReplicas() {
        StepMetrics last = at(100, 0.7, 4, 4, 1);
        Allocation guarded = UtilizationGuard.apply(last, 100, new Allocation(4, 0.8), BOUNDS);
        assertEquals(0.8, guarded.cpuLimit(), 1e-12);
        assertTrue(guarded.replicas() > 4);
    }

    @Test
    void atMaximumReplicasTheLimitGrows() {
        StepMetrics last = at(100, 0.9, 20, 20, 1);
        Allocation guarded = UtilizationGuard.apply(last, 100, new Allocation(20, 1), BOUNDS);
        assertEquals(20, guarded.replicas());
        assertTrue(guarded.cpuLimit() > 1, guarded.toString());
    }

    @Test
    void withoutAReadyReplicaNothingIsRemoved() {
        StepMetrics starting = at(100, 0, 6, 0, 1);
        assertEquals(6, UtilizationGuard.apply(starting, 100, new Allocation(4, 1), BOUNDS).replicas());
        assertEquals(8, UtilizationGuard.apply(starting, 100, new Allocation(8, 1), BOUNDS).replicas());
    }

    @Test
    void scaleInIsProportionalToTheLastStep() {
        // 10 replicas at 0.3: 3 busy replicas, at 0.6 that is 5
        assertEquals(new Allocation(5, 1), ScalingAction.SCALE_IN.apply(at(100, 0.3, 10, 10, 1), new Allocation(10, 1), BOUNDS));
        // at 0.58 the target would keep 10: still one fewer
        assertEquals(new Allocation(9, 1), ScalingAction.SCALE_IN.apply(at(100, 0.58, 10, 10, 1), new Allocation(10, 1), BOUNDS));
        // never below the bounds
        assertEquals(new Allocation(1, 1), ScalingAction.SCALE_IN.apply(at(1, 0.01, 3, 3, 1), new Allocation(3, 1), BOUNDS));
        // without a ready replica: a quarter, as without metrics
        assertEquals(new Allocation(6, 1), ScalingAction.SCALE_IN.apply(at(100, 0, 8, 0, 1), new Allocation(8, 1), BOUNDS));
        // the other moves are the metric-free ones
        assertEquals(new Allocation(10, 1.25), ScalingAction.SCALE_UP.apply(at(100, 0.3, 10, 10, 1), new Allocation(10, 1), BOUNDS));
    }
}
