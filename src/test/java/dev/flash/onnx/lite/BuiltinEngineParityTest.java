package dev.flash.onnx.lite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flash.autoscale.TestModels;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.OnnxExport;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in evaluator computes what ONNX Runtime computes, on every shipped model and on
 * freshly exported models of each agent and encoder: the raw graph (every output, row codes
 * included) on random inputs of three scales and on edge inputs (zeros, empty and full contexts,
 * batch 1 and 7, one and all new rows), and through {@link OnnxModel}'s batches tick after tick.
 * Tolerance: |builtin - ort| <= 1e-5 * max(1, |ort|), times 100 for the inputs of size 100.
 */
class BuiltinEngineParityTest {
    static final double TOLERANCE = 1e-5;
    /** Inputs of the "large" set: Gaussian times 100. */
    static final double LARGE = 100;

    @TempDir
    static Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    static Stream<Path> shipped() throws Exception {
        Path models = Path.of("models");
        try (Stream<Path> s = Files.list(models)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList();
            assertTrue(files.size() >= 4, "the shipped models are found: " + files);
            return files.stream();
        }
    }

    /** Fresh exports with random weights (biases included, so a swapped gate cannot hide). */
    static Stream<Path> exported() throws Exception {
        List<Path> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            List<String> features = List.of("f0", "f1", "f2");
            List<String> actions = List.of("a0", "a1", "a2", "a3");
            for (NetworkConfig.EncoderType type : NetworkConfig.EncoderType.values()) {
                NetworkConfig c = new NetworkConfig(NetworkConfig.Kind.RL, 3, 4, 5, 8, type, 8, 6,
                        List.of(16, 16), NetworkConfig.Activation.TANH);
                FlashAgentNetwork net = randomized(FlashAgentNetwork.create(c, m, 21), 21);
                OnnxExport.Metadata meta = new OnnxExport.Metadata(ModelContract.AGENT_DVFS, features, actions,
                        OnnxExport.rlContextColumns(features, actions), "test", 0.5, 0.1, "{\"command\":\"test\"}",
                        "{\"levels\":10}");
                out.add(write("dvfs-" + type + "-rows", OnnxExport.toBytes(net, meta, ModelContract.ENCODING_ROWS)));
                if (type != NetworkConfig.EncoderType.GRU) {
                    out.add(write("dvfs-" + type + "-row-codes",
                            OnnxExport.toBytes(net, meta, ModelContract.ENCODING_ROW_CODES)));
                }
            }
            // A context of windows with row positions: rows encoding, the positions added after the first row layer.
            NetworkConfig positions = new NetworkConfig(NetworkConfig.Kind.RL, 3, 4, 5, 8,
                    NetworkConfig.EncoderType.SET_DELTA, 8, 6, List.of(16, 16), NetworkConfig.Activation.TANH)
                    .withContextLayout(dev.flash.policy.ContextLayout.parse("1,1,2,4,8")).withRowPositions(true);
            out.add(write("dvfs-windows-positions", OnnxExport.toBytes(
                    randomized(FlashAgentNetwork.create(positions, m, 23), 23),
                    new OnnxExport.Metadata(ModelContract.AGENT_DVFS, features, actions,
                            OnnxExport.rlContextColumns(features, actions), "test", 0.5, 0.1, "{\"command\":\"test\"}",
                            "{\"levels\":10}"))));
            NetworkConfig noContext = NetworkConfig.rl(3, 4, 0, NetworkConfig.EncoderType.SET, 6);
            out.add(write("dvfs-no-context", OnnxExport.toBytes(randomized(FlashAgentNetwork.create(noContext, m, 5), 5),
                    new OnnxExport.Metadata(ModelContract.AGENT_DVFS, features, actions, List.of(), "test", 0.5, 0.1,
                            "{\"command\":\"test\"}", "{\"levels\":10}"))));
            for (NetworkConfig.EncoderType type : NetworkConfig.EncoderType.values()) {
                NetworkConfig c = NetworkConfig.regression(6, 3, 8, type, 16);
                FlashAgentNetwork net = randomized(FlashAgentNetwork.create(c, m, 7), 7);
                List<String> cols = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    cols.add("s" + i);
                }
                OnnxExport.Metadata meta = new OnnxExport.Metadata(ModelContract.AGENT_CONFIG_SEARCH,
                        List.of("q0", "q1", "q2", "q3", "q4", "q5"), List.of(), cols, "log runtime", 0, 0,
                        "{\"command\":\"test\"}", "{}");
                out.add(write("configsearch-" + type, OnnxExport.toBytes(net, meta)));
            }
        }
        out.add(TestModels.write(dir, 4, -1));
        out.add(TestModels.write(dir, 0, -1));
        return out.stream();
    }

    private static Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name + ".onnx");
        Files.write(p, bytes);
        return p;
    }

    private static FlashAgentNetwork randomized(FlashAgentNetwork net, long seed) {
        Random r = new Random(seed);
        for (var p : net.getParameters()) {
            var arr = p.getValue().getArray();
            float[] v = arr.toFloatArray();
            // weights of size 1/sqrt(fan-in), as trained ones are: with 0.5 the activations of a
            // 64-wide net reach 1e3 and ONNX Runtime's float32 sums alone differ from exact by 1e-5
            double size = arr.getShape().dimension() == 2 ? 1 / Math.sqrt(arr.getShape().get(1)) : 0.5;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * size);
            }
            arr.set(v);
        }
        return net;
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void shippedModelsAgree(Path file) throws Exception {
        rawGraphAgrees(file);
        batchesAgree(file);
    }

    @ParameterizedTest
    @MethodSource("exported")
    void exportedModelsAgree(Path file) throws Exception {
        rawGraphAgrees(file);
        batchesAgree(file);
    }

    /** Every output of the graph, fed directly, for several input sets. */
    private static void rawGraphAgrees(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        Evaluator builtin = Evaluator.of(bytes);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(bytes, opts)) {
            int cases = 0;
            for (int batch : new int[] {1, 7}) {
                for (int k : new int[] {1, 2, 5}) {
                    for (String fill : new String[] {"zeros", "random", "large", "tiny", "empty-mask", "full-mask"}) {
                        Map<String, Tensor> in = inputs(builtin, batch, k, fill, new Random(batch * 31L + k * 7L + fill.hashCode()));
                        compare(file + " batch " + batch + " k " + k + " " + fill, builtin.run(in), ort(env, session, in),
                                fill.equals("large") ? LARGE : 1);
                        cases++;
                    }
                }
            }
            assertTrue(cases > 0);
        }
    }

    /** Inputs for every graph input; symbolic dimensions: N = batch, K = k (context_new's rows). */
    private static Map<String, Tensor> inputs(Evaluator e, int batch, int k, String fill, Random random) {
        Map<String, Tensor> in = new HashMap<>();
        for (OnnxFile.ValueInfo v : e.inputs()) {
            long[] dims = v.dims();
            int[] shape = new int[dims.length];
            for (int d = 0; d < dims.length; d++) {
                shape[d] = dims[d] >= 0 ? (int) dims[d] : d == 0 ? batch : k;
            }
            float[] data = new float[(int) Tensor.count(shape)];
            boolean mask = v.name().endsWith("mask");
            boolean count = v.name().equals(ModelContract.IN_CONTEXT_COUNT);
            for (int i = 0; i < data.length; i++) {
                data[i] = switch (fill) {
                    case "zeros" -> 0f;
                    case "empty-mask" -> mask || count ? 0f : (float) random.nextGaussian();
                    case "full-mask" -> mask ? 1f : count ? 5f : (float) random.nextGaussian();
                    case "large" -> mask ? random.nextInt(2) : count ? random.nextInt(6) : (float) (random.nextGaussian() * LARGE);
                    case "tiny" -> mask ? random.nextInt(2) : count ? random.nextInt(6) : (float) (random.nextGaussian() * 1e-3);
                    default -> mask ? random.nextInt(2) : count ? random.nextInt(6) : (float) random.nextGaussian();
                };
            }
            in.put(v.name(), Tensor.of(data, shape));
        }
        return in;
    }

    private static Map<String, Tensor> ort(OrtEnvironment env, OrtSession session, Map<String, Tensor> in)
            throws Exception {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : in.entrySet()) {
                int[] s = e.getValue().shape();
                long[] shape = new long[s.length];
                for (int d = 0; d < s.length; d++) {
                    shape[d] = s[d];
                }
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().floats()), shape));
            }
            Map<String, Tensor> out = new HashMap<>();
            try (OrtSession.Result r = session.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] shape = t.getInfo().getShape();
                    int[] s = new int[shape.length];
                    for (int d = 0; d < s.length; d++) {
                        s[d] = (int) shape[d];
                    }
                    FloatBuffer b = t.getFloatBuffer();
                    float[] v = new float[b.remaining()];
                    b.get(v);
                    out.put(e.getKey(), Tensor.of(v, s));
                }
            }
            return out;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    static void compare(String what, Map<String, Tensor> builtin, Map<String, Tensor> ort) {
        compare(what, builtin, ort, 1);
    }

    /**
     * {@code scale}: the size of the inputs. ONNX Runtime sums in float32, so on inputs of size
     * 100 its own rounding reaches a few 1e-5 (the evaluator sums in double): the bound grows with it.
     */
    static void compare(String what, Map<String, Tensor> builtin, Map<String, Tensor> ort, double scale) {
        assertEquals(ort.keySet(), builtin.keySet(), what + ": outputs");
        for (String name : ort.keySet()) {
            Tensor a = builtin.get(name);
            Tensor b = ort.get(name);
            assertEquals(java.util.Arrays.toString(b.shape()), java.util.Arrays.toString(a.shape()), what + " " + name);
            close(what + " " + name, a.floats(), b.floats(), scale);
        }
    }

    static void close(String what, float[] builtin, float[] ort) {
        close(what, builtin, ort, 1);
    }

    static void close(String what, float[] builtin, float[] ort, double scale) {
        assertEquals(ort.length, builtin.length, what + ": length");
        for (int i = 0; i < ort.length; i++) {
            double diff = Math.abs((double) builtin[i] - ort[i]);
            if (!(diff <= TOLERANCE * scale * Math.max(1, Math.abs(ort[i])))) {
                fail(what + "[" + i + "]: builtin " + builtin[i] + ", onnxruntime " + ort[i] + " (diff " + diff + ")");
            }
        }
    }

    /** Through {@link OnnxModel}: the same checks pass, and tick after tick the batches agree. */
    private static void batchesAgree(Path file) throws Exception {
        try (OnnxModel ort = OnnxModel.load(file); OnnxModel builtin = OnnxModel.loadBuiltin(file)) {
            assertEquals(OnnxModel.ENGINE_ORT, ort.engine());
            assertEquals(OnnxModel.ENGINE_BUILTIN, builtin.engine());
            assertEquals(ort.description(), builtin.description(), "the same description from both engines");
            Random random = new Random(file.getFileName().toString().hashCode());
            for (int n : new int[] {1, 4}) {
                OnnxModel.Batch a = ort.batch(n);
                OnnxModel.Batch b = builtin.batch(n);
                int c = ort.description().contextLength();
                for (int tick = 0; tick < 4; tick++) {
                    for (int i = 0; i < a.state.length; i++) {
                        a.state[i] = b.state[i] = (float) random.nextGaussian();
                    }
                    // each row's context moves one row on per tick, as the daemon's do
                    for (int row = 0; row < n && c > 0; row++) {
                        int w = ort.description().contextWidth();
                        int base = row * c;
                        System.arraycopy(a.context, (base + 1) * w, a.context, base * w, Math.max(0, c - 1) * w);
                        System.arraycopy(a.mask, base + 1, a.mask, base, Math.max(0, c - 1));
                        if (c > 0) {
                            a.mask[base + c - 1] = row == 0 && tick < 2 ? 0f : 1f;
                            for (int col = 0; col < w; col++) {
                                a.context[(base + c - 1) * w + col] = (float) random.nextGaussian();
                            }
                        }
                    }
                    System.arraycopy(a.context, 0, b.context, 0, a.context.length);
                    System.arraycopy(a.mask, 0, b.mask, 0, a.mask.length);
                    ort.run(a);
                    builtin.run(b);
                    String what = file.getFileName() + " n " + n + " tick " + tick;
                    close(what + " primary", b.primary, a.primary);
                    close(what + " embedding", b.embedding, a.embedding);
                    for (int i = 0; i < a.value.length; i++) {
                        if (!(Float.isNaN(a.value[i]) && Float.isNaN(b.value[i]))) {
                            close(what + " value", new float[] {b.value[i]}, new float[] {a.value[i]});
                        }
                    }
                }
            }
        }
    }

    @Test
    void shippedModelsAreReadByTheBuiltinEngine() throws Exception {
        for (Path p : shipped().toList()) {
            try (OnnxModel m = OnnxModel.loadBuiltin(p)) {
                assertEquals(OnnxModel.ENGINE_BUILTIN, m.engine());
            }
        }
    }
}
