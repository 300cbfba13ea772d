package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import org.junit.jupiter.api.Test;

/** HPA and HPA+VPA against cases computed by hand from the Kubernetes documentation's formula. */
class HpaReferenceTest {

    private static final Bounds BOUNDS = new Bounds(1, 20, 0.1, 8, 0);

    /** Metrics of a step with {@code replicas} of which {@code ready} serve at {@code util}. */
    static StepMetrics at(double util, int replicas, int ready, double limit) {
        return new StepMetrics(10, util, util * limit, 0.3, 1, 0.1, 0.2, 0.3, replicas, ready, limit, limit, 600, 0, 60);
    }

    @Test
    void scalesUpByTheRatioRoundedUp() {
        HpaReference hpa = new HpaReference();
        // 4 x 0.9 / 0.7 = 5.14 -> 6
        assertEquals(6, hpa.decide(at(0.9, 4, 4, 1), new Allocation(4, 1), BOUNDS).replicas());
    }

    @Test
    void holdsWithinTheTolerance() {
        HpaReference hpa = new HpaReference();
        // 0.75 / 0.7 = 1.071, within 10%
        assertEquals(4, hpa.decide(at(0.75, 4, 4, 1), new Allocation(4, 1), BOUNDS).replicas());
        // 0.64 / 0.7 = 0.914, within 10%
        assertEquals(4, hpa.decide(at(0.64, 4, 4, 1), new Allocation(4, 1), BOUNDS).replicas());
        // 0.62 / 0.7 = 0.886, outside: ceil(4 x 0.886) = 4 anyway; 10 replicas: ceil(8.86) = 9
        assertEquals(9, new HpaReference().decide(at(0.62, 10, 10, 1), new Allocation(10, 1), BOUNDS).replicas());
    }

    @Test
    void countsStartingPodsAsIdleWhenScalingUp() {
        HpaReference hpa = new HpaReference();
        // 4 ready at 0.9, 2 starting: 3.6 / 6 = 0.6 / 0.7 = 0.857 -> no scale-up (it would reverse)
        assertEquals(6, hpa.decide(at(0.9, 6, 4, 1), new Allocation(6, 1), BOUNDS).replicas());
        // 4 ready at 1.4, 2 starting: 5.6 / 6 = 0.933 / 0.7 = 1.333 -> ceil(6 x 1.333) = 8
        assertEquals(8, new HpaReference().decide(at(1.4, 6, 4, 1), new Allocation(6, 1), BOUNDS).replicas());
    }

    @Test
    void scaleDownWaitsForTheStabilizationWindow() {
        HpaReference hpa = new HpaReference(); // 300 s window = 5 steps of 60 s
        Allocation now = new Allocation(8, 1);
        assertEquals(8, hpa.decide(at(0.7, 8, 8, 1), now, BOUNDS).replicas()); // recommendation 8
        // load halves: desired ceil(8 x 0.35 / 0.7) = 4, held at 8 while 8 is in the window
        for (int i = 0; i < 4; i++) {
            assertEquals(8, hpa.decide(at(0.35, 8, 8, 1), now, BOUNDS).replicas(), "step " + i);
        }
        // the fifth low recommendation pushes the 8 out of the 5-step window
        assertEquals(4, hpa.decide(at(0.35, 8, 8, 1), now, BOUNDS).replicas());
    }

    @Test
    void utilizationIsUsageOverTheRequest() {
        // a 4-core limit of which the service can burn 2 cores: the operator requested 2 cores
        HpaReference hpa = new HpaReference();
        hpa.setRequestShare(0.5);
        hpa.reset(); // the request is set-up, not state
        // 1.8 cores burned per replica = 0.45 of the limit = 0.9 of the request: ceil(4 x 0.9 / 0.7) = 6
        assertEquals(6, hpa.decide(at(0.45, 4, 4, 4), new Allocation(4, 4), BOUNDS).replicas());
        // with the request at the limit the same usage reads 0.45: HPA scales in (after its window)
        assertEquals(3, new HpaReference().desired(at(0.45, 4, 4, 4), 4));
    }

    @Test
    void theOperatorRequestsWhatAReplicaCanBurn() {
        // efficiency 0.3, 20 replicas: the operator's limit is above one core, so the request is below it
        ServiceSpec s = new ServiceSpec("svc-r", ServiceSpec.TEST, 0.2, 0.5, 0.3, 200, 2, 600, 0, 2.0, 20,
                new ServiceSpec.LoadShape(200, 0.5, 60, 0, 1, 2, 0));
        double limit = OperatorRun.operatorLimit(s, 200);
        assertTrue(limit > 1, "limit " + limit);
        HpaReference hpa = new HpaReference() {
            double share = 1;

            @Override
            public void setRequestShare(double x) {
                share = x;
                super.setRequestShare(x);
            }

            @Override
            public String name() {
                return "probe " + share;
            }
        };
        OperatorRun.run(hpa, s, LoadTrace.synthetic(s.load(), 5, 1), 1);
        assertEquals("probe " + s.effectiveCores(limit) / limit, hpa.name());
    }

    @Test
    void scaleUpIsImmediateAndBounded() {
        HpaReference hpa = new HpaReference();
        // 15 x 1.4 / 0.7 = 30 -> max 20
        assertEquals(20, hpa.decide(at(1.4, 15, 15, 1), new Allocation(15, 1), BOUNDS).replicas());
    }

    @Test
    void vpaSetsTheLimitFromThePercentileOfUsagePlusMargin() {
        HpaVpaReference both = new HpaVpaReference();
        Allocation now = new Allocation(4, 2.0);
        // usage 0.7 cores per replica at a 2-core limit: util 0.35, HPA wants ceil(4 x 0.5) = 2 (its
        // window holds only this recommendation); P50..P95 band = [0.805, 0.805], the 2-core limit is
        // outside -> P90 x 1.15 = 0.805 -> 0.8
        Allocation next = both.decide(at(0.35, 4, 4, 2.0), now, BOUNDS);
        assertEquals(2, next.replicas());
        assertEquals(0.8, next.cpuLimit(), 1e-9);
        // the next update waits MIN_STEPS_BETWEEN_UPDATES steps even if usage moves
        Allocation later = both.decide(at(1.0, 4, 4, 0.8), next, BOUNDS);
        assertEquals(0.8, later.cpuLimit(), 1e-9);
    }

    @Test
    void vpaSetsTheRequestAndScalesTheLimitWithIt() {
        HpaVpaReference both = new HpaVpaReference();
        both.setRequestShare(0.5); // the operator's request is half the limit
        // usage 0.7 cores per replica at a 2-core limit (request 1 core): P90 x 1.15 = 0.805 is
        // outside [P50, P95] x 1.15 of the request -> request 0.805, limit 0.805 / 0.5 = 1.61
        Allocation next = both.decide(at(0.35, 4, 4, 2.0), new Allocation(4, 2.0), BOUNDS);
        assertEquals(1.6, next.cpuLimit(), 0.026);
    }

    @Test
    void percentileIsNearestRank() {
        double[] v = HpaVpaReference.sorted(5, 1, 4, 2, 3, 6, 7, 8, 9, 10);
        assertEquals(9, HpaVpaReference.percentile(v, 90));
        assertEquals(5, HpaVpaReference.percentile(v, 50));
        assertEquals(10, HpaVpaReference.percentile(v, 95));
    }
}
