package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** HPA as the teacher of behaviour cloning: its move on AWARE's set, and the labels a taught environment gives. */
class HpaTeacherTest {

    private static final ServiceSpec SPEC = ServicePopulation.sample(5, 3, 0.2).get(0);

    @Test
    void directionFollowsHpasOwnDecisionStepByStepWindowIncluded() {
        // the teacher and a plain HPA see the same random trajectory: the teacher says out exactly
        // when HPA raises the replicas, in when it lowers them (after its five-minute window), no-op otherwise
        Random random = new Random(17);
        Bounds bounds = new Bounds(1, 40, 0.1, 8, 0);
        HpaTeacher teacher = new HpaTeacher(SPEC, MoveGuard.HPA_FLOOR);
        HpaReference hpa = new HpaReference();
        int[] seen = new int[ScalingAction.values().length];
        int replicas = 10;
        int differsFromTheOperatorsRequest = 0;
        HpaReference operators = new HpaReference(); // the request an operator would set for the limit (before the fix)
        for (int i = 0; i < 600; i++) {
            double limit = (10 + 5 * random.nextInt(19)) / 100.0 * (random.nextBoolean() ? 1 : 8);
            int ready = random.nextInt(5) == 0 ? random.nextInt(replicas + 1) : replicas;
            // the pod's request, below its limit as an operator may set it: HPA reads usage over it
            double request = limit * (0.3 + 0.7 * random.nextDouble());
            // usage over the request uniform in [0, 1], as the test drew it before requests below the limit
            StepMetrics last = withRequest(HpaFloorGuardTest.at(100, random.nextDouble() * request / limit, replicas,
                    ready, limit), request);
            Allocation now = new Allocation(replicas, limit);
            hpa.setRequestShare(request / limit);
            operators.setRequestShare(Math.min(1, SPEC.effectiveCores(limit) / limit));
            int target = hpa.decide(last, now, bounds).replicas();
            if (operators.decide(last, now, bounds).replicas() != target) {
                differsFromTheOperatorsRequest++;
            }
            int action = teacher.action(last, Double.NaN, now, bounds);
            ScalingAction expected = target > replicas ? ScalingAction.SCALE_OUT
                    : target < replicas ? ScalingAction.SCALE_IN : ScalingAction.NO_OP;
            assertEquals(expected.ordinal(), action, "step " + i + ": HPA " + replicas + " -> " + target);
            seen[action]++;
            replicas = Math.max(1, Math.min(40, replicas + random.nextInt(5) - 2));
        }
        assertTrue(seen[0] > 30 && seen[1] > 30 && seen[2] > 30, "every horizontal move checked: "
                + java.util.Arrays.toString(seen));
        assertEquals(0, seen[3] + seen[4], "HPA never touches the CPU limit");
        assertTrue(differsFromTheOperatorsRequest > 30, "the pod's request matters: on "
                + differsFromTheOperatorsRequest + " steps the limit's operator request gives another count");
    }

    /** {@code m} with the pod's CPU request {@code request}. */
    static StepMetrics withRequest(StepMetrics m, double request) {
        return new StepMetrics(m.arrivalRate(), m.cpuUtilization(), m.cpuUsageCores(), m.memoryUtilization(),
                m.sloPreservation(), m.latencyP50(), m.latencyP95(), m.latencyP99(), m.replicas(), m.readyReplicas(),
                m.cpuLimit(), request, m.requests(), m.sloMisses(), m.coreSeconds());
    }

    @Test
    void aTaughtEnvironmentLabelsEveryStepAndAnUntaughtOneNone() {
        AutoscaleEnvironment plain = new AutoscaleEnvironment(SPEC, null, 30, 5);
        plain.reset();
        assertEquals(-1, plain.expertAction());
        AutoscaleEnvironment taught = new AutoscaleEnvironment(SPEC, null, 30, 5);
        taught.guardWith(MoveGuard.HPA_FLOOR);
        taught.teachWith(HpaTeacher.Mapping.DIRECTION);
        taught.reset();
        for (int t = 0; t < 30; t++) {
            int label = taught.expertAction();
            assertTrue(label >= 0 && label <= ScalingAction.SCALE_IN.ordinal(), "a horizontal move: " + label);
            if (taught.step(label).done()) {
                break;
            }
        }
    }

    @Test
    void theTeacherAsAnAutoscalerRunsBehindItsGuard() {
        LoadTrace load = LoadTrace.synthetic(SPEC.load(), 120, 9);
        OperatorRun run = OperatorRun.run(new HpaTeacher(SPEC, MoveGuard.HPA_FLOOR), SPEC, load, 9);
        assertEquals(119, run.steps());
        assertTrue(run.coreSeconds() > 0);
    }
}
