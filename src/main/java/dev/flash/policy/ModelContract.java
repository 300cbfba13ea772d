package dev.flash.policy;

/**
 * The one model contract every flash agent follows (DVFS, config search, autoscaling).
 *
 * <p>A model is a single ONNX file that describes itself through {@code metadata_props}; the
 * daemon and the companion modes validate it before use and never guess. See
 * {@code docs/model-contract.md} for the full description.
 *
 * <pre>
 * inputs   state         float32 [N, F]     F = number of feature names, in order
 *          context       float32 [N, C, W]  C = context length; W = F + A + 1 for RL agents
 *                                           (state, one-hot action, reward), shot width for
 *                                           regression agents (absent when C = 0)
 *          context_mask  float32 [N, C]     1 for a filled row, 0 for padding (absent when C = 0)
 * outputs  action_probs  float32 [N, A]     RL agents: a probability per action, rows sum to 1
 *          prediction    float32 [N, 1]     regression agents: the predicted target
 *          value         float32 [N, 1]     optional: critic's value of the state
 *          embedding     float32 [N, E]     optional: the FLASH embedding (E = embedding size)
 * </pre>
 *
 * <p>Version 2 adds a second way to feed the context, declared by {@link #META_CONTEXT_ENCODING}:
 * {@code row-codes}, for encoders that code each row on its own and pool the codes by a masked
 * mean (the SET encoders). Such a model takes, instead of {@code context} and {@code context_mask},
 *
 * <pre>
 * inputs   context_code_sum  float32 [N, H]        sum of the codes of context rows coded earlier
 *          context_count     float32 [N, 1]        number of filled context rows
 *          context_new       float32 [N, K, 2, W]  rows to code now, each as (previous row, row)
 *          context_new_mask  float32 [N, K, 2]     (previous row present, row present)
 * outputs  context_new_codes float32 [N, K, H]     the code of each new row (H = flash.row_code_size)
 * </pre>
 *
 * and its embedding is the encoder's output of {@code (context_code_sum + sum of present new
 * codes) / max(context_count, 1)}. K is symbolic. A context row never changes once recorded, so
 * the reader ({@code OnnxModel}) keeps each row's code and codes only the rows that are new since
 * the last inference: two per row of the batch per tick instead of C. A model in this encoding
 * computes exactly what the {@code rows} encoding of the same network computes.
 *
 * <p>The batch dimension N must be symbolic (the daemon batches all cpufreq policies of a tick
 * into one inference); every other dimension must be fixed. {@code embedding} is present exactly
 * when {@code flash.embedding_size} is above 0. No other inputs are allowed. A model must give
 * finite outputs for an empty context (mask all 0: the first tick after start or a hotplug),
 * so a masked mean divides by max(sum(mask), 1).
 */
public final class ModelContract {
    private ModelContract() {
    }

    /** Version this flash writes. */
    public static final String VERSION = "2";
    /** Versions this flash reads: 1 is version 2 without the {@code row-codes} encoding. */
    public static final java.util.List<String> READABLE_VERSIONS = java.util.List.of("1", "2");

    // Input and output names.
    public static final String IN_STATE = "state";
    public static final String IN_CONTEXT = "context";
    public static final String IN_CONTEXT_MASK = "context_mask";
    public static final String OUT_ACTION_PROBS = "action_probs";
    public static final String OUT_PREDICTION = "prediction";
    public static final String OUT_VALUE = "value";
    public static final String OUT_EMBEDDING = "embedding";
    // The row-codes context encoding (version 2).
    public static final String IN_CONTEXT_CODE_SUM = "context_code_sum";
    public static final String IN_CONTEXT_COUNT = "context_count";
    public static final String IN_CONTEXT_NEW = "context_new";
    public static final String IN_CONTEXT_NEW_MASK = "context_new_mask";
    public static final String OUT_CONTEXT_NEW_CODES = "context_new_codes";

    // Metadata keys (ONNX metadata_props).
    public static final String META_CONTRACT_VERSION = "flash.contract_version";
    /** dvfs, config-search or autoscale. */
    public static final String META_AGENT = "flash.agent";
    /** rl (action_probs output) or regression (prediction output). */
    public static final String META_KIND = "flash.kind";
    /** Comma-separated ordered feature names of the state input. */
    public static final String META_FEATURES = "flash.features";
    /** Comma-separated ordered action names (RL agents). */
    public static final String META_ACTIONS = "flash.actions";
    /** Number of context rows C (0 for a model without FLASH context). */
    public static final String META_CONTEXT_LENGTH = "flash.context_length";
    /** Comma-separated names of the W columns of a context row. */
    public static final String META_CONTEXT_COLUMNS = "flash.context_columns";
    public static final String META_EMBEDDING_SIZE = "flash.embedding_size";
    /** Human-readable reward definition (RL) or target definition (regression). */
    public static final String META_REWARD = "flash.reward";
    /** Mean per-step reward the model reached on its training applications (drift detection). */
    public static final String META_EXPECTED_REWARD = "flash.expected_reward";
    /** Spread (standard deviation) of per-step reward on training applications. */
    public static final String META_EXPECTED_REWARD_STD = "flash.expected_reward_std";
    /** JSON: command, seed, date, apps file digest, git commit, training seconds. */
    public static final String META_PROVENANCE = "flash.provenance";
    /** Agent-specific extra parameters as JSON (e.g. the DVFS frequency ladder size). */
    public static final String META_PARAMS = "flash.params";
    /**
     * How the context is fed when C > 0: {@link #ENCODING_ROWS} (default when absent: the
     * {@code context} and {@code context_mask} inputs) or {@link #ENCODING_ROW_CODES}.
     */
    public static final String META_CONTEXT_ENCODING = "flash.context_encoding";
    /**
     * Optional: which transitions the C context rows hold, as comma-separated window lengths,
     * newest first ({@link ContextLayout}): {@code 1,1,2,4,8,16,32} gives the last two transitions
     * as they were, then the mean of the 2, 4, 8, 16 and 32 before them. Absent: every window is
     * one transition (the last C as they were), the layout of every model made before the key
     * existed. Its count must equal {@link #META_CONTEXT_LENGTH}; a layout with a longer window
     * changes its rows every tick, so it needs the {@link #ENCODING_ROWS} encoding.
     */
    public static final String META_CONTEXT_WINDOWS = "flash.context_windows";
    /** H, the width of one row's code (row-codes encoding only). */
    public static final String META_ROW_CODE_SIZE = "flash.row_code_size";
    /**
     * Optional: comma-separated signal groups ({@code dev.flash.telemetry.SignalGroups}: pmu, rapl,
     * schedstat, cpufreq) the model requires; a node lacking one runs the fallback instead. With
     * {@link #META_TOLERATED_MISSING}, a group in neither list is required; a file with neither key
     * requires nothing, as before the keys existed ({@link SignalNeeds}).
     */
    public static final String META_REQUIRED_SIGNALS = "flash.required_signals";
    /** Optional: comma-separated signal groups the model was made to run without. */
    public static final String META_TOLERATED_MISSING = "flash.tolerated_missing";

    public static final String ENCODING_ROWS = "rows";
    public static final String ENCODING_ROW_CODES = "row-codes";
    public static final java.util.List<String> ENCODINGS = java.util.List.of(ENCODING_ROWS, ENCODING_ROW_CODES);

    public static final String KIND_RL = "rl";
    public static final String KIND_REGRESSION = "regression";
    public static final java.util.List<String> KINDS = java.util.List.of(KIND_RL, KIND_REGRESSION);

    // Agents (values of META_AGENT).
    public static final String AGENT_DVFS = "dvfs";
    public static final String AGENT_CONFIG_SEARCH = "config-search";
    public static final String AGENT_AUTOSCALE = "autoscale";
    public static final java.util.List<String> AGENTS =
            java.util.List.of(AGENT_DVFS, AGENT_CONFIG_SEARCH, AGENT_AUTOSCALE);

    /**
     * Keys every model must carry. {@link #META_ACTIONS} is required for RL models,
     * {@link #META_CONTEXT_COLUMNS} when the context length is above 0; {@link #META_PARAMS} and
     * {@link #META_PROVENANCE} are JSON objects ("{}" when there is nothing to say).
     */
    public static final java.util.List<String> REQUIRED_KEYS = java.util.List.of(
            META_CONTRACT_VERSION, META_AGENT, META_KIND, META_FEATURES, META_CONTEXT_LENGTH,
            META_EMBEDDING_SIZE, META_REWARD, META_EXPECTED_REWARD, META_EXPECTED_REWARD_STD,
            META_PROVENANCE, META_PARAMS);
}
