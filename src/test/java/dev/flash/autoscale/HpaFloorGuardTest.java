package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.List;
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

    /** A step whose pods have CPU request {@code request} (cores) under limit {@code limit}. */
    static StepMetrics withRequest(int replicas, int ready, double limit, double request, double usagePerReplica) {
        return new StepMetrics(100, usagePerReplica / limit, usagePerReplica, 0.3, 1, 0.1, 0.2, 0.3, replicas, ready,
                limit, request, 6000, 0, replicas * limit * 60);
    }

    @Test
    void matchesHpasDesiredCountWithTheOperatorsRequestBelowAndAboveOneCore() {
        // the request the operator set (a share of the limit below one above one core): the guard's
        // floor is HpaReference's desired count on every scale-out, at any limit
        Random random = new Random(23);
        Bounds wide = new Bounds(1, 1000, 0.1, 8, 0);
        int below = 0;
        int above = 0;
        for (int i = 0; i < 4000; i++) {
            int replicas = 1 + random.nextInt(40);
            int ready = random.nextInt(4) == 0 ? random.nextInt(replicas + 1) : replicas;
            double limit = (10 + 5 * random.nextInt(159)) / 100.0; // 0.1-8 cores on the 50m grid
            double share = limit <= 1 ? 1 : 0.3 + 0.7 * random.nextDouble(); // as min(L, c_e(L)) / L for e in [0.3, 1]
            double request = share * limit;
            StepMetrics last = withRequest(replicas, ready, limit, request, random.nextDouble() * 1.2 * request);
            HpaReference hpa = new HpaReference();
            hpa.setRequestShare(share);
            int desired = hpa.desired(last, replicas);
            Allocation hold = new Allocation(replicas, limit);
            Allocation guarded = MoveGuard.HPA_FLOOR.apply(last, Double.NaN, hold, wide);
            if (ready > 0 && desired > replicas) {
                if (limit > 1) {
                    above++;
                } else {
                    below++;
                }
                assertEquals(desired, guarded.replicas(), last.toString());
            } else {
                assertEquals(hold, guarded, "HPA holds or scales in: a no-op passes " + last);
            }
        }
        assertTrue(below > 100 && above > 500, "scale-outs checked below / above one core: " + below + " / " + above);
    }

    @Test
    void readsTheRequestNotTheAssumedEfficiency() {
        // 4 cores, request 1.6 (a service of parallel efficiency 0.2), 10 ready burning 1.4 cores each:
        // HPA sees 1.4 / 1.6 = 0.875 of the request, ratio 1.25, desired ceil(12.5) = 13; the old guard's
        // request c(4) = 2.5 saw 0.56 and would have let a scale-in to 9 through
        StepMetrics last = withRequest(10, 10, 4, 1.6, 1.4);
        HpaReference hpa = new HpaReference();
        hpa.setRequestShare(0.4);
        assertEquals(13, hpa.desired(last, 10));
        assertEquals(new Allocation(13, 4), guard(last, new Allocation(9, 4)));
        // the same pods with a request of the whole limit (Kubernetes' default): HPA sees 0.35 and holds
        assertEquals(new Allocation(9, 4), guard(withRequest(10, 10, 4, 4, 1.4), new Allocation(9, 4)));
    }

    @Test
    void aLimitCutBelowTheRequestLowersTheRequestAsTheControllerDoes() {
        // request 1.5 under a 2-core limit; cut to 1 core: the request becomes 1, 4 x 0.9 busy cores
        // need ceil(3.6 / 0.7) = 6 replicas at HPA's ratio
        StepMetrics last = withRequest(4, 4, 2, 1.5, 0.9);
        assertEquals(new Allocation(6, 1), guard(last, new Allocation(4, 1)));
        assertEquals(new Allocation(4, 2), guard(last, new Allocation(4, 2)), "0.9 / 1.5 = 0.6: HPA holds at 2 cores");
    }

    @Test
    void hpaBehindItsOwnFloorIsHpaOnTheSimulator() {
        // the operator's pod spec (OperatorRun) for every autoscaler: HPA raised to the floor allocates
        // exactly what HPA does, on services whose limit is above one core and efficiency far from 0.5
        List<ServiceSpec> services = ServicePopulation.split(ServicePopulation.sample(200, 7, 0.2), ServiceSpec.TRAIN);
        int checked = 0;
        for (int i = 0; i < services.size() && checked < 6; i++) {
            ServiceSpec spec = services.get(i);
            LoadTrace load = LoadTrace.synthetic(spec.load(), 240, 1000 + i);
            if (OperatorRun.operatorLimit(spec, load.peak()) <= 1 || Math.abs(spec.parallelEfficiency() - 0.5) < 0.2) {
                continue;
            }
            checked++;
            OperatorRun hpa = OperatorRun.run(new HpaReference(), spec, load, 1000 + i);
            OperatorRun floored = OperatorRun.run(new HpaReference() {
                @Override
                public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
                    return MoveGuard.HPA_FLOOR.apply(last, Double.NaN, super.decide(last, now, bounds), bounds);
                }
            }, spec, load, 1000 + i);
            assertEquals(hpa.coreSeconds(), floored.coreSeconds(), 1e-6, spec.name());
            assertEquals(hpa.sloMisses(), floored.sloMisses(), 1e-6, spec.name());
        }
        assertEquals(6, checked, "enough services above one core");
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
