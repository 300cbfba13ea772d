package dev.flash.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.HiddenParams;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.Phase;
import dev.flash.sim.SimSpec;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slowdown guard behind the worst model there is (one that always asks for the floor), on
 * the simulated node, on the shapes that broke its budget before 2026-12-07: spikes after a
 * long idle stretch on a node whose run queue shows no wait (one thread per CPU), short bursts
 * after quiet seconds (on the default node), and requests of two seconds after think times (the
 * afternoon's change). The guard must keep each application's total within the budget.
 */
class SlowdownGuardOnSimulatedNodeTest {

    static final double BUDGET = 0.05;

    /** Asks every policy for its lowest frequency. */
    static final class Floor implements FrequencyPolicy {
        @Override
        public String name() {
            return "floor";
        }

        @Override
        public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
            List<PolicyDecision> out = new ArrayList<>();
            for (PolicySample p : record.policies()) {
                out.add(new PolicyDecision(p.id(), 0, "floor", p.cpuinfoMinKhz(), new float[0], Double.NaN));
            }
            return out;
        }
    }

    static double slowdown(NodeSpec node, AppSpec app) {
        return OperatorEvaluation.run("floor+guard", n -> new SlowdownGuard(new Floor(), BUDGET), node, app, 320, 11,
                0, 1).slowdown();
    }

    static AppSpec app(String name, Phase... phases) {
        return new AppSpec(name, List.of(phases), HiddenParams.TYPICAL, "test");
    }

    @Test
    void theCappedShareRuleHoldsFramesShorterThanATickWhereTheRunQueueShowsNoWait() throws Exception {
        // A frame pipeline: a saturated key frame of 0.12 s, then 0.85 and 0.55 of a CPU; one
        // thread per CPU, so nothing waits. The utilization reads a partial load, each step down
        // serves less of the key frames and the guard followed the served work down. The
        // capped-share rule (off by default) learns how the work measured moves with the clock.
        NodeSpec threadsPerCpu = SimSpec.load(Path.of("bench/nodes/threads-per-cpu.toml")).node();
        AppSpec frames = app("frames", new Phase(0.05, 1.6, 1.0, 0.12, 0, 0, 60),
                new Phase(0.20, 0.85, 1.0, 0.30, 0, 0, 60), new Phase(0.30, 0.55, 1.0, 0.55, 0, 0, 60));
        double off = OperatorEvaluation.run("floor+guard", n -> new SlowdownGuard(new Floor(), BUDGET,
                SlowdownGuard.COVER_SECONDS, false, false), threadsPerCpu, frames, 320, 11, 0, 1).slowdown();
        double on = OperatorEvaluation.run("floor+guard", n -> new SlowdownGuard(new Floor(), BUDGET,
                SlowdownGuard.COVER_SECONDS, true, false), threadsPerCpu, frames, 320, 11, 0, 1).slowdown();
        System.out.println("frames: capped-share off " + off + ", on " + on);
        assertTrue(on <= BUDGET, "within budget with the capped-share rule: " + on);
        assertTrue(on < off, "the rule holds more of the work than without it: " + on + " vs " + off);
    }

    @Test
    void spikesAfterIdleStayWithinBudgetWhereTheRunQueueShowsNoWait() throws Exception {
        NodeSpec threadsPerCpu = SimSpec.load(Path.of("bench/nodes/threads-per-cpu.toml")).node();
        AppSpec spikes = app("idle-then-spike", new Phase(0.1, 0.03, 0.5, 47.3, 0.1, 0, 60),
                new Phase(0.1, 1.8, 1.0, 9.6, 0.02, 0, 60));
        double s = slowdown(threadsPerCpu, spikes);
        assertTrue(s <= BUDGET, "slowdown " + s);
        assertTrue(s > 0.005, "and it still saves by going low while idle: " + s);
    }

    @Test
    void shortBurstsAfterQuietSecondsStayWithinBudget() {
        // On the default node (the run queue shows the bursts' wait). With one thread per CPU the
        // same application still loses 6.4% behind this model (docs/slowdown-guard.md).
        double s = slowdown(SimSpec.embeddedDefault().node(), QUIET_THEN_BURST);
        assertTrue(s <= BUDGET, "slowdown " + s);
    }

    static final AppSpec QUIET_THEN_BURST = app("quiet-then-burst", new Phase(0.35, 0.2, 0.6, 8.7, 0.15, 0, 60),
            new Phase(0.1, 1.4, 1.0, 2.3, 0.02, 0, 60));

    @Test
    void requestsOfTwoSecondsAfterThinkTimesStayWithinBudget() {
        // A request of 1.8 s after 6.5 s of think time, on the default node (counters there):
        // the request's second tick is not spent on probing the new phase's stalled share
        // (a probe costs about 13% of that tick; the request is over before it would pay off).
        AppSpec requests = app("think-then-request", new Phase(0.15, 0.03, 1.0, 6.5, 0.5, 0, 60),
                new Phase(0.1, 1.0, 1.0, 1.8, 0, 0, 60));
        double s = slowdown(SimSpec.embeddedDefault().node(), requests);
        assertTrue(s <= BUDGET, "slowdown " + s);
    }

    @Test
    void aRareSpikeAfterMinutesOfNearIdleStaysWithinBudget() {
        // 0.4% of a CPU for 52 s, then 0.8 s at 1.2 CPUs, on the default node: nearly all the work
        // is in the spikes, and the first one comes before the guard has seen any. Before the
        // cover of 2026-12-07 evening the first spike ran at the floor and lost two thirds of its work.
        AppSpec rare = app("near-idle-rare-spike", new Phase(0.05, 0.004, 1.0, 52, 0.2, 0, 60),
                new Phase(0.05, 1.2, 1.0, 0.8, 0, 0, 60));
        double s = slowdown(SimSpec.embeddedDefault().node(), rare);
        assertTrue(s <= BUDGET, "slowdown " + s);
    }

    @Test
    void anIdleHostIsNoLongerHeldAtTheTopClockAfterHalfAnHour() {
        // 0.2% of a CPU for 40 minutes behind the floor model, on the default node. The whole-run
        // cover held such a host near the maximum until its life had done about 12 CPU-seconds
        // (two and a half hours here); with the idle floor it is parked at the floor model's clock
        // for the last ten minutes, and what it lost stays within the budget.
        AppSpec idle = app("idle", new Phase(0.1, 0.002, 1.0, 2400, 0.3, 0, 60));
        NodeSpec node = SimSpec.embeddedDefault().node();
        List<OperatorEvaluation.TraceRow> rows = new ArrayList<>();
        double s = OperatorEvaluation.run("floor+guard", n -> new SlowdownGuard(new Floor(), BUDGET), node, idle, 2400,
                11, 0, 1, rows::add).slowdown();
        assertTrue(s <= BUDGET, "slowdown " + s);
        assertTrue(rows.get(60).targetKhz() >= node.maxKhz() * 0.9, "covered in its first minute: " + rows.get(60));
        for (OperatorEvaluation.TraceRow r : rows.subList(1800, rows.size())) {
            assertEquals(node.minKhz(), r.targetKhz(), "parked after 30 minutes: " + r);
        }
    }
}
