package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.DvfsFeatures;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The opt-in realism keys of the node spec: run-queue model, run-wait noise, per-spec tables, boost bin. */
class NodeRealismTest {

    private static final String APP = """
            [workload]
            [[workload.apps]]
            name = "batch"
              [[workload.apps.phases]]
              memory_boundness = 0.05
              load = 1.2
              duration_s = 60
            """;

    private static SimSpec spec(String nodeKeys) {
        String quiet = nodeKeys.matches("(?s)(.*\n)?noise =.*") ? "" : "noise = 0\n";
        return SimSpec.parse("[node]\n" + quiet + nodeKeys + "\n" + APP, "test.toml", null);
    }

    /** Runs every policy at khz for 10 s and returns the record of the last second. */
    private static TelemetryRecord runAt(SimulatedNode sim, long khz) {
        for (int p = 0; p < sim.policyCount(); p++) {
            sim.applyKhz(p, khz);
        }
        sim.advance(9);
        sim.sample();
        sim.advance(1);
        return sim.sample();
    }

    // ------------------------------------------------------------------ run queue

    @Test
    void saturatedJobWithOneThreadPerCpuShowsNoRunQueueWaitWhileOpenDemandDoes() {
        SimulatedNode open = spec("").build();
        SimulatedNode threads = spec("threads_per_cpu = 1").build();
        long fmin = open.spec().minKhz();
        TelemetryRecord o = runAt(open, fmin);
        TelemetryRecord t = runAt(threads, fmin);
        assertTrue(o.policies().get(0).runWaitShare() > 0.3, "open demand at fmin: " + o.policies().get(0));
        assertEquals(0.0, t.policies().get(0).runWaitShare(), "one thread per CPU waits for nobody");
        // Same work lost, same power: only what the run queue shows differs.
        assertEquals(open.lastInterval(0).slowdown(), threads.lastInterval(0).slowdown(), 1e-12);
        assertTrue(threads.lastInterval(0).slowdown() > 0.3);
        assertEquals(o.packageWatts(), t.packageWatts(), 1e-9);
        assertEquals(o.policies().get(0).utilization(), t.policies().get(0).utilization(), 1e-12);
    }

    /**
     * What the DVFS model sees: under open demand its run_wait feature tells a starved saturated
     * job (fmin) from a served one (fmax); with one thread per CPU that feature is 0 at both, as
     * on a real kernel, and only the other features (frequency, IPS-derived ones) remain.
     */
    @Test
    void runWaitFeatureNoLongerSeparatesStarvedFromServedWithOneThreadPerCpu() {
        int runWait = DvfsFeatures.NAMES.indexOf(DvfsFeatures.RUN_WAIT);
        float openGap = runWaitFeature(spec(""), false, runWait) - runWaitFeature(spec(""), true, runWait);
        float threadsGap = runWaitFeature(spec("threads_per_cpu = 1"), false, runWait)
                - runWaitFeature(spec("threads_per_cpu = 1"), true, runWait);
        assertTrue(openGap > 0.3f, "open demand: run_wait at fmin minus at fmax = " + openGap);
        assertEquals(0f, threadsGap, "one thread per CPU: run_wait is 0 at both");
    }

    private static float runWaitFeature(SimSpec s, boolean atFmax, int index) {
        SimulatedNode sim = s.build();
        TelemetryRecord r = runAt(sim, atFmax ? sim.spec().maxKhz() : sim.spec().minKhz());
        return DvfsFeatures.extract(r.policies().get(0), r)[index];
    }

    @Test
    void moreThreadsThanCpusWaitUpToThreadsMinusOne() {
        double load = 3;
        double m = 0.05;
        double fRatio = 1.0 / 3;
        double open = Physics.runQueueWait(load, m, fRatio);
        assertTrue(open > 2, "open demand at fmin: " + open);
        assertEquals(1.0, Physics.runQueueWait(load, m, fRatio, 2), 1e-12);
        assertEquals(open, Physics.runQueueWait(load, m, fRatio, 64), 1e-12);
        assertEquals(open, Physics.runQueueWait(load, m, fRatio, 0), 0.0);
        assertEquals(0.5, Physics.runWaitShare(load, m, fRatio, 2), 1e-12); // 1 waits while 1 runs
        // Below saturation nobody waits in either model.
        assertEquals(0.0, Physics.runQueueWait(0.3, m, 1.0, 1), 0.0);
    }

    @Test
    void runWaitNoiseIsSmallPositiveAndMovesNoOtherFigure() {
        SimulatedNode exact = spec("threads_per_cpu = 1\nnoise = 0.01").build();
        SimulatedNode noisy = spec("threads_per_cpu = 1\nnoise = 0.01\nrun_wait_noise = 0.02").build();
        double sum = 0;
        int positive = 0;
        int n = 200;
        for (int i = 0; i < n; i++) {
            exact.advance(1);
            noisy.advance(1);
            TelemetryRecord e = exact.sample();
            TelemetryRecord r = noisy.sample();
            assertEquals(e.packageWatts(), r.packageWatts(), 0.0);
            assertEquals(e.policies().get(1).ipc(), r.policies().get(1).ipc(), 0.0);
            assertEquals(e.policies().get(1).instructionsPerSecond(), r.policies().get(1).instructionsPerSecond(), 0.0);
            assertEquals(0.0, e.policies().get(1).runWaitShare());
            double w = r.policies().get(1).runWaitShare();
            assertTrue(w >= 0 && w <= 1);
            sum += w;
            positive += w > 0 ? 1 : 0;
        }
        // Clamped at 0, a zero-mean draw of sd 0.02 averages about 0.02 * 0.4 = 0.008.
        assertTrue(positive > n / 4 && positive < 3 * n / 4, "about half the draws above zero: " + positive);
        assertTrue(sum / n > 0.002 && sum / n < 0.02, "mean wait share " + sum / n);
    }

    @Test
    void realismKeysAreValidatedNamingTheKey() {
        assertMessage("threads_per_cpu = 0.5", "threads_per_cpu");
        assertMessage("run_wait_noise = 0.5", "run_wait_noise");
        assertMessage("base_mhz = 3500", "base_mhz");
        assertMessage("base_mhz = 2000\nboost_volts = 1.0", "boost_volts");
        assertMessage("frequencies_mhz = [1000, 1800, 1700, 3000]", "frequencies_mhz");
        assertMessage("frequencies_mhz = [1000, 3000]\nstep_mhz = 100", "frequencies_mhz");
        assertMessage("frequencies_mhz = [1000, 2000]\nmax_mhz = 3000", "frequencies_mhz");
        assertMessage("frequencies_mhz = [1000, 2000]\ninitial_mhz = 1500", "initial_mhz");
        assertMessage("frequencies_mhz = []", "frequencies_mhz");
        assertMessage("frequencies_mhz = ['fast']", "frequencies_mhz");
        assertMessage("base_mhz = 2050\nstep_mhz = 100", "step_mhz");
    }

    private static void assertMessage(String keys, String key) {
        SpecException e = assertThrows(SpecException.class, () -> spec(keys), keys);
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains("test.toml"), e.getMessage());
    }

    // ------------------------------------------------------------------ frequency tables

    @Test
    void fineStepsGiveA25MhzTableAndTargetsSnapToIt() {
        SimulatedNode sim = spec("min_mhz = 800\nmax_mhz = 3000\nstep_mhz = 25").build();
        long[] table = sim.frequencyTable();
        assertEquals((3000 - 800) / 25 + 1, table.length);
        for (int i = 1; i < table.length; i++) {
            assertEquals(25_000, table[i] - table[i - 1]);
        }
        assertEquals(2_025_000, sim.applyKhz(0, 2_013_000));
        assertEquals(2_000_000, sim.applyKhz(0, 2_012_000));
        assertArrayEquals(table, sim.sample().policies().get(0).availableKhz());
    }

    @Test
    void irregularTableIsWhatTheNodeListsAndSnapsTo() {
        SimulatedNode sim = spec("frequencies_mhz = [1200, 1500, 1900, 2200, 2600, 2900]").build();
        long[] expected = {1_200_000, 1_500_000, 1_900_000, 2_200_000, 2_600_000, 2_900_000};
        assertArrayEquals(expected, sim.frequencyTable());
        PolicySample s = sim.sample().policies().get(0);
        assertArrayEquals(expected, s.availableKhz());
        assertEquals(1_200_000, s.cpuinfoMinKhz());
        assertEquals(2_900_000, s.cpuinfoMaxKhz());
        assertEquals(2_900_000, s.curKhz(), "starts at the top when initial_mhz is not given");
        assertEquals(1_900_000, sim.applyKhz(0, 1_750_000));
        assertEquals(1_500_000, sim.applyKhz(0, 1_650_000));
        assertEquals(1_200_000, sim.applyKhz(0, 100_000));
    }

    @Test
    void boostBinSitsAboveBaseAndCostsSuperLinearPower() {
        SimSpec boost = spec("min_mhz = 800\nbase_mhz = 2400\nmax_mhz = 3700\nstep_mhz = 100\n"
                + "vmax_volts = 1.0\nboost_volts = 1.25");
        NodeSpec node = boost.node();
        long[] table = node.frequencyTable();
        assertTrue(node.hasBoost());
        assertEquals(2_400_000, table[table.length - 2], "stepped range ends at base_frequency");
        assertEquals(3_700_000, table[table.length - 1], "the boost bin is cpuinfo_max_freq");
        assertEquals(3_700_000, node.initialKhz());
        SimulatedNode sim = boost.build();
        PolicySample s = sim.sample().policies().get(0);
        assertEquals(3_700_000, s.cpuinfoMaxKhz());
        assertEquals(2_400_000, sim.applyKhz(0, 3_000_000), "no bin between base and boost");

        double atBase = Physics.busyCpuWatts(node, 2_400_000, 0, 1);
        double atBoost = Physics.busyCpuWatts(node, 3_700_000, 0, 1);
        assertEquals(node.dynamicWattsPerCpu(), atBase, 1e-9, "dynamic_watts_per_cpu is defined at base");
        double fGain = 3700.0 / 2400;
        assertTrue(atBoost / atBase > fGain * 1.4, "boost costs V^2 on top of f: " + atBoost / atBase);
        assertTrue(node.referenceWatts() > node.idleWatts() + node.cpus() * node.dynamicWattsPerCpu());
        // Energy per unit of CPU-bound work is worse at boost than at base: the voltage knee.
        assertTrue(atBoost / 3700 > atBase / 2400);
        // The performance governor's counterfactual is the boost bin: running at base loses work.
        SimulatedNode atBaseNode = boost.build();
        runAt(atBaseNode, 2_400_000);
        assertTrue(atBaseNode.lastInterval(0).slowdown() > 0.2, "a saturated job at base loses work to boost");
    }

    @Test
    void shippedExampleNodeSpecsLoadAndDifferFromTheDefault() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("bench/nodes"))) {
            files = s.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "bench/nodes holds the example node specs: " + files);
        NodeSpec d = NodeSpec.defaults();
        for (Path f : files) {
            NodeSpec node = SimSpec.load(f).node();
            boolean differs = node.hasBoost() || !node.tableKhz().isEmpty() || node.threadsPerCpu() != 0
                    || node.stepKhz() != d.stepKhz();
            assertTrue(differs, f + " uses at least one realism key");
            assertNotEquals(0, node.frequencyTable().length);
        }
    }
}
