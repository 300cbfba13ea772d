package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.flash.meta.Episode;
import dev.flash.meta.NetworkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the networks of case I see, in one place: how measurements become the floats of an
 * {@link Episode} and how the network's output becomes a log-target again. Three designs share
 * the configuration scaling (z-scores fitted on the data's configurations) and the log-target
 * scaling (mean and spread over the training workloads):
 *
 * <ul>
 *   <li>{@link Mode#FLASH}: state = (query configuration, the reference's log prediction: the
 *       {@link NeighbourReference}, attention over the training workloads); context = one row
 *       per shot (configuration, metrics, log target); output =
 *       the residual of the log target over the reference's prediction.</li>
 *   <li>{@link Mode#FLASH_PLAIN}: the paper's design: state = the query configuration; the same
 *       context; output = the log target.</li>
 *   <li>{@link Mode#BASELINE} (Sizeless-style, no context): state = (query configuration, one
 *       shot's configuration, metrics and log target); output = the log target; with k shots,
 *       the mean of the k per-shot predictions.</li>
 * </ul>
 */
public final class FewShotEncoding {

    public enum Mode {
        FLASH, FLASH_PLAIN, BASELINE;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Mode mode;
    private final Target target;
    private final int contextLength;
    private final List<String> configColumns;
    private final List<String> metricColumns;
    private final double[] configMean;
    private final double[] configStd;
    private final double[] metricMean;
    private final double[] metricStd;
    private final double mu;
    private final double sd;
    private final double residualScale;

    private FewShotEncoding(Mode mode, Target target, int contextLength, List<String> configColumns,
                            List<String> metricColumns, double[] configMean, double[] configStd,
                            double[] metricMean, double[] metricStd, double mu, double sd, double residualScale) {
        // a model file's params are outside input: sizes that disagree would index past an array
        // at the first recommendation (found by ConfigSearchFuzzTest)
        if (configMean.length != configColumns.size() || configStd.length != configColumns.size()) {
            throw new IllegalArgumentException("config_mean and config_std need one value per configuration column ("
                    + configColumns.size() + "), got " + configMean.length + " and " + configStd.length);
        }
        if (metricMean.length != metricColumns.size() || metricStd.length != metricColumns.size()) {
            throw new IllegalArgumentException("metric_mean and metric_std need one value per metric column ("
                    + metricColumns.size() + "), got " + metricMean.length + " and " + metricStd.length);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context_length must be >= 0, got " + contextLength);
        }
        this.mode = mode;
        this.target = target;
        this.contextLength = mode == Mode.BASELINE ? 0 : contextLength;
        this.configColumns = List.copyOf(configColumns);
        this.metricColumns = List.copyOf(metricColumns);
        this.configMean = configMean;
        this.configStd = configStd;
        this.metricMean = metricMean;
        this.metricStd = metricStd;
        this.mu = mu;
        this.sd = sd;
        this.residualScale = residualScale;
    }

    /**
     * The same encoding with FLASH's residual output scaled by {@code scale} when decoded (the
     * shrinkage toward the reference fitted on held-out training workloads; 1 by default).
     */
    public FewShotEncoding withResidualScale(double scale) {
        return new FewShotEncoding(mode, target, contextLength, configColumns, metricColumns, configMean, configStd,
                metricMean, metricStd, mu, sd, scale);
    }

    public double residualScale() {
        return residualScale;
    }

    /**
     * Fits the scalings: configurations and metrics over every measurement of {@code data} (no
     * target is looked at), the log target over {@code training} only.
     */
    public static FewShotEncoding fit(Mode mode, Target target, int contextLength, ConfigDataset data,
                                      List<Workload> training) {
        int p = data.configColumns().size();
        int q = data.metricColumns().size();
        double[][] cs = moments(data.workloads(), p, true);
        double[][] ms = moments(data.workloads(), q, false);
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (Workload w : training) {
            for (Measurement m : w.measurements()) {
                double l = Math.log(m.target(target));
                sum += l;
                sq += l * l;
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double std = n < 2 ? 1 : Math.sqrt(Math.max(1e-12, sq / n - mean * mean));
        return new FewShotEncoding(mode, target, contextLength, data.configColumns(), data.metricColumns(),
                cs[0], cs[1], ms[0], ms[1], mean, std, 1);
    }

    private static double[][] moments(List<Workload> workloads, int width, boolean config) {
        double[] mean = new double[width];
        double[] std = new double[width];
        int n = 0;
        for (Workload w : workloads) {
            for (Measurement m : w.measurements()) {
                float[] v = config ? m.config() : m.metrics();
                for (int i = 0; i < width; i++) {
                    mean[i] += v[i];
                    std[i] += (double) v[i] * v[i];
                }
                n++;
            }
        }
        for (int i = 0; i < width; i++) {
            mean[i] /= Math.max(1, n);
            double var = std[i] / Math.max(1, n) - mean[i] * mean[i];
            std[i] = var > 1e-12 ? Math.sqrt(var) : 1;
        }
        return new double[][] {mean, std};
    }

    public Mode mode() {
        return mode;
    }

    public Target target() {
        return target;
    }

    public int contextLength() {
        return contextLength;
    }

    public List<String> configColumns() {
        return configColumns;
    }

    /** Spread of the log target over the training workloads: one unit of the network's output. */
    public double logTargetStd() {
        return sd;
    }

    /** The network these episodes fit: a SET encoder over the shots (none for the baseline). */
    public NetworkConfig network() {
        NetworkConfig c = NetworkConfig.regression(stateFeatures().size(), contextLength,
                contextLength > 0 ? contextColumns().size() : 0, NetworkConfig.EncoderType.SET, 16);
        return c.withEncoder(NetworkConfig.EncoderType.SET, 32, 16);
    }

    /** Names of the state's floats, in order (the model contract's features). */
    public List<String> stateFeatures() {
        List<String> f = new ArrayList<>();
        for (String c : configColumns) {
            f.add("query_" + c);
        }
        if (mode == Mode.FLASH) {
            f.add("reference_log_" + target.label());
        }
        if (mode == Mode.BASELINE) {
            f.addAll(shotColumns("shot_"));
        }
        return f;
    }

    /** Names of a context row's floats (one shot). */
    public List<String> contextColumns() {
        return shotColumns("");
    }

    private List<String> shotColumns(String prefix) {
        List<String> f = new ArrayList<>();
        for (String c : configColumns) {
            f.add(prefix + c);
        }
        for (String m : metricColumns) {
            f.add(prefix + m);
        }
        f.add(prefix + "log_" + target.label());
        return f;
    }

    /**
     * The episode that predicts {@code queries} from {@code shots}; a query's target may be NaN
     * (not measured). {@code reference} is used by {@link Mode#FLASH} only (may be null otherwise).
     */
    public Episode episode(List<Measurement> shots, List<Measurement> queries, LogPredictor reference) {
        if (shots.isEmpty()) {
            throw new IllegalArgumentException("at least one shot is needed");
        }
        if (mode == Mode.BASELINE) {
            return baselineEpisode(shots, queries);
        }
        if (shots.size() > contextLength) {
            throw new IllegalArgumentException(shots.size() + " shots, the model's context holds " + contextLength);
        }
        int f = stateFeatures().size();
        int w = contextColumns().size();
        float[] state = new float[queries.size() * f];
        float[] target = new float[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            Measurement q = queries.get(i);
            int o = i * f;
            o = putConfig(state, o, q.config());
            double ly = Math.log(q.target(this.target));
            if (mode == Mode.FLASH) {
                double ref = reference.predictLog(shots, q.configKey());
                state[o] = (float) ((ref - mu) / sd);
                target[i] = (float) ((ly - ref) / sd);
            } else {
                target[i] = (float) ((ly - mu) / sd);
            }
        }
        float[] context = new float[contextLength * w];
        float[] mask = new float[contextLength];
        for (int s = 0; s < shots.size(); s++) {
            putShot(context, s * w, shots.get(s));
            mask[s] = 1f;
        }
        return new Episode(queries.size(), state, context, mask, target);
    }

    private Episode baselineEpisode(List<Measurement> shots, List<Measurement> queries) {
        int f = stateFeatures().size();
        int rows = queries.size() * shots.size();
        float[] state = new float[rows * f];
        float[] target = new float[rows];
        int r = 0;
        for (Measurement q : queries) {
            float t = (float) ((Math.log(q.target(this.target)) - mu) / sd);
            for (Measurement s : shots) {
                int o = putConfig(state, r * f, q.config());
                putShot(state, o, s);
                target[r++] = t;
            }
        }
        return new Episode(rows, state, new float[0], new float[0], target);
    }

    /** Log-target predictions per query from the network's outputs for {@link #episode}. */
    public double[] decode(float[] output, List<Measurement> shots, List<Measurement> queries,
                           LogPredictor reference) {
        double[] out = new double[queries.size()];
        for (int i = 0; i < out.length; i++) {
            switch (mode) {
                case FLASH -> out[i] = reference.predictLog(shots, queries.get(i).configKey())
                        + residualScale * sd * output[i];
                case FLASH_PLAIN -> out[i] = mu + sd * output[i];
                case BASELINE -> {
                    double sum = 0;
                    for (int s = 0; s < shots.size(); s++) {
                        sum += mu + sd * output[i * shots.size() + s];
                    }
                    out[i] = sum / shots.size();
                }
            }
        }
        return out;
    }

    private int putConfig(float[] to, int at, float[] config) {
        for (int i = 0; i < config.length; i++) {
            to[at++] = (float) ((config[i] - configMean[i]) / configStd[i]);
        }
        return at;
    }

    private int putShot(float[] to, int at, Measurement s) {
        at = putConfig(to, at, s.config());
        for (int i = 0; i < s.metrics().length; i++) {
            to[at++] = (float) ((s.metrics()[i] - metricMean[i]) / metricStd[i]);
        }
        to[at++] = (float) ((Math.log(s.target(target)) - mu) / sd);
        return at;
    }

    /** Everything a reader needs to rebuild this encoding (the model's {@code flash.params}). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("mode", mode.label());
        o.addProperty("target", target.label());
        o.addProperty("context_length", contextLength);
        o.add("config_columns", strings(configColumns));
        o.add("metric_columns", strings(metricColumns));
        o.add("config_mean", numbers(configMean));
        o.add("config_std", numbers(configStd));
        o.add("metric_mean", numbers(metricMean));
        o.add("metric_std", numbers(metricStd));
        o.addProperty("log_target_mean", mu);
        o.addProperty("log_target_std", sd);
        o.addProperty("residual_scale", residualScale);
        return o;
    }

    public static FewShotEncoding fromJson(JsonObject o) {
        Mode mode = mode(o.get("mode").getAsString());
        if (mode == null) {
            throw new IllegalArgumentException("unknown encoding mode " + o.get("mode"));
        }
        return new FewShotEncoding(mode, Target.parse(o.get("target").getAsString()),
                o.get("context_length").getAsInt(), stringList(o.getAsJsonArray("config_columns")),
                stringList(o.getAsJsonArray("metric_columns")), doubles(o.getAsJsonArray("config_mean")),
                doubles(o.getAsJsonArray("config_std")), doubles(o.getAsJsonArray("metric_mean")),
                doubles(o.getAsJsonArray("metric_std")), o.get("log_target_mean").getAsDouble(),
                o.get("log_target_std").getAsDouble(),
                o.has("residual_scale") ? o.get("residual_scale").getAsDouble() : 1);
    }

    /** The mode of this label ({@link Mode#label}), or null. */
    static Mode mode(String label) {
        Mode mode = null;
        for (Mode m : Mode.values()) {
            if (m.label().equals(label)) {
                mode = m;
            }
        }
        return mode;
    }

    /** The encoding {@link #fromJson} reads, from its parts (what the model's params reader makes from the text). */
    static FewShotEncoding of(Mode mode, Target target, int contextLength, List<String> configColumns,
                              List<String> metricColumns, double[] configMean, double[] configStd,
                              double[] metricMean, double[] metricStd, double mu, double sd, double residualScale) {
        return new FewShotEncoding(mode, target, contextLength, configColumns, metricColumns, configMean, configStd,
                metricMean, metricStd, mu, sd, residualScale);
    }

    private static JsonArray strings(List<String> values) {
        JsonArray a = new JsonArray();
        values.forEach(a::add);
        return a;
    }

    private static JsonArray numbers(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private static List<String> stringList(JsonArray a) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : a) { // a loop, not a lambda: see Recommender
            out.add(e.getAsString());
        }
        return out;
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = JsonNumbers.asDouble(a.get(i));
        }
        return out;
    }
}
