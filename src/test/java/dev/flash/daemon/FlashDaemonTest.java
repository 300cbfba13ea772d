package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.DvfsFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlashDaemonTest {
    private final FakeNode fake = new FakeNode();
    private final FakePolicies policies = new FakePolicies();

    private FlashDaemon daemon() throws ConfigException {
        DaemonConfig config = DaemonConfig.defaults().withPeriodMs(50).withRecoverAfterTicks(3);
        return new FlashDaemon(config, fake.node(), policies, DaemonLog.silent(), new SdNotify(null));
    }

    @Test
    void runsAtTheConfiguredPeriodWithoutDrift() throws Exception {
        FlashDaemon d = daemon();
        long start = System.nanoTime();
        d.run(1_000_000_000L);
        double seconds = (System.nanoTime() - start) / 1e9;
        // 1 s at 50 ms: 20 ticks; schedule against the monotonic clock keeps the count exact
        // unless the machine stalls us for whole periods (then they show up as overruns).
        // no upper bound: a busy machine may stall the loop; it then skips whole slots (overruns)
        assertTrue(seconds >= 0.95, "stopped early: " + seconds + " s");
        assertEquals(20, d.ticks() + d.jitter().overruns(), "ticks " + d.ticks());
        DaemonStatus s = d.status();
        assertNotNull(s.jitter.p50Ms);
        assertTrue(s.jitter.p50Ms >= 0 && s.jitter.p50Ms <= s.jitter.p99Ms, "p50 " + s.jitter.p50Ms + " ms");
        assertTrue(s.jitter.p99Ms <= s.jitter.maxMs);
        assertTrue(s.jitter.samples >= d.ticks() - 1 && s.jitter.samples <= d.ticks(),
                "every wait after a tick is measured: " + s.jitter.samples + " of " + d.ticks());
        assertEquals("running", s.state);
    }

    @Test
    void decisionExceptionSwitchesToFallbackRestoresAndRecovers() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        assertEquals(FlashDaemon.State.RUNNING, d.state());
        policies.modelThrows = true;
        d.tick();
        assertEquals(FlashDaemon.State.FALLBACK, d.state());
        assertEquals(1, fake.restores(), "CPU handed back on model failure");
        DaemonStatus s = d.status();
        assertTrue(s.model.fallback);
        assertTrue(s.model.reason.contains("ONNX Runtime error"), s.model.reason);
        assertTrue(s.stateReason.contains("fake-model.onnx failed"), s.stateReason);
        assertEquals(1, s.counts.fallbacks);
        assertTrue(s.fallbackReasons.get(0).contains("ONNX Runtime error"));
        assertTrue(policies.fallbackCalls >= 1, "fallback decided in the same tick");

        policies.modelThrows = false;
        int modelCallsBefore = policies.modelCalls;
        d.tick();
        d.tick();
        assertEquals(modelCallsBefore, policies.modelCalls, "model not re-tried before 3 healthy ticks");
        d.tick();
        assertEquals(FlashDaemon.State.RUNNING, d.state());
        assertFalse(d.status().model.fallback);
    }

    @Test
    void nanOutputCountsAsAFailedDecision() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        policies.modelNaN = true;
        d.tick();
        assertEquals(FlashDaemon.State.FALLBACK, d.state());
        assertTrue(d.stateReason().contains("NaN"), d.stateReason());
        assertEquals(1, fake.restores());
    }

    @Test
    void staleTelemetryGoesHandsOffAndResumes() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        fake.failSamples = 3;
        d.tick();
        d.tick();
        assertEquals(FlashDaemon.State.RUNNING, d.state(), "two failures are not yet stale");
        d.tick();
        assertEquals(FlashDaemon.State.DEGRADED, d.state());
        assertTrue(d.handsOff());
        assertEquals(1, fake.restores());
        assertTrue(d.stateReason().contains("telemetry stale"), d.stateReason());
        int applies = fake.applies;
        d.tick();
        d.tick();
        assertEquals(applies, fake.applies, "no writes while hands-off");
        d.tick();
        assertEquals(FlashDaemon.State.RUNNING, d.state(), "resumed after 3 healthy ticks");
        assertTrue(fake.applies > applies);
        assertEquals(3, d.status().counts.telemetryFailures);
    }

    @Test
    void frozenRecordIsStale() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        fake.freeze = true;
        for (int i = 0; i < 4; i++) {
            d.tick();
        }
        assertEquals(FlashDaemon.State.DEGRADED, d.state());
        assertTrue(d.stateReason().contains("has not changed"), d.stateReason());
    }

    @Test
    void repeatedWriteErrorsHandTheCpuBack() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        // two policies, policy0 written first: 5 failing writes = the third failure in a row on
        // policy0 in the third tick (the loop stops writing there)
        fake.failWrites = 5;
        d.tick();
        d.tick();
        assertEquals(FlashDaemon.State.RUNNING, d.state());
        d.tick();
        assertEquals(FlashDaemon.State.DEGRADED, d.state());
        assertEquals(1, fake.restores());
        DaemonStatus s = d.status();
        assertTrue(s.stateReason.contains("3 write errors in a row on policy0"), s.stateReason);
        assertTrue(s.lastErrors.get(0).contains("EBUSY"), s.lastErrors.get(0));
        assertEquals("hands-off", s.policies.get(0).action);
        for (int i = 0; i < 3; i++) {
            d.tick();
        }
        assertEquals(FlashDaemon.State.RUNNING, d.state());
        assertEquals(0, d.status().policies.get(0).consecutiveWriteErrors);
    }

    @Test
    void followsCpuHotplug() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        d.tick();
        assertEquals(List.of(0, 1), d.policyIds());
        assertEquals(1, d.recorder().filled(1));
        fake.setPolicies(0);
        d.tick();
        assertEquals(List.of(0), d.policyIds());
        assertEquals(0, d.recorder().filled(1), "context of the vanished policy forgotten");
        fake.setPolicies(0, 2);
        d.tick();
        d.tick();
        assertEquals(List.of(0, 2), d.policyIds());
        assertEquals(FlashDaemon.State.RUNNING, d.state());
        assertEquals(1, d.recorder().filled(2));
        assertEquals(4, d.recorder().filled(0), "policy0's context kept through the hotplug");
    }

    @Test
    void contextRowsHoldTheCompletedTransition() throws Exception {
        FlashDaemon d = daemon();
        d.tick();
        assertEquals(0, d.recorder().filled(0), "no row before an action was taken");
        d.tick();
        d.tick();
        assertEquals(2, d.recorder().filled(0));
        assertEquals(2, policies.lastContextRows, "the model saw this tick's row, appended before it decided");
        int width = DvfsFeatures.COUNT + 7 + 1;
        float[] rows = new float[4 * width];
        float[] mask = new float[4];
        d.recorder().copyInto(0, rows, mask, 0, 4, width);
        assertEquals(0f, mask[1]);
        assertEquals(1f, mask[2]);
        assertEquals(1f, mask[3]);
        int newest = 3 * width;
        assertEquals(1f, rows[newest + DvfsFeatures.COUNT + 2], "one-hot of action 2 (down1)");
        assertEquals(0f, rows[newest + DvfsFeatures.COUNT + 3]);
        assertTrue(rows[newest + width - 1] != 0f, "reward column filled");
        // FakeNode's utilization is 0.2 + 0.1 * (sample % 7): the newest row holds the state of
        // sample 2, in which its action was taken, not sample 3's (the trainer's row layout).
        assertEquals(0.4f, rows[newest], 1e-6, "state in which the action was taken");
        assertEquals(0.3f, rows[newest - width], 1e-6, "the row before holds sample 1's state");
    }

    /** The same deterministic run against a model whose training figures match it, and one whose do not. */
    @Test
    void driftVerdictFollowsTheModelsTrainingFigures() throws Exception {
        DaemonStatus.PolicyStatus observed = twelveTicks(new FakePolicies(0.1, 0.05));
        double mean = observed.recentReward;
        double spread = Math.max(observed.recentRewardStd, 0.01);

        DaemonStatus.PolicyStatus matching = twelveTicks(new FakePolicies(mean, spread));
        assertEquals(mean, matching.recentReward, 1e-9, "the fake node is deterministic");
        assertEquals(DriftDetector.MATCHES, matching.drift, "expected " + mean + " +- " + spread);

        DaemonStatus.PolicyStatus drifted = twelveTicks(new FakePolicies(mean + 10 * spread, spread));
        assertEquals(DriftDetector.RETRAIN, drifted.drift, "rewards far below what the model was trained to earn");
    }

    private static DaemonStatus.PolicyStatus twelveTicks(FakePolicies models) throws ConfigException {
        DaemonConfig config = DaemonConfig.defaults().withPeriodMs(50).withRecoverAfterTicks(3);
        FlashDaemon d = new FlashDaemon(config, new FakeNode().node(), models, DaemonLog.silent(), new SdNotify(null));
        for (int i = 0; i < 12; i++) {
            d.tick();
        }
        DaemonStatus.PolicyStatus p = d.status().policies.get(0);
        assertEquals(DriftDetector.WINDOW, p.rewardSamples, "a full window");
        return p;
    }

    @Test
    void statusCarriesEverythingAPersonNeeds() throws Exception {
        FlashDaemon d = daemon();
        for (int i = 0; i < 12; i++) {
            d.tick();
        }
        DaemonStatus s = d.status();
        assertEquals("running", s.state);
        assertNull(s.stateReason);
        assertEquals("simulated", s.node.kind);
        assertEquals("fake-model.onnx", s.model.name);
        assertEquals(2, s.policies.size());
        DaemonStatus.PolicyStatus p = s.policies.get(0);
        assertEquals("setspeed", p.mode);
        assertEquals("down1", p.action);
        double minMhz = FakeNode.MIN_KHZ / 1000.0;
        double maxMhz = FakeNode.MAX_KHZ / 1000.0;
        assertTrue(p.freqMhz >= minMhz && p.freqMhz <= maxMhz, "frequency within the node's range: " + p.freqMhz);
        assertTrue(p.targetMhz >= minMhz && p.targetMhz < p.freqMhz + 1e-9,
                "down1 targets at or below the current frequency: " + p.targetMhz + " of " + p.freqMhz);
        assertEquals(Math.sqrt(26), p.embeddingNorm, 1e-3);
        assertEquals(4, p.embeddingHead.size());
        assertEquals(10, p.rewardSamples);
        // the verdict follows the rule against the fake model's training figures (0.1 +- 0.05);
        // driftVerdictFollowsTheModelsTrainingFigures makes both verdicts happen
        assertTrue(Double.isFinite(p.recentReward) && Double.isFinite(p.recentRewardStd), p.recentReward + " +- "
                + p.recentRewardStd);
        String expectedDrift = p.recentReward < 0.1 - 2 * 0.05 || p.recentRewardStd > 2 * 0.05
                ? DriftDetector.RETRAIN : DriftDetector.MATCHES;
        assertEquals(expectedDrift, p.drift, "reward " + p.recentReward + " +- " + p.recentRewardStd);
        assertTrue(s.power.packageWatts > 0 && Double.isFinite(s.power.packageWatts), "watts " + s.power.packageWatts);
        assertTrue(s.power.joulesSinceStart > 0);
        assertEquals(24, s.counts.decisions);
        assertTrue(d.tickLine().contains("p0 util") && d.tickLine().contains(" wait "), d.tickLine());
    }
}
