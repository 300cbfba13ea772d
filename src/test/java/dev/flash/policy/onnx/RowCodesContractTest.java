package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.OnnxExport;
import dev.flash.policy.ModelContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a model in the row-codes context encoding: what the exporter writes is accepted and
 * described, and files that break the encoding's rules are rejected with a reason that names the
 * key or the output at fault. (Agreement with DJL, tick by tick, is in OnnxExportParityTest.)
 */
class RowCodesContractTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static byte[] exported(NetworkConfig.EncoderType type) {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = new NetworkConfig(NetworkConfig.Kind.RL, 3, 4, 5, 8, type, 8, 6,
                    List.of(16, 16), NetworkConfig.Activation.TANH);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 3);
            List<String> features = List.of("f0", "f1", "f2");
            List<String> actions = List.of("a0", "a1", "a2", "a3");
            return OnnxExport.toBytes(net, new OnnxExport.Metadata("dvfs", features, actions,
                    OnnxExport.rlContextColumns(features, actions), "test", 0.1, 0.01, "{}", "{}"));
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** The exported model with its proto changed by {@code edit}. */
    private Path edited(String name, UnaryOperator<OnnxMl.ModelProto.Builder> edit) throws Exception {
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(exported(NetworkConfig.EncoderType.SET_DELTA))
                .toBuilder();
        return write(name, edit.apply(b).build().toByteArray());
    }

    private static OnnxMl.ModelProto.Builder setMeta(OnnxMl.ModelProto.Builder b, String key, String value) {
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(key)) {
                if (value == null) {
                    b.removeMetadataProps(i);
                } else {
                    b.setMetadataProps(i, OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
                }
                return b;
            }
        }
        throw new AssertionError("no metadata key " + key);
    }

    @Test
    void setEncodersExportAsRowCodesAndGruAsRows() throws Exception {
        try (OnnxModel m = OnnxModel.load(write("set.onnx", exported(NetworkConfig.EncoderType.SET_DELTA)))) {
            ModelDescription d = m.description();
            assertTrue(d.rowCodes());
            assertEquals(ModelContract.ENCODING_ROW_CODES, d.contextEncoding());
            assertEquals(8, d.rowCodeSize());
        }
        try (OnnxModel m = OnnxModel.load(write("gru.onnx", exported(NetworkConfig.EncoderType.GRU)))) {
            assertEquals(ModelContract.ENCODING_ROWS, m.description().contextEncoding());
            assertEquals(0, m.description().rowCodeSize());
        }
    }

    @Test
    void missingRowCodeSizeIsNamed() throws Exception {
        Path f = edited("no-size.onnx", b -> setMeta(b, ModelContract.META_ROW_CODE_SIZE, null));
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(f));
        assertTrue(e.getMessage().contains(ModelContract.META_ROW_CODE_SIZE), e.getMessage());
    }

    @Test
    void rowCodesNeedContractVersionTwo() throws Exception {
        Path f = edited("v1.onnx", b -> setMeta(b, ModelContract.META_CONTRACT_VERSION, "1"));
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(f));
        assertTrue(e.getMessage().contains("needs " + ModelContract.META_CONTRACT_VERSION + " 2"), e.getMessage());
    }

    @Test
    void unknownEncodingIsNamed() throws Exception {
        Path f = edited("enc.onnx", b -> setMeta(b, ModelContract.META_CONTEXT_ENCODING, "row-hashes"));
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(f));
        assertTrue(e.getMessage().contains("row-hashes") && e.getMessage().contains(ModelContract.META_CONTEXT_ENCODING),
                e.getMessage());
    }

    @Test
    void wrongRowCodeSizeIsAShapeMismatch() throws Exception {
        Path f = edited("size.onnx", b -> setMeta(b, ModelContract.META_ROW_CODE_SIZE, "9"));
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(f));
        assertTrue(e.getMessage().contains(ModelContract.IN_CONTEXT_CODE_SUM), e.getMessage());
    }

    /**
     * A graph that ignores the sum of the earlier codes agrees with itself whenever every row is
     * coded afresh (the sum is then zero), so only the trial's second tick can catch it.
     */
    @Test
    void codesThatDoNotAddUpAreRejectedByTheSecondTrialTick() throws Exception {
        Path f = edited("broken-sum.onnx", b -> {
            OnnxMl.GraphProto.Builder g = b.getGraphBuilder();
            for (int i = 0; i < g.getNodeCount(); i++) {
                OnnxMl.NodeProto n = g.getNode(i);
                if (n.getOutputCount() == 1 && n.getOutput(0).equals("enc_sum")) {
                    g.setNode(i, n.toBuilder().setInput(0, "rc_new_sum"));
                    return b;
                }
            }
            throw new AssertionError("no enc_sum node");
        });
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(f));
        assertTrue(e.getMessage().contains("row codes do not add up"), e.getMessage());
    }
}
