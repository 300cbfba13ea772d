package dev.flash.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.DvfsFeatures;
import dev.flash.dvfs.DvfsReward;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Signal groups: their names, and a simulated node reporting a group missing as a real node does. */
class SignalGroupsTest {

    @Test
    void groupsCoverTheKeysTheLinuxSourceReportsUnavailable() {
        assertEquals(List.of(LinuxTelemetrySource.IPC, LinuxTelemetrySource.MPKI), SignalGroups.SIGNALS.get("pmu"));
        assertEquals(List.of(LinuxTelemetrySource.POWER), SignalGroups.SIGNALS.get("rapl"));
        assertEquals(List.of(LinuxTelemetrySource.RUN_WAIT), SignalGroups.SIGNALS.get("schedstat"));
        assertEquals(List.of(LinuxTelemetrySource.FREQUENCY), SignalGroups.SIGNALS.get("cpufreq"));
    }

    @Test
    void anUnknownGroupIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignalGroups.parse("pmu,rpl"));
        assertTrue(e.getMessage().contains("'rpl'") && e.getMessage().contains("rapl"), e.getMessage());
        assertEquals(Set.of(), SignalGroups.parse(""));
        assertEquals(Set.of("pmu", "schedstat"), SignalGroups.parse(" pmu , schedstat"));
    }

    @Test
    void lackingNamesEachGroupWithTheNodesReasons() {
        Map<String, String> lacking = SignalGroups.lacking(List.of("pmu", "rapl", "schedstat"),
                Map.of("mpki", "no LLC event", "run_wait", "no /proc/schedstat"));
        assertEquals(Map.of("pmu", "mpki: no LLC event", "schedstat", "run_wait: no /proc/schedstat"), lacking);
    }

    /** Two nodes on the same seed: one full, one without {@code groups}; both sampled after the same load. */
    private static TelemetryRecord[] sampledPair(Set<String> groups) {
        SimSpec spec = SimSpec.embeddedDefault();
        TelemetryRecord[] out = new TelemetryRecord[2];
        for (int k = 0; k < 2; k++) {
            SimulatedNode node = new SimulatedNode(spec.node(), List.of(spec.apps().get(0)), 3);
            if (k == 1) {
                node.dropSignals(groups, "test");
            }
            node.sample();
            node.advance(1.0);
            out[k] = node.sample();
        }
        return out;
    }

    @Test
    void aNodeWithoutPmuAndRaplReadsAsTheDaemonReadsAVm() {
        TelemetryRecord[] pair = sampledPair(Set.of("pmu", "rapl"));
        TelemetryRecord full = pair[0];
        TelemetryRecord vm = pair[1];
        assertEquals("test", vm.unavailable().get("ipc"));
        assertEquals(Set.of("ipc", "mpki", "power"), vm.unavailable().keySet());
        assertTrue(vm.powerZones().isEmpty());
        PolicySample p = vm.policies().get(0);
        float[] fullFeatures = DvfsFeatures.extract(full.policies().get(0), full);
        float[] vmFeatures = DvfsFeatures.extract(p, vm);
        for (int i = 0; i < DvfsFeatures.COUNT; i++) {
            String name = DvfsFeatures.NAMES.get(i);
            boolean dropped = name.equals(DvfsFeatures.IPC) || name.equals(DvfsFeatures.MPKI)
                    || name.equals(DvfsFeatures.POWER);
            if (dropped) {
                assertNotEquals(0f, fullFeatures[i], name + " is measured on the full node");
                assertEquals(0f, vmFeatures[i], name + " reads 0 without its signal");
            } else {
                assertEquals(fullFeatures[i], vmFeatures[i], name + " is the node's own reading");
            }
        }
        assertNotEquals(0f, DvfsReward.of(full.policies().get(0), full));
        assertEquals(0f, DvfsReward.of(p, vm), "no instructions and no power: the context's reward column is 0");
    }

    @Test
    void aNodeWithoutSchedstatLosesOnlyRunWait() {
        TelemetryRecord[] pair = sampledPair(Set.of("schedstat"));
        assertEquals(Set.of("run_wait"), pair[1].unavailable().keySet());
        assertTrue(Double.isNaN(pair[1].policies().get(0).runWaitShare()));
        assertEquals(pair[0].policies().get(0).ipc(), pair[1].policies().get(0).ipc());
        assertEquals(pair[0].packageWatts(), pair[1].packageWatts());
        assertFalse(pair[1].powerZones().isEmpty());
    }

    @Test
    void cpufreqCannotBeDropped() {
        SimulatedNode node = new SimulatedNode(SimSpec.embeddedDefault().node(),
                List.of(SimSpec.embeddedDefault().apps().get(0)), 1);
        assertThrows(IllegalArgumentException.class, () -> node.dropSignals(Set.of("cpufreq"), "x"));
    }
}
