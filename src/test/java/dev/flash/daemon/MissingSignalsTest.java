package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.actuate.ObservingActuator;
import dev.flash.policy.FallbackController;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.linux.CpufreqReader;
import dev.flash.telemetry.linux.LinuxTelemetrySource;
import dev.flash.testing.DeclaredSignals;
import dev.flash.testing.FakeSysfs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's required signals against what the node gives: refused on a node that never had
 * them, fallback while a meter is gone and the model back when it returns; tolerated groups and
 * an old model without the keys run. Real ONNX model (the shipped network with its needs stated),
 * real fallback controller, simulated node and a Linux source on a fake tree.
 */
class MissingSignalsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private OnnxDvfsPolicy policy;

    @AfterEach
    void close() {
        if (policy != null) {
            policy.close();
        }
    }

    private FlashDaemon daemon(Node node, String required, String tolerated) throws Exception {
        Path file = required == null && tolerated == null ? DeclaredSignals.SHIPPED
                : DeclaredSignals.write(dir.resolve("declared.onnx"), required, tolerated);
        policy = OnnxDvfsPolicy.load(file);
        PolicyProvider provider = PolicyProvider.fixed(
                PolicyProvider.Selection.of(policy, policy.description(), "declared.onnx"), new FallbackController());
        DaemonLog log = new DaemonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
                DaemonConfig.LogLevel.INFO, false);
        return new FlashDaemon(DaemonConfig.defaults().withRecoverAfterTicks(3), node, provider, log,
                new SdNotify(null));
    }

    private static SimulatedNode simulated() {
        SimSpec spec = SimSpec.embeddedDefault();
        return new SimulatedNode(spec.node(), List.of(spec.apps().get(0)), 5);
    }

    private static Node node(SimulatedNode sim) {
        return new Node(sim, sim.actuator(), true, "simulated");
    }

    private static void ticks(FlashDaemon d, SimulatedNode sim, int n) {
        for (int i = 0; i < n; i++) {
            d.tick();
            sim.advance(1.0);
        }
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aModelRequiringThePmuIsRefusedOnANodeWithoutItNamingTheSignals() throws Exception {
        SimulatedNode sim = simulated();
        sim.dropSignals(Set.of("pmu", "rapl"), "perf_event_open: hardware events not supported");
        FlashDaemon d = daemon(node(sim), "pmu", "rapl,schedstat");
        ticks(d, sim, 5);

        DaemonStatus s = d.status();
        assertEquals(0, s.counts.modelDecisions, "the model never decides");
        assertTrue(s.counts.fallbackDecisions > 0);
        assertEquals("fallback", s.state);
        assertTrue(s.model.fallback);
        assertTrue(s.model.reason.contains("pmu") && s.model.reason.contains("ipc: perf_event_open")
                && s.model.reason.contains("mpki"), s.model.reason);
        assertFalse(s.model.reason.contains("rapl"), "rapl is tolerated: " + s.model.reason);
        assertEquals(1, s.rejectedModels.size());
        assertEquals("declared.onnx", s.rejectedModels.get(0).name);
        assertTrue(s.rejectedModels.get(0).reason.contains("pmu"), s.rejectedModels.get(0).reason);
        assertEquals(1, count(log(), "rejected: requires signals"), "logged once:\n" + log());
        assertTrue(d.statusLine().contains("fallback"), d.statusLine());
    }

    @Test
    void tolerantAndUndeclaredModelsRunWithoutPmuRaplAndSchedstat() throws Exception {
        for (String[] needs : new String[][] {{"", "pmu,rapl,schedstat"}, {null, null}}) {
            SimulatedNode sim = simulated();
            sim.dropSignals(Set.of("pmu", "rapl", "schedstat"), "gone");
            FlashDaemon d = daemon(node(sim), needs[0], needs[1]);
            ticks(d, sim, 4);
            DaemonStatus s = d.status();
            assertEquals(0, s.counts.fallbackDecisions, "needs " + String.join("|", String.valueOf(needs[0])));
            assertTrue(s.counts.modelDecisions > 0);
            assertFalse(s.model.fallback);
            assertTrue(s.rejectedModels.isEmpty());
            assertEquals(Set.of("ipc", "mpki", "power", "run_wait"), s.missingSignals.keySet());
            policy.close();
            policy = null;
        }
    }

    @Test
    void aMeterThatFailsLaterFallsBackAndTheModelReturnsWhenItIsBack() throws Exception {
        SimulatedNode sim = simulated();
        FlashDaemon d = daemon(node(sim), "pmu,schedstat", "rapl");
        ticks(d, sim, 3);
        long before = d.status().counts.modelDecisions;
        assertTrue(before > 0, "all signals present: the model decides");

        sim.dropSignals(Set.of("schedstat"), "schedstat: read failed");
        ticks(d, sim, 3);
        DaemonStatus gone = d.status();
        assertEquals(before, gone.counts.modelDecisions, "no model decision while run_wait is missing");
        assertTrue(gone.model.fallback);
        assertTrue(gone.model.reason.contains("schedstat (run_wait: schedstat: read failed)"), gone.model.reason);
        assertEquals(1, gone.counts.fallbacks);
        assertTrue(gone.fallbackReasons.get(0).contains("schedstat"), gone.fallbackReasons.toString());

        sim.dropSignals(Set.of(), "");
        ticks(d, sim, 3);
        DaemonStatus back = d.status();
        assertTrue(back.counts.modelDecisions > before, "the model decides again");
        assertFalse(back.model.fallback);
        assertNull(back.model.reason);
        assertTrue(back.rejectedModels.isEmpty());
        assertEquals("running", back.state);
        assertTrue(log().contains("requires again: it decides"), log());

        sim.dropSignals(Set.of("schedstat"), "schedstat: read failed");
        ticks(d, sim, 2);
        assertEquals(2, d.status().counts.fallbacks);
        assertEquals(1, count(log(), "rejected: requires signals"), "the same refusal is logged once:\n" + log());
    }

    @Test
    void onAFakeTreeWithoutPmuPowercapOrSchedstatTheModelWaitsForTheFallback() throws Exception {
        FakeSysfs tree = FakeSysfs.acpiCpufreq(dir.resolve("tree"), 2, 1);
        SysfsRoot root = new SysfsRoot(tree.root());
        CpufreqReader reader = new CpufreqReader(root);
        LinuxTelemetrySource source = LinuxTelemetrySource.open(root, reader::read);
        FlashDaemon d = daemon(new Node(source, new ObservingActuator(), false, "fake tree"), "pmu", "");
        for (int i = 0; i < 3; i++) {
            d.tick();
        }
        DaemonStatus s = d.status();
        assertTrue(s.missingSignals.containsKey("ipc"), "a fake tree has no counters: " + s.missingSignals);
        assertEquals(0, s.counts.modelDecisions);
        assertTrue(s.counts.fallbackDecisions > 0);
        // every group the node lacks is named, not only the first
        for (String signal : s.missingSignals.keySet()) {
            assertTrue(s.model.reason.contains(signal + ": "), signal + " in " + s.model.reason);
        }
        d.shutdown();
    }
}
