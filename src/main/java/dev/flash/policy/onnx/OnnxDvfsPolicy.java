package dev.flash.policy.onnx;

import ai.onnxruntime.OrtException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.ModelContract;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DVFS agent served from an ONNX model: per tick, one batched inference over all cpufreq
 * policies (state from {@link DvfsFeatures#extract}, context and mask from the trajectory
 * buffer), the most probable action of each row (deterministic argmax; ties go to the first
 * action), and its target frequency on the model's ladder via {@link DvfsActions#targetKhz}.
 *
 * <p>At construction the model must match this environment: its feature names must equal one of
 * the {@link DvfsFeatureSet} layouts in order ({@link DvfsFeatures#NAMES}, or those followed by
 * the missing-signal mask), which then decides the state it is fed, and every action must be a
 * known DVFS move; the ladder
 * size comes from {@code flash.params} key {@code levels} (default
 * {@link DvfsActions#DEFAULT_LEVELS}). A mismatch is a {@link ModelRejectedException} naming the
 * feature or action. Non-finite outputs at run time are a {@link DecisionException}, and the
 * daemon falls back for that tick.
 */
public final class OnnxDvfsPolicy implements FrequencyPolicy {

    private final OnnxModel model;
    private final ModelDescription description;
    private final int levels;
    private final DvfsFeatureSet features;
    /**
     * One embedding array per batch row, reused by every call: a copy per policy per tick was a
     * quarter of the daemon tick's garbage at 256 CPUs (docs/log/2026-12-07-tick-2.md). The
     * decisions of a call carry these arrays, so they hold that call's embeddings only until the
     * next call; the daemon copies what it keeps (norm and head) within the tick.
     */
    private float[][] embeddings = new float[0][];

    /** Takes ownership of {@code model} (closes it on reject and on {@link #close()}). */
    public OnnxDvfsPolicy(OnnxModel model) throws ModelRejectedException {
        this.model = model;
        this.description = model.description();
        try {
            this.levels = checkAgainstEnvironment(description);
            this.features = DvfsFeatureSet.of(description.features());
        } catch (ModelRejectedException e) {
            model.close();
            throw e;
        }
    }

    /** Loads, validates and checks a DVFS model file. */
    public static OnnxDvfsPolicy load(Path file) throws ModelRejectedException {
        return new OnnxDvfsPolicy(OnnxModel.load(file));
    }

    /** {@link #load(Path)} of a file of at most {@code maxBytes}. */
    public static OnnxDvfsPolicy load(Path file, long maxBytes) throws ModelRejectedException {
        return new OnnxDvfsPolicy(OnnxModel.load(file, maxBytes));
    }

    /** Returns the ladder size; throws when the model does not fit the DVFS environment. */
    public static int checkAgainstEnvironment(ModelDescription d) throws ModelRejectedException {
        Path file = d.file();
        if (!ModelContract.AGENT_DVFS.equals(d.agent())) {
            throw new ModelRejectedException(file, "agent is '" + d.agent() + "', not " + ModelContract.AGENT_DVFS);
        }
        if (!d.isRl()) {
            throw new ModelRejectedException(file, "a DVFS model must be of kind " + ModelContract.KIND_RL
                    + ", this one is " + d.kind());
        }
        if (DvfsFeatureSet.of(d.features()) == null) {
            throw new ModelRejectedException(file, featureMismatch(d.features()));
        }
        int levels = DvfsActions.DEFAULT_LEVELS;
        JsonObject params = d.paramsJson();
        if (params.has("levels")) {
            JsonElement l = params.get("levels");
            try {
                levels = l.getAsInt();
                if (levels < 2 || l.getAsDouble() != levels) {
                    throw new NumberFormatException();
                }
            } catch (RuntimeException e) {
                throw new ModelRejectedException(file, ModelContract.META_PARAMS + " key levels must be an integer >= 2, got "
                        + l);
            }
        }
        for (String action : d.actions()) {
            try {
                DvfsActions.levelAfter(action, 0, levels);
            } catch (IllegalArgumentException e) {
                throw new ModelRejectedException(file, "action mismatch: " + e.getMessage());
            }
        }
        return levels;
    }

    /**
     * Names the first position where {@code got} leaves the layout it is closest to (the one
     * sharing the longest prefix; the plain one on a tie) and lists the layouts this flash reads.
     */
    private static String featureMismatch(List<String> got) {
        DvfsFeatureSet closest = DvfsFeatureSet.PLAIN;
        int closestPrefix = -1;
        for (DvfsFeatureSet s : DvfsFeatureSet.values()) {
            int prefix = commonPrefix(s.names(), got);
            if (prefix > closestPrefix) {
                closest = s;
                closestPrefix = prefix;
            }
        }
        List<String> want = closest.names();
        int i = closestPrefix;
        String w = i < want.size() ? want.get(i) : null;
        String g = i < got.size() ? got.get(i) : null;
        return "feature mismatch at position " + i + ": model has '" + (g == null ? "(none)" : g)
                + "', this flash computes '" + (w == null ? "(none)" : w) + "' (expected "
                + String.join(",", DvfsFeatureSet.PLAIN.names()) + ", or that followed by "
                + String.join(",", DvfsFeatureSet.WITH_MASK.names().subList(DvfsFeatures.COUNT,
                        DvfsFeatureSet.MAX_COUNT)) + ")";
    }

    private static int commonPrefix(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }

    @Override
    public String name() {
        return description.name();
    }

    public ModelDescription description() {
        return description;
    }

    /** The state layout the model reads (its feature names decide). */
    public DvfsFeatureSet featureSet() {
        return features;
    }

    /** Frequency ladder size the model was trained with. */
    public int levels() {
        return levels;
    }

    /** Batched inferences run so far (one per {@link #decide} call with at least one policy). */
    public long inferences() {
        return model.inferences();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each decision's {@link PolicyDecision#embedding()} is an array this policy reuses: valid
     * until the next call, so a caller that keeps an embedding longer copies it.
     */
    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) throws DecisionException {
        List<PolicySample> policies = record.policies();
        int n = policies.size();
        if (n == 0) {
            return List.of();
        }
        int f = description.features().size();
        int a = description.actions().size();
        int c = description.contextLength();
        int w = description.contextWidth();
        int e = description.embeddingSize();
        OnnxModel.Batch batch;
        try {
            batch = model.batch(n);
            double packageWatts = record.packageWatts(); // once per record, not per policy
            for (int i = 0; i < n; i++) {
                PolicySample p = policies.get(i);
                features.extract(p, record, packageWatts, batch.state, i * f);
                if (c > 0) {
                    contexts.copyInto(p.id(), batch.context, batch.mask, i * c, c, w);
                }
            }
            model.run(batch);
        } catch (OrtException | RuntimeException ex) {
            throw new DecisionException("model " + name() + " failed: " + ex.getMessage(), ex);
        }

        List<PolicyDecision> decisions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PolicySample p = policies.get(i);
            int best = 0;
            for (int k = 0; k < a; k++) {
                float prob = batch.primary[i * a + k];
                if (!Float.isFinite(prob)) {
                    throw new DecisionException("model " + name() + " gave a non-finite action probability ("
                            + prob + ") for policy " + p.id());
                }
                if (prob > batch.primary[i * a + best]) {
                    best = k;
                }
            }
            float[] embedding = embeddingRow(i, e);
            System.arraycopy(batch.embedding, i * e, embedding, 0, e);
            for (float v : embedding) {
                if (!Float.isFinite(v)) {
                    throw new DecisionException("model " + name() + " gave a non-finite embedding for policy " + p.id());
                }
            }
            double value = batch.value[i];
            if (description.hasValue() && !Double.isFinite(value)) {
                throw new DecisionException("model " + name() + " gave a non-finite value (" + value
                        + ") for policy " + p.id());
            }
            String action = description.actions().get(best);
            long target = DvfsActions.targetKhz(action, p, levels);
            decisions.add(new PolicyDecision(p.id(), best, action, target, embedding, value));
        }
        return decisions;
    }

    /** Batch row {@code i}'s reused embedding array of {@code e} floats. */
    private float[] embeddingRow(int i, int e) {
        if (i >= embeddings.length) {
            embeddings = Arrays.copyOf(embeddings, Math.max(i + 1, embeddings.length * 2));
        }
        float[] row = embeddings[i];
        if (row == null || row.length != e) {
            row = new float[e];
            embeddings[i] = row;
        }
        return row;
    }

    @Override
    public void close() {
        model.close();
    }
}
