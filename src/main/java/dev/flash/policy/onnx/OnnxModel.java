package dev.flash.policy.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.flash.onnx.lite.Evaluator;
import dev.flash.onnx.lite.OnnxFile;
import dev.flash.onnx.lite.Tensor;
import dev.flash.onnx.lite.UnsupportedModelException;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import dev.flash.policy.SignalNeeds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A model file that passed validation against the {@link ModelContract}, with its ONNX Runtime
 * session, ready to run batches.
 *
 * <p>{@link #load} checks, in order: the file is readable and non-empty; ONNX Runtime parses it;
 * every required metadata key is there and well-formed; the contract version, agent and kind are
 * known; the declared inputs and outputs have the contract's names, float32 type and shapes
 * consistent with the metadata; and a trial inference (batch 1 of zeros, batch 3 of random
 * inputs with empty, half and full contexts) gives outputs of the right shape, all finite, and
 * action probabilities that are non-negative and sum to 1. Anything else is a
 * {@link ModelRejectedException} whose reason names the problem.
 *
 * <p>Sessions run on one intra-op and one inter-op thread without spinning, in sequential mode:
 * for a model of a few thousand parameters run once a second that is both the fastest and the
 * cheapest setting (see {@code runtime-facts.md}).
 *
 * <p>Two engines read the same file through the same checks: ONNX Runtime ({@link #load}, the
 * daemon's, with the batches below) and flash's built-in evaluator of its own graphs
 * ({@link #loadBuiltin}, {@code dev.flash.onnx.lite}: no native library to load, which is most
 * of a one-shot command's start-up). A builtin model runs the same {@link Batch}es on heap arrays.
 *
 * <p>Per tick, {@link #batch(int)} hands out a reusable {@link Batch}: the caller fills its
 * arrays, {@link #run(Batch)} copies them into direct buffers that back the input tensors and
 * lets ONNX Runtime write the outputs into pinned direct-buffer tensors, so a steady-state tick
 * allocates almost nothing. Not thread-safe: one caller (the daemon loop) at a time.
 */
public final class OnnxModel implements AutoCloseable {

    /** Tolerance on the sum of each action_probs row. */
    public static final double PROB_SUM_TOLERANCE = 1e-3;
    /** Row-codes outputs against coding every row: float sums in another order, nothing more. */
    static final float ROW_CODES_TOLERANCE = 1e-4f;

    private static volatile OrtEnvironment environment;

    private final ModelDescription description;
    /** ONNX Runtime's session; null for a model run by the built-in evaluator. */
    private final OrtSession session;
    /** The built-in evaluator; null for an ONNX Runtime model. */
    private final Evaluator builtin;
    private Batch cached;
    private long inferences;

    private OnnxModel(ModelDescription description, OrtSession session, Evaluator builtin) {
        this.description = description;
        this.session = session;
        this.builtin = builtin;
    }

    /** Engine names, as {@code --json} and {@code --verbose} print them. */
    public static final String ENGINE_ORT = "onnxruntime";
    public static final String ENGINE_BUILTIN = "builtin";

    /** Which engine runs this model: {@link #ENGINE_ORT} or {@link #ENGINE_BUILTIN}. */
    public String engine() {
        return session != null ? ENGINE_ORT : ENGINE_BUILTIN;
    }

    /** The one ONNX Runtime environment of this process. */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env == null) {
            synchronized (OnnxModel.class) {
                env = environment;
                if (env == null) {
                    // Load the libraries from flash's cache of them when it can be used, instead
                    // of a fresh 22 MB copy out of the jar on every start.
                    NativeLibraryCache.prepare();
                    env = OrtEnvironment.getEnvironment();
                    // The libraries are mapped now; their extracted copy in /tmp is not needed
                    // (we add no execution provider that ONNX Runtime would extract later).
                    ExtractedNativeLibraries.removeMapped();
                    environment = env;
                }
            }
        }
        return env;
    }

    static OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        return options;
    }

    /**
     * Largest model file read by default (the {@code model_max_bytes} key): far above a FLASH
     * model (tens of KB), far below the daemon's 64 MiB heap, which a file read whole must fit.
     */
    public static final long DEFAULT_MAX_BYTES = 16L << 20;

    /** Reads, validates and opens a model file of at most {@link #DEFAULT_MAX_BYTES}. */
    public static OnnxModel load(Path file) throws ModelRejectedException {
        return load(file, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads, validates and opens a model file. The size is checked before reading, and the read
     * stops one byte past the limit (a file growing meanwhile cannot run the heap out either).
     */
    public static OnnxModel load(Path file, long maxBytes) throws ModelRejectedException {
        byte[] bytes = read(file, maxBytes);
        String sha256 = sha256(bytes);

        OrtSession session;
        try (OrtSession.SessionOptions options = sessionOptions()) {
            session = environment().createSession(bytes, options);
        } catch (OrtException e) {
            throw new ModelRejectedException(file, "not a loadable ONNX model (truncated or corrupt?): "
                    + firstLine(e.getMessage()), e);
        }
        try {
            ModelDescription description = describe(file, Sha256.Lazy.of(sha256), session.getMetadata().getCustomMetadata(),
                    ortSignature(session.getInputInfo()), ortSignature(session.getOutputInfo()), null);
            OnnxModel model = new OnnxModel(description, session, null);
            model.trialInference(file);
            return model;
        } catch (ModelRejectedException e) {
            closeQuietly(session);
            throw e;
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            throw new ModelRejectedException(file, "validation failed: " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * Reads and validates a model file as {@link #load} does (the same size limit, metadata,
     * signature and trial-inference checks), but runs it with the built-in evaluator instead of
     * ONNX Runtime, whose native library is then never loaded. A file the evaluator cannot read
     * (an operator, attribute, data type or protobuf field flash's exports do not write) is an
     * {@link UnsupportedModelException}; ONNX Runtime may still run it.
     */
    public static OnnxModel loadBuiltin(Path file) throws ModelRejectedException, UnsupportedModelException {
        return loadBuiltin(file, null);
    }

    /**
     * {@link #loadBuiltin(Path)} with the reader of {@code flash.params} of the command that will
     * use them: the check of the params (a JSON object) gives their text to {@code paramsReader}
     * first, and when it returns something, which it may only for a text that is a JSON object in
     * strict JSON (as a reader of {@link JsonCursor} that reads to the text's end does), the check
     * does not scan the text again and {@link ModelDescription#paramsObject()}'s
     * {@link LazyJsonObject#read()} holds the result. A null is the check as without a reader.
     * The verdicts are the same either way (the reader's result is only ever a strict JSON
     * object's); a one-shot {@code config-search recommend} read its 180 KB of params twice
     * without it (docs/log/2026-12-07-recommend-latency-6.md).
     */
    public static OnnxModel loadBuiltin(Path file, java.util.function.Function<String, ?> paramsReader)
            throws ModelRejectedException, UnsupportedModelException {
        byte[] bytes = read(file, DEFAULT_MAX_BYTES);
        // the same digest, without the JDK's VarHandle start-up, and only when asked for
        Sha256.Lazy sha256 = new Sha256.Lazy(bytes);
        Evaluator evaluator = Evaluator.of(bytes);
        try {
            ModelDescription description = describe(file, sha256, evaluator.metadata(),
                    builtinSignature(evaluator.inputs()), builtinSignature(evaluator.outputs()), paramsReader);
            OnnxModel model = new OnnxModel(description, null, evaluator);
            model.trialInference(file);
            return model;
        } catch (OrtException | RuntimeException e) {
            throw new ModelRejectedException(file, "validation failed: " + firstLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** The file's bytes: its size is checked before reading, and the read stops one byte past the limit. */
    private static byte[] read(Path file, long maxBytes) throws ModelRejectedException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw tooLarge(file, size, maxBytes);
            }
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
            if (bytes.length > maxBytes) {
                throw tooLarge(file, bytes.length, maxBytes);
            }
        } catch (NoSuchFileException e) {
            throw new ModelRejectedException(file, "file not found: " + file, e);
        } catch (IOException e) {
            throw new ModelRejectedException(file, "cannot read " + file + ": " + e, e);
        }
        if (bytes.length == 0) {
            throw new ModelRejectedException(file, "file is empty");
        }
        return bytes;
    }

    private static ModelRejectedException tooLarge(Path file, long size, long maxBytes) {
        return new ModelRejectedException(file, "file is " + size + " bytes, more than the limit of " + maxBytes
                + " (model_max_bytes; a FLASH model is tens of KB): not read");
    }

    public ModelDescription description() {
        return description;
    }

    /** Number of {@link #run} calls so far (one per tick when the daemon batches its policies). */
    public long inferences() {
        return inferences;
    }

    // ---- metadata and signature -------------------------------------------------------------

    /**
     * A graph's inputs or outputs as ONNX Runtime declares them, by name: the shape (-1 for a
     * symbolic dimension) of a float32 tensor, or the text of what is wrong with it (a String).
     */
    private static Map<String, Object> ortSignature(Map<String, NodeInfo> infos) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo tensor)) {
                out.put(e.getKey(), "is not a tensor");
            } else if (tensor.type != OnnxJavaType.FLOAT) {
                out.put(e.getKey(), "has type " + tensor.onnxType + ", the contract needs float32");
            } else {
                out.put(e.getKey(), tensor.getShape());
            }
        }
        return out;
    }

    /** The same for the built-in evaluator's reading of the file. */
    private static Map<String, Object> builtinSignature(List<OnnxFile.ValueInfo> infos) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OnnxFile.ValueInfo v : infos) {
            out.put(v.name(), v.elemType() == 1 ? v.dims()
                    : "has ONNX data type " + v.elemType() + ", the contract needs float32");
        }
        return out;
    }

    /**
     * The contract's checks of the metadata and of the inputs and outputs (signatures as
     * {@link #ortSignature} gives them), whichever engine read the file.
     */
    private static ModelDescription describe(Path file, Sha256.Lazy sha256, Map<String, String> meta,
                                             Map<String, Object> inputs, Map<String, Object> outputs,
                                             java.util.function.Function<String, ?> paramsReader)
            throws ModelRejectedException {
        for (String key : ModelContract.REQUIRED_KEYS) {
            if (!meta.containsKey(key)) {
                throw new ModelRejectedException(file, "missing metadata key " + key);
            }
        }
        String version = meta.get(ModelContract.META_CONTRACT_VERSION).trim();
        if (!ModelContract.READABLE_VERSIONS.contains(version)) {
            throw new ModelRejectedException(file, "contract version mismatch: " + ModelContract.META_CONTRACT_VERSION
                    + " is '" + version + "', this flash reads versions " + String.join(" and ",
                    ModelContract.READABLE_VERSIONS));
        }
        String agent = meta.get(ModelContract.META_AGENT).trim();
        if (!ModelContract.AGENTS.contains(agent)) {
            throw new ModelRejectedException(file, "unknown agent '" + agent + "' in " + ModelContract.META_AGENT
                    + " (expected one of " + ModelContract.AGENTS + ")");
        }
        String kind = meta.get(ModelContract.META_KIND).trim();
        if (!ModelContract.KINDS.contains(kind)) {
            throw new ModelRejectedException(file, "unknown kind '" + kind + "' in " + ModelContract.META_KIND
                    + " (expected one of " + ModelContract.KINDS + ")");
        }
        boolean rl = ModelContract.KIND_RL.equals(kind);
        List<String> features = names(file, meta, ModelContract.META_FEATURES);
        if (features.isEmpty()) {
            throw new ModelRejectedException(file, ModelContract.META_FEATURES + " is empty");
        }
        List<String> actions = List.of();
        if (rl) {
            if (!meta.containsKey(ModelContract.META_ACTIONS)) {
                throw new ModelRejectedException(file, "missing metadata key " + ModelContract.META_ACTIONS
                        + " (required for kind rl)");
            }
            actions = names(file, meta, ModelContract.META_ACTIONS);
            if (actions.isEmpty()) {
                throw new ModelRejectedException(file, ModelContract.META_ACTIONS + " is empty");
            }
        }
        int contextLength = nonNegativeInt(file, meta, ModelContract.META_CONTEXT_LENGTH);
        List<String> contextColumns = List.of();
        if (contextLength > 0) {
            if (!meta.containsKey(ModelContract.META_CONTEXT_COLUMNS)) {
                throw new ModelRejectedException(file, "missing metadata key " + ModelContract.META_CONTEXT_COLUMNS
                        + " (required when " + ModelContract.META_CONTEXT_LENGTH + " > 0)");
            }
            contextColumns = names(file, meta, ModelContract.META_CONTEXT_COLUMNS);
            int expectedWidth = features.size() + actions.size() + 1;
            if (rl && contextColumns.size() != expectedWidth) {
                throw new ModelRejectedException(file, ModelContract.META_CONTEXT_COLUMNS + " has "
                        + contextColumns.size() + " columns, an rl context row needs F + A + 1 = "
                        + features.size() + " + " + actions.size() + " + 1 = " + expectedWidth);
            }
            if (contextColumns.isEmpty()) {
                throw new ModelRejectedException(file, ModelContract.META_CONTEXT_COLUMNS + " is empty");
            }
        }
        String encoding = meta.getOrDefault(ModelContract.META_CONTEXT_ENCODING, ModelContract.ENCODING_ROWS).trim();
        if (!ModelContract.ENCODINGS.contains(encoding)) {
            throw new ModelRejectedException(file, "unknown context encoding '" + encoding + "' in "
                    + ModelContract.META_CONTEXT_ENCODING + " (expected one of " + ModelContract.ENCODINGS + ")");
        }
        boolean rowCodes = ModelContract.ENCODING_ROW_CODES.equals(encoding);
        int rowCodeSize = 0;
        if (rowCodes) {
            if (contextLength == 0) {
                throw new ModelRejectedException(file, ModelContract.META_CONTEXT_ENCODING + " is " + encoding
                        + " but " + ModelContract.META_CONTEXT_LENGTH + " is 0 (no context to code)");
            }
            if ("1".equals(version)) {
                throw new ModelRejectedException(file, ModelContract.META_CONTEXT_ENCODING + " " + encoding
                        + " needs " + ModelContract.META_CONTRACT_VERSION + " 2, the file says 1");
            }
            if (!meta.containsKey(ModelContract.META_ROW_CODE_SIZE)) {
                throw new ModelRejectedException(file, "missing metadata key " + ModelContract.META_ROW_CODE_SIZE
                        + " (required when " + ModelContract.META_CONTEXT_ENCODING + " is " + encoding + ")");
            }
            rowCodeSize = nonNegativeInt(file, meta, ModelContract.META_ROW_CODE_SIZE);
            if (rowCodeSize == 0) {
                throw new ModelRejectedException(file, ModelContract.META_ROW_CODE_SIZE + " must be at least 1");
            }
        }
        ContextLayout layout = contextLayout(file, meta, contextLength, encoding);
        int embeddingSize = nonNegativeInt(file, meta, ModelContract.META_EMBEDDING_SIZE);
        String reward = meta.get(ModelContract.META_REWARD);
        double expectedReward = finiteDouble(file, meta, ModelContract.META_EXPECTED_REWARD);
        double expectedRewardStd = finiteDouble(file, meta, ModelContract.META_EXPECTED_REWARD_STD);
        if (expectedRewardStd < 0) {
            throw new ModelRejectedException(file, ModelContract.META_EXPECTED_REWARD_STD + " is negative: "
                    + expectedRewardStd);
        }
        String provenance = meta.get(ModelContract.META_PROVENANCE).trim();
        if (!JsonCursor.isStrictObject(provenance)) { // strict JSON is checked without a tree; the rest is Gson's
            jsonObject(file, ModelContract.META_PROVENANCE, provenance);
        }
        String params = meta.get(ModelContract.META_PARAMS).trim();
        // the tree only when asked for: a config-search model's params are most of its file, and its
        // reader takes them from the text (docs/log/2026-12-07-recommend-latency-5.md)
        // the command's reader first: a text it takes is a strict JSON object, not scanned again
        Object read = paramsReader == null ? null : paramsReader.apply(params);
        LazyJsonObject paramsObject = new LazyJsonObject(params, read != null || JsonCursor.isStrictObject(params) ? null
                : jsonObject(file, ModelContract.META_PARAMS, params), read);
        SignalNeeds signals;
        try {
            signals = SignalNeeds.parse(meta.get(ModelContract.META_REQUIRED_SIGNALS),
                    meta.get(ModelContract.META_TOLERATED_MISSING));
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(file, e.getMessage());
        }

        // Signature: inputs.
        Map<String, long[]> expectedInputs = new LinkedHashMap<>();
        expectedInputs.put(ModelContract.IN_STATE, new long[] {-1, features.size()});
        if (rowCodes) {
            expectedInputs.put(ModelContract.IN_CONTEXT_CODE_SUM, new long[] {-1, rowCodeSize});
            expectedInputs.put(ModelContract.IN_CONTEXT_COUNT, new long[] {-1, 1});
            expectedInputs.put(ModelContract.IN_CONTEXT_NEW, new long[] {-1, -1, 2, contextColumns.size()});
            expectedInputs.put(ModelContract.IN_CONTEXT_NEW_MASK, new long[] {-1, -1, 2});
        } else if (contextLength > 0) {
            expectedInputs.put(ModelContract.IN_CONTEXT, new long[] {-1, contextLength, contextColumns.size()});
            expectedInputs.put(ModelContract.IN_CONTEXT_MASK, new long[] {-1, contextLength});
        }
        for (String name : inputs.keySet()) {
            if (!expectedInputs.containsKey(name)) {
                throw new ModelRejectedException(file, "unexpected input '" + name + "' (expected "
                        + expectedInputs.keySet() + (contextLength == 0 ? " because "
                        + ModelContract.META_CONTEXT_LENGTH + " is 0" : "") + ")");
            }
        }
        for (Map.Entry<String, long[]> e : expectedInputs.entrySet()) {
            Object info = inputs.get(e.getKey());
            if (info == null) {
                throw new ModelRejectedException(file, "missing input '" + e.getKey() + "'");
            }
            checkTensor(file, "input", e.getKey(), info, e.getValue());
        }

        // Signature: outputs.
        String primary = rl ? ModelContract.OUT_ACTION_PROBS : ModelContract.OUT_PREDICTION;
        Map<String, long[]> allowedOutputs = new LinkedHashMap<>();
        allowedOutputs.put(primary, new long[] {-1, rl ? actions.size() : 1});
        allowedOutputs.put(ModelContract.OUT_VALUE, new long[] {-1, 1});
        if (embeddingSize > 0) {
            allowedOutputs.put(ModelContract.OUT_EMBEDDING, new long[] {-1, embeddingSize});
        }
        if (rowCodes) {
            allowedOutputs.put(ModelContract.OUT_CONTEXT_NEW_CODES, new long[] {-1, -1, rowCodeSize});
            if (!outputs.containsKey(ModelContract.OUT_CONTEXT_NEW_CODES)) {
                throw new ModelRejectedException(file, "missing output '" + ModelContract.OUT_CONTEXT_NEW_CODES
                        + "' (" + ModelContract.META_CONTEXT_ENCODING + " is " + encoding + ")");
            }
        }
        if (!outputs.containsKey(primary)) {
            throw new ModelRejectedException(file, "missing output '" + primary + "' (required for kind " + kind + ")");
        }
        if (embeddingSize > 0 && !outputs.containsKey(ModelContract.OUT_EMBEDDING)) {
            throw new ModelRejectedException(file, "missing output '" + ModelContract.OUT_EMBEDDING + "' ("
                    + ModelContract.META_EMBEDDING_SIZE + " is " + embeddingSize + ")");
        }
        for (Map.Entry<String, Object> e : outputs.entrySet()) {
            long[] expected = allowedOutputs.get(e.getKey());
            if (expected == null) {
                String hint = ModelContract.OUT_EMBEDDING.equals(e.getKey())
                        ? " (" + ModelContract.META_EMBEDDING_SIZE + " is 0)" : "";
                throw new ModelRejectedException(file, "unexpected output '" + e.getKey() + "'" + hint
                        + "; allowed: " + allowedOutputs.keySet());
            }
            checkTensor(file, "output", e.getKey(), e.getValue(), expected);
        }
        boolean hasValue = outputs.containsKey(ModelContract.OUT_VALUE);

        return new ModelDescription(file, sha256, agent, kind, features, actions, contextLength,
                contextColumns, embeddingSize, reward, expectedReward, expectedRewardStd, provenance,
                params, hasValue, contextLength > 0 ? encoding : ModelContract.ENCODING_ROWS, rowCodeSize, signals,
                paramsObject, layout);
    }

    /**
     * The layout {@link ModelContract#META_CONTEXT_WINDOWS} states, or the flat layout of C rows
     * when the key is absent (every model made before it existed).
     */
    private static ContextLayout contextLayout(Path file, Map<String, String> meta, int contextLength,
                                               String encoding) throws ModelRejectedException {
        String key = ModelContract.META_CONTEXT_WINDOWS;
        String text = meta.get(key);
        if (text == null) {
            return ContextLayout.flat(Math.min(contextLength, ContextLayout.MAX_ROWS));
        }
        if (contextLength == 0) {
            throw new ModelRejectedException(file, key + " is '" + text + "' but " + ModelContract.META_CONTEXT_LENGTH
                    + " is 0 (no context to lay out)");
        }
        ContextLayout layout;
        try {
            layout = ContextLayout.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(file, "bad " + key + " '" + text + "': " + e.getMessage());
        }
        if (layout.rows() != contextLength) {
            throw new ModelRejectedException(file, key + " '" + text + "' has " + layout.rows() + " windows, "
                    + ModelContract.META_CONTEXT_LENGTH + " is " + contextLength);
        }
        if (!layout.isFlat() && ModelContract.ENCODING_ROW_CODES.equals(encoding)) {
            throw new ModelRejectedException(file, key + " '" + text + "' has windows longer than one transition, "
                    + "whose rows change every tick: " + ModelContract.META_CONTEXT_ENCODING + " must be "
                    + ModelContract.ENCODING_ROWS + ", not " + encoding);
        }
        return layout;
    }

    /** Checks float32 type and shape; -1 in {@code expected} marks the symbolic batch dimension. */
    private static void checkTensor(Path file, String role, String name, Object info, long[] expected)
            throws ModelRejectedException {
        if (info instanceof String problem) {
            throw new ModelRejectedException(file, role + " '" + name + "' " + problem);
        }
        long[] shape = (long[]) info;
        String want = shapeText(expected);
        if (shape.length != expected.length) {
            throw new ModelRejectedException(file, role + " '" + name + "' has shape " + shapeText(shape)
                    + ", expected " + want);
        }
        for (int i = 0; i < shape.length; i++) {
            if (expected[i] < 0 && shape[i] >= 0) {
                throw new ModelRejectedException(file, role + " '" + name + "' has a fixed "
                        + (i == 0 ? "batch " : "") + "dimension " + shape[i] + " at position " + i
                        + ", expected a symbolic one (shape " + want + ")");
            }
            if (expected[i] >= 0 && shape[i] != expected[i]) {
                throw new ModelRejectedException(file, role + " '" + name + "' has shape " + shapeText(shape)
                        + ", expected " + want + " from the metadata");
            }
        }
    }

    private static String shapeText(long[] shape) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i] >= 0 ? Long.toString(shape[i]) : i == 0 ? "N" : "K");
        }
        return s.append(']').toString();
    }

    private static List<String> names(Path file, Map<String, String> meta, String key) throws ModelRejectedException {
        String value = meta.get(key).trim();
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw new ModelRejectedException(file, key + " has an empty name in '" + value + "'");
            }
            if (out.contains(name)) {
                throw new ModelRejectedException(file, key + " names '" + name + "' twice");
            }
            out.add(name);
        }
        return out;
    }

    private static int nonNegativeInt(Path file, Map<String, String> meta, String key) throws ModelRejectedException {
        String value = meta.get(key).trim();
        try {
            int v = Integer.parseInt(value);
            if (v < 0) {
                throw new ModelRejectedException(file, key + " is negative: " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModelRejectedException(file, key + " is not an integer: '" + value + "'");
        }
    }

    private static double finiteDouble(Path file, Map<String, String> meta, String key) throws ModelRejectedException {
        String value = meta.get(key).trim();
        try {
            double v = Double.parseDouble(value);
            if (!Double.isFinite(v)) {
                throw new ModelRejectedException(file, key + " is not finite: " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ModelRejectedException(file, key + " is not a number: '" + value + "'");
        }
    }

    private static JsonObject jsonObject(Path file, String key, String value) throws ModelRejectedException {
        try {
            JsonElement json = JsonTree.parse(value); // JsonParser.parseString's tree, faster (180 KB of params)
            if (!json.isJsonObject()) {
                throw new ModelRejectedException(file, key + " is not a JSON object: '" + abbreviate(value) + "'");
            }
            return json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelRejectedException(file, key + " is not valid JSON: '" + abbreviate(value) + "'");
        }
    }

    // ---- trial inference --------------------------------------------------------------------

    /**
     * Batch 1 of zeros, then batch 3 of random inputs with an empty, a half and a full context,
     * both through {@link #run} as the daemon runs them. A row-codes model then takes one more
     * tick (every context one row further) and must agree with coding every row afresh.
     */
    private void trialInference(Path file) throws OrtException, ModelRejectedException {
        ModelDescription d = description;
        int f = d.features().size();
        int c = d.contextLength();
        int w = d.contextWidth();

        try (Batch zeros = new Batch(1)) {
            trial(file, zeros);
        }

        Random random = new Random(20240501L);
        int n = 3;
        try (Batch b = new Batch(n)) {
            fillRandom(b.state, random);
            int[] filled = {0, c / 2, c};
            for (int i = 0; i < n; i++) {
                for (int row = c - filled[i]; row < c; row++) {
                    b.mask[i * c + row] = 1f;
                    for (int col = 0; col < w; col++) {
                        b.context[(i * c + row) * w + col] = random.nextFloat();
                    }
                }
            }
            trial(file, b);
            if (d.rowCodes()) {
                checkRowCodes(file, b, random);
            }
        }
    }

    private void trial(Path file, Batch b) throws ModelRejectedException {
        try {
            runBatch(b);
        } catch (OrtException e) {
            throw new ModelRejectedException(file, "trial inference (batch " + b.size + ") failed: "
                    + firstLine(e.getMessage()), e);
        }
        ModelDescription d = description;
        checkOutput(file, b.size, d.primaryOutput(), b.primary, d.primaryWidth());
        if (d.hasValue()) {
            checkOutput(file, b.size, ModelContract.OUT_VALUE, b.value, 1);
        }
        if (d.embeddingSize() > 0) {
            checkOutput(file, b.size, ModelContract.OUT_EMBEDDING, b.embedding, d.embeddingSize());
        }
    }

    /**
     * Moves every context of {@code b} one tick on (drop the oldest row, append a random one), runs
     * it reusing the codes of the rows it already saw, and compares with a fresh batch that codes
     * every row: a row-codes model whose codes do not add up (wrong sum, wrong predecessor) would
     * decide differently in the daemon than in training.
     */
    private void checkRowCodes(Path file, Batch b, Random random) throws OrtException, ModelRejectedException {
        ModelDescription d = description;
        int c = d.contextLength();
        int w = d.contextWidth();
        for (int i = 0; i < b.size; i++) {
            System.arraycopy(b.context, (i * c + 1) * w, b.context, i * c * w, (c - 1) * w);
            System.arraycopy(b.mask, i * c + 1, b.mask, i * c, c - 1);
            b.mask[i * c + c - 1] = 1f;
            for (int col = 0; col < w; col++) {
                b.context[(i * c + c - 1) * w + col] = random.nextFloat();
            }
        }
        trial(file, b);
        try (Batch fresh = new Batch(b.size)) {
            System.arraycopy(b.state, 0, fresh.state, 0, b.state.length);
            System.arraycopy(b.context, 0, fresh.context, 0, b.context.length);
            System.arraycopy(b.mask, 0, fresh.mask, 0, b.mask.length);
            trial(file, fresh);
            compare(file, d.primaryOutput(), b.primary, fresh.primary);
            compare(file, ModelContract.OUT_EMBEDDING, b.embedding, fresh.embedding);
        }
    }

    private static void compare(Path file, String output, float[] reused, float[] fresh) throws ModelRejectedException {
        for (int i = 0; i < fresh.length; i++) {
            if (Math.abs(reused[i] - fresh[i]) > ROW_CODES_TOLERANCE * Math.max(1f, Math.abs(fresh[i]))) {
                throw new ModelRejectedException(file, "row codes do not add up: output '" + output + "' is "
                        + reused[i] + " with the codes of earlier rows and " + fresh[i] + " coding every row"
                        + " (index " + i + ")");
            }
        }
    }

    private static void fillRandom(float[] a, Random random) {
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
        }
    }

    private static void checkOutput(Path file, int n, String name, float[] values, int width)
            throws ModelRejectedException {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ModelRejectedException(file, "trial inference (batch " + n + "): output '" + name
                        + "' is not finite (" + values[i] + " at row " + i / width + ")");
            }
        }
        if (!ModelContract.OUT_ACTION_PROBS.equals(name)) {
            return;
        }
        for (int row = 0; row < n; row++) {
            double sum = 0;
            for (int k = 0; k < width; k++) {
                float p = values[row * width + k];
                if (p < 0) {
                    throw new ModelRejectedException(file, "trial inference (batch " + n + "): output '" + name
                            + "' has a negative probability " + p + " at row " + row);
                }
                sum += p;
            }
            if (Math.abs(sum - 1.0) > PROB_SUM_TOLERANCE) {
                throw new ModelRejectedException(file, "trial inference (batch " + n + "): output '" + name
                        + "' row " + row + " sums to " + sum + ", not 1");
            }
        }
    }

    // ---- per-tick batches -------------------------------------------------------------------

    /**
     * The reusable batch for {@code n} rows: the same object tick after tick while {@code n}
     * stays the same (a hotplug changes it). Input arrays are not cleared between ticks.
     */
    public Batch batch(int n) throws OrtException {
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + n);
        }
        if (cached == null || cached.size != n) {
            if (cached != null) {
                cached.close();
                cached = null;
            }
            cached = new Batch(n);
        }
        return cached;
    }

    /** Runs one inference over the batch's inputs; outputs land in the batch's output arrays. */
    public void run(Batch batch) throws OrtException {
        if (batch != cached) {
            throw new IllegalArgumentException("batch does not belong to this model (or was replaced)");
        }
        runBatch(batch);
        inferences++;
    }

    private void runBatch(Batch batch) throws OrtException {
        if (builtin != null) {
            runBuiltin(batch);
            return;
        }
        batch.stateBuffer.clear();
        batch.stateBuffer.put(batch.state).flip();
        Map<String, OnnxTensor> inputs = batch.inputs;
        Map<String, OnnxTensor> outputs = batch.pinnedOutputs;
        RowCodeFeed feed = batch.feed;
        boolean full = false;
        if (feed != null) {
            full = feed.prepare(batch.context, batch.mask);
            put(batch.codeSumBuffer, feed.codeSum);
            put(batch.countBuffer, feed.count);
            RowCodeTensors t = full ? batch.fullCodes : batch.steadyCodes;
            put(t.rowsBuffer, full ? feed.fullRows : feed.steadyRows);
            put(t.maskBuffer, full ? feed.fullMask : feed.steadyMask);
            inputs = t.inputs;
            outputs = t.outputs;
        } else if (batch.contextBuffer != null) {
            put(batch.contextBuffer, batch.context);
            put(batch.maskBuffer, batch.mask);
        }
        // Outputs are pinned: ONNX Runtime writes them into the batch's direct buffers, and the
        // result only holds references to those tensors, so closing it frees nothing of ours.
        OrtSession.Result result = session.run(inputs, outputs);
        result.close();
        copyOut(batch.primaryBuffer, batch.primary);
        if (batch.valueBuffer != null) {
            copyOut(batch.valueBuffer, batch.value);
        }
        if (batch.embeddingBuffer != null) {
            copyOut(batch.embeddingBuffer, batch.embedding);
        }
        if (feed != null) {
            RowCodeTensors t = full ? batch.fullCodes : batch.steadyCodes;
            copyOut(t.codesBuffer, t.codes);
            feed.accept(full, t.codes);
        }
    }

    /** {@link #runBatch} on the built-in evaluator: the batch's arrays are the tensors. */
    private void runBuiltin(Batch batch) {
        ModelDescription d = description;
        int n = batch.size;
        int c = d.contextLength();
        int w = d.contextWidth();
        Map<String, Tensor> inputs = new HashMap<>();
        inputs.put(ModelContract.IN_STATE, Tensor.of(batch.state, n, d.features().size()));
        RowCodeFeed feed = batch.feed;
        boolean full = false;
        int k = 0;
        if (feed != null) {
            full = feed.prepare(batch.context, batch.mask);
            k = full ? c : RowCodeFeed.STEADY_ROWS;
            inputs.put(ModelContract.IN_CONTEXT_CODE_SUM, Tensor.of(feed.codeSum, n, d.rowCodeSize()));
            inputs.put(ModelContract.IN_CONTEXT_COUNT, Tensor.of(feed.count, n, 1));
            inputs.put(ModelContract.IN_CONTEXT_NEW, Tensor.of(full ? feed.fullRows : feed.steadyRows, n, k, 2, w));
            inputs.put(ModelContract.IN_CONTEXT_NEW_MASK, Tensor.of(full ? feed.fullMask : feed.steadyMask, n, k, 2));
        } else if (c > 0) {
            inputs.put(ModelContract.IN_CONTEXT, Tensor.of(batch.context, n, c, w));
            inputs.put(ModelContract.IN_CONTEXT_MASK, Tensor.of(batch.mask, n, c));
        }
        Map<String, Tensor> outputs = builtin.run(inputs);
        copyOut(outputs, d.primaryOutput(), batch.primary, n, d.primaryWidth());
        if (d.hasValue()) {
            copyOut(outputs, ModelContract.OUT_VALUE, batch.value, n, 1);
        }
        if (d.embeddingSize() > 0) {
            copyOut(outputs, ModelContract.OUT_EMBEDDING, batch.embedding, n, d.embeddingSize());
        }
        if (feed != null) {
            float[] codes = new float[n * k * d.rowCodeSize()];
            copyOut(outputs, ModelContract.OUT_CONTEXT_NEW_CODES, codes, n, k, d.rowCodeSize());
            feed.accept(full, codes);
        }
    }

    /** Copies output {@code name} into {@code to}, checking it has the shape ONNX Runtime's pinned tensor would. */
    private static void copyOut(Map<String, Tensor> outputs, String name, float[] to, int... shape) {
        Tensor t = outputs.get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalStateException("output '" + name + "' is " + t + ", expected float32"
                    + Arrays.toString(shape));
        }
        System.arraycopy(t.floats(), 0, to, 0, to.length);
    }

    private static void put(FloatBuffer to, float[] from) {
        to.clear();
        to.put(from).flip();
    }

    private static void copyOut(FloatBuffer from, float[] to) {
        from.clear();
        from.get(to);
    }

    /**
     * Inputs and outputs of one batched inference, laid out row-major: row {@code i} of
     * {@link #state} is {@code state[i*F .. (i+1)*F)}, of {@link #context}
     * {@code context[i*C*W ...]}, of {@link #mask} {@code mask[i*C ...]}. Outputs:
     * {@link #primary} holds action_probs ({@code [i*A ...]}) or prediction, {@link #value} one
     * value per row (NaN when the model has none), {@link #embedding} E floats per row.
     *
     * <p>Callers fill the context as rows whatever the model's encoding; for a row-codes model the
     * batch keeps the codes of the rows it has seen ({@link RowCodeFeed}) and feeds only the new
     * ones, so a batch row should keep describing the same thing (the same cpufreq policy) from
     * one run to the next. When it does not, the batch notices and codes every row.
     */
    public final class Batch implements AutoCloseable {
        public final int size;
        public final float[] state;
        public final float[] context;
        public final float[] mask;
        public final float[] primary;
        public final float[] value;
        public final float[] embedding;

        private final FloatBuffer stateBuffer;
        private final FloatBuffer contextBuffer;
        private final FloatBuffer maskBuffer;
        private final FloatBuffer primaryBuffer;
        private final FloatBuffer valueBuffer;
        private final FloatBuffer embeddingBuffer;
        private final Map<String, OnnxTensor> inputs = new HashMap<>();
        private final Map<String, OnnxTensor> pinnedOutputs = new HashMap<>();
        // Row-codes encoding only.
        private final RowCodeFeed feed;
        private final FloatBuffer codeSumBuffer;
        private final FloatBuffer countBuffer;
        private final RowCodeTensors steadyCodes;
        private final RowCodeTensors fullCodes;

        private Batch(int n) throws OrtException {
            ModelDescription d = description;
            int f = d.features().size();
            int c = d.contextLength();
            int w = d.contextWidth();
            this.size = n;
            this.state = new float[n * f];
            this.context = new float[n * c * w];
            this.mask = new float[n * c];
            this.primary = new float[n * d.primaryWidth()];
            this.value = new float[n];
            this.embedding = new float[n * d.embeddingSize()];
            if (!d.hasValue()) {
                Arrays.fill(value, Float.NaN);
            }
            boolean rowCodes = d.rowCodes();
            this.feed = rowCodes ? new RowCodeFeed(n, c, w, d.rowCodeSize()) : null;
            if (session == null) { // the built-in evaluator reads the arrays themselves
                stateBuffer = null;
                contextBuffer = null;
                maskBuffer = null;
                primaryBuffer = null;
                valueBuffer = null;
                embeddingBuffer = null;
                codeSumBuffer = null;
                countBuffer = null;
                steadyCodes = null;
                fullCodes = null;
                return;
            }
            OrtEnvironment env = environment();
            try {
                stateBuffer = direct(state.length);
                inputs.put(ModelContract.IN_STATE, OnnxTensor.createTensor(env, stateBuffer, new long[] {n, f}));
                if (c > 0 && !rowCodes) {
                    contextBuffer = direct(context.length);
                    maskBuffer = direct(mask.length);
                    inputs.put(ModelContract.IN_CONTEXT, OnnxTensor.createTensor(env, contextBuffer, new long[] {n, c, w}));
                    inputs.put(ModelContract.IN_CONTEXT_MASK, OnnxTensor.createTensor(env, maskBuffer, new long[] {n, c}));
                } else {
                    contextBuffer = null;
                    maskBuffer = null;
                }
                primaryBuffer = direct(primary.length);
                pinnedOutputs.put(d.primaryOutput(),
                        OnnxTensor.createTensor(env, primaryBuffer, new long[] {n, d.primaryWidth()}));
                if (d.hasValue()) {
                    valueBuffer = direct(n);
                    pinnedOutputs.put(ModelContract.OUT_VALUE, OnnxTensor.createTensor(env, valueBuffer, new long[] {n, 1}));
                } else {
                    valueBuffer = null;
                }
                if (d.embeddingSize() > 0) {
                    embeddingBuffer = direct(embedding.length);
                    pinnedOutputs.put(ModelContract.OUT_EMBEDDING,
                            OnnxTensor.createTensor(env, embeddingBuffer, new long[] {n, d.embeddingSize()}));
                } else {
                    embeddingBuffer = null;
                }
                if (rowCodes) {
                    int h = d.rowCodeSize();
                    codeSumBuffer = direct(n * h);
                    countBuffer = direct(n);
                    inputs.put(ModelContract.IN_CONTEXT_CODE_SUM, OnnxTensor.createTensor(env, codeSumBuffer, new long[] {n, h}));
                    inputs.put(ModelContract.IN_CONTEXT_COUNT, OnnxTensor.createTensor(env, countBuffer, new long[] {n, 1}));
                    steadyCodes = new RowCodeTensors(env, n, RowCodeFeed.STEADY_ROWS, w, h, inputs, pinnedOutputs);
                    fullCodes = new RowCodeTensors(env, n, c, w, h, inputs, pinnedOutputs);
                } else {
                    codeSumBuffer = null;
                    countBuffer = null;
                    steadyCodes = null;
                    fullCodes = null;
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Model description this batch is shaped for. */
        public ModelDescription description() {
            return description;
        }

        /** Runs that coded every context row, and runs that reused earlier codes (row-codes models). */
        public long fullRuns() {
            return feed == null ? 0 : feed.fullRuns();
        }

        public long steadyRuns() {
            return feed == null ? 0 : feed.steadyRuns();
        }

        @Override
        public void close() {
            // The row-code tensor maps share the state, sum and count inputs and the pinned
            // outputs with the batch's own maps; each tensor is closed once, from here.
            if (steadyCodes != null) {
                steadyCodes.closeOwn();
            }
            if (fullCodes != null) {
                fullCodes.closeOwn();
            }
            // loops, not method references: a one-shot answer closes its batches once, and a
            // method reference's first use links it through method handles, interpreted
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
            for (OnnxTensor t : pinnedOutputs.values()) {
                t.close();
            }
            inputs.clear();
            pinnedOutputs.clear();
        }
    }

    /**
     * The K-dependent inputs and output of a row-codes model for one K (2 in a steady run, C when
     * every row is coded), with complete input and output maps that reuse the batch's other tensors.
     */
    private static final class RowCodeTensors {
        final FloatBuffer rowsBuffer;
        final FloatBuffer maskBuffer;
        final FloatBuffer codesBuffer;
        final float[] codes;
        final Map<String, OnnxTensor> inputs;
        final Map<String, OnnxTensor> outputs;
        private final OnnxTensor rows;
        private final OnnxTensor rowMask;
        private final OnnxTensor codesTensor;

        RowCodeTensors(OrtEnvironment env, int n, int k, int w, int h, Map<String, OnnxTensor> shared,
                       Map<String, OnnxTensor> sharedOutputs) throws OrtException {
            rowsBuffer = direct(n * k * 2 * w);
            maskBuffer = direct(n * k * 2);
            codesBuffer = direct(n * k * h);
            codes = new float[n * k * h];
            rows = OnnxTensor.createTensor(env, rowsBuffer, new long[] {n, k, 2, w});
            rowMask = OnnxTensor.createTensor(env, maskBuffer, new long[] {n, k, 2});
            codesTensor = OnnxTensor.createTensor(env, codesBuffer, new long[] {n, k, h});
            inputs = new HashMap<>(shared);
            inputs.put(ModelContract.IN_CONTEXT_NEW, rows);
            inputs.put(ModelContract.IN_CONTEXT_NEW_MASK, rowMask);
            outputs = new HashMap<>(sharedOutputs);
            outputs.put(ModelContract.OUT_CONTEXT_NEW_CODES, codesTensor);
        }

        void closeOwn() {
            rows.close();
            rowMask.close();
            codesTensor.close();
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.max(1, floats) * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer().limit(floats);
    }

    @Override
    public void close() {
        if (cached != null) {
            cached.close();
            cached = null;
        }
        if (session != null) {
            closeQuietly(session);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException | RuntimeException ignored) {
            // Closing a session we are discarding; nothing more to do.
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        return abbreviate(nl < 0 ? message : message.substring(0, nl));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
