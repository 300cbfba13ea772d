package dev.flash.meta;

import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.flash.onnx.OnnxGraphBuilder;
import dev.flash.policy.ModelContract;
import dev.flash.policy.SignalNeeds;
import dev.flash.telemetry.SignalGroups;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained {@link FlashAgentNetwork} as one ONNX file that follows
 * {@link ModelContract}: inputs {@code state [N,F]} (+ {@code context [N,C,W]},
 * {@code context_mask [N,C]} when C > 0); outputs {@code action_probs [N,A]} and {@code value [N,1]}
 * (RL) or {@code prediction [N,1]} (regression), plus {@code embedding [N,E]} when C > 0; and the
 * contract's metadata keys.
 *
 * <p>Operators: MatMul/Add/Relu/Tanh for the MLPs; the SET encoder adds Unsqueeze/Mul/ReduceSum/
 * Max/Div (the masked mean), SET_DELTA also Slice/Sub/Concat (the row differences), row positions a
 * Reshape/Add/Reshape after the first row layer; the GRU encoder uses ONNX GRU nodes (one per layer, bidirectional),
 * with PyTorch's gate order (r, z, n) rewritten to ONNX's (z, r, h), {@code linear_before_reset=1}
 * and the biases stacked as (input, recurrent). Parameters are read from the DJL block.
 */
public final class OnnxExport {
    private OnnxExport() {
    }

    /**
     * Everything the contract asks for that the network itself does not know.
     *
     * @param agent             dvfs, config-search or autoscale
     * @param features          ordered names of the F state features
     * @param actions           ordered names of the A actions (RL; empty for regression)
     * @param contextColumns    names of the W context columns (ignored when C = 0)
     * @param reward            human-readable reward (RL) or target (regression) definition
     * @param expectedReward    mean per-step reward on the training applications
     * @param expectedRewardStd its standard deviation
     * @param provenanceJson    JSON: command, seed, date, apps digest, git commit, training seconds
     * @param paramsJson        agent-specific JSON parameters
     * @param signals           signal groups the model requires and tolerates missing; written
     *                          only when declared (an undeclared model requires nothing)
     */
    public record Metadata(String agent, List<String> features, List<String> actions, List<String> contextColumns,
                           String reward, double expectedReward, double expectedRewardStd,
                           String provenanceJson, String paramsJson, SignalNeeds signals) {
        public Metadata {
            features = List.copyOf(features);
            actions = List.copyOf(actions);
            contextColumns = List.copyOf(contextColumns);
        }

        /** Metadata of a model that does not state its signal needs. */
        public Metadata(String agent, List<String> features, List<String> actions, List<String> contextColumns,
                        String reward, double expectedReward, double expectedRewardStd,
                        String provenanceJson, String paramsJson) {
            this(agent, features, actions, contextColumns, reward, expectedReward, expectedRewardStd,
                    provenanceJson, paramsJson, SignalNeeds.UNDECLARED);
        }

        /** The same metadata stating {@code signals}. */
        public Metadata withSignals(SignalNeeds signals) {
            return new Metadata(agent, features, actions, contextColumns, reward, expectedReward, expectedRewardStd,
                    provenanceJson, paramsJson, signals);
        }
    }

    /** RL context column names: the features, {@code action=<name>} per action, then {@code reward}. */
    public static List<String> rlContextColumns(List<String> features, List<String> actions) {
        List<String> cols = new ArrayList<>(features);
        for (String a : actions) {
            cols.add("action=" + a);
        }
        cols.add("reward");
        return cols;
    }

    /** Writes {@code net} to {@code file} in its {@link #defaultEncoding}. */
    public static void write(FlashAgentNetwork net, Metadata meta, Path file) throws IOException {
        build(net, meta, defaultEncoding(net.config())).save(file);
    }

    /** The ONNX model as bytes (what {@link #write} saves). */
    public static byte[] toBytes(FlashAgentNetwork net, Metadata meta) {
        return toBytes(net, meta, defaultEncoding(net.config()));
    }

    /** The ONNX model as bytes with the context fed as {@code encoding} (rows or row-codes). */
    public static byte[] toBytes(FlashAgentNetwork net, Metadata meta, String encoding) {
        return build(net, meta, encoding).toBytes();
    }

    /**
     * Row codes for the SET encoders (each row coded on its own, so a reader codes only new rows:
     * the daemon's tick at 256 CPUs depends on it), rows for the GRU (a row's state depends on
     * every row before it), for a context of windows (its rows change every tick) and for an
     * encoder with row positions (a row's code changes as it moves down the context).
     */
    public static String defaultEncoding(NetworkConfig c) {
        return c.hasContext() && c.encoder() != NetworkConfig.EncoderType.GRU && c.contextLayout().isFlat()
                && !c.positional() ? ModelContract.ENCODING_ROW_CODES : ModelContract.ENCODING_ROWS;
    }

    static OnnxGraphBuilder build(FlashAgentNetwork net, Metadata meta, String encoding) {
        NetworkConfig c = net.config();
        validate(c, meta);
        if (!ModelContract.ENCODINGS.contains(encoding)) {
            throw new IllegalArgumentException("unknown context encoding '" + encoding + "' (expected one of "
                    + ModelContract.ENCODINGS + ")");
        }
        boolean rowCodes = c.hasContext() && ModelContract.ENCODING_ROW_CODES.equals(encoding);
        if (rowCodes && !c.contextLayout().isFlat()) {
            throw new IllegalArgumentException("a context of windows (" + c.contextLayout() + ") cannot be exported as"
                    + " row codes: its rows change every tick");
        }
        if (rowCodes && c.positional()) {
            throw new IllegalArgumentException("an encoder with row positions cannot be exported as row codes: a"
                    + " row's code changes as it moves down the context");
        }
        if (rowCodes && c.encoder() == NetworkConfig.EncoderType.GRU) {
            throw new IllegalArgumentException("a GRU encoder cannot be exported as row codes: a row's state"
                    + " depends on every row before it");
        }
        boolean rl = c.kind() == NetworkConfig.Kind.RL;
        OnnxGraphBuilder g = new OnnxGraphBuilder("flash_" + meta.agent()).producer("flash");
        g.input(ModelContract.IN_STATE, "N", c.stateSize());
        String baseInput = ModelContract.IN_STATE;
        if (rowCodes) {
            g.input(ModelContract.IN_CONTEXT_CODE_SUM, "N", c.encoderHidden());
            g.input(ModelContract.IN_CONTEXT_COUNT, "N", 1);
            g.input(ModelContract.IN_CONTEXT_NEW, "N", "K", 2, c.contextWidth());
            g.input(ModelContract.IN_CONTEXT_NEW_MASK, "N", "K", 2);
        } else if (c.hasContext()) {
            g.input(ModelContract.IN_CONTEXT, "N", c.contextLength(), c.contextWidth());
            g.input(ModelContract.IN_CONTEXT_MASK, "N", c.contextLength());
        }
        if (rl) {
            g.output(ModelContract.OUT_ACTION_PROBS, "N", c.actionCount());
            g.output(ModelContract.OUT_VALUE, "N", 1);
        } else {
            g.output(ModelContract.OUT_PREDICTION, "N", 1);
        }
        if (c.hasContext()) {
            g.output(ModelContract.OUT_EMBEDDING, "N", c.embeddingSize());
            ContextEncoder enc = net.encoder().orElseThrow();
            String pooled;
            if (rowCodes) {
                g.output(ModelContract.OUT_CONTEXT_NEW_CODES, "N", "K", c.encoderHidden());
                pooled = setEncoderRowCodes(g, (SetContextEncoder) enc);
            } else {
                pooled = enc instanceof SetContextEncoder set ? setEncoder(g, set) : gruEncoder(g, (GruContextEncoder) enc);
            }
            Linear out = enc instanceof SetContextEncoder set ? set.output() : ((GruContextEncoder) enc).output();
            String pre = linear(g, "enc_out", out, pooled);
            g.node("Relu").inputs(pre).outputs(ModelContract.OUT_EMBEDDING);
            g.node("Concat").inputs(ModelContract.IN_STATE, ModelContract.OUT_EMBEDDING).outputs("base_input")
                    .attr("axis", 1L);
            baseInput = "base_input";
        }
        String act = c.activation() == NetworkConfig.Activation.TANH ? "Tanh" : "Relu";
        if (rl) {
            String logits = mlp(g, "actor", net.actorLayers(), baseInput, act);
            g.node("Softmax").inputs(logits).outputs(ModelContract.OUT_ACTION_PROBS).attr("axis", -1L);
            String value = mlp(g, "critic", net.criticLayers(), baseInput, act);
            g.node("Identity").inputs(value).outputs(ModelContract.OUT_VALUE);
        } else {
            String prediction = mlp(g, "head", net.actorLayers(), baseInput, act);
            g.node("Identity").inputs(prediction).outputs(ModelContract.OUT_PREDICTION);
        }
        g.metadata(metadata(c, meta));
        if (rowCodes) {
            g.metadata(ModelContract.META_CONTEXT_ENCODING, ModelContract.ENCODING_ROW_CODES);
            g.metadata(ModelContract.META_ROW_CODE_SIZE, Integer.toString(c.encoderHidden()));
        } else if (c.hasContext()) {
            g.metadata(ModelContract.META_CONTEXT_ENCODING, ModelContract.ENCODING_ROWS);
        }
        return g;
    }

    private static void validate(NetworkConfig c, Metadata m) {
        if (m.features().size() != c.stateSize()) {
            throw new IllegalArgumentException("metadata names " + m.features().size()
                    + " features but the network's state has " + c.stateSize());
        }
        if (c.kind() == NetworkConfig.Kind.RL && m.actions().size() != c.actionCount()) {
            throw new IllegalArgumentException("metadata names " + m.actions().size()
                    + " actions but the network has " + c.actionCount());
        }
        if (c.hasContext() && m.contextColumns().size() != c.contextWidth()) {
            throw new IllegalArgumentException("metadata names " + m.contextColumns().size()
                    + " context columns but a context row has " + c.contextWidth());
        }
    }

    private static Map<String, String> metadata(NetworkConfig c, Metadata m) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put(ModelContract.META_CONTRACT_VERSION, ModelContract.VERSION);
        md.put(ModelContract.META_AGENT, m.agent());
        md.put(ModelContract.META_KIND, c.kind() == NetworkConfig.Kind.RL ? ModelContract.KIND_RL
                : ModelContract.KIND_REGRESSION);
        md.put(ModelContract.META_FEATURES, String.join(",", m.features()));
        if (c.kind() == NetworkConfig.Kind.RL) {
            md.put(ModelContract.META_ACTIONS, String.join(",", m.actions()));
        }
        md.put(ModelContract.META_CONTEXT_LENGTH, Integer.toString(c.contextLength()));
        md.put(ModelContract.META_CONTEXT_COLUMNS, c.hasContext() ? String.join(",", m.contextColumns()) : "");
        if (!c.contextLayout().isFlat()) { // absent means flat: files of flat models stay as they were
            md.put(ModelContract.META_CONTEXT_WINDOWS, c.contextLayout().key());
        }
        md.put(ModelContract.META_EMBEDDING_SIZE, Integer.toString(c.hasContext() ? c.embeddingSize() : 0));
        md.put(ModelContract.META_REWARD, m.reward());
        md.put(ModelContract.META_EXPECTED_REWARD, Double.toString(m.expectedReward()));
        md.put(ModelContract.META_EXPECTED_REWARD_STD, Double.toString(m.expectedRewardStd()));
        md.put(ModelContract.META_PROVENANCE, m.provenanceJson());
        md.put(ModelContract.META_PARAMS, m.paramsJson());
        if (m.signals().declared()) {
            md.put(ModelContract.META_REQUIRED_SIGNALS, groups(m.signals().required()));
            md.put(ModelContract.META_TOLERATED_MISSING, groups(m.signals().tolerated()));
        }
        return md;
    }

    /** In {@link SignalGroups}' order, so the same needs always write the same text. */
    private static String groups(java.util.Set<String> groups) {
        return String.join(",", SignalGroups.SIGNALS.keySet().stream().filter(groups::contains).toList());
    }

    // ---------------------------------------------------------------- encoders

    /**
     * Per-row MLP, masked mean over rows: returns the pooled [N, H] value name.
     *
     * <p>Laid out for ONNX Runtime's CPU kernels, which decide the daemon's tick at 256 CPUs: the
     * rows are flattened to [N*C, W] so each MatMul + Add + Relu fuses into one Gemm, and the
     * masked sum over rows is one batched MatMul {@code mask[N,1,C] x h[N,C,H]} instead of a
     * broadcast multiply and a reduction over [N, C, H].
     */
    private static String setEncoder(OnnxGraphBuilder g, SetContextEncoder enc) {
        int c = enc.config().contextLength();
        int hidden = enc.config().encoderHidden();
        g.int64Initializer("axis1", new long[] {1}, 1);
        String rows = enc.deltas() ? setDeltas(g, c) : ModelContract.IN_CONTEXT;
        String h = rowMlp(g, enc, rows);
        g.int64Initializer("enc_rows_shape", new long[] {-1, c, hidden}, 3);
        g.node("Reshape").inputs(h, "enc_rows_shape").outputs("enc_rows_h");
        // Padding rows reach the MLP (as zero rows for SET_DELTA, raw for SET) but a zero mask
        // weight drops them from the sum, as SetContextEncoder's h * mask does.
        g.node("Unsqueeze").inputs(ModelContract.IN_CONTEXT_MASK, "axis1").outputs("mask_row");
        g.node("MatMul").inputs("mask_row", "enc_rows_h").outputs("enc_sum3");
        g.int64Initializer("enc_pooled_shape", new long[] {-1, hidden}, 2);
        g.node("Reshape").inputs("enc_sum3", "enc_pooled_shape").outputs("enc_sum");
        g.node("ReduceSum").inputs(ModelContract.IN_CONTEXT_MASK, "axis1").outputs("enc_count").attr("keepdims", 1L);
        return mean(g, "enc_sum", "enc_count");
    }

    /**
     * The per-row MLP (Linear + ReLU layers) over {@code rows} flattened to [rows, input]: 2-D,
     * so ONNX Runtime fuses each MatMul + Add + Relu into one Gemm. Returns the [rows, H] name.
     */
    private static String rowMlp(OnnxGraphBuilder g, SetContextEncoder enc, String rows) {
        g.int64Initializer("enc_flat_shape", new long[] {-1, enc.rowInputSize()}, 2);
        g.node("Reshape").inputs(rows, "enc_flat_shape").outputs("enc_rows_flat");
        String h = "enc_rows_flat";
        int i = 0;
        for (Linear layer : enc.rowLayers()) {
            String pre = linear(g, "enc_row" + i, layer, h);
            if (i == 0 && enc.positions().isPresent()) {
                pre = rowPositions(g, enc, pre);
            }
            h = "enc_row" + i + "_relu";
            g.node("Relu").inputs(pre).outputs(h);
            i++;
        }
        return h;
    }

    /**
     * The first row layer's output [N*C, H] plus row i's learned position [C, H], as
     * {@link SetContextEncoder} adds it: viewed as [N, C, H] for the broadcast Add, then flat again
     * for the next Gemm. Rows encoding only ({@link #build} refuses row codes for such a network).
     */
    private static String rowPositions(OnnxGraphBuilder g, SetContextEncoder enc, String pre) {
        int c = enc.config().contextLength();
        int hidden = enc.config().encoderHidden();
        g.floatInitializer("enc_positions", enc.positions().orElseThrow().getArray().toFloatArray(), c, hidden);
        g.int64Initializer("enc_pos_rows_shape", new long[] {-1, c, hidden}, 3);
        g.int64Initializer("enc_pos_flat_shape", new long[] {-1, hidden}, 2);
        g.node("Reshape").inputs(pre, "enc_pos_rows_shape").outputs("enc_row0_rows");
        g.node("Add").inputs("enc_row0_rows", "enc_positions").outputs("enc_row0_pos");
        g.node("Reshape").inputs("enc_row0_pos", "enc_pos_flat_shape").outputs("enc_row0_posflat");
        return "enc_row0_posflat";
    }

    /** sum / max(count, 1): the masked mean of the SET encoders, empty contexts included. */
    private static String mean(OnnxGraphBuilder g, String sum, String count) {
        g.floatInitializer("one", new float[] {1f});
        g.node("Max").inputs(count, "one").outputs("enc_count1");
        g.node("Div").inputs(sum, "enc_count1").outputs("enc_pooled");
        return "enc_pooled";
    }

    /**
     * The SET encoders in the row-codes encoding ({@link ModelContract}): the per-row MLP runs
     * only on {@code context_new} ([N, K, 2, W]: (previous row, row) pairs), and the pooled
     * value is {@code (context_code_sum + sum of present new codes) / max(context_count, 1)}, the
     * same masked mean as {@link #setEncoder} with the sum split in two. Each new row's input is
     * built exactly as {@link SetContextEncoder} builds it: {@code x = row * m} and, with deltas,
     * {@code d = (x - previous * pm) * m * pm}.
     */
    private static String setEncoderRowCodes(OnnxGraphBuilder g, SetContextEncoder enc) {
        int hidden = enc.config().encoderHidden();
        g.int64Initializer("axis1", new long[] {1}, 1);
        g.int64Initializer("axis2", new long[] {2}, 1);
        g.int64Initializer("axis3", new long[] {3}, 1);
        g.int64Initializer("rc_zero", new long[] {0}, 1);
        g.int64Initializer("rc_one", new long[] {1}, 1);
        g.int64Initializer("rc_two", new long[] {2}, 1);
        g.node("Unsqueeze").inputs(ModelContract.IN_CONTEXT_NEW_MASK, "axis3").outputs("rc_mask4");
        g.node("Mul").inputs(ModelContract.IN_CONTEXT_NEW, "rc_mask4").outputs("rc_masked");
        // Row and previous row, [N, K, 1, W] each; their masks [N, K, 1].
        g.node("Slice").inputs("rc_masked", "rc_one", "rc_two", "axis2").outputs("rc_x4");
        g.node("Slice").inputs(ModelContract.IN_CONTEXT_NEW_MASK, "rc_one", "rc_two", "axis2").outputs("rc_m");
        String rows = "rc_x4";
        if (enc.deltas()) {
            g.node("Slice").inputs("rc_masked", "rc_zero", "rc_one", "axis2").outputs("rc_prev4");
            g.node("Slice").inputs(ModelContract.IN_CONTEXT_NEW_MASK, "rc_zero", "rc_one", "axis2").outputs("rc_pm");
            g.node("Mul").inputs("rc_m", "rc_pm").outputs("rc_both");
            g.node("Unsqueeze").inputs("rc_both", "axis3").outputs("rc_both4");
            g.node("Sub").inputs("rc_x4", "rc_prev4").outputs("rc_diff4");
            g.node("Mul").inputs("rc_diff4", "rc_both4").outputs("rc_d4");
            g.node("Concat").inputs("rc_x4", "rc_d4").outputs("rc_in4").attr("axis", 3L);
            rows = "rc_in4";
        }
        String h = rowMlp(g, enc, rows);
        // Codes back to [N, K, H]: the batch and K dimensions are read off the input.
        g.node("Shape").inputs(ModelContract.IN_CONTEXT_NEW_MASK).outputs("rc_nk2");
        g.node("Slice").inputs("rc_nk2", "rc_zero", "rc_two").outputs("rc_nk");
        g.int64Initializer("rc_h", new long[] {hidden}, 1);
        g.node("Concat").inputs("rc_nk", "rc_h").outputs("rc_codes_shape").attr("axis", 0L);
        g.node("Reshape").inputs(h, "rc_codes_shape").outputs(ModelContract.OUT_CONTEXT_NEW_CODES);
        // Masked sum of the new codes (rc_m is [N, K, 1]) plus the sum of the earlier ones.
        g.node("Mul").inputs(ModelContract.OUT_CONTEXT_NEW_CODES, "rc_m").outputs("rc_codes_masked");
        g.node("ReduceSum").inputs("rc_codes_masked", "axis1").outputs("rc_new_sum").attr("keepdims", 0L);
        g.node("Add").inputs(ModelContract.IN_CONTEXT_CODE_SUM, "rc_new_sum").outputs("enc_sum");
        return mean(g, "enc_sum", ModelContract.IN_CONTEXT_COUNT);
    }

    /**
     * SET_DELTA's row input [N, C, 2W]: (row * mask, (row - previous row) * mask * previous mask),
     * the previous of the first row being a zero row, exactly as {@link SetContextEncoder} computes it.
     * The two masks are multiplied first ([N, C, 1]), so the wide rows see one broadcast multiply.
     */
    private static String setDeltas(OnnxGraphBuilder g, int contextLength) {
        g.int64Initializer("axis2", new long[] {2}, 1);
        g.node("Unsqueeze").inputs(ModelContract.IN_CONTEXT_MASK, "axis2").outputs("mask3");
        g.node("Mul").inputs(ModelContract.IN_CONTEXT, "mask3").outputs("delta_rows");
        g.int64Initializer("delta_first", new long[] {0}, 1);
        g.int64Initializer("delta_second", new long[] {1}, 1);
        g.int64Initializer("delta_but_last", new long[] {contextLength - 1}, 1);
        g.floatInitializer("zero", new float[] {0f});
        // A zero row [N, 1, W] and a zero mask [N, 1, 1] shaped from the input itself (N is symbolic).
        g.node("Slice").inputs("delta_rows", "delta_first", "delta_second", "axis1").outputs("delta_row0");
        g.node("Mul").inputs("delta_row0", "zero").outputs("delta_zero_row");
        g.node("Slice").inputs("mask3", "delta_first", "delta_second", "axis1").outputs("delta_mask0");
        g.node("Mul").inputs("delta_mask0", "zero").outputs("delta_zero_mask");
        g.node("Slice").inputs("delta_rows", "delta_first", "delta_but_last", "axis1").outputs("delta_rows_head");
        g.node("Slice").inputs("mask3", "delta_first", "delta_but_last", "axis1").outputs("delta_mask_head");
        g.node("Concat").inputs("delta_zero_row", "delta_rows_head").outputs("delta_prev").attr("axis", 1L);
        g.node("Concat").inputs("delta_zero_mask", "delta_mask_head").outputs("delta_prev_mask").attr("axis", 1L);
        g.node("Mul").inputs("mask3", "delta_prev_mask").outputs("delta_both_masks");
        g.node("Sub").inputs("delta_rows", "delta_prev").outputs("delta_diff");
        g.node("Mul").inputs("delta_diff", "delta_both_masks").outputs("delta_d");
        g.node("Concat").inputs("delta_rows", "delta_d").outputs("delta_input").attr("axis", 2L);
        return "delta_input";
    }

    /** (row * mask, mask) through bidirectional GRU layers: returns the final states [N, 2H]. */
    private static String gruEncoder(OnnxGraphBuilder g, GruContextEncoder enc) {
        int h = enc.config().encoderHidden();
        g.int64Initializer("axis2", new long[] {2}, 1);
        g.int64Initializer("shape_seq", new long[] {0, 0, -1}, 3);
        g.int64Initializer("shape_batch", new long[] {0, -1}, 2);
        g.node("Unsqueeze").inputs(ModelContract.IN_CONTEXT_MASK, "axis2").outputs("mask3");
        g.node("Mul").inputs(ModelContract.IN_CONTEXT, "mask3").outputs("gru_rows");
        g.node("Concat").inputs("gru_rows", "mask3").outputs("gru_x_ntc").attr("axis", 2L);
        g.node("Transpose").inputs("gru_x_ntc").outputs("gru_x0").ints("perm", 1, 0, 2);
        String x = "gru_x0";
        String lastState = null;
        for (int layer = 0; layer < NetworkConfig.GRU_LAYERS; layer++) {
            String p = "gru_l" + layer;
            GruContextEncoder.Direction fwd = enc.direction(layer, false);
            GruContextEncoder.Direction bwd = enc.direction(layer, true);
            long in = fwd.weightIh().getArray().getShape().get(1);
            g.floatInitializer(p + "_W", concat(zrh(fwd.weightIh()), zrh(bwd.weightIh())), 2, 3L * h, in);
            g.floatInitializer(p + "_R", concat(zrh(fwd.weightHh()), zrh(bwd.weightHh())), 2, 3L * h, h);
            g.floatInitializer(p + "_B", concat(concat(zrh(fwd.biasIh()), zrh(fwd.biasHh())),
                    concat(zrh(bwd.biasIh()), zrh(bwd.biasHh()))), 2, 6L * h);
            g.node("GRU").inputs(x, p + "_W", p + "_R", p + "_B").outputs(p + "_Y", p + "_Yh")
                    .attr("hidden_size", (long) h).attr("direction", "bidirectional")
                    .attr("linear_before_reset", 1L);
            // Y [C, 2, N, H] -> [C, N, 2H] (forward then backward) for the next layer.
            g.node("Transpose").inputs(p + "_Y").outputs(p + "_Yt").ints("perm", 0, 2, 1, 3);
            g.node("Reshape").inputs(p + "_Yt", "shape_seq").outputs(p + "_out");
            x = p + "_out";
            lastState = p + "_Yh";
        }
        // Y_h [2, N, H] -> [N, 2H]: the last layer's final forward and backward states.
        g.node("Transpose").inputs(lastState).outputs("gru_hn_t").ints("perm", 1, 0, 2);
        g.node("Reshape").inputs("gru_hn_t", "shape_batch").outputs("gru_final");
        return "gru_final";
    }

    /** PyTorch gate blocks (r, z, n) of a [3H, ...] tensor reordered to ONNX's (z, r, h). */
    private static float[] zrh(Parameter p) {
        float[] v = p.getArray().toFloatArray();
        int block = v.length / 3;
        float[] out = new float[v.length];
        System.arraycopy(v, block, out, 0, block);     // z
        System.arraycopy(v, 0, out, block, block);     // r
        System.arraycopy(v, 2 * block, out, 2 * block, block); // n -> h
        return out;
    }

    // ---------------------------------------------------------------- MLPs

    private static String mlp(OnnxGraphBuilder g, String prefix, List<Linear> layers, String x, String act) {
        String h = x;
        for (int i = 0; i < layers.size(); i++) {
            String pre = linear(g, prefix + i, layers.get(i), h);
            if (i < layers.size() - 1) {
                h = prefix + i + "_act";
                g.node(act).inputs(pre).outputs(h);
            } else {
                h = pre;
            }
        }
        return h;
    }

    /** x W^T + b for a DJL Linear (weight [out, in]); returns the output value name. */
    private static String linear(OnnxGraphBuilder g, String name, Linear layer, String x) {
        Parameter w = null;
        Parameter b = null;
        for (var p : layer.getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                w = p.getValue();
            } else if (p.getValue().getType() == Parameter.Type.BIAS) {
                b = p.getValue();
            }
        }
        if (w == null || b == null) {
            throw new IllegalStateException("layer " + name + " lacks a weight or bias");
        }
        long out = w.getArray().getShape().get(0);
        long in = w.getArray().getShape().get(1);
        float[] wt = w.getArray().transpose().toFloatArray(); // [in, out]
        g.floatInitializer(name + "_W", wt, in, out);
        g.floatInitializer(name + "_b", b.getArray().toFloatArray(), out);
        g.node("MatMul").inputs(x, name + "_W").outputs(name + "_mm");
        g.node("Add").inputs(name + "_mm", name + "_b").outputs(name + "_y");
        return name + "_y";
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
