package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.OnnxExport;
import dev.flash.policy.SignalNeeds;
import dev.flash.telemetry.SignalGroups;
import dev.flash.testing.DeclaredSignals;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model contract's signal keys: written by the exporter, read and checked at load, and an
 * old file without them keeps running on whatever the node gives.
 */
class SignalNeedsContractTest {
    @TempDir
    Path dir;

    private static final Map<String, String> VM = Map.of(
            "ipc", "perf_event_open: hardware events not supported",
            "mpki", "perf_event_open: hardware events not supported",
            "power", "energy unavailable: no powercap");

    @Test
    void aFileWithoutTheKeysRequiresNothingAsBefore() throws Exception {
        try (OnnxModel m = OnnxModel.load(DeclaredSignals.SHIPPED)) {
            SignalNeeds needs = m.description().signals();
            assertFalse(needs.declared());
            assertEquals(SignalNeeds.UNDECLARED, needs);
            assertNull(needs.lackingReason(VM), "runs on a VM, as every model did before the keys");
        }
    }

    @Test
    void statedNeedsAreReadAndAGroupInNeitherListIsRequired() throws Exception {
        Path file = DeclaredSignals.write(dir.resolve("m.onnx"), "pmu", "rapl");
        try (OnnxModel m = OnnxModel.load(file)) {
            SignalNeeds needs = m.description().signals();
            assertTrue(needs.declared());
            assertEquals(Set.of("pmu", "schedstat", "cpufreq"), needs.required(), "schedstat unlisted: required");
            assertEquals(Set.of("rapl"), needs.tolerated());
            String why = needs.lackingReason(VM);
            assertTrue(why.contains("pmu") && why.contains("ipc: perf_event_open") && why.contains("mpki"), why);
            assertFalse(why.contains("rapl") || why.contains("power"), "power is tolerated: " + why);
            assertNull(needs.lackingReason(Map.of("power", "no powercap")));
            assertNull(needs.lackingReason(Map.of()));
        }
    }

    @Test
    void anUnknownGroupIsRejectedNamingTheKeyAndTheGroup() throws Exception {
        Path file = DeclaredSignals.write(dir.resolve("gpu.onnx"), "pmu,gpu", "");
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(file));
        assertTrue(e.reason().contains("flash.required_signals") && e.reason().contains("'gpu'")
                && e.reason().contains("schedstat"), e.reason());
    }

    @Test
    void aGroupBothRequiredAndToleratedIsRejected() throws Exception {
        Path file = DeclaredSignals.write(dir.resolve("both.onnx"), "pmu", "rapl,pmu");
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(file));
        assertTrue(e.reason().contains("'pmu'") && e.reason().contains("both"), e.reason());
    }

    @Test
    void aTrainedDvfsModelRequiresEveryGroupItsFeaturesRead() {
        SignalNeeds needs = dev.flash.dvfs.train.DvfsTrainer.metadata(dev.flash.dvfs.train.DvfsTrainer.Settings.quick(7),
                new double[] {0.1, 0.01}, "{}").signals();
        assertTrue(needs.declared());
        assertTrue(needs.required().containsAll(SignalGroups.DROPPABLE), needs.toString());
        assertTrue(needs.tolerated().isEmpty(), "trained with every signal present, it tolerates none missing");
    }

    @Test
    void theExporterWritesTheNeedsItIsGiven() throws Exception {
        Djl.init();
        SignalNeeds needs = SignalNeeds.parse("cpufreq", "pmu,rapl,schedstat");
        Path file = dir.resolve("exported.onnx");
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = new NetworkConfig(NetworkConfig.Kind.RL, 3, 4, 5, 8, NetworkConfig.EncoderType.SET, 8, 6,
                    List.of(16), NetworkConfig.Activation.TANH);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 3);
            List<String> features = List.of("f0", "f1", "f2");
            List<String> actions = List.of("a0", "a1", "a2", "a3");
            java.nio.file.Files.write(file, OnnxExport.toBytes(net, new OnnxExport.Metadata("dvfs", features, actions,
                    OnnxExport.rlContextColumns(features, actions), "test", 0.1, 0.01, "{}", "{}").withSignals(needs)));
        }
        try (OnnxModel model = OnnxModel.load(file)) {
            assertEquals(needs, model.description().signals());
            assertEquals(Set.copyOf(SignalGroups.DROPPABLE), model.description().signals().tolerated());
        }
    }
}
