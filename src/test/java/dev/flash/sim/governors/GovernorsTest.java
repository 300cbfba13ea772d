package dev.flash.sim.governors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.TrajectoryContexts;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GovernorsTest {

    private static final long MIN = 1_000_000;
    private static final long MAX = 3_000_000;
    private static final long[] TABLE = NodeSpec.defaults().frequencyTable();

    /** One two-CPU policy at curKhz whose busiest CPU has the given load. */
    private static TelemetryRecord record(long curKhz, double busiest) {
        PolicySample p = new PolicySample(0, new int[] {0, 1}, "acpi-cpufreq", "userspace", NodeSpec.GOVERNORS,
                MIN, MAX, MIN, MAX, curKhz, TABLE, busiest / 2, 1, 1, 1e9);
        return new TelemetryRecord(0, 0, 1, List.of(p), new double[] {busiest, 0}, List.of(), 100, Map.of());
    }

    private static long decide(Governor g, long cur, double load) {
        return g.decide(record(cur, load), TrajectoryContexts.EMPTY).get(0).targetKhz();
    }

    @Test
    void performanceAndPowersaveIgnoreLoad() {
        assertEquals(MAX, decide(new PerformanceGovernor(), MIN, 0.0));
        assertEquals(MIN, decide(new PowersaveGovernor(), MAX, 1.0));
    }

    @Test
    void ondemandJumpsToMaxAboveEightyPercentElseProportional() {
        OndemandGovernor g = new OndemandGovernor();
        assertEquals(MAX, decide(g, MIN, 0.81));
        assertEquals(1_800_000, decide(g, MAX, 0.40), "min + 0.4 * (max - min), nearest entry");
        assertEquals(MIN, decide(g, MAX, 0.0));
        assertEquals(2_600_000, decide(g, MIN, 0.80), "exactly at the threshold stays proportional");
        assertEquals(1_800_000, decide(g, MAX, 0.40), "uses the busiest CPU, not the average");
    }

    @Test
    void conservativeStepsFivePercentOfMaxAndAccumulates() {
        ConservativeGovernor g = new ConservativeGovernor();
        long f = 2_000_000;
        long first = decide(g, f, 0.95);
        assertEquals(2_100_000, first, "2.0 GHz + 150 MHz, highest entry at or below: 2.1 GHz");
        long second = decide(g, first, 0.95);
        assertEquals(2_300_000, second, "requested 2.3 GHz accumulates like the kernel's requested_freq");
        assertEquals(second, decide(g, second, 0.5), "between thresholds it holds");
        long down = decide(g, second, 0.1);
        assertEquals(2_200_000, down, "2.3 - 0.15 = 2.15 GHz, lowest entry at or above: 2.2 GHz");
        long f2 = MAX;
        for (int i = 0; i < 30; i++) {
            f2 = decide(g, f2, 0.0);
        }
        assertEquals(MIN, f2, "keeps stepping down to the minimum");
    }

    @Test
    void schedutilIsOneQuarterHeadroomOnFrequencyInvariantUtil() {
        SchedutilGovernor g = new SchedutilGovernor();
        assertEquals(1_500_000, decide(g, MAX, 0.40), "1.25 * 3 GHz * 0.4 = 1.5 GHz");
        assertEquals(1_300_000, decide(g, 1_500_000, 0.66), "util 0.66 at 1.5 GHz is 0.33 invariant: 1.2375 -> 1.3 GHz");
        assertEquals(MAX, decide(g, MAX, 1.0));
        assertEquals(MIN, decide(g, MAX, 0.05));
    }

    @Test
    void governorsOnTheNodeSettleAsTheirNamesakes() throws Exception {
        AppSpec light = AppSpec.steady("light", 0.2, 0.3, 1.0);
        assertEquals(MAX, settle(new PerformanceGovernor(), light));
        assertEquals(MIN, settle(new PowersaveGovernor(), light));
        AppSpec half = AppSpec.steady("half", 0.2, 0.5, 1.0);
        long od = settle(new OndemandGovernor(), half);
        long su = settle(new SchedutilGovernor(), half);
        assertTrue(od > MIN && od < MAX, "ondemand settles in between for 50% load: " + od);
        assertTrue(su > MIN && su < MAX, "schedutil settles in between for 50% load: " + su);
        assertEquals(MIN, settle(new SchedutilGovernor(), light),
                "30% load fits at fmin with room to spare (78% busy), so schedutil goes there");
        assertEquals(MAX, settle(new OndemandGovernor(), AppSpec.steady("batch", 0.2, 1.0, 1.0)));
        assertEquals(MAX, settle(new ConservativeGovernor(), AppSpec.steady("batch", 0.2, 1.0, 1.0)));
    }

    private static long settle(Governor g, AppSpec app) throws Exception {
        SimulatedNode sim = new SimulatedNode(NodeSpec.defaults(), List.of(app), 1);
        sim.applyKhz(0, 2_000_000);
        sim.advance(1);
        for (int i = 0; i < 60; i++) {
            TelemetryRecord r = sim.sample();
            var d = g.decide(r, TrajectoryContexts.EMPTY).get(0);
            sim.actuator().apply(r.policy(0), d.targetKhz());
            sim.advance(1);
        }
        return sim.curKhz(0);
    }

    @Test
    void byNameKnowsTheLinuxGovernors() {
        for (String name : Governor.NAMES) {
            assertEquals(name, Governor.byName(name).name());
        }
        assertThrows(IllegalArgumentException.class, () -> Governor.byName("turbo"));
    }
}
