package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a config-search model file carries beside its network, in the contract's
 * {@code flash.params}: the data format its samples come in, the {@link FewShotEncoding}, the
 * ratio references per target (the runtime one serves the cost objective's deadline), FLASH's
 * attention over the training workloads ({@link NeighbourReference}, of the encoding's target: the
 * network predicts a residual over it; null in models written before it, which predict a residual
 * over the ratio reference), every configuration seen in training (the candidates a
 * recommendation ranks) and the validation error in log space (the uncertainty floor). Reading it
 * needs neither DJL nor the training data.
 */
public record ModelParams(String format, FewShotEncoding encoding, Map<Target, RatioReference> references,
                          NeighbourReference attention, Map<String, float[]> configurations, double logRmse) {

    /** What the network's residual is over: the attention, or the ratio reference of older models. */
    public LogPredictor flashReference() {
        return attention != null ? attention : references.get(encoding.target());
    }

    /** The flash.params key whose training workloads' tables the {@link #prior} is rebuilt from. */
    public static final String PRIOR_KEY = "attention";

    /**
     * What the training workloads say before anything of a new workload is measured (its first
     * configuration to measure), rebuilt from the attention's tables; an IllegalArgumentException
     * naming the key for a model written before the attention, which does not carry them.
     */
    public ConfigurationPrior prior() {
        if (attention == null) {
            throw new IllegalArgumentException("the model's flash.params has no '" + PRIOR_KEY + "' key (the training "
                    + "workloads' tables the first configuration comes from); retrain it with flash train config-search");
        }
        return attention.prior();
    }

    public ModelParams {
        references = Map.copyOf(references);
        configurations = new LinkedHashMap<>(configurations);
        int width = encoding.configColumns().size();
        for (Map.Entry<String, float[]> c : configurations.entrySet()) {
            if (c.getValue().length != width) {
                throw new IllegalArgumentException("configuration " + c.getKey() + " has " + c.getValue().length
                        + " values, the encoding " + width + " configuration columns");
            }
        }
    }

    /** Every distinct configuration of {@code data}, in first-seen order. */
    public static Map<String, float[]> configurationsOf(ConfigDataset data) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Workload w : data.workloads()) {
            for (Measurement m : w.measurements()) {
                out.putIfAbsent(m.configKey(), m.config());
            }
        }
        return out;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", format);
        o.add("encoding", encoding.toJson());
        JsonObject refs = new JsonObject();
        references.forEach((t, r) -> refs.add(t.label(), r.toJson()));
        o.add("references", refs);
        if (attention != null) {
            o.add("attention", attention.toJson());
        }
        JsonArray cs = new JsonArray();
        configurations.forEach((key, config) -> {
            JsonObject c = new JsonObject();
            c.addProperty("key", key);
            JsonArray v = new JsonArray();
            for (float f : config) {
                v.add(f);
            }
            c.add("config", v);
            cs.add(c);
        });
        o.add("configurations", cs);
        o.addProperty("log_rmse", logRmse);
        return o;
    }

    /**
     * The params of a loaded config-search model, checked against its network: the encoding must
     * give the features and context rows the graph was exported with (a file whose params disagree
     * would index past an array at the first recommendation). An IllegalArgumentException says what
     * disagrees.
     */
    public static ModelParams of(dev.flash.policy.onnx.ModelDescription d) {
        // what the model's check already read with TEXT_READER; else from the text without a tree
        // when it is as toJson writes it; else the tree's answer
        ModelParams p = d.paramsObject().read() instanceof ModelParams read ? read : ParamsReader.read(d.params());
        if (p == null) {
            p = fromJson(d.paramsJson());
        }
        FewShotEncoding e = p.encoding();
        if (!e.stateFeatures().equals(d.features()) || e.contextLength() != d.contextLength()
                || (d.contextLength() > 0 && !e.contextColumns().equals(d.contextColumns()))) {
            throw new IllegalArgumentException("flash.params does not match the network: its encoding gives "
                    + e.stateFeatures().size() + " features and " + e.contextLength() + " context rows of "
                    + e.contextColumns().size() + ", the model takes " + d.features().size() + " and "
                    + d.contextLength() + " of " + d.contextColumns().size());
        }
        return p;
    }

    /**
     * The reader of flash.params' text to give {@code OnnxModel.loadBuiltin(file, TEXT_READER)}: the
     * params when the text is as {@link #toJson} writes it (read to its end, so a strict JSON
     * object), else null; {@link #of} then takes them from the description instead of reading the
     * text again. A class, not a lambda: a lambda's first call links the JDK's method-handle
     * machinery, dozens of classes a one-shot answer would load and its AppCDS archive hold.
     */
    public static final java.util.function.Function<String, ModelParams> TEXT_READER = new TextReader();

    private static final class TextReader implements java.util.function.Function<String, ModelParams> {
        @Override
        public ModelParams apply(String text) {
            return ParamsReader.read(text);
        }
    }

    /** Reads what {@link #toJson} wrote; a missing or malformed key is an IllegalArgumentException naming it. */
    public static ModelParams fromJson(JsonObject o) {
        try {
            Map<Target, RatioReference> refs = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("references").entrySet()) {
                refs.put(Target.parse(e.getKey()), RatioReference.fromJson(e.getValue().getAsJsonObject()));
            }
            Map<String, float[]> configs = new LinkedHashMap<>();
            for (JsonElement e : o.getAsJsonArray("configurations")) {
                JsonObject c = e.getAsJsonObject();
                JsonArray v = c.getAsJsonArray("config");
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = JsonNumbers.asFloat(v.get(i));
                }
                configs.put(c.get("key").getAsString(), f);
            }
            FewShotEncoding enc = FewShotEncoding.fromJson(o.getAsJsonObject("encoding"));
            NeighbourReference attention = o.has("attention")
                    ? NeighbourReference.fromJson(o.getAsJsonObject("attention"), refs.get(enc.target())) : null;
            return new ModelParams(o.get("format").getAsString(), enc, refs, attention, configs,
                    o.get("log_rmse").getAsDouble());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("flash.params is not a config-search model's: " + e.getMessage(), e);
        }
    }

    /** The configuration keys, in order. */
    public List<String> keys() {
        return new ArrayList<>(configurations.keySet());
    }
}
