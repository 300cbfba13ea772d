package dev.flash.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxGraphBuilderTest {

    static final int IN = 4;
    static final int HIDDEN = 6;
    static final int OUT = 3;

    /** MatMul + Add + Relu, then MatMul + Add + Softmax: the shape of every policy head. */
    static OnnxGraphBuilder tinyMlp(float[] w1, float[] b1, float[] w2, float[] b2) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny_mlp");
        g.input("x", "N", IN).output("probs", "N", OUT);
        g.floatInitializer("w1", w1, IN, HIDDEN).floatInitializer("b1", b1, HIDDEN);
        g.floatInitializer("w2", w2, HIDDEN, OUT).floatInitializer("b2", b2, OUT);
        g.node("MatMul").inputs("x", "w1").outputs("xw1");
        g.node("Add").inputs("xw1", "b1").outputs("h_pre");
        g.node("Relu").inputs("h_pre").outputs("h");
        g.node("MatMul").inputs("h", "w2").outputs("hw2");
        g.node("Add").inputs("hw2", "b2").outputs("logits");
        g.node("Softmax").inputs("logits").outputs("probs").attr("axis", 1);
        g.metadata(Map.of("flash.agent", "test", "purpose", "unit test"));
        return g;
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** The same network computed by hand in double precision. */
    static double[] handMlp(float[] x, float[] w1, float[] b1, float[] w2, float[] b2) {
        double[] h = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            double s = b1[j];
            for (int i = 0; i < IN; i++) {
                s += x[i] * w1[i * HIDDEN + j];
            }
            h[j] = Math.max(0, s);
        }
        double[] logits = new double[OUT];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < OUT; k++) {
            double s = b2[k];
            for (int j = 0; j < HIDDEN; j++) {
                s += h[j] * w2[j * OUT + k];
            }
            logits[k] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int k = 0; k < OUT; k++) {
            logits[k] = Math.exp(logits[k] - max);
            sum += logits[k];
        }
        for (int k = 0; k < OUT; k++) {
            logits[k] /= sum;
        }
        return logits;
    }

    @Test
    void tinyMlpRunsInOnnxRuntimeAndMatchesHandComputation(@TempDir Path dir) throws Exception {
        Random r = new Random(7);
        float[] w1 = random(r, IN * HIDDEN);
        float[] b1 = random(r, HIDDEN);
        float[] w2 = random(r, HIDDEN * OUT);
        float[] b2 = random(r, OUT);
        Path file = dir.resolve("mlp.onnx");
        tinyMlp(w1, b1, w2, b2).save(file);
        assertTrue(Files.size(file) > 0);
        try (Stream<Path> listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "the temporary file was renamed away");
        }

        float[][] x = {random(r, IN), random(r, IN), random(r, IN)};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, x);
             OrtSession.Result result = session.run(Map.of("x", input))) {
            assertEquals("test", session.getMetadata().getCustomMetadata().get("flash.agent"));
            float[][] probs = (float[][]) result.get(0).getValue();
            assertEquals(3, probs.length);
            for (int n = 0; n < x.length; n++) {
                double[] expected = handMlp(x[n], w1, b1, w2, b2);
                for (int k = 0; k < OUT; k++) {
                    assertEquals(expected[k], probs[n][k], 1e-5, "row " + n + " class " + k);
                }
            }
        }
    }

    @Test
    void int64InitializersAndListAttributesWork() throws Exception {
        // ReduceMean over axis 1 (axes as attribute in opset 17), then Unsqueeze with an int64 axes input.
        OnnxGraphBuilder g = new OnnxGraphBuilder("reduce");
        g.input("x", "N", 3).output("y", "N", 1);
        g.int64Initializer("axes", new long[] {1}, 1);
        g.node("ReduceMean").inputs("x").outputs("m").ints("axes", 1).attr("keepdims", 0);
        g.node("Unsqueeze").inputs("m", "axes").outputs("y");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(g.toBytes(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, new float[][] {{1, 2, 6}, {0, 0, 3}});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            float[][] y = (float[][]) result.get(0).getValue();
            assertArrayEquals(new float[] {3f}, y[0], 1e-6f);
            assertArrayEquals(new float[] {1f}, y[1], 1e-6f);
        }
    }

    @Test
    void initializerShapeMustMatchValueCount() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("bad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.floatInitializer("w", new float[5], 2, 3));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }
}
