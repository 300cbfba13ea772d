package dev.flash.testing;

import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.dvfs.DvfsReward;
import dev.flash.onnx.OnnxGraphBuilder;
import dev.flash.policy.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Small but real ONNX models for tests, built with {@link OnnxGraphBuilder}: a valid DVFS FLASH
 * model with a context encoder, and broken variants for each way validation must reject a file.
 *
 * <p>The valid model: every context row goes through a one-layer MLP (W -> H, ReLU); the rows are
 * averaged under the mask (sum / max(count, 1), so an empty context gives zeros, not NaN); the
 * mean maps to the embedding (H -> E, ReLU); the head sees [state, embedding] through a hidden
 * layer and gives action_probs (softmax) and value.
 */
public final class TestModels {
    private TestModels() {
    }

    public static final int CONTEXT_LENGTH = 8;
    public static final int EMBEDDING_SIZE = 4;
    public static final int HIDDEN = 8;
    public static final List<String> FEATURES = DvfsFeatures.NAMES;
    public static final List<String> ACTIONS = DvfsActions.DEFAULT;

    /** What to build; defaults give the valid model. */
    public static final class Spec {
        final Map<String, String> metadataOverrides = new LinkedHashMap<>();
        final Set<String> removedKeys = new HashSet<>();
        Integer declaredActionWidth;
        boolean nanOutputs;
        float nanAboveFeature = Float.NaN;
        int preferredAction = -1;
        long seed = 1;
        List<String> features = FEATURES;

        /** State features (and so the state part of a context row) other than {@link #FEATURES}. */
        public Spec features(List<String> names) {
            features = List.copyOf(names);
            return this;
        }

        public Spec metadata(String key, String value) {
            metadataOverrides.put(key, value);
            return this;
        }

        public Spec without(String key) {
            removedKeys.add(key);
            return this;
        }

        /** Build the head with {@code width} outputs (inconsistent with the metadata when != A). */
        public Spec actionWidth(int width) {
            declaredActionWidth = width;
            return this;
        }

        /** Every output row is NaN (0/0 added to the logits). */
        public Spec nanOutputs() {
            nanOutputs = true;
            return this;
        }

        /** Valid on inputs in [0,1), NaN once any state feature exceeds {@code threshold}. */
        public Spec nanWhenFeatureAbove(float threshold) {
            nanAboveFeature = threshold;
            return this;
        }

        /** Bias the logits so this action wins by a wide margin whatever the input. */
        public Spec preferAction(int index) {
            preferredAction = index;
            return this;
        }

        public Spec seed(long s) {
            seed = s;
            return this;
        }

        public byte[] bytes() {
            return builder(this).toBytes();
        }

        public Path write(Path dir, String name) throws IOException {
            return TestModels.write(dir, name, bytes());
        }
    }

    public static Spec spec() {
        return new Spec();
    }

    public static byte[] validDvfs() {
        return spec().bytes();
    }

    /** The first half of a valid model's bytes. */
    public static byte[] truncated() {
        byte[] valid = validDvfs();
        return Arrays.copyOf(valid, valid.length / 2);
    }

    public static byte[] garbage() {
        byte[] b = new byte[2048];
        new Random(99).nextBytes(b);
        return b;
    }

    /** Writes bytes under a temporary dot-name and renames them into place, as an operator would. */
    public static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + name + ".part");
        Files.write(tmp, bytes);
        return Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The contract metadata of the valid DVFS model. */
    public static Map<String, String> dvfsMetadata() {
        return dvfsMetadata(FEATURES);
    }

    /** The contract metadata of a valid DVFS model reading {@code features}. */
    public static Map<String, String> dvfsMetadata(List<String> features) {
        List<String> columns = new ArrayList<>(features);
        for (String a : ACTIONS) {
            columns.add("action_" + a);
        }
        columns.add("reward");
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ModelContract.META_CONTRACT_VERSION, ModelContract.VERSION);
        m.put(ModelContract.META_AGENT, ModelContract.AGENT_DVFS);
        m.put(ModelContract.META_KIND, ModelContract.KIND_RL);
        m.put(ModelContract.META_FEATURES, String.join(",", features));
        m.put(ModelContract.META_ACTIONS, String.join(",", ACTIONS));
        m.put(ModelContract.META_CONTEXT_LENGTH, Integer.toString(CONTEXT_LENGTH));
        m.put(ModelContract.META_CONTEXT_COLUMNS, String.join(",", columns));
        m.put(ModelContract.META_EMBEDDING_SIZE, Integer.toString(EMBEDDING_SIZE));
        m.put(ModelContract.META_REWARD, DvfsReward.DEFINITION);
        m.put(ModelContract.META_EXPECTED_REWARD, "0.25");
        m.put(ModelContract.META_EXPECTED_REWARD_STD, "0.05");
        m.put(ModelContract.META_PROVENANCE, "{\"command\":\"TestModels\",\"seed\":1}");
        m.put(ModelContract.META_PARAMS, "{\"levels\":" + DvfsActions.DEFAULT_LEVELS + "}");
        return m;
    }

    static OnnxGraphBuilder builder(Spec spec) {
        int f = spec.features.size();
        int a = spec.declaredActionWidth == null ? ACTIONS.size() : spec.declaredActionWidth;
        int w = f + ACTIONS.size() + 1;
        int c = CONTEXT_LENGTH;
        int e = EMBEDDING_SIZE;
        int h = HIDDEN;
        Random r = new Random(spec.seed);

        OnnxGraphBuilder g = new OnnxGraphBuilder("test_dvfs_flash");
        g.input(ModelContract.IN_STATE, "N", f)
                .input(ModelContract.IN_CONTEXT, "N", c, w)
                .input(ModelContract.IN_CONTEXT_MASK, "N", c);
        g.output(ModelContract.OUT_ACTION_PROBS, "N", a)
                .output(ModelContract.OUT_VALUE, "N", 1)
                .output(ModelContract.OUT_EMBEDDING, "N", e);

        g.floatInitializer("enc_w", weights(r, w * h, w), w, h).floatInitializer("enc_b", weights(r, h, h), h);
        g.floatInitializer("emb_w", weights(r, h * e, h), h, e).floatInitializer("emb_b", weights(r, e, e), e);
        g.floatInitializer("head_w", weights(r, (f + e) * h, f + e), f + e, h).floatInitializer("head_b", weights(r, h, h), h);
        float[] outB = new float[a];
        if (spec.preferredAction >= 0) {
            outB[spec.preferredAction] = 50f;
        }
        g.floatInitializer("out_w", weights(r, h * a, h), h, a).floatInitializer("out_b", outB, a);
        g.floatInitializer("value_w", weights(r, h, h), h, 1).floatInitializer("value_b", new float[] {0.1f}, 1);
        g.floatInitializer("one", new float[] {1f}, 1);
        g.int64Initializer("axis1", new long[] {1}, 1);
        g.int64Initializer("axis2", new long[] {2}, 1);

        // Encoder: per-row MLP, masked mean over the rows, projection to the embedding.
        g.node("MatMul").inputs(ModelContract.IN_CONTEXT, "enc_w").outputs("enc_xw");
        g.node("Add").inputs("enc_xw", "enc_b").outputs("enc_pre");
        g.node("Relu").inputs("enc_pre").outputs("enc_h");
        g.node("Unsqueeze").inputs(ModelContract.IN_CONTEXT_MASK, "axis2").outputs("mask3");
        g.node("Mul").inputs("enc_h", "mask3").outputs("enc_masked");
        g.node("ReduceSum").inputs("enc_masked", "axis1").outputs("enc_sum").attr("keepdims", 0);
        g.node("ReduceSum").inputs(ModelContract.IN_CONTEXT_MASK, "axis1").outputs("count").attr("keepdims", 1);
        g.node("Max").inputs("count", "one").outputs("count_safe");
        g.node("Div").inputs("enc_sum", "count_safe").outputs("enc_mean");
        g.node("MatMul").inputs("enc_mean", "emb_w").outputs("emb_xw");
        g.node("Add").inputs("emb_xw", "emb_b").outputs("emb_pre");
        g.node("Relu").inputs("emb_pre").outputs(ModelContract.OUT_EMBEDDING);

        // Head: [state, embedding] -> hidden -> action_probs and value.
        g.node("Concat").inputs(ModelContract.IN_STATE, ModelContract.OUT_EMBEDDING).outputs("x").attr("axis", 1);
        g.node("MatMul").inputs("x", "head_w").outputs("head_xw");
        g.node("Add").inputs("head_xw", "head_b").outputs("head_pre");
        g.node("Relu").inputs("head_pre").outputs("head_h");
        g.node("MatMul").inputs("head_h", "out_w").outputs("out_xw");
        g.node("Add").inputs("out_xw", "out_b").outputs("logits0");
        String logits = "logits0";
        if (spec.nanOutputs) {
            g.floatInitializer("zero", new float[] {0f}, 1);
            g.node("Div").inputs("zero", "zero").outputs("nan");
            g.node("Add").inputs(logits, "nan").outputs("logits_nan");
            logits = "logits_nan";
        }
        if (!Float.isNaN(spec.nanAboveFeature)) {
            // sqrt(threshold - state) is NaN for a feature above the threshold; times zero weights
            // it adds nothing otherwise (0 * NaN stays NaN).
            g.floatInitializer("threshold", new float[] {spec.nanAboveFeature}, 1);
            g.floatInitializer("zero_w", new float[f * a], f, a);
            g.node("Sub").inputs("threshold", ModelContract.IN_STATE).outputs("headroom");
            g.node("Sqrt").inputs("headroom").outputs("root");
            g.node("MatMul").inputs("root", "zero_w").outputs("fragile");
            g.node("Add").inputs(logits, "fragile").outputs("logits_fragile");
            logits = "logits_fragile";
        }
        g.node("Softmax").inputs(logits).outputs(ModelContract.OUT_ACTION_PROBS).attr("axis", 1);
        g.node("MatMul").inputs("head_h", "value_w").outputs("value_xw");
        g.node("Add").inputs("value_xw", "value_b").outputs(ModelContract.OUT_VALUE);

        Map<String, String> meta = dvfsMetadata(spec.features);
        meta.putAll(spec.metadataOverrides);
        spec.removedKeys.forEach(meta::remove);
        g.metadata(meta);
        return g;
    }

    /** Gaussian weights scaled by 1/sqrt(fanIn), so activations stay of order 1. */
    private static float[] weights(Random r, int n, int fanIn) {
        float[] out = new float[n];
        double scale = 1.0 / Math.sqrt(fanIn);
        for (int i = 0; i < n; i++) {
            out[i] = (float) (r.nextGaussian() * scale);
        }
        return out;
    }
}
