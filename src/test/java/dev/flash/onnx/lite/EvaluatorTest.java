package dev.flash.onnx.lite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.flash.onnx.OnnxGraphBuilder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Operators one at a time, on small graphs written by {@link OnnxGraphBuilder}, against ONNX
 * Runtime: the corners the exports use rarely or not at all (negative and clamped Slice bounds,
 * steps, broadcasting on both sides, ReduceSum without keepdims, Reshape's 0 and -1, Softmax on
 * a middle axis, GRU forward with and without linear_before_reset); and what the evaluator
 * refuses, with a message that says so.
 */
class EvaluatorTest {

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Runs {@code g} on {@code inputs} with both engines and compares every output. */
    private static void agree(OnnxGraphBuilder g, Map<String, Tensor> inputs) throws Exception {
        byte[] bytes = g.toBytes();
        Map<String, Tensor> builtin = Evaluator.of(bytes).run(inputs);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, Tensor> ort = new HashMap<>();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions(); OrtSession s = env.createSession(bytes, o)) {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                int[] sh = e.getValue().shape();
                long[] l = new long[sh.length];
                for (int d = 0; d < sh.length; d++) {
                    l[d] = sh[d];
                }
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().floats()), l));
            }
            try (OrtSession.Result r = s.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] l = t.getInfo().getShape();
                    int[] sh = new int[l.length];
                    for (int d = 0; d < l.length; d++) {
                        sh[d] = (int) l[d];
                    }
                    FloatBuffer b = t.getFloatBuffer();
                    float[] v = new float[b.remaining()];
                    b.get(v);
                    ort.put(e.getKey(), Tensor.of(v, sh));
                }
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
        BuiltinEngineParityTest.compare("graph " + g.toProto().getGraph().getName(), builtin, ort);
    }

    @Test
    void sliceBoundsStepsAndAxes() throws Exception {
        long[][] cases = { // starts, ends, axes, steps
            {-3}, {100}, {1}, {1},
            {0, -1}, {2, -100}, {0, 2}, {1, -1},
            {-1}, {-100}, {2}, {-2},
            {1}, {1}, {0}, {1},
        };
        Random r = new Random(1);
        for (int c = 0; c < cases.length; c += 4) {
            OnnxGraphBuilder g = new OnnxGraphBuilder("slice" + c);
            g.input("x", "N", 4, 5).output("y", "N", "A", "B");
            int n = cases[c].length;
            g.int64Initializer("s", cases[c], n).int64Initializer("e", cases[c + 1], n)
                    .int64Initializer("a", cases[c + 2], n).int64Initializer("t", cases[c + 3], n);
            g.node("Slice").inputs("x", "s", "e", "a", "t").outputs("y");
            agree(g, Map.of("x", Tensor.of(gaussian(r, 3 * 20), 3, 4, 5)));
        }
    }

    @Test
    void broadcastingArithmetic() throws Exception {
        Random r = new Random(2);
        OnnxGraphBuilder g = new OnnxGraphBuilder("arith");
        g.input("a", "N", 1, 4).input("b", 3, 1).output("add", "N", 3, 4).output("sub", "N", 3, 4)
                .output("mul", "N", 3, 4).output("div", "N", 3, 4).output("max", "N", 3, 4);
        g.node("Add").inputs("a", "b").outputs("add");
        g.node("Sub").inputs("b", "a").outputs("sub");
        g.node("Mul").inputs("a", "b").outputs("mul");
        g.node("Div").inputs("a", "b").outputs("div");
        g.node("Max").inputs("a", "b", "add").outputs("max");
        agree(g, Map.of("a", Tensor.of(gaussian(r, 2 * 4), 2, 1, 4), "b", Tensor.of(gaussian(r, 3), 3, 1)));
    }

    @Test
    void shapesAndReductions() throws Exception {
        Random r = new Random(3);
        OnnxGraphBuilder g = new OnnxGraphBuilder("shapes");
        g.input("x", "N", 3, 4).output("sum0", "N", 4).output("sum_all", 1, 1, 1).output("soft", "N", 3, 4)
                .output("t", 4, "N", 3).output("re", "A", "B").output("cat", "N", 3, 8).output("mm", "N", 3, 3)
                .output("tanh", "N", 3, 4).output("relu", "N", 3, 4).output("id", "N", 3, 4);
        g.int64Initializer("ax1", new long[] {1}, 1);
        g.int64Initializer("shape", new long[] {0, -1}, 2);
        g.node("ReduceSum").inputs("x", "ax1").outputs("sum0").attr("keepdims", 0L);
        g.node("ReduceSum").inputs("x").outputs("sum_all");
        g.node("Softmax").inputs("x").outputs("soft").attr("axis", 1L);
        g.node("Transpose").inputs("x").outputs("t").ints("perm", 2, 0, 1);
        g.node("Reshape").inputs("x", "shape").outputs("re");
        g.node("Concat").inputs("x", "x").outputs("cat").attr("axis", -1L);
        g.node("Transpose").inputs("x").outputs("xt").ints("perm", 0, 2, 1);
        g.node("MatMul").inputs("x", "xt").outputs("mm");
        g.node("Tanh").inputs("x").outputs("tanh");
        g.node("Relu").inputs("x").outputs("relu");
        g.node("Identity").inputs("x").outputs("id");
        agree(g, Map.of("x", Tensor.of(gaussian(r, 2 * 12), 2, 3, 4)));
    }

    @Test
    void gruVariants() throws Exception {
        Random r = new Random(4);
        int h = 3;
        int in = 2;
        for (String direction : new String[] {"forward", "bidirectional"}) {
            for (long lbr : new long[] {0, 1}) {
                int dirs = direction.equals("forward") ? 1 : 2;
                OnnxGraphBuilder g = new OnnxGraphBuilder("gru_" + direction + lbr);
                g.input("x", 4, "N", in).output("y", 4, dirs, "N", h).output("yh", dirs, "N", h);
                g.floatInitializer("W", gaussian(r, dirs * 3 * h * in), dirs, 3 * h, in);
                g.floatInitializer("R", gaussian(r, dirs * 3 * h * h), dirs, 3 * h, h);
                g.floatInitializer("B", gaussian(r, dirs * 6 * h), dirs, 6 * h);
                g.node("GRU").inputs("x", "W", "R", "B").outputs("y", "yh").attr("hidden_size", (long) h)
                        .attr("direction", direction).attr("linear_before_reset", lbr);
                agree(g, Map.of("x", Tensor.of(gaussian(r, 4 * 3 * in), 4, 3, in)));
            }
        }
    }

    // ---- refusals ---------------------------------------------------------------------------

    private static String refusal(OnnxGraphBuilder g) {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Evaluator.of(g.toBytes()));
        assertTrue(e.getMessage().endsWith("(not supported by the built-in evaluator)"), e.getMessage());
        return e.getMessage();
    }

    private static OnnxGraphBuilder identity() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("g");
        g.input("x", "N", 2).output("y", "N", 2);
        return g;
    }

    @Test
    void unknownOperatorIsRefused() {
        OnnxGraphBuilder g = identity();
        g.node("Gemm").inputs("x", "x").outputs("y").name("the_gemm");
        String m = refusal(g);
        assertTrue(m.contains("operator Gemm") && m.contains("the_gemm"), m);
    }

    @Test
    void unknownAttributeIsRefused() {
        OnnxGraphBuilder g = identity();
        g.node("Relu").inputs("x").outputs("y").attr("alpha", 0.1f);
        assertTrue(refusal(g).contains("attribute 'alpha' of Relu"));
        OnnxGraphBuilder gru = new OnnxGraphBuilder("g");
        gru.input("x", 1, "N", 2).output("y", 1, 1, "N", 1);
        gru.floatInitializer("W", new float[6], 1, 3, 2).floatInitializer("R", new float[3], 1, 3, 1);
        gru.node("GRU").inputs("x", "W", "R").outputs("y").attr("hidden_size", 1L).attr("direction", "reverse");
        assertTrue(refusal(gru).contains("GRU direction reverse"));
        OnnxGraphBuilder clip = new OnnxGraphBuilder("g");
        clip.input("x", 1, "N", 2).output("y", 1, 1, "N", 1);
        clip.floatInitializer("W", new float[6], 1, 3, 2).floatInitializer("R", new float[3], 1, 3, 1);
        clip.node("GRU").inputs("x", "W", "R").outputs("y").attr("hidden_size", 1L).attr("clip", 1f);
        assertTrue(refusal(clip).contains("attribute 'clip' of GRU"));
    }

    @Test
    void otherDataTypesAreRefused() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("g");
        g.input("x", OnnxGraphBuilder.ElementType.INT64, "N", 2).output("y", OnnxGraphBuilder.ElementType.INT64, "N", 2);
        g.node("Identity").inputs("x").outputs("y");
        assertTrue(refusal(g).contains("input 'x' of data type 7"));
        // a double initializer, written as ONNX would (raw data, data type 11)
        var proto = identity().toProto().toBuilder();
        proto.getGraphBuilder().addInitializer(ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("d")
                .setDataType(11).addDims(1).setRawData(com.google.protobuf.ByteString.copyFrom(new byte[8])));
        proto.getGraphBuilder().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity")
                .addInput("x").addOutput("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> Evaluator.of(proto.build().toByteArray()));
        assertTrue(e.getMessage().contains("initializer 'd' of data type 11"), e.getMessage());
    }

    @Test
    void otherOperatorSetsAndDomainsAreRefused() {
        OnnxGraphBuilder g = identity().opset(11);
        g.node("Identity").inputs("x").outputs("y");
        assertTrue(refusal(g).contains("operator set version 11"));
        var proto = identity().toProto().toBuilder();
        proto.getGraphBuilder().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity")
                .setDomain("com.microsoft").addInput("x").addOutput("y"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> Evaluator.of(proto.build().toByteArray()));
        assertTrue(e.getMessage().contains("operator domain 'com.microsoft'"), e.getMessage());
    }

    @Test
    void malformedFilesAreRefused() {
        OnnxGraphBuilder g = identity();
        g.node("Identity").inputs("x").outputs("y");
        byte[] bytes = g.toBytes();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Evaluator.of(truncated));
        assertTrue(e.getMessage().contains("malformed protobuf") || e.getMessage().contains("runs past"), e.getMessage());
        assertThrows(UnsupportedModelException.class, () -> Evaluator.of("not a model".getBytes()));
        OnnxGraphBuilder undefined = identity();
        undefined.node("Relu").inputs("nowhere").outputs("y");
        assertTrue(refusal(undefined).contains("reads 'nowhere' before any node writes it"));
    }

    @Test
    void metadataAndSignatureAreRead() throws Exception {
        OnnxGraphBuilder g = identity();
        g.node("Identity").inputs("x").outputs("y");
        Map<String, String> md = new LinkedHashMap<>();
        md.put("b", "2");
        md.put("a", "1");
        g.metadata(md);
        Evaluator e = Evaluator.of(g.toBytes());
        assertEquals(md, e.metadata());
        assertEquals(1, e.inputs().size());
        assertEquals(-1, e.inputs().get(0).dims()[0]);
        assertEquals(2, e.inputs().get(0).dims()[1]);
    }
}
