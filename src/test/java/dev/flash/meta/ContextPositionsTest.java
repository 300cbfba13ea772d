package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row positions ({@link NetworkConfig#rowPositions}): the SET encoders learn a vector per row, so
 * they can tell which window a row summarises. Checked here: swapping two rows changes the
 * embedding only with positions; untrained (zero) positions compute what the plain encoder
 * computes; training reaches them; the ONNX file (rows encoding, no row codes) computes in ONNX
 * Runtime what DJL computes and reads back; the network's text, which keys the expert cache, is
 * unchanged without them.
 */
class ContextPositionsTest {

    static final int F = 3;
    static final int A = 4;
    static final ContextLayout LAYOUT = ContextLayout.parse("1,1,2,4,8");

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static NetworkConfig config(NetworkConfig.EncoderType type, boolean positions) {
        return new NetworkConfig(NetworkConfig.Kind.RL, F, A, LAYOUT.rows(), F + A + 1, type, 8, 6,
                List.of(16, 16), NetworkConfig.Activation.TANH).withContextLayout(LAYOUT).withRowPositions(positions);
    }

    private static OnnxExport.Metadata metadata() {
        List<String> features = List.of("f0", "f1", "f2");
        List<String> actions = List.of("a0", "a1", "a2", "a3");
        return new OnnxExport.Metadata("dvfs", features, actions, OnnxExport.rlContextColumns(features, actions),
                "test reward", 0.5, 0.1, "{\"command\":\"test\"}", "{\"levels\":10}");
    }

    /** Every weight, biases and positions included, drawn at the scale of a trained network. */
    private static FlashAgentNetwork randomized(FlashAgentNetwork net, long seed) {
        Random r = new Random(seed);
        for (var p : net.getParameters()) {
            NDArray a = p.getValue().getArray();
            float[] v = a.toFloatArray();
            double size = a.getShape().dimension() == 2 ? 1 / Math.sqrt(a.getShape().get(1)) : 0.5;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * size);
            }
            try (NDArray x = a.getManager().create(v, a.getShape())) {
                x.copyTo(a);
            }
        }
        return net;
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static float[] embedding(NDManager m, FlashAgentNetwork net, float[] ctx, float[] mask) {
        int c = net.config().contextLength();
        int w = net.config().contextWidth();
        int n = mask.length / c;
        return net.encoder().orElseThrow().encode(new ParameterStore(m, false), m.create(ctx, new Shape(n, c, w)),
                m.create(mask, new Shape(n, c)), false).toFloatArray();
    }

    /** The context with rows {@code a} and {@code b} of batch item 0 swapped. */
    private static float[] swapRows(float[] ctx, int w, int a, int b) {
        float[] out = ctx.clone();
        System.arraycopy(ctx, a * w, out, b * w, w);
        System.arraycopy(ctx, b * w, out, a * w, w);
        return out;
    }

    @Test
    void positionsMakeTheSetEncoderTellRowsApart() {
        int w = F + A + 1;
        float[] ctx = gaussian(new Random(1), LAYOUT.rows() * w);
        float[] mask = {1, 1, 1, 1, 1};
        float[] swapped = swapRows(ctx, w, 0, 4);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork plain = randomized(FlashAgentNetwork.create(config(NetworkConfig.EncoderType.SET, false),
                    m, 3), 3);
            assertArrayEquals(embedding(m, plain, ctx, mask), embedding(m, plain, swapped, mask), 1e-5f,
                    "a mean over rows does not know their order");
            FlashAgentNetwork positional = randomized(FlashAgentNetwork.create(
                    config(NetworkConfig.EncoderType.SET, true), m, 3), 3);
            float[] e = embedding(m, positional, ctx, mask);
            float[] s = embedding(m, positional, swapped, mask);
            double moved = 0;
            for (int i = 0; i < e.length; i++) {
                moved += Math.abs(e[i] - s[i]);
            }
            assertTrue(moved > 1e-3, "with positions, the newest row and the 8-transition window are told apart");
        }
    }

    @Test
    void zeroPositionsComputeWhatThePlainEncoderComputes() {
        int w = F + A + 1;
        float[] ctx = gaussian(new Random(2), 2 * LAYOUT.rows() * w);
        float[] mask = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1};
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork plain = randomized(FlashAgentNetwork.create(
                    config(NetworkConfig.EncoderType.SET_DELTA, false), m, 4), 4);
            FlashAgentNetwork positional = FlashAgentNetwork.create(config(NetworkConfig.EncoderType.SET_DELTA, true),
                    m, 4);
            SetContextEncoder enc = (SetContextEncoder) positional.encoder().orElseThrow();
            NDArray positions = enc.positions().orElseThrow().getArray();
            assertEquals(new Shape(LAYOUT.rows(), 8), positions.getShape());
            assertEquals(0f, positions.abs().sum().getFloat(), "a new network starts from the plain encoder");
            // the plain network's weights, in parameter order, into the positional one (positions stay 0)
            var mine = plain.getParameters();
            for (var p : positional.getParameters()) {
                if (!p.getKey().endsWith("positions")) {
                    mine.get(p.getKey()).getArray().copyTo(p.getValue().getArray());
                }
            }
            assertArrayEquals(embedding(m, plain, ctx, mask), embedding(m, positional, ctx, mask), 1e-6f);
        }
    }

    @Test
    void trainingReachesThePositions() {
        int w = F + A + 1;
        float[] ctx = gaussian(new Random(3), 2 * LAYOUT.rows() * w);
        float[] mask = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1};
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = randomized(FlashAgentNetwork.create(
                    config(NetworkConfig.EncoderType.SET_DELTA, true), m, 5), 5);
            SetContextEncoder enc = (SetContextEncoder) net.encoder().orElseThrow();
            NDArray positions = enc.positions().orElseThrow().getArray();
            positions.setRequiresGradient(true);
            try (GradientCollector gc = ai.djl.engine.Engine.getEngine(Djl.ENGINE).newGradientCollector()) {
                NDArray e = enc.encode(new ParameterStore(m, false), m.create(ctx, new Shape(2, LAYOUT.rows(), w)),
                        m.create(mask, new Shape(2, LAYOUT.rows())), true);
                gc.backward(e.sum());
            }
            float[] g = positions.getGradient().toFloatArray();
            double total = 0;
            for (float v : g) {
                total += Math.abs(v);
            }
            assertTrue(total > 0, "the loss reaches the positions");
        }
    }

    @Test
    void exportsAsRowsComputesWhatDjlComputesAndReadsBack() throws Exception {
        NetworkConfig c = config(NetworkConfig.EncoderType.SET_DELTA, true);
        assertEquals(ModelContract.ENCODING_ROWS, OnnxExport.defaultEncoding(c));
        assertEquals(ModelContract.ENCODING_ROWS, OnnxExport.defaultEncoding(c.withContextLength(5).withRowPositions(true)),
                "a flat context with positions cannot keep row codes either");
        int n = 2;
        int w = c.contextWidth();
        Random r = new Random(6);
        float[] state = gaussian(r, n * F);
        float[] ctx = gaussian(r, n * LAYOUT.rows() * w);
        float[] mask = {1, 1, 1, 1, 1, 0, 0, 1, 1, 1};
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = randomized(FlashAgentNetwork.create(c, m, 7), 7);
            float[] probs = net.heads(new ParameterStore(m, false), m.create(state, new Shape(n, F)),
                    m.create(ctx, new Shape(n, LAYOUT.rows(), w)), m.create(mask, new Shape(n, LAYOUT.rows())), false)
                    .actionProbs().toFloatArray();
            Path file = dir.resolve("positions.onnx");
            OnnxExport.write(net, metadata(), file);
            try (OnnxModel model = OnnxModel.load(file)) {
                assertFalse(model.description().rowCodes());
                assertEquals(LAYOUT, model.description().contextLayout());
                OnnxModel.Batch b = model.batch(n);
                System.arraycopy(state, 0, b.state, 0, state.length);
                System.arraycopy(ctx, 0, b.context, 0, ctx.length);
                System.arraycopy(mask, 0, b.mask, 0, mask.length);
                model.run(b);
                for (int i = 0; i < probs.length; i++) {
                    assertEquals(probs[i], b.primary[i], 1e-4f, "action_probs[" + i + "]");
                }
            }
            IllegalArgumentException rowCodes = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.toBytes(net.copy(m), metadata(), ModelContract.ENCODING_ROW_CODES));
            assertTrue(rowCodes.getMessage().contains("row codes"), rowCodes.getMessage());

            FlashAgentNetwork back = FlashAgentNetwork.create(c, m, 8);
            OnnxImport.readInto(back, file);
            assertArrayEquals(net.heads(new ParameterStore(m, false), m.create(state, new Shape(n, F)),
                            m.create(ctx, new Shape(n, LAYOUT.rows(), w)), m.create(mask, new Shape(n, LAYOUT.rows())),
                            false).actionProbs().toFloatArray(),
                    back.heads(new ParameterStore(m, false), m.create(state, new Shape(n, F)),
                            m.create(ctx, new Shape(n, LAYOUT.rows(), w)), m.create(mask, new Shape(n, LAYOUT.rows())),
                            false).actionProbs().toFloatArray(), 1e-6f, "the positions are read back");
            IOException without = assertThrows(IOException.class, () -> OnnxImport.readInto(
                    FlashAgentNetwork.create(config(NetworkConfig.EncoderType.SET_DELTA, false), m, 8), file));
            assertTrue(without.getMessage().contains("enc_positions"), without.getMessage());
        }
    }

    @Test
    void theNetworkTextChangesOnlyWithPositionsInUse() {
        NetworkConfig plain = config(NetworkConfig.EncoderType.SET_DELTA, false);
        NetworkConfig positional = config(NetworkConfig.EncoderType.SET_DELTA, true);
        String text = plain.toString();
        assertEquals(text.substring(0, text.length() - 1) + ", rowPositions=true]", positional.toString());
        assertEquals(plain.withContextLength(0).toString(), positional.withContextLength(0).toString(),
                "a baseline without context (an expert's key) is the same network with or without the flag");
        assertFalse(positional.withContextLength(0).positional());
        assertThrows(IllegalArgumentException.class,
                () -> config(NetworkConfig.EncoderType.GRU, true), "a GRU reads the rows in order already");
    }
}
