package dev.flash.dvfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.SignalGroups;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two state layouts, and the missing-signal mask filled from what the node reports missing. */
class DvfsFeatureSetTest {

    @Test
    void theModelsFeatureNamesPickTheLayout() {
        assertEquals(DvfsFeatures.NAMES, DvfsFeatureSet.PLAIN.names());
        List<String> masked = new ArrayList<>(DvfsFeatures.NAMES);
        masked.addAll(List.of("missing_pmu", "missing_rapl", "missing_schedstat"));
        assertEquals(masked, DvfsFeatureSet.WITH_MASK.names());
        assertEquals(DvfsFeatureSet.MAX_COUNT, DvfsFeatureSet.WITH_MASK.count());
        assertSame(DvfsFeatureSet.PLAIN, DvfsFeatureSet.of(DvfsFeatures.NAMES));
        assertSame(DvfsFeatureSet.WITH_MASK, DvfsFeatureSet.of(masked));
        assertNull(DvfsFeatureSet.of(masked.subList(0, 10)), "a partial mask is neither");
        List<String> reordered = new ArrayList<>(masked);
        java.util.Collections.swap(reordered, 9, 11);
        assertNull(DvfsFeatureSet.of(reordered), "order matters");
    }

    /** Every subset of pmu, rapl, schedstat: the flags are 1 exactly for the groups the node drops. */
    @Test
    void onASimulatedNodeTheMaskIsOneExactlyForTheDroppedGroups() {
        SimSpec spec = SimSpec.embeddedDefault();
        for (int bits = 0; bits < 8; bits++) {
            Set<String> dropped = new LinkedHashSet<>();
            for (int g = 0; g < 3; g++) {
                if ((bits & (1 << g)) != 0) {
                    dropped.add(SignalGroups.DROPPABLE.get(g));
                }
            }
            SimulatedNode node = new SimulatedNode(spec.node(), List.of(spec.apps().get(0)), 3);
            node.dropSignals(dropped, "test");
            node.sample();
            node.advance(1.0);
            TelemetryRecord r = node.sample();
            for (PolicySample p : r.policies()) {
                float[] masked = DvfsFeatureSet.WITH_MASK.extract(p, r);
                float[] plain = DvfsFeatureSet.PLAIN.extract(p, r);
                assertArrayEquals(DvfsFeatures.extract(p, r), plain, "the plain layout is the old one");
                assertArrayEquals(plain, Arrays.copyOf(masked, DvfsFeatures.COUNT), "the mask only appends");
                assertArrayEquals(expectedMask(dropped), Arrays.copyOfRange(masked, DvfsFeatures.COUNT, masked.length),
                        "dropped " + dropped + ", policy " + p.id());
            }
        }
    }

    @Test
    void oneMissingSignalOfAGroupFlagsTheGroup() {
        float[] out = new float[3];
        DvfsFeatureSet.writeMask(java.util.Map.of("mpki", "no LLC event"), out, 0);
        assertArrayEquals(new float[] {1, 0, 0}, out);
        DvfsFeatureSet.writeMask(java.util.Map.of("frequency", "no cpufreq"), out, 0);
        assertArrayEquals(new float[] {0, 0, 0}, out, "cpufreq is not in the mask (nothing to manage without it)");
    }

    /** Training: the flags follow the episode's dropout draw, and held-out episodes have none. */
    @Test
    void aTrainingEpisodeIsToldWhichGroupsItsDrawRemoved() {
        DvfsEnvironment.Options o = DvfsEnvironment.Options.defaults().withEpisodeSteps(3).withSignalDropout(0.5)
                .withSignalMask(true);
        DvfsApplications apps = DvfsApplications.sample(3, o);
        DvfsEnvironment e = new DvfsEnvironment(apps.app(Split.TRAIN, 0), 21, o);
        assertEquals(DvfsFeatureSet.MAX_COUNT, e.observationSize());
        Set<Set<String>> seen = new java.util.HashSet<>();
        for (int k = 0; k < 30; k++) {
            float[] obs = e.reset();
            Set<String> missing = e.missingGroups();
            seen.add(missing);
            assertEquals(DvfsFeatureSet.MAX_COUNT, obs.length);
            assertArrayEquals(expectedMask(missing), Arrays.copyOfRange(obs, DvfsFeatures.COUNT, obs.length),
                    "episode " + k + " without " + missing);
            float[] next = e.step(3).observation();
            assertArrayEquals(expectedMask(missing), Arrays.copyOfRange(next, DvfsFeatures.COUNT, next.length),
                    "after a step");
        }
        assertTrue(seen.size() >= 4, "the draw varies: " + seen);

        DvfsEnvironment plain = new DvfsEnvironment(apps.app(Split.TRAIN, 0), 21,
                o.withSignalMask(false));
        assertEquals(DvfsFeatures.COUNT, plain.observationSize());
        assertEquals(DvfsFeatures.COUNT, plain.reset().length);
    }

    private static float[] expectedMask(Set<String> missing) {
        float[] m = new float[3];
        for (int g = 0; g < 3; g++) {
            m[g] = missing.contains(SignalGroups.DROPPABLE.get(g)) ? 1 : 0;
        }
        return m;
    }
}
