package dev.flash.policy.onnx;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import dev.flash.policy.SignalNeeds;
import java.nio.file.Path;
import java.util.List;

/**
 * What a validated model file says about itself (its {@link ModelContract} metadata), plus the
 * file's identity. Produced only by {@link OnnxModel#load}, so every field has been checked.
 *
 * @param file              the file it was loaded from
 * @param digest            hex SHA-256 of the exact bytes that were validated ({@link #sha256}), computed when first asked for
 * @param agent             dvfs, config-search or autoscale
 * @param kind              rl or regression
 * @param features          ordered state feature names (F of them)
 * @param actions           ordered action names (A of them; empty for regression)
 * @param contextLength     context rows C (0: no context inputs)
 * @param contextColumns    names of the W columns of a context row (empty when C = 0)
 * @param embeddingSize     E, 0 when the model has no embedding output
 * @param reward            the reward (rl) or target (regression) definition
 * @param expectedReward    mean per-step reward reached in training
 * @param expectedRewardStd spread of per-step reward in training
 * @param provenance        JSON object text: how the model was made
 * @param params            JSON object text: agent-specific parameters
 * @param hasValue          whether the model has the optional value output
 * @param contextEncoding   rows or row-codes ({@link ModelContract#META_CONTEXT_ENCODING})
 * @param rowCodeSize       H, the width of a row's code (row-codes only; 0 otherwise)
 * @param signals           the signal groups it requires and tolerates missing
 * @param paramsObject      {@code params}' tree, made on first use ({@link #paramsJson})
 * @param contextLayout     which transitions the context rows hold ({@link ModelContract#META_CONTEXT_WINDOWS};
 *                          the flat layout of C rows when the key is absent)
 */
public record ModelDescription(
        Path file,
        Sha256.Lazy digest,
        String agent,
        String kind,
        List<String> features,
        List<String> actions,
        int contextLength,
        List<String> contextColumns,
        int embeddingSize,
        String reward,
        double expectedReward,
        double expectedRewardStd,
        String provenance,
        String params,
        boolean hasValue,
        String contextEncoding,
        int rowCodeSize,
        SignalNeeds signals,
        LazyJsonObject paramsObject,
        ContextLayout contextLayout) {

    public ModelDescription {
        features = List.copyOf(features);
        actions = List.copyOf(actions);
        contextColumns = List.copyOf(contextColumns);
    }

    /** Hex SHA-256 of the exact bytes that were validated. */
    public String sha256() {
        return digest.hex();
    }

    /** The file name, which is how status output and {@code flash models} name a model. */
    public String name() {
        return file.getFileName().toString();
    }

    public boolean isRl() {
        return ModelContract.KIND_RL.equals(kind);
    }

    /** Width of the primary output: A for RL, 1 for regression. */
    public int primaryWidth() {
        return isRl() ? actions.size() : 1;
    }

    /** Name of the primary output: action_probs or prediction. */
    public String primaryOutput() {
        return isRl() ? ModelContract.OUT_ACTION_PROBS : ModelContract.OUT_PREDICTION;
    }

    /** True when the context is fed as row codes (the reader keeps each row's code between runs). */
    public boolean rowCodes() {
        return ModelContract.ENCODING_ROW_CODES.equals(contextEncoding);
    }

    /** Width W of a context row. */
    public int contextWidth() {
        return contextColumns.size();
    }

    /**
     * The params' tree, made once on first use (a config-search model's are most of the file:
     * its reader takes them from {@link #params}' text instead). Shared: do not change it.
     */
    public JsonObject paramsJson() {
        return paramsObject.get();
    }

    public JsonObject provenanceJson() {
        return JsonParser.parseString(provenance).getAsJsonObject();
    }
}
