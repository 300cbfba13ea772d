package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The guard whose floor is what HPA itself would set on the same step. */
class HpaFloorGuardTest {

    private static final Bounds BOUNDS = new Bounds(1, 20, 0.1, 8, 0);

    static StepMetrics at(double rate, double util, int replicas, int ready, double limit) {
        return UtilizationGuardTest.at(rate, util, replicas, ready, limit);
    }

    static Allocation guard(StepMetrics last, Allocation proposed) {
        return MoveGuard.HPA_FLOOR.apply(last, 100, proposed, BOUNDS);
    }

    @Test
    void neverBelowHpasReplicasWhenHpaScalesOut() {
        StepMetrics hot = at(100, 0.9, 10, 10, 1); // HPA: ceil(10 x 0.9 / 0.7) = 13
        assertEquals(new Allocation(13, 1), guard(hot, new Allocation(10, 1)), "a no-op is raised to HPA's 13");
        assertEquals(new Allocation(13, 1), guard(hot, new Allocation(7, 1)), "a scale-in too");
        assertEquals(new Allocation(15, 1), guard(hot, new Allocation(15, 1)), "more than HPA passes");
    }

    @Test
    void matchesHpasOwnDesiredCountWheneverHpaScalesOut() {
        // random steps at limits up to one core (where the guard's request is HPA's exactly): a
        // no-op behind the guard lands on HPA's desired count whenever that is a scale-out
        Random random = new Random(11);
        Bounds wide = new Bounds(1, 1000, 0.1, 8, 0);
        int scaleOuts = 0;
        for (int i = 0; i < 2000; i++) {
            int replicas = 1 + random.nextInt(40);
            int ready = random.nextInt(4) == 0 ? random.nextInt(replicas + 1) : replicas;
            double limit = (10 + 5 * random.nextInt(19)) / 100.0; // on the 50m grid, as the bounds snap it
            StepMetrics last = at(100, random.nextDouble() * 1.0, replicas, ready, limit);
            int desired = new HpaReference().desired(last, replicas);
            Allocation hold = new Allocation(replicas, last.cpuLimit());
            Allocation guarded = MoveGuard.HPA_FLOOR.apply(last, Double.NaN, hold, wide);
            if (ready > 0 && desired > replicas) {
                scaleOuts++;
                assertEquals(desired, guarded.replicas(), last.toString());
            } else {
                assertEquals(hold, guarded, "HPA holds or scales in: a no-op passes " + last);
            }
        }
        assertTrue(scaleOuts > 200, "enough scale-outs checked: " + scaleOuts);
    }

    @Test
    void letsAScaleInThroughWhenHpaWould() {
        StepMetrics cool = at(100, 0.3, 10, 10, 1); // 3 busy replicas; HPA would go to ceil(10 x 0.3 / 0.7) = 5
        Allocation scaleIn = ScalingAction.SCALE_IN.apply(cool, new Allocation(10, 1), BOUNDS);
        assertEquals(new Allocation(5, 1), scaleIn);
        assertEquals(scaleIn, guard(cool, scaleIn), "the proportional scale-in passes unchanged");
        assertEquals(new Allocation(4, 1), guard(cool, new Allocation(4, 1)), "3 busy on 4 (0.75) is within HPA's band");
        assertEquals(new Allocation(4, 1), guard(cool, new Allocation(3, 1)),
                "3 busy on 3 is one HPA would scale out of: raised to the fewest it would not");
    }

    @Test
    void doesNotExtrapolateTheRateNorInflateASaturatedStep() {
        // what the utilization guard adds beyond HPA: here the floor is HPA's and nothing more
        StepMetrics rising = at(150, 0.6, 10, 10, 1);
        assertEquals(new Allocation(10, 1), MoveGuard.HPA_FLOOR.apply(rising, 100, new Allocation(10, 1), BOUNDS));
        assertTrue(MoveGuard.UTILIZATION.apply(rising, 100, new Allocation(10, 1), BOUNDS).replicas() > 10);
        StepMetrics saturated = at(100, 0.95, 10, 10, 1);
        assertEquals(new Allocation(14, 1), guard(saturated, new Allocation(10, 1)), "ceil(10 x 0.95 / 0.7) = 14");
        assertTrue(MoveGuard.UTILIZATION.apply(saturated, 100, new Allocation(10, 1), BOUNDS).replicas() > 14);
    }

    @Test
    void startingPodsCountAsIdleWhenScalingOutAsInHpa() {
        // 6 of 10 ready at 0.9: over the ready ones 1.29 x target, over all 10 (the 4 at 0%) 0.77: HPA holds
        StepMetrics starting = at(100, 0.9, 10, 6, 1);
        assertEquals(10, new HpaReference().desired(starting, 10));
        assertEquals(new Allocation(10, 1), guard(starting, new Allocation(10, 1)));
        // without any ready replica nothing is removed
        StepMetrics none = at(100, 0, 6, 0, 1);
        assertEquals(6, guard(none, new Allocation(4, 1)).replicas());
        assertEquals(8, guard(none, new Allocation(8, 1)).replicas());
    }

    @Test
    void aLimitCutIsPaidForInReplicasAndRefusedWhenTheMaximumCannot() {
        StepMetrics last = at(100, 0.7, 4, 4, 1); // 2.8 busy cores
        Allocation cut = guard(last, new Allocation(4, 0.8));
        assertEquals(0.8, cut.cpuLimit(), 1e-12);
        assertEquals(5, cut.replicas(), "ceil(2.8 / 0.8 / 0.7) = 5: HPA's scale-out at the new limit");
        StepMetrics full = at(100, 0.7, 20, 20, 1); // 14 busy cores on the maximum of 20
        assertEquals(new Allocation(20, 1), guard(full, new Allocation(20, 0.5)), "20 x 0.5 cores cannot carry 14");
    }

    @Test
    void neverGrowsTheLimit() {
        StepMetrics hot = at(100, 0.95, 20, 20, 1); // at the maximum replicas: HPA is capped, and so is the guard
        assertEquals(new Allocation(20, 1), guard(hot, new Allocation(20, 1)));
        assertTrue(MoveGuard.UTILIZATION.apply(hot, 100, new Allocation(20, 1), BOUNDS).cpuLimit() > 1);
    }
}
