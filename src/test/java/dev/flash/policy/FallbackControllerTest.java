package dev.flash.policy;

import static dev.flash.testing.Telemetry.MAX_KHZ;
import static dev.flash.testing.Telemetry.MIN_KHZ;
import static dev.flash.testing.Telemetry.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.telemetry.PolicySample;
import dev.flash.testing.Telemetry;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackControllerTest {

    final FallbackController controller = new FallbackController();

    @Test
    void busyPolicyGoesToMaximumAndIdleToMinimum() {
        // 1.25 * util >= 1 from util 0.8 on: full speed.
        assertEquals(MAX_KHZ, FallbackController.targetKhz(policy(0, MIN_KHZ, 0.8)));
        assertEquals(MAX_KHZ, FallbackController.targetKhz(policy(0, MIN_KHZ, 1.0)));
        assertEquals(MIN_KHZ, FallbackController.targetKhz(policy(0, MIN_KHZ, 0.0)));
    }

    @Test
    void theBusiestCpuOfAPolicySetsItsClockNotTheMean() {
        // Two CPUs share one clock: one 90% busy, one 10%. The mean (0.5) would give 1.875 GHz
        // and starve the busy CPU; schedutil follows the busiest one.
        PolicySample p = new PolicySample(0, new int[] {0, 1}, "acpi-cpufreq", "userspace",
                List.of("userspace"), MIN_KHZ, MAX_KHZ, MIN_KHZ, MAX_KHZ, MIN_KHZ, Telemetry.TABLE.clone(),
                0.5, Double.NaN, Double.NaN, Double.NaN);
        dev.flash.telemetry.TelemetryRecord r = new dev.flash.telemetry.TelemetryRecord(1, 1, 1.0, List.of(p),
                new double[] {0.9, 0.1}, List.of(), Double.NaN, java.util.Map.of());
        assertEquals(MAX_KHZ, controller.decide(r, TrajectoryContexts.EMPTY).get(0).targetKhz());
        assertTrue(FallbackController.targetKhz(p) < MAX_KHZ, "the mean alone would run slower");
    }

    @Test
    void targetFollowsSchedutilAndRoundsUpToTheTable() {
        double util = 0.5;
        long raw = Math.round(FallbackController.HEADROOM * MAX_KHZ * util);
        long target = FallbackController.targetKhz(policy(0, MIN_KHZ, util));
        assertTrue(target >= raw, "never below the schedutil target");
        long nextTableEntry = java.util.Arrays.stream(Telemetry.TABLE).filter(f -> f >= raw).min().orElseThrow();
        assertEquals(nextTableEntry, target);
    }

    @Test
    void smallDownwardMovesAreHeldButLargeOnesAndRaisesApply() {
        long cur = 2_000_000;
        // A tiny utilization dip: the table entry below cur is 1.6 GHz, 400 MHz away, beyond the
        // 5% band (110 MHz), so use a table-less policy to see the band itself.
        PolicySample noTable = withoutTable(policy(0, cur, (cur - 50_000) / (FallbackController.HEADROOM * MAX_KHZ)));
        assertEquals(cur, FallbackController.targetKhz(noTable), "a 50 MHz drop is within the band");
        PolicySample bigDrop = withoutTable(policy(0, cur, 1_000_000 / (FallbackController.HEADROOM * MAX_KHZ)));
        assertEquals(1_000_000, FallbackController.targetKhz(bigDrop), 1);
        PolicySample smallRaise = withoutTable(policy(0, cur, (cur + 50_000) / (FallbackController.HEADROOM * MAX_KHZ)));
        assertEquals(cur + 50_000, FallbackController.targetKhz(smallRaise), 1, "raises apply at once");
    }

    @Test
    void unknownUtilizationMeansMaximumAndLimitsAreRespected() {
        assertEquals(MAX_KHZ, FallbackController.targetKhz(policy(0, MIN_KHZ, Double.NaN)));
        PolicySample p = policy(0, MIN_KHZ, 1.0);
        PolicySample capped = new PolicySample(p.id(), p.cpus(), p.driver(), p.governor(), p.availableGovernors(),
                p.cpuinfoMinKhz(), p.cpuinfoMaxKhz(), 1_200_000, 2_400_000, p.curKhz(), p.availableKhz(),
                1.0, p.ipc(), p.mpki(), p.instructionsPerSecond());
        assertEquals(2_400_000, FallbackController.targetKhz(capped), "clamped to scaling_max");
    }

    @Test
    void decidesOnePerPolicyInOrderWithoutModelFields() {
        List<PolicyDecision> d = controller.decide(
                Telemetry.record(50, policy(0, MIN_KHZ, 0.9), policy(2, MAX_KHZ, 0.0)), TrajectoryContexts.EMPTY);
        assertEquals(2, d.size());
        assertEquals(0, d.get(0).policyId());
        assertEquals(2, d.get(1).policyId());
        assertEquals(MAX_KHZ, d.get(0).targetKhz());
        assertEquals(MIN_KHZ, d.get(1).targetKhz());
        assertEquals(-1, d.get(0).actionIndex());
        assertEquals(0, d.get(0).embedding().length);
        assertTrue(Double.isNaN(d.get(0).expectedValue()));
        assertEquals("fallback", controller.name());
    }

    static PolicySample withoutTable(PolicySample p) {
        return new PolicySample(p.id(), p.cpus(), "intel_pstate", p.governor(), p.availableGovernors(),
                p.cpuinfoMinKhz(), p.cpuinfoMaxKhz(), p.scalingMinKhz(), p.scalingMaxKhz(), p.curKhz(),
                new long[0], p.utilization(), p.ipc(), p.mpki(), p.instructionsPerSecond());
    }
}
