package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.flash.policy.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A network exported by {@link OnnxExport} and read back by {@link OnnxImport} has the same weights. */
class OnnxImportTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static OnnxExport.Metadata metadata(NetworkConfig c) {
        List<String> features = List.of("f0", "f1", "f2");
        List<String> actions = List.of("a0", "a1", "a2", "a3");
        return new OnnxExport.Metadata("autoscale", features, actions,
                c.hasContext() ? OnnxExport.rlContextColumns(features, actions) : List.of(), "r", 0.5, 0.1,
                "{\"command\":\"test\"}", "{}");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5})
    void roundTripKeepsEveryWeight(int contextLength) throws IOException {
        NetworkConfig c = NetworkConfig.rl(3, 4, contextLength, NetworkConfig.EncoderType.SET_DELTA, 8);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork trained = FlashAgentNetwork.create(c, m, 11);
            for (Pair<String, Parameter> p : trained.getParameters()) { // not the initial zero biases
                p.getValue().getArray().addi(m.randomNormal(p.getValue().getArray().getShape()).mul(0.1f));
            }
            Path file = dir.resolve("m.onnx");
            String encoding = contextLength > 0 ? ModelContract.ENCODING_ROWS : OnnxExport.defaultEncoding(c);
            Files.write(file, OnnxExport.toBytes(trained, metadata(c), encoding));
            FlashAgentNetwork fresh = FlashAgentNetwork.create(c, m, 99);
            assertFalse(Arrays.equals(flat(trained), flat(fresh)), "the seeds must give other weights to begin with");
            OnnxImport.readInto(fresh, file);
            assertArrayEquals(flat(trained), flat(fresh), 1e-7f);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8})
    void anotherShapeIsRefusedNamingTheLayer(int contextLength) throws IOException {
        NetworkConfig c = NetworkConfig.rl(3, 4, contextLength, NetworkConfig.EncoderType.SET_DELTA, 8);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            Path file = dir.resolve("m.onnx");
            Files.write(file, OnnxExport.toBytes(FlashAgentNetwork.create(c, m, 1), metadata(c)));
            FlashAgentNetwork wider = FlashAgentNetwork.create(c.withHidden(List.of(32, 32)), m, 1);
            IOException e = assertThrows(IOException.class, () -> OnnxImport.readInto(wider, file));
            assertTrue(e.getMessage().contains("actor0") || e.getMessage().contains("enc_"), e.getMessage());
            Path junk = dir.resolve("junk.onnx");
            Files.writeString(junk, "not a model");
            assertThrows(IOException.class, () -> OnnxImport.readInto(wider, junk));
        }
    }

    private static float[] flat(FlashAgentNetwork n) {
        List<float[]> parts = n.getParameters().stream().map(p -> p.getValue().getArray().toFloatArray()).toList();
        int len = parts.stream().mapToInt(a -> a.length).sum();
        float[] out = new float[len];
        int i = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, i, a.length);
            i += a.length;
        }
        return out;
    }
}
