package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ObservingActuator;
import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.policy.FallbackController;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryBuffer;
import dev.flash.policy.TrajectoryRecorder;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.policy.onnx.OnnxModel;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.telemetry.linux.CpuLoadMeter;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import dev.flash.telemetry.linux.RunQueueMeter;
import dev.flash.telemetry.perf.CounterMeter;
import dev.flash.telemetry.rapl.PowercapEnergyMeter;
import dev.flash.testing.DeclaredSignals;
import dev.flash.testing.FakePowercap;
import dev.flash.testing.FakeSchedstat;
import dev.flash.testing.FakeSysfs;
import dev.flash.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose features end with the missing-signal mask gets 1 exactly for the groups the node
 * reports missing, in its state and in its context rows; the shipped model (no mask) still loads
 * and decides exactly as the code before the mask fed it.
 */
class MissingSignalMaskTest {
    @TempDir
    Path dir;

    /** Appends go to the daemon's own buffer; the last state appended per policy is kept. */
    private static final class Capturing implements TrajectoryRecorder {
        final TrajectoryRecorder inner;
        final Map<Integer, float[]> lastState = new HashMap<>();

        Capturing(TrajectoryRecorder inner) {
            this.inner = inner;
        }

        @Override
        public void append(int policyId, float[] state, int actionIndex, float reward) {
            lastState.put(policyId, state.clone());
            inner.append(policyId, state, actionIndex, reward);
        }

        @Override
        public void reset(int policyId) {
            inner.reset(policyId);
        }

        @Override
        public void clear() {
            inner.clear();
        }

        @Override
        public int filled(int policyId) {
            return inner.filled(policyId);
        }

        @Override
        public void copyInto(int policyId, float[] rows, float[] mask, int offsetRows, int capacity, int width) {
            inner.copyInto(policyId, rows, mask, offsetRows, capacity, width);
        }
    }

    private Path maskedModel() throws Exception {
        return TestModels.spec().features(DvfsFeatureSet.WITH_MASK.names()).write(dir, "masked.onnx");
    }

    /** A daemon running {@code policy} on {@code node}; the returned recorder sees every context row. */
    private static FlashDaemon daemon(Node node, OnnxDvfsPolicy policy, Capturing[] recorder) {
        PolicyProvider provider = PolicyProvider.fixed(
                PolicyProvider.Selection.of(policy, policy.description(), policy.name()), new FallbackController());
        DaemonLog log = new DaemonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                DaemonConfig.LogLevel.INFO, false);
        return new FlashDaemon(DaemonConfig.defaults(), node, provider, s -> {
            recorder[0] = new Capturing(FlashDaemon.defaultRecorder(s));
            return recorder[0];
        }, log, new SdNotify(null), System::nanoTime);
    }

    /** Four busy-ish CPUs: each reading adds 40 busy ticks of 100 per CPU. */
    private static CpuLoadMeter fourCpus() {
        AtomicLong calls = new AtomicLong();
        return new CpuLoadMeter(() -> {
            long k = calls.getAndIncrement();
            long[][] t = new long[4][8];
            for (int cpu = 0; cpu < 4; cpu++) {
                t[cpu][0] = 40 * k;
                t[cpu][3] = 60 * k;
            }
            return t;
        });
    }

    /**
     * The Linux source on a fake tree (cpufreq, a powercap zone, a /proc/schedstat copy when
     * {@code schedstat}) and no hardware counters, under the daemon with the masked model.
     */
    private void onAFakeTree(boolean schedstat, float[] expectedMask) throws Exception {
        Path root = Files.createDirectories(dir.resolve(schedstat ? "with" : "without"));
        FakeSysfs tree = FakeSysfs.acpiCpufreq(root, 4, 2);
        FakePowercap.intelTwoPackages(root, 120_000_000L);
        Path schedstatFile = root.resolve("proc/schedstat");
        if (schedstat) {
            Files.createDirectories(schedstatFile.getParent());
            long ms = 1_000_000L;
            FakeSchedstat.of(15, 4).cpu(0, 1000 * ms, 100 * ms).cpu(1, 1000 * ms, 100 * ms)
                    .cpu(2, 1000 * ms, 100 * ms).cpu(3, 1000 * ms, 100 * ms).writeTo(schedstatFile);
        }
        SysfsRoot sysfs = new SysfsRoot(tree.root());
        CpufreqReader reader = new CpufreqReader(sysfs);
        LinuxTelemetrySource source = new LinuxTelemetrySource(sysfs, reader::read, fourCpus(),
                CounterMeter.unavailable("perf_event_open: no hardware events in this VM"),
                new PowercapEnergyMeter(sysfs), new RunQueueMeter(schedstatFile, 4), System::nanoTime);
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(maskedModel())) {
            assertSame(DvfsFeatureSet.WITH_MASK, policy.featureSet());
            Capturing[] rec = new Capturing[1];
            FlashDaemon d = daemon(new Node(source, new ObservingActuator(), false, "fake tree"), policy, rec);
            for (int i = 0; i < 4; i++) {
                d.tick();
            }
            DaemonStatus s = d.status();
            assertTrue(s.counts.modelDecisions > 0, "the model decides (it states no required signals)");
            assertEquals(2, rec[0].lastState.size(), "a context row per policy");
            for (float[] state : rec[0].lastState.values()) {
                assertEquals(DvfsFeatureSet.MAX_COUNT, state.length, "rows in the model's layout");
                assertArrayEquals(expectedMask, Arrays.copyOfRange(state, DvfsFeatures.COUNT, state.length),
                        "missing " + s.missingSignals.keySet());
            }
            d.shutdown();
        }
    }

    @Test
    void onAFakeTreeWithoutCountersOnlyMissingPmuIsSet() throws Exception {
        onAFakeTree(true, new float[] {1, 0, 0});
    }

    @Test
    void onAFakeTreeWithoutCountersAndSchedstatTheirTwoFlagsAreSet() throws Exception {
        onAFakeTree(false, new float[] {1, 0, 1});
    }

    /**
     * The simulated node with {@code dropSignals}: the daemon's rows carry the flags, and the
     * model's state has them too (its value equals a direct inference on the masked state and
     * differs from one with the flags cleared).
     */
    @Test
    void onASimulatedNodeTheModelIsFedTheFlagsOfTheDroppedGroups() throws Exception {
        SimSpec spec = SimSpec.embeddedDefault();
        Path file = maskedModel();
        for (Set<String> dropped : List.of(Set.of("schedstat"), Set.of("pmu", "rapl"), Set.<String>of())) {
            float[] expected = {dropped.contains("pmu") ? 1 : 0, dropped.contains("rapl") ? 1 : 0,
                    dropped.contains("schedstat") ? 1 : 0};
            SimulatedNode sim = new SimulatedNode(spec.node(), List.of(spec.apps().get(0)), 5);
            sim.dropSignals(dropped, "gone");
            try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(file);
                 OnnxModel raw = OnnxModel.load(file)) {
                Capturing[] rec = new Capturing[1];
                FlashDaemon d = daemon(new Node(sim, sim.actuator(), true, "simulated"), policy, rec);
                for (int i = 0; i < 3; i++) {
                    d.tick();
                    sim.advance(1.0);
                }
                for (float[] state : rec[0].lastState.values()) {
                    assertArrayEquals(expected, Arrays.copyOfRange(state, DvfsFeatures.COUNT, state.length),
                            "dropped " + dropped);
                }
                d.shutdown();

                TelemetryRecord r = sim.sample();
                PolicyDecision decision = policy.decide(r, dev.flash.policy.TrajectoryContexts.EMPTY).get(0);
                PolicySample p = r.policies().get(0);
                float[] state = DvfsFeatureSet.WITH_MASK.extract(p, r);
                assertEquals(decision.expectedValue(), valueOf(raw, state), 0.0, "the policy's state is the masked one");
                float[] cleared = state.clone();
                Arrays.fill(cleared, DvfsFeatures.COUNT, cleared.length, dropped.isEmpty() ? 1f : 0f);
                assertNotEquals(decision.expectedValue(), valueOf(raw, cleared), "the flags reach the network");
            }
        }
    }

    /** The model's value for one state with an empty context. */
    private static double valueOf(OnnxModel raw, float[] state) throws Exception {
        OnnxModel.Batch b = raw.batch(1);
        System.arraycopy(state, 0, b.state, 0, state.length);
        Arrays.fill(b.context, 0f);
        Arrays.fill(b.mask, 0f);
        raw.run(b);
        return b.value[0];
    }

    /**
     * The shipped model names the plain features: it loads, reads no mask, and every decision on a
     * node without the PMU and RAPL equals the inference on the state the code before the mask
     * built ({@link DvfsFeatures#extract}) with the same context.
     */
    @Test
    void theShippedModelStillLoadsAndDecidesAsBefore() throws Exception {
        SimSpec spec = SimSpec.embeddedDefault();
        SimulatedNode sim = new SimulatedNode(spec.node(), List.of(spec.apps().get(1)), 9);
        sim.dropSignals(Set.of("pmu", "rapl"), "gone");
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(DeclaredSignals.SHIPPED);
             OnnxModel raw = OnnxModel.load(DeclaredSignals.SHIPPED)) {
            assertSame(DvfsFeatureSet.PLAIN, policy.featureSet());
            var d = policy.description();
            TrajectoryBuffer buffer = new TrajectoryBuffer(d.contextLayout(), DvfsFeatures.COUNT, d.actions().size());
            int n = sim.policyCount();
            float[][] previous = new float[n][];
            int[] lastAction = new int[n];
            int f = DvfsFeatures.COUNT;
            int c = d.contextLength();
            int w = d.contextWidth();
            for (int t = 0; t < 20; t++) {
                TelemetryRecord r = sim.sample();
                for (PolicySample p : r.policies()) {
                    float[] now = DvfsFeatures.extract(p, r);
                    if (previous[p.id()] != null && r.intervalSeconds() > 0) {
                        buffer.append(p.id(), previous[p.id()], lastAction[p.id()], dev.flash.dvfs.DvfsReward.of(p, r));
                    }
                    previous[p.id()] = now;
                }
                List<PolicyDecision> decisions = policy.decide(r, buffer);
                OnnxModel.Batch b = raw.batch(n);
                for (int i = 0; i < n; i++) {
                    PolicySample p = r.policies().get(i);
                    DvfsFeatures.extract(p, r, b.state, i * f);
                    buffer.copyInto(p.id(), b.context, b.mask, i * c, c, w);
                }
                raw.run(b);
                for (int i = 0; i < n; i++) {
                    PolicyDecision dec = decisions.get(i);
                    int a = d.actions().size();
                    int best = 0;
                    for (int k = 1; k < a; k++) {
                        if (b.primary[i * a + k] > b.primary[i * a + best]) {
                            best = k;
                        }
                    }
                    assertEquals(best, dec.actionIndex(), "tick " + t + " policy " + i);
                    assertEquals(b.value[i], dec.expectedValue(), 0.0, "tick " + t + " policy " + i);
                    lastAction[dec.policyId()] = dec.actionIndex();
                    sim.applyKhz(dec.policyId(), dec.targetKhz());
                }
                sim.advance(1.0);
            }
        }
    }
}
