package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.ModelContract;
import dev.flash.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {

    @TempDir
    Path dir;

    private String rejectReason(byte[] bytes) throws Exception {
        Path file = TestModels.write(dir, "m.onnx", bytes);
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(file));
        assertTrue(e.getMessage().startsWith("m.onnx rejected: "), e.getMessage());
        return e.reason();
    }

    private static void assertMentions(String reason, String... parts) {
        for (String p : parts) {
            assertTrue(reason.contains(p), "reason '" + reason + "' should mention '" + p + "'");
        }
    }

    @Test
    void validModelLoadsWithItsDescription() throws Exception {
        byte[] bytes = TestModels.validDvfs();
        Path file = TestModels.write(dir, "good.onnx", bytes);
        try (OnnxModel model = OnnxModel.load(file)) {
            ModelDescription d = model.description();
            assertEquals("good.onnx", d.name());
            assertEquals(ModelContract.AGENT_DVFS, d.agent());
            assertEquals(TestModels.FEATURES, d.features());
            assertEquals(TestModels.ACTIONS, d.actions());
            assertEquals(TestModels.CONTEXT_LENGTH, d.contextLength());
            assertEquals(TestModels.FEATURES.size() + TestModels.ACTIONS.size() + 1, d.contextWidth());
            assertEquals(TestModels.EMBEDDING_SIZE, d.embeddingSize());
            assertTrue(d.hasValue());
            assertEquals(0.25, d.expectedReward(), 1e-12);
            assertEquals(10, d.paramsJson().get("levels").getAsInt());
            String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
            assertEquals(sha, d.sha256());
        }
    }

    @Test
    void batchRunFillsOutputsAndReusesTheBatch() throws Exception {
        Path file = TestModels.write(dir, "good.onnx", TestModels.validDvfs());
        try (OnnxModel model = OnnxModel.load(file)) {
            OnnxModel.Batch batch = model.batch(3);
            for (int i = 0; i < batch.state.length; i++) {
                batch.state[i] = (i % 5) / 5f;
            }
            batch.mask[batch.mask.length - 1] = 1f;
            model.run(batch);
            int a = TestModels.ACTIONS.size();
            for (int row = 0; row < 3; row++) {
                double sum = 0;
                for (int k = 0; k < a; k++) {
                    sum += batch.primary[row * a + k];
                }
                assertEquals(1.0, sum, 1e-4);
                assertTrue(Float.isFinite(batch.value[row]));
            }
            float[] first = batch.primary.clone();
            batch.state[0] = 0.9f;
            assertSame(batch, model.batch(3), "same batch size reuses the batch");
            model.run(batch);
            assertTrue(!java.util.Arrays.equals(first, batch.primary), "new input changes the output (buffers are live)");
            assertEquals(2, model.inferences());
        }
    }

    @Test
    void missingMetadataKeyIsNamed() throws Exception {
        assertMentions(rejectReason(TestModels.spec().without(ModelContract.META_FEATURES).bytes()),
                "missing metadata key", ModelContract.META_FEATURES);
        assertMentions(rejectReason(TestModels.spec().without(ModelContract.META_ACTIONS).bytes()),
                "missing metadata key", ModelContract.META_ACTIONS);
    }

    @Test
    void contractVersionMismatchIsRejected() throws Exception {
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_CONTRACT_VERSION, "99").bytes()),
                "contract version mismatch", "99");
    }

    @Test
    void unknownAgentAndKindAreRejected() throws Exception {
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_AGENT, "gpu-boost").bytes()),
                "unknown agent", "gpu-boost");
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_KIND, "bandit").bytes()),
                "unknown kind", "bandit");
    }

    @Test
    void shapesInconsistentWithMetadataAreRejected() throws Exception {
        assertMentions(rejectReason(TestModels.spec().actionWidth(6).bytes()), "output 'action_probs'", "[N, 6]", "[N, 7]");
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_CONTEXT_LENGTH, "4").bytes()),
                "input 'context'", "[N, 4, " + (dev.flash.dvfs.DvfsFeatures.COUNT + 7 + 1) + "]");
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_EMBEDDING_SIZE, "5").bytes()),
                "embedding", "[N, 5]");
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_CONTEXT_COLUMNS, "a,b").bytes()),
                ModelContract.META_CONTEXT_COLUMNS, "F + A + 1");
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_FEATURES, "util,freq_norm").bytes()),
                ModelContract.META_CONTEXT_COLUMNS, "2 + 7 + 1");
    }

    @Test
    void malformedMetadataValuesAreRejected() throws Exception {
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_PARAMS, "[1,2]").bytes()),
                ModelContract.META_PARAMS, "JSON object");
        assertMentions(rejectReason(TestModels.spec().metadata(ModelContract.META_EXPECTED_REWARD, "high").bytes()),
                ModelContract.META_EXPECTED_REWARD, "not a number");
    }

    @Test
    void nonFiniteOutputsFailTheTrialInference() throws Exception {
        assertMentions(rejectReason(TestModels.spec().nanOutputs().bytes()), "trial inference", "not finite");
    }

    @Test
    void truncatedAndGarbageFilesAreRejected() throws Exception {
        assertMentions(rejectReason(TestModels.truncated()), "not a loadable ONNX model");
        assertMentions(rejectReason(TestModels.garbage()), "not a loadable ONNX model");
        assertMentions(rejectReason(new byte[0]), "empty");
    }

    @Test
    void missingFileIsRejected() {
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> OnnxModel.load(dir.resolve("nope.onnx")));
        assertMentions(e.reason(), "file not found");
        assertTrue(Files.notExists(dir.resolve("nope.onnx")));
    }
}
