package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network whose context is a layout of windows exports in the rows encoding (its rows change
 * every tick, so row codes cannot be kept), states its layout in {@code flash.context_windows},
 * loads with that layout, and computes in ONNX Runtime what DJL computes; a flat network's file
 * carries no such key, as before layouts existed.
 */
class ContextWindowsExportTest {

    static final int F = 3;
    static final int A = 4;
    static final int N = 2;
    static final ContextLayout LAYOUT = ContextLayout.parse("1,1,2,4,8");

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static OnnxExport.Metadata metadata() {
        List<String> features = List.of("f0", "f1", "f2");
        List<String> actions = List.of("a0", "a1", "a2", "a3");
        return new OnnxExport.Metadata("dvfs", features, actions, OnnxExport.rlContextColumns(features, actions),
                "test reward", 0.5, 0.1, "{\"command\":\"test\"}", "{\"levels\":10}");
    }

    private static NetworkConfig config() {
        return new NetworkConfig(NetworkConfig.Kind.RL, F, A, LAYOUT.rows(), F + A + 1,
                NetworkConfig.EncoderType.SET_DELTA, 8, 6, List.of(16, 16), NetworkConfig.Activation.TANH)
                .withContextLayout(LAYOUT);
    }

    @Test
    void windowedNetworkExportsAsRowsWithItsLayoutAndAgrees() throws Exception {
        NetworkConfig c = config();
        assertEquals(ModelContract.ENCODING_ROWS, OnnxExport.defaultEncoding(c));
        int cl = c.contextLength();
        int w = c.contextWidth();
        Random r = new Random(5);
        float[] state = new float[N * F];
        float[] ctx = new float[N * cl * w];
        for (int i = 0; i < state.length; i++) {
            state[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < ctx.length; i++) {
            ctx[i] = (float) r.nextGaussian();
        }
        float[] mask = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1};
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 3);
            float[] probs = net.heads(new ParameterStore(m, false), m.create(state, new Shape(N, F)),
                    m.create(ctx, new Shape(N, cl, w)), m.create(mask, new Shape(N, cl)), false)
                    .actionProbs().toFloatArray();
            Path file = dir.resolve("windows.onnx");
            OnnxExport.write(net, metadata(), file);
            try (OnnxModel model = OnnxModel.load(file)) {
                assertFalse(model.description().rowCodes());
                assertEquals(LAYOUT, model.description().contextLayout());
                OnnxModel.Batch b = model.batch(N);
                System.arraycopy(state, 0, b.state, 0, state.length);
                System.arraycopy(ctx, 0, b.context, 0, ctx.length);
                System.arraycopy(mask, 0, b.mask, 0, mask.length);
                model.run(b);
                for (int i = 0; i < probs.length; i++) {
                    assertEquals(probs[i], b.primary[i], 1e-4f, "action_probs[" + i + "]");
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.toBytes(net, metadata(), ModelContract.ENCODING_ROW_CODES));
        }
    }

    @Test
    void flatNetworkStatesNoLayoutAndLoadsFlat() throws Exception {
        NetworkConfig c = config().withContextLength(5);
        assertTrue(c.contextLayout().isFlat());
        assertEquals(config().toString().replace(", contextLayout=1,1,2,4,8", ""), c.toString(),
                "a flat network's text is the text it had before layouts existed");
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            Path file = dir.resolve("flat.onnx");
            OnnxExport.write(FlashAgentNetwork.create(c, m, 3), metadata(), file);
            try (OnnxModel model = OnnxModel.load(file)) {
                assertEquals(ContextLayout.flat(5), model.description().contextLayout());
                assertTrue(model.description().rowCodes(), "flat SET encoders keep their row codes");
            }
        }
    }
}
