package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sim.AppPopulation.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppPopulationTest {

    @TempDir
    Path dir;

    @Test
    void samplingIsDeterministicValidAndMixed() {
        List<AppSpec> a = AppPopulation.sample(200, 7, 0.2);
        assertEquals(a, AppPopulation.sample(200, 7, 0.2));
        assertNotEquals(a, AppPopulation.sample(200, 8, 0.2));
        assertEquals(40, AppPopulation.split(a, AppSpec.TEST).size());
        assertEquals(160, AppPopulation.split(a, AppSpec.TRAIN).size());
        long distinct = a.stream().map(AppSpec::name).distinct().count();
        assertEquals(200, distinct);
        boolean cpuBound = false;
        boolean memBound = false;
        boolean batch = false;
        boolean light = false;
        for (AppSpec app : a) {
            for (Phase p : app.phases()) {
                cpuBound |= p.memoryBoundness() < 0.15;
                memBound |= p.memoryBoundness() > 0.6;
                batch |= p.load() >= 1;
                light |= p.load() < 0.5;
            }
        }
        assertTrue(cpuBound && memBound && batch && light, "population mixes phase kinds and loads");
        assertEquals(0, AppPopulation.split(AppPopulation.sample(5, 1, 0), AppSpec.TEST).size());
        assertEquals(1, AppPopulation.split(AppPopulation.sample(1, 1, 0.9), AppSpec.TRAIN).size());
    }

    @Test
    void aThirdOfThePhasesAreBurstyAndNothingElseDependsOnIt() {
        // Without idle gaps and idle hosts, whose noise is their own (next tests).
        List<AppSpec> bursty = AppPopulation.sample(300, 7, 0.2, Shape.DEFAULT.withIdleGaps(0).withIdleHosts(0));
        List<AppSpec> steady = AppPopulation.sample(300, 7, 0.2, Shape.BASE);
        List<AppSpec> milder = AppPopulation.sample(300, 7, 0.2, Shape.BASE.withBurstMax(0.25));
        int phases = 0;
        int burstyPhases = 0;
        for (int i = 0; i < bursty.size(); i++) {
            AppSpec b = bursty.get(i);
            AppSpec s = steady.get(i);
            assertSameApplication(s, b);
            for (int j = 0; j < b.phases().size(); j++) {
                Phase pb = b.phases().get(j);
                Phase ps = s.phases().get(j);
                Phase pm = milder.get(i).phases().get(j);
                assertEquals(ps.load(), pb.load());
                assertEquals(ps.memoryBoundness(), pb.memoryBoundness());
                assertEquals(ps.durationSeconds(), pb.durationSeconds());
                assertEquals(ps.sineAmplitude(), pb.sineAmplitude());
                assertTrue(ps.loadNoise() <= AppPopulation.STEADY_NOISE_MAX, "steady: " + ps.loadNoise());
                phases++;
                if (pb.loadNoise() != ps.loadNoise()) {
                    burstyPhases++;
                    assertTrue(pb.loadNoise() >= AppPopulation.STEADY_NOISE_MAX && pb.loadNoise() <= 0.5);
                    assertTrue(pm.loadNoise() >= AppPopulation.STEADY_NOISE_MAX && pm.loadNoise() <= 0.25,
                            "the same phases are bursty under a lower ceiling");
                } else {
                    assertEquals(ps.loadNoise(), pm.loadNoise());
                }
            }
        }
        double share = (double) burstyPhases / phases;
        assertTrue(share > 0.28 && share < 0.39, "bursty share " + share);
        assertThrows(IllegalArgumentException.class, () -> AppPopulation.sample(10, 7, 0.2, Shape.DEFAULT.withBurstMax(0.05)));
        assertThrows(IllegalArgumentException.class, () -> AppPopulation.sample(10, 7, 0.2, Shape.DEFAULT.withBurstMax(0.6)));
    }

    @Test
    void idleGapsEndAShareOfTheCyclesAndNothingElseDependsOnThem() {
        assertEquals(AppPopulation.sample(300, 7, 0.2, Shape.DEFAULT.withIdleGaps(1.0 / 3).withIdleHosts(0.05)),
                AppPopulation.sample(300, 7, 0.2), "a third with gaps, 5% idle hosts by default");
        assertEquals(AppPopulation.DEFAULT_IDLE_GAP_SHARE, AppPopulation.parseShare(AppPopulation.DEFAULT_IDLE_GAP_SHARE_TEXT));
        assertEquals(AppPopulation.DEFAULT_IDLE_HOST_SHARE,
                AppPopulation.parseShare(AppPopulation.DEFAULT_IDLE_HOST_SHARE_TEXT));
        List<AppSpec> gapped = AppPopulation.sample(300, 7, 0.2, Shape.DEFAULT.withIdleGaps(1.0 / 3).withIdleHosts(0));
        List<AppSpec> without = AppPopulation.sample(300, 7, 0.2, Shape.DEFAULT.withIdleGaps(0).withIdleHosts(0));
        List<AppSpec> all = AppPopulation.sample(300, 7, 0.2, Shape.DEFAULT.withIdleGaps(1).withIdleHosts(0));
        int withGap = 0;
        double shortest = Double.MAX_VALUE;
        double longest = 0;
        for (int i = 0; i < gapped.size(); i++) {
            AppSpec g = gapped.get(i);
            AppSpec w = without.get(i);
            assertSameApplication(w, g);
            assertEquals(w.phases(), g.phases().subList(0, w.phases().size()), "gaps only append");
            assertEquals(w.phases().size() + 1, all.get(i).phases().size(), "share 1: every application");
            if (g.phases().size() == w.phases().size()) {
                continue;
            }
            withGap++;
            assertEquals(w.phases().size() + 1, g.phases().size());
            Phase gap = g.phases().get(g.phases().size() - 1);
            assertEquals(gap, all.get(i).phases().get(all.get(i).phases().size() - 1), "the same gap whatever the share");
            assertTrue(gap.load() >= 0.01 && gap.load() <= 0.1, "near idle: " + gap.load());
            assertTrue(gap.durationSeconds() >= 3 && gap.durationSeconds() <= 300, "3-300 s: " + gap.durationSeconds());
            longest = Math.max(longest, gap.durationSeconds());
            shortest = Math.min(shortest, gap.durationSeconds());
            assertTrue(gap.loadNoise() <= 0.5);
            assertEquals(0, gap.sineAmplitude());
        }
        double share = (double) withGap / gapped.size();
        assertTrue(share > 0.27 && share < 0.40, "share of applications with a gap " + share);
        assertTrue(shortest < 10 && longest > 100, "short and long gaps: " + shortest + " to " + longest);
        assertThrows(IllegalArgumentException.class, () -> AppPopulation.sample(10, 7, 0.2, Shape.DEFAULT.withIdleGaps(-0.1)));
        assertThrows(IllegalArgumentException.class, () -> AppPopulation.sample(10, 7, 0.2, Shape.DEFAULT.withIdleGaps(1.5)));
    }

    @Test
    void idleHostsReplaceAShareOfTheApplicationsAndNothingElseDependsOnThem() {
        double gaps = 1.0 / 3;
        List<AppSpec> without = AppPopulation.sample(400, 7, 0.2, Shape.DEFAULT.withIdleGaps(gaps).withIdleHosts(0));
        List<AppSpec> hosts = AppPopulation.sample(400, 7, 0.2, Shape.DEFAULT.withIdleGaps(gaps).withIdleHosts(0.05));
        List<AppSpec> all = AppPopulation.sample(400, 7, 0.2, Shape.DEFAULT.withIdleGaps(gaps).withIdleHosts(1));
        int idle = 0;
        for (int i = 0; i < hosts.size(); i++) {
            AppSpec h = hosts.get(i);
            AppSpec w = without.get(i);
            assertEquals(w.hidden(), h.hidden());
            assertEquals(w.split(), h.split(), "the split does not move");
            if (h.equals(w)) {
                continue;
            }
            idle++;
            assertEquals("idle-" + w.name().substring(w.name().lastIndexOf('-') + 1), h.name());
            assertEquals(all.get(i), h, "the same idle host whatever the share");
            assertEquals(1, h.phases().size());
            Phase p = h.phases().get(0);
            assertTrue(p.load() >= 0.005 && p.load() <= 0.1, "near idle: " + p.load());
            assertTrue(p.loadNoise() <= 0.5);
            assertEquals(0, p.sineAmplitude());
        }
        assertTrue(idle >= 8 && idle <= 35, "idle hosts at share 0.05 of 400: " + idle);
        assertThrows(IllegalArgumentException.class, () -> AppPopulation.sample(10, 7, 0.2, Shape.DEFAULT.withIdleHosts(-0.1)));
        assertThrows(IllegalArgumentException.class, () -> AppPopulation.sample(10, 7, 0.2, Shape.DEFAULT.withIdleHosts(1.5)));
    }

    /** Name, hidden parameters and split: what neither bursts nor gaps may change. */
    private static void assertSameApplication(AppSpec expected, AppSpec actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.hidden(), actual.hidden());
        assertEquals(expected.split(), actual.split());
    }

    @Test
    void fileRoundTrips() throws Exception {
        List<AppSpec> apps = AppPopulation.sample(30, 3, 0.3);
        Path f = dir.resolve("apps.json");
        AppPopulation.write(f, apps);
        assertEquals(apps, AppPopulation.read(f));
    }

    private String bad(String json) throws Exception {
        Path f = dir.resolve("apps.json");
        Files.writeString(f, json);
        return assertThrows(IllegalArgumentException.class, () -> AppPopulation.read(f)).getMessage();
    }

    @Test
    void badFilesAreRejectedNamingAppPhaseAndField() throws Exception {
        String good = AppPopulation.toJson(AppPopulation.sample(4, 3, 0));
        String name3 = AppPopulation.sample(4, 3, 0).get(3).name();
        int at = good.indexOf("\"name\": \"" + name3 + "\"");
        String tail = good.substring(at);
        // second phase of app 3 if it has one, else its first: find the nth memory_boundness after `at`.
        String broken = good.substring(0, at) + tail.replaceFirst("\"memory_boundness\": [0-9.]+", "\"memory_boundness\": 1.7");
        String msg = bad(broken);
        assertTrue(msg.startsWith("apps.json: app 3 (name '" + name3 + "'): phase 0: memory_boundness 1.7 out of range [0, 0.95]"), msg);

        msg = bad(good.replaceFirst("\\s*\"load\": [0-9.]+,", ""));
        assertTrue(msg.contains("app 0") && msg.contains("phase 0") && msg.contains("missing load"), msg);

        msg = bad(good.replaceFirst("\"mlp\": [0-9.]+", "\"mlp\": 40"));
        assertTrue(msg.contains("app 0") && msg.contains("mlp 40 out of range [1, 16]"), msg);

        msg = bad(good.replaceFirst("\"base_ipc\"", "\"base_icp\""));
        assertTrue(msg.contains("unknown key 'base_icp'"), msg);

        msg = bad(good.replaceFirst("\"split\": \"train\"", "\"split\": \"dev\""));
        assertTrue(msg.contains("split 'dev'"), msg);

        msg = bad("{\"format\": \"flash-apps/1\", \"apps\": []}");
        assertTrue(msg.contains("empty"), msg);

        msg = bad("{\"format\": \"flash-apps/1\", \"apps\": [");
        assertTrue(msg.startsWith("apps.json line 1 column 37: not valid JSON: the file ends early"), msg);

        // Cut short anywhere, or malformed: one line naming file, line and column, no Java class names.
        String cut = good.substring(0, good.length() / 2);
        int line = (int) cut.chars().filter(c -> c == '\n').count() + 1;
        msg = bad(cut);
        assertTrue(msg.matches("apps\\.json line " + line + " column \\d+: not valid JSON: the file ends early.*"), msg);
        msg = bad("{\"format\": \"flash-apps/1\",\n \"apps\": [ {\"name\": }]}");
        assertTrue(msg.startsWith("apps.json line 2 column 21: not valid JSON: Expected value"), msg);
        for (String m : new String[] {msg, bad(cut)}) {
            assertFalse(m.contains("Exception") || m.contains("\n"), m);
        }

        msg = bad(good.replaceFirst("\"format\"", "\"\\\\nformat\""));
        assertTrue(msg.contains("unknown key '\\nformat'") && !msg.contains("\n"), "a key's line break shown escaped: " + msg);
        msg = bad("{\"format\" \"flash-apps/1\"}");
        assertTrue(msg.matches("apps.json line 1 column \\d+: not valid JSON: Expected ':'.*"), msg);

        msg = bad(good.replaceFirst("\"load\": [0-9.]+", "\"load\": \"high\""));
        assertTrue(msg.contains("load must be a number"), msg);

        msg = bad(good.replace("\"name\": \"" + name3 + "\"", "\"name\": \""
                + AppPopulation.sample(4, 3, 0).get(0).name() + "\""));
        assertTrue(msg.contains("duplicate name"), msg);
    }
}
