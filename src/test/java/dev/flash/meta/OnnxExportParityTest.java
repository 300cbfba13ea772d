package dev.flash.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exported ONNX model computes what the DJL network computes, in ONNX Runtime: in the rows
 * encoding fed raw to a session, and in the row-codes encoding through {@link OnnxModel}'s batch
 * as the daemon runs it, including tick after tick while the batch reuses earlier rows' codes.
 */
class OnnxExportParityTest {

    static final int F = 3;
    static final int A = 4;
    static final int C = 5;
    static final int N = 3;
    static final float TOLERANCE = 1e-4f;

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    private static OnnxExport.Metadata metadata(int contextLength) {
        List<String> features = List.of("f0", "f1", "f2");
        List<String> actions = List.of("a0", "a1", "a2", "a3");
        return new OnnxExport.Metadata("dvfs", features, actions,
                contextLength > 0 ? OnnxExport.rlContextColumns(features, actions) : List.of(),
                "test reward", 0.5, 0.1, "{\"command\":\"test\"}", "{\"levels\":10}");
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Batch of 3: a full context, a partly filled one, an empty one. */
    private static float[] masks() {
        return new float[] {1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0};
    }

    private void assertParity(FlashAgentNetwork net, String label) throws Exception {
        NetworkConfig c = net.config();
        int w = c.contextWidth();
        float[] state = gaussian(N * F, 11);
        float[] ctx = gaussian(N * C * w, 12);
        float[] mask = masks();
        float[] probs;
        float[] value;
        float[] emb = null;
        try (NDManager sub = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork.Heads h = net.heads(new ParameterStore(sub, false), sub.create(state, new Shape(N, F)),
                    c.hasContext() ? sub.create(ctx, new Shape(N, C, w)) : null,
                    c.hasContext() ? sub.create(mask, new Shape(N, C)) : null, false);
            probs = h.actionProbs().toFloatArray();
            value = h.value().toFloatArray();
            if (c.hasContext()) {
                emb = h.embedding().toFloatArray();
            }
        }
        Path file = dir.resolve(label + ".onnx");
        Files.write(file, OnnxExport.toBytes(net, metadata(c.contextLength()), ModelContract.ENCODING_ROWS));
        assertTrue(Files.size(file) > 0);
        if (ModelContract.ENCODING_ROW_CODES.equals(OnnxExport.defaultEncoding(c))) {
            Path codes = dir.resolve(label + "-row-codes.onnx");
            OnnxExport.write(net, metadata(c.contextLength()), codes);
            try (OnnxModel model = OnnxModel.load(codes)) {
                assertTrue(model.description().rowCodes());
                OnnxModel.Batch b = model.batch(N);
                System.arraycopy(state, 0, b.state, 0, state.length);
                System.arraycopy(ctx, 0, b.context, 0, ctx.length);
                System.arraycopy(mask, 0, b.mask, 0, mask.length);
                model.run(b);
                assertClose(probs, b.primary, label + " row-codes action_probs");
                assertClose(value, b.value, label + " row-codes value");
                assertClose(emb, b.embedding, label + " row-codes embedding");
            }
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(file.toString(), opts)) {
                Map<String, String> md = session.getMetadata().getCustomMetadata();
                assertEquals(ModelContract.VERSION, md.get(ModelContract.META_CONTRACT_VERSION));
                assertEquals(Integer.toString(c.contextLength()), md.get(ModelContract.META_CONTEXT_LENGTH));
                assertEquals("a0,a1,a2,a3", md.get(ModelContract.META_ACTIONS));
                assertEquals(ModelContract.KIND_RL, md.get(ModelContract.META_KIND));
                try (OnnxTensor s = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {N, F});
                     OnnxTensor cx = OnnxTensor.createTensor(env, FloatBuffer.wrap(ctx), new long[] {N, C, w});
                     OnnxTensor mk = OnnxTensor.createTensor(env, FloatBuffer.wrap(mask), new long[] {N, C})) {
                    Map<String, OnnxTensor> inputs = c.hasContext()
                            ? Map.of(ModelContract.IN_STATE, s, ModelContract.IN_CONTEXT, cx,
                                    ModelContract.IN_CONTEXT_MASK, mk)
                            : Map.of(ModelContract.IN_STATE, s);
                    try (OrtSession.Result r = session.run(inputs)) {
                        assertClose(probs, flat(r, ModelContract.OUT_ACTION_PROBS), label + " action_probs");
                        assertClose(value, flat(r, ModelContract.OUT_VALUE), label + " value");
                        if (emb != null) {
                            assertClose(emb, flat(r, ModelContract.OUT_EMBEDDING), label + " embedding");
                        } else {
                            assertTrue(r.get(ModelContract.OUT_EMBEDDING).isEmpty());
                        }
                    }
                }
            }
        }
    }

    private static float[] flat(OrtSession.Result r, String name) throws Exception {
        OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new AssertionError("no output " + name));
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, what + "[" + i + "]");
        }
    }

    /** Random weights with non-zero biases, so a bias or gate swap cannot hide. */
    private static FlashAgentNetwork randomNetwork(NetworkConfig c, NDManager m, long seed) {
        FlashAgentNetwork net = FlashAgentNetwork.create(c, m, seed);
        Random r = new Random(seed);
        for (var p : net.getParameters()) {
            var arr = p.getValue().getArray();
            float[] v = arr.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.5);
            }
            arr.set(v);
        }
        return net;
    }

    @ParameterizedTest
    @EnumSource(NetworkConfig.EncoderType.class)
    void randomWeightsAgree(NetworkConfig.EncoderType type) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = new NetworkConfig(NetworkConfig.Kind.RL, F, A, C, F + A + 1, type, 8, 6,
                    List.of(16, 16), NetworkConfig.Activation.TANH);
            assertParity(randomNetwork(c, m, 21), "random-" + type);
        }
    }

    @ParameterizedTest
    @EnumSource(NetworkConfig.EncoderType.class)
    void brieflyTrainedNetworkAgrees(NetworkConfig.EncoderType type) throws Exception {
        ApplicationSet apps = HiddenTargetEnvironment.applications(4, 1);
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = new NetworkConfig(NetworkConfig.Kind.RL, 2, HiddenTargetEnvironment.ACTIONS, C,
                    2 + HiddenTargetEnvironment.ACTIONS + 1, type, 8, 6, List.of(16, 16),
                    NetworkConfig.Activation.RELU);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 4);
            float before = net.getParameters().get(0).getValue().getArray().toFloatArray()[0];
            new PpoTrainer(net, PpoConfig.defaults().withIterations(3).withRollout(4, 16, 2)).train(apps, null);
            float after = net.getParameters().get(0).getValue().getArray().toFloatArray()[0];
            assertTrue(before != after, "training must have changed the encoder's weights");
            assertParityGeneric(net, "trained-" + type);
        }
    }

    /** Parity for a network of any state size (here the toy environment's F = 2). */
    private void assertParityGeneric(FlashAgentNetwork net, String label) throws Exception {
        NetworkConfig c = net.config();
        int f = c.stateSize();
        int w = c.contextWidth();
        float[] state = gaussian(N * f, 31);
        float[] ctx = gaussian(N * C * w, 32);
        float[] mask = masks();
        float[] probs;
        float[] value;
        float[] emb;
        try (NDManager sub = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork.Heads h = net.heads(new ParameterStore(sub, false), sub.create(state, new Shape(N, f)),
                    sub.create(ctx, new Shape(N, C, w)), sub.create(mask, new Shape(N, C)), false);
            probs = h.actionProbs().toFloatArray();
            value = h.value().toFloatArray();
            emb = h.embedding().toFloatArray();
        }
        List<String> features = List.of("t", "bias");
        List<String> actions = List.of("a0", "a1", "a2", "a3");
        OnnxExport.Metadata md = new OnnxExport.Metadata("dvfs", features, actions,
                OnnxExport.rlContextColumns(features, actions), "toy", 0, 0, "{}", "{}");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxExport.toBytes(net, md, ModelContract.ENCODING_ROWS),
                new OrtSession.SessionOptions());
             OnnxTensor s = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {N, f});
             OnnxTensor cx = OnnxTensor.createTensor(env, FloatBuffer.wrap(ctx), new long[] {N, C, w});
             OnnxTensor mk = OnnxTensor.createTensor(env, FloatBuffer.wrap(mask), new long[] {N, C});
             OrtSession.Result r = session.run(Map.of(ModelContract.IN_STATE, s, ModelContract.IN_CONTEXT, cx,
                     ModelContract.IN_CONTEXT_MASK, mk))) {
            assertClose(probs, flat(r, ModelContract.OUT_ACTION_PROBS), label + " action_probs");
            assertClose(value, flat(r, ModelContract.OUT_VALUE), label + " value");
            assertClose(emb, flat(r, ModelContract.OUT_EMBEDDING), label + " embedding");
        }
    }

    /**
     * The daemon's pattern: three policies' contexts move one row per tick (filling up, then
     * sliding), one policy is reset halfway, one tick appends two rows at once. Every tick the
     * row-codes model, reusing the codes it kept, must give what DJL gives for the full context;
     * and most ticks must have reused codes (two new rows per policy), or the test proves nothing.
     */
    @ParameterizedTest
    @EnumSource(value = NetworkConfig.EncoderType.class, names = {"SET", "SET_DELTA"})
    void rowCodesFollowAMovingContextTickByTick(NetworkConfig.EncoderType type) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = new NetworkConfig(NetworkConfig.Kind.RL, F, A, C, F + A + 1, type, 8, 6,
                    List.of(16, 16), NetworkConfig.Activation.TANH);
            FlashAgentNetwork net = randomNetwork(c, m, 33);
            Path file = dir.resolve("moving-" + type + ".onnx");
            OnnxExport.write(net, metadata(C), file);
            int w = c.contextWidth();
            Random r = new Random(34);
            List<List<float[]>> history = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>(),
                    new java.util.ArrayList<>());
            int ticks = 3 * C;
            try (OnnxModel model = OnnxModel.load(file)) {
                OnnxModel.Batch b = model.batch(N);
                for (int t = 0; t < ticks; t++) {
                    for (int i = 0; i < N; i++) {
                        if (i == 1 && t == C + 2) {
                            history.get(i).clear(); // the application changed: context reset
                        }
                        int rows = i == 2 && t == C + 4 ? 2 : 1; // a tick that appends two rows
                        for (int k = 0; k < rows; k++) {
                            float[] row = new float[w];
                            for (int j = 0; j < w; j++) {
                                row[j] = (float) r.nextGaussian();
                            }
                            history.get(i).add(row);
                        }
                    }
                    java.util.Arrays.fill(b.context, 0f);
                    java.util.Arrays.fill(b.mask, 0f);
                    for (int i = 0; i < N; i++) {
                        List<float[]> h = history.get(i);
                        int filled = Math.min(C, h.size());
                        for (int k = 0; k < filled; k++) {
                            int slot = C - filled + k;
                            System.arraycopy(h.get(h.size() - filled + k), 0, b.context, (i * C + slot) * w, w);
                            b.mask[i * C + slot] = 1f;
                        }
                    }
                    float[] state = gaussian(N * F, 100 + t);
                    System.arraycopy(state, 0, b.state, 0, state.length);
                    model.run(b);
                    try (NDManager sub = NDManager.newBaseManager(Djl.ENGINE)) {
                        FlashAgentNetwork.Heads h = net.heads(new ParameterStore(sub, false),
                                sub.create(state, new Shape(N, F)), sub.create(b.context.clone(), new Shape(N, C, w)),
                                sub.create(b.mask.clone(), new Shape(N, C)), false);
                        assertClose(h.actionProbs().toFloatArray(), b.primary, type + " tick " + t + " action_probs");
                        assertClose(h.embedding().toFloatArray(), b.embedding, type + " tick " + t + " embedding");
                    }
                }
                assertEquals(ticks, b.fullRuns() + b.steadyRuns());
                assertEquals(3, b.fullRuns(), "the first tick, the reset and the double append code every row");
            }
        }
    }

    @Test
    void plainBaseAgentExportsWithoutContextInputs() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.rl(F, A, 0, NetworkConfig.EncoderType.SET, 8);
            assertParity(randomNetwork(c, m, 5), "plain");
        }
    }

    @Test
    void metadataMustMatchTheNetwork() {
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            NetworkConfig c = NetworkConfig.rl(F + 1, A, C, NetworkConfig.EncoderType.SET, 8);
            FlashAgentNetwork net = FlashAgentNetwork.create(c, m, 5);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.toBytes(net, metadata(C)));
            assertTrue(e.getMessage().contains("features"), e.getMessage());
        }
    }
}
