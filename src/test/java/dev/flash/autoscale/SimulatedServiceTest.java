package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import org.junit.jupiter.api.Test;

class SimulatedServiceTest {

    /** 0.1 core-s per request, exponential demand (cv 1), SLO 1 s, starts in 2 steps. */
    static ServiceSpec spec(int startupSteps) {
        return new ServiceSpec("svc-t", ServiceSpec.TRAIN, 0.1, 1.0, 0.5, 200, 2, 600, startupSteps, 1.0, 20,
                new ServiceSpec.LoadShape(50, 0.2, 60, 0, 1, 2, 0));
    }

    @Test
    void latencyFollowsTheDocumentedQueueingModel() {
        ServiceSpec s = spec(0);
        // M/M/1 (cv 1): T = S / (1 - rho). 2 replicas at 1 core, 10 req/s: S = 0.1, rho = 0.5, T = 0.2 s
        assertEquals(0.2, QueueingModel.meanResponse(0.1, 0.5, 1.0), 1e-12);
        StepMetrics m = new SimulatedService(s, new Allocation(2, 1.0), 1).step(10);
        // the demand drifts by a few % per step, so compare loosely to the hand-computed figures
        assertEquals(0.5, m.cpuUtilization(), 0.05);
        // exactly, from the step's own utilization: S = rho / (5 req/s per replica), T = S / (1 - rho)
        double rho = m.cpuUtilization();
        double t = rho / 5 / (1 - rho);
        assertEquals(1 - Math.exp(-1 / t), m.sloPreservation(), 1e-9);
        assertEquals(-t * Math.log(0.05), m.latencyP95(), 1e-9);
        assertEquals(-t * Math.log(0.5), m.latencyP50(), 1e-9);
        assertEquals(120, m.coreSeconds(), 1e-9);
    }

    @Test
    void moreCoresHelpOnlyByTheParallelEfficiency() {
        ServiceSpec s = spec(0); // efficiency 0.5: a 3-core replica works like 2 cores
        assertEquals(2.0, s.effectiveCores(3.0), 1e-12);
        assertEquals(0.05, s.serviceSeconds(3.0), 1e-12);
        assertEquals(0.2, s.serviceSeconds(0.5), 1e-12);
    }

    @Test
    void usageIsTheCoresTheServiceBurnsNotItsLimit() {
        ServiceSpec s = spec(0); // efficiency 0.5: a 3-core replica works like 2 cores
        // 1 replica, 3 cores, 10 req/s of 0.1 core-s: S = 0.05 s, busy half the time, burning 1 core of 3
        StepMetrics m = new SimulatedService(s, new Allocation(1, 3.0), 1).step(10);
        assertEquals(10 * 0.1, m.cpuUsageCores(), 0.05 * 3); // the work done, within the demand drift
        assertEquals(m.cpuUsageCores() / 3.0, m.cpuUtilization(), 1e-12);
        assertTrue(m.cpuUtilization() < 0.4, "utilization " + m.cpuUtilization());
        // the reward and HPA read the same honest usage: two of the three cores count as idle
        assertEquals(m.cpuUsageCores() / 3.0, AutoscaleReward.allocatedUtilization(m), 1e-12);
        // the guard's busy share (it assumes efficiency 0.5, this service's) recovers the queue's rho
        double rho = m.cpuUsageCores() / s.effectiveCores(3.0);
        assertEquals(rho, UtilizationGuard.busyShare(m), 1e-12);

        // saturated: usage stops at the cores the parallelism can use, far below the limit
        StepMetrics hot = new SimulatedService(s, new Allocation(1, 3.0), 2).step(100);
        assertTrue(hot.cpuUsageCores() <= QueueingModel.RHO_MAX * s.effectiveCores(3.0) + 1e-9);
        assertTrue(hot.cpuUsageCores() >= 0.9 * s.effectiveCores(3.0));
        assertTrue(UtilizationGuard.busyShare(hot) >= UtilizationGuard.SATURATED);

        // at or below one core usage is utilization x limit, as before
        StepMetrics small = new SimulatedService(s, new Allocation(4, 0.5), 3).step(10);
        assertEquals(small.cpuUtilization() * 0.5, small.cpuUsageCores(), 1e-12);
    }

    @Test
    void reportsThePodsCpuRequestWhichALimitCutLowersAndNothingRaises() {
        ServiceSpec s = spec(0); // efficiency 0.5: the operator's request under 3 cores is c(3) = 2
        SimulatedService svc = new SimulatedService(s, new Allocation(2, 3.0), 1);
        assertEquals(2.0, svc.step(10).cpuRequest(), 1e-12, "the operator's request: what a replica can burn");
        assertEquals(2.0, OperatorRun.operatorRequest(s, 3.0), 1e-12);
        assertEquals(0.5, OperatorRun.operatorRequest(s, 0.5), 1e-12, "the limit itself at or below one core");
        svc.allocate(new Allocation(2, 4.0));
        assertEquals(2.0, svc.step(10).cpuRequest(), 1e-12, "a larger limit keeps the request");
        svc.allocate(new Allocation(2, 1.5));
        assertEquals(1.5, svc.step(10).cpuRequest(), 1e-12, "a limit below the request lowers it to the limit");
        svc.allocate(new Allocation(2, 3.0));
        assertEquals(1.5, svc.step(10).cpuRequest(), 1e-12, "and raising the limit again does not raise it");
        assertEquals(1.0, new SimulatedService(s, new Allocation(2, 3.0), 1.0, 1).step(10).cpuRequest(), 1e-12);
    }

    @Test
    void overloadQueuesThenDropsAndMissesTheSlo() {
        SimulatedService svc = new SimulatedService(spec(0), new Allocation(1, 1.0), 3);
        StepMetrics m = svc.step(30); // capacity 9.5 req/s
        assertTrue(m.sloPreservation() < 0.05, "preservation " + m.sloPreservation());
        assertTrue(m.sloMisses() > 0.95 * m.requests());
        assertTrue(m.cpuUtilization() >= QueueingModel.RHO_MAX - 0.05);
    }

    @Test
    void newReplicasCostCoresBeforeTheyServe() {
        SimulatedService svc = new SimulatedService(spec(2), new Allocation(2, 1.0), 5);
        svc.allocate(new Allocation(4, 1.0));
        StepMetrics first = svc.step(10);
        assertEquals(4, first.replicas());
        assertEquals(2, first.readyReplicas());
        assertEquals(240, first.coreSeconds(), 1e-9);
        assertEquals(2, svc.step(10).readyReplicas());
        assertEquals(4, svc.step(10).readyReplicas());
    }

    @Test
    void rewardTradesSloAgainstIdleCores() {
        ServiceSpec s = spec(0);
        StepMetrics tight = new SimulatedService(s, new Allocation(2, 1.0), 1).step(14);
        StepMetrics loose = new SimulatedService(s, new Allocation(12, 1.0), 1).step(14);
        StepMetrics starved = new SimulatedService(s, new Allocation(1, 1.0), 1).step(14);
        assertTrue(loose.sloPreservation() > tight.sloPreservation());
        assertTrue(AutoscaleReward.context(tight) > AutoscaleReward.context(loose), "idle cores cost");
        assertTrue(AutoscaleReward.context(tight) > AutoscaleReward.context(starved), "missed requests cost");
    }

    @Test
    void actionsMoveWithinBounds() {
        ScalingAction.Bounds b = ScalingAction.Bounds.of(10);
        Allocation a = new Allocation(8, 1.0);
        assertEquals(new Allocation(10, 1.0), ScalingAction.SCALE_OUT.apply(a, b));
        assertEquals(new Allocation(6, 1.0), ScalingAction.SCALE_IN.apply(a, b));
        assertEquals(new Allocation(8, 1.25), ScalingAction.SCALE_UP.apply(a, b));
        assertEquals(new Allocation(8, 0.8), ScalingAction.SCALE_DOWN.apply(a, b));
        assertEquals(new Allocation(1, 1.0), ScalingAction.SCALE_IN.apply(new Allocation(1, 1.0), b));
        assertEquals(a, ScalingAction.NO_OP.apply(a, b));
    }
}
