package dev.flash.configsearch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads configuration-search measurements in one of two formats into a {@link ConfigDataset}.
 *
 * <ul>
 *   <li><b>multicloud</b>: the public multi-cloud configuration dataset's CSV (an unnamed index
 *       column, {@code provider}, the label-encoded {@code A_family A_vcpu B_family B_vcpu
 *       C_family C_type C_vcpu} (empty for other providers), {@code nodes}, {@code workload},
 *       {@code target_cost}, {@code target_runtime}, {@code status}). The configuration becomes
 *       the provider one-hot, the seven labels (-1 where empty) and the node count.</li>
 *   <li><b>long</b>: one row per (workload, configuration) measurement: a {@code workload}
 *       column; {@code target_runtime} and/or {@code target_cost}; optional {@code status}
 *       ({@code ok} or an error text); optional monitoring metrics named {@code metric_*}; every
 *       other column is a numeric configuration parameter (e.g. {@code memory_mb}, {@code cpus}).</li>
 * </ul>
 *
 * Failed runs (status other than {@code ok}) are left out and counted unless kept. Repeated runs
 * of one configuration of one workload are merged (geometric mean of the targets, mean of the
 * metrics); a row identical to an earlier one is an error, as are missing columns, non-numeric
 * or negative values, a zero target (its log is undefined) and a workload with a single row.
 */
public final class ConfigDataReader {
    private ConfigDataReader() {
    }

    public enum Format {
        MULTICLOUD, LONG;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.label().equalsIgnoreCase(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown format '" + s + "' (multicloud or long)");
        }
    }

    static final List<String> MULTICLOUD_LABELS =
            List.of("A_family", "A_vcpu", "B_family", "B_vcpu", "C_family", "C_type", "C_vcpu");
    static final List<String> PROVIDERS = List.of("A", "B", "C");
    static final String STATUS = "status";
    static final String WORKLOAD = "workload";
    static final String METRIC_PREFIX = "metric_";

    /** One row before grouping: what both formats reduce to. */
    private record Raw(String workload, String key, float[] config, float[] metrics, double runtime, double cost,
                       boolean ok, int line, String content) {
    }

    public static ConfigDataset read(Path file, Format format, boolean keepFailed)
            throws IOException, DataFormatException {
        return read(file, format, keepFailed, 2);
    }

    /**
     * A new workload's measured configurations (the shots of a recommendation): the same format,
     * one workload, any number of rows from one; failed runs are left out.
     */
    public static ConfigDataset readSamples(Path file, Format format) throws IOException, DataFormatException {
        return oneWorkload(file, read(file, format, false, 1));
    }

    /**
     * The same from fields already split (one line of {@code config-search recommend --stream}):
     * {@code header} names the columns, each row has one field per column ("" when empty); a
     * message names sample {@code i} (1-based) as {@code source:i}.
     */
    public static ConfigDataset readSamples(Path source, List<String> header, List<List<String>> rows, Format format)
            throws DataFormatException {
        CsvTable t = CsvTable.of(source, header, rows);
        return oneWorkload(source, parse(t, format, false, 1));
    }

    /**
     * Whether {@code file} is a CSV with a header and no data rows (a new workload with nothing
     * measured yet: {@code recommend} then names the first configuration to measure).
     */
    public static boolean hasNoRows(Path file) throws IOException, DataFormatException {
        return CsvTable.read(file).rows.isEmpty();
    }

    private static ConfigDataset oneWorkload(Path file, ConfigDataset d) throws DataFormatException {
        if (d.workloads().size() != 1) {
            throw new DataFormatException(file, 0, WORKLOAD, "samples of one workload expected, found "
                    + d.workloads().size() + ": " + d.workloads().stream().map(Workload::name).toList());
        }
        if (d.workloads().get(0).size() == 0) {
            throw new DataFormatException(file, "no successful run among the samples");
        }
        return d;
    }

    private static ConfigDataset read(Path file, Format format, boolean keepFailed, int minRows)
            throws IOException, DataFormatException {
        return parse(CsvTable.read(file), format, keepFailed, minRows);
    }

    private static ConfigDataset parse(CsvTable t, Format format, boolean keepFailed, int minRows)
            throws DataFormatException {
        Path file = t.file;
        List<String> configColumns = new ArrayList<>();
        List<String> metricColumns = new ArrayList<>();
        List<Target> targets = new ArrayList<>();
        List<Raw> raws = format == Format.MULTICLOUD
                ? multicloud(t, configColumns, targets)
                : longRows(t, configColumns, metricColumns, targets);
        return assemble(file, format, raws, configColumns, metricColumns, targets, keepFailed, minRows);
    }

    private static List<Raw> multicloud(CsvTable t, List<String> configColumns, List<Target> targets)
            throws DataFormatException {
        int provider = t.require("provider");
        int[] labels = new int[MULTICLOUD_LABELS.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = t.require(MULTICLOUD_LABELS.get(i));
        }
        int nodes = t.require("nodes");
        int workload = t.require(WORKLOAD);
        int cost = t.require(Target.COST.column);
        int runtime = t.require(Target.RUNTIME.column);
        int status = t.require(STATUS);
        for (String p : PROVIDERS) {
            configColumns.add("provider_" + p);
        }
        configColumns.addAll(MULTICLOUD_LABELS);
        configColumns.add("nodes");
        targets.add(Target.RUNTIME);
        targets.add(Target.COST);
        List<Raw> out = new ArrayList<>();
        for (CsvTable.Row row : t.rows) {
            List<String> f = row.fields();
            String p = f.get(provider).trim();
            int pi = PROVIDERS.indexOf(p);
            if (pi < 0) {
                throw new DataFormatException(t.file, row.line(), "provider", "unknown provider '" + p
                        + "' (expected " + String.join(", ", PROVIDERS) + ")");
            }
            float[] config = new float[configColumns.size()];
            config[pi] = 1f;
            StringBuilder key = new StringBuilder(p);
            for (int i = 0; i < labels.length; i++) {
                String v = f.get(labels[i]).trim();
                config[PROVIDERS.size() + i] = v.isEmpty() ? -1f : (float) t.nonNegative(row, labels[i]);
                key.append('/').append(v.isEmpty() ? "-" : v);
            }
            config[config.length - 1] = (float) t.nonNegative(row, nodes);
            key.append('/').append(f.get(nodes).trim());
            out.add(new Raw(name(t, row, workload), key.toString(), config, new float[0],
                    target(t, row, runtime, isOk(f.get(status))), target(t, row, cost, isOk(f.get(status))),
                    isOk(f.get(status)), row.line(), content(f, 1)));
        }
        return out;
    }

    private static List<Raw> longRows(CsvTable t, List<String> configColumns, List<String> metricColumns,
                                      List<Target> targets) throws DataFormatException {
        int workload = t.require(WORKLOAD);
        int status = t.column(STATUS);
        int runtime = t.column(Target.RUNTIME.column);
        int cost = t.column(Target.COST.column);
        if (runtime < 0 && cost < 0) {
            throw new DataFormatException(t.file, 1, Target.RUNTIME.column, "missing column: a long file needs "
                    + Target.RUNTIME.column + " and/or " + Target.COST.column);
        }
        if (runtime >= 0) {
            targets.add(Target.RUNTIME);
        }
        if (cost >= 0) {
            targets.add(Target.COST);
        }
        List<Integer> configIdx = new ArrayList<>();
        List<Integer> metricIdx = new ArrayList<>();
        for (int i = 0; i < t.header.size(); i++) {
            String h = t.header.get(i).trim();
            if (i == workload || i == status || i == runtime || i == cost) {
                continue;
            }
            if (h.isEmpty() || h.startsWith("target_")) {
                throw new DataFormatException(t.file, 1, h, h.isEmpty() ? "unnamed column " + (i + 1)
                        : "unknown target (target_runtime or target_cost)");
            }
            if (h.startsWith(METRIC_PREFIX)) {
                metricColumns.add(h);
                metricIdx.add(i);
            } else {
                configColumns.add(h);
                configIdx.add(i);
            }
        }
        if (configColumns.isEmpty()) {
            throw new DataFormatException(t.file, 1, null, "no configuration column (any column other than "
                    + "workload, status, target_* and metric_*)");
        }
        List<Raw> out = new ArrayList<>();
        for (CsvTable.Row row : t.rows) {
            List<String> f = row.fields();
            float[] config = new float[configIdx.size()];
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < config.length; i++) {
                config[i] = (float) t.nonNegative(row, configIdx.get(i));
                key.append(i == 0 ? "" : "/").append(f.get(configIdx.get(i)).trim());
            }
            float[] metrics = new float[metricIdx.size()];
            for (int i = 0; i < metrics.length; i++) {
                metrics[i] = (float) finite(t, row, metricIdx.get(i));
            }
            boolean ok = status < 0 || isOk(f.get(status));
            out.add(new Raw(name(t, row, workload), key.toString(), config, metrics,
                    runtime >= 0 ? target(t, row, runtime, ok) : Double.NaN,
                    cost >= 0 ? target(t, row, cost, ok) : Double.NaN, ok, row.line(), content(f, 0)));
        }
        return out;
    }

    private static ConfigDataset assemble(Path file, Format format, List<Raw> raws, List<String> configColumns,
                                          List<String> metricColumns, List<Target> targets, boolean keepFailed,
                                          int minRows) throws DataFormatException {
        Map<String, Integer> rowsPerWorkload = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        for (Raw r : raws) {
            // plain map calls, not merge/computeIfAbsent with lambdas: a one-shot recommend reads its
            // samples once, and each lambda's linkage (method handles, interpreted) costs more than the rows
            Integer rows = rowsPerWorkload.get(r.workload);
            rowsPerWorkload.put(r.workload, rows == null ? 1 : rows + 1);
            firstLine.putIfAbsent(r.workload, r.line);
        }
        for (Map.Entry<String, Integer> e : rowsPerWorkload.entrySet()) {
            if (e.getValue() < minRows) {
                throw new DataFormatException(file, firstLine.get(e.getKey()), WORKLOAD, "workload '" + e.getKey()
                        + "' has a single row: nothing to predict from one measurement");
            }
        }
        Map<String, Map<String, List<Raw>>> grouped = new LinkedHashMap<>();
        Map<String, Raw> seen = new java.util.HashMap<>();
        int failed = 0;
        for (Raw r : raws) {
            Raw twin = seen.putIfAbsent(r.content, r);
            if (twin != null) {
                throw new DataFormatException(file, r.line, null, "duplicate row: the same as line " + twin.line);
            }
            if (!r.ok && !keepFailed) {
                failed++;
                continue;
            }
            for (Target target : targets) {
                double v = target == Target.RUNTIME ? r.runtime : r.cost;
                if (!(v > 0)) {
                    throw new DataFormatException(file, r.line, target.column, "must be above 0 (its log is predicted)");
                }
            }
            Map<String, List<Raw>> byKey = grouped.get(r.workload);
            if (byKey == null) {
                byKey = new LinkedHashMap<>();
                grouped.put(r.workload, byKey);
            }
            List<Raw> runs = byKey.get(r.key);
            if (runs == null) {
                runs = new ArrayList<>();
                byKey.put(r.key, runs);
            }
            runs.add(r);
        }
        List<Workload> workloads = new ArrayList<>();
        int merged = 0;
        // A workload whose every run failed stays, empty, so that evaluations count it as skipped.
        for (String name : rowsPerWorkload.keySet()) {
            List<Measurement> ms = new ArrayList<>();
            for (List<Raw> runs : grouped.getOrDefault(name, Map.of()).values()) {
                ms.add(merge(runs));
                merged += runs.size() - 1;
            }
            workloads.add(new Workload(name, ms));
        }
        return new ConfigDataset(file, format.label(), configColumns, metricColumns, targets, workloads, failed,
                merged);
    }

    /** Repeated runs of one configuration: geometric mean of each target, mean of each metric. */
    private static Measurement merge(List<Raw> runs) {
        Raw first = runs.get(0);
        double logRuntime = 0;
        double logCost = 0;
        float[] metrics = new float[first.metrics.length];
        for (Raw r : runs) {
            logRuntime += Math.log(r.runtime);
            logCost += Math.log(r.cost);
            for (int i = 0; i < metrics.length; i++) {
                metrics[i] += r.metrics[i] / runs.size();
            }
        }
        int n = runs.size();
        return new Measurement(first.key, first.config, metrics, Math.exp(logRuntime / n), Math.exp(logCost / n), n,
                first.line);
    }

    private static String name(CsvTable t, CsvTable.Row row, int column) throws DataFormatException {
        String s = row.fields().get(column).trim();
        if (s.isEmpty()) {
            throw new DataFormatException(t.file, row.line(), WORKLOAD, "empty workload name");
        }
        return s;
    }

    private static double finite(CsvTable t, CsvTable.Row row, int column) throws DataFormatException {
        String s = row.fields().get(column).trim();
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new DataFormatException(t.file, row.line(), t.header.get(column), "not a finite number: '" + s + "'");
    }

    /**
     * A target of a successful run must be a non-negative number; a failed run's may be anything
     * (NaN when unreadable): it is left out unless kept, and a kept one must then be above 0.
     */
    private static double target(CsvTable t, CsvTable.Row row, int column, boolean ok) throws DataFormatException {
        if (ok) {
            return t.nonNegative(row, column);
        }
        try {
            return Double.parseDouble(row.fields().get(column).trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static boolean isOk(String status) {
        return status.trim().equalsIgnoreCase("ok");
    }

    /** The row's fields from {@code from} on (the multicloud index column is not content). */
    private static String content(List<String> fields, int from) {
        return String.join("\u0001", fields.subList(from, fields.size()));
    }
}
