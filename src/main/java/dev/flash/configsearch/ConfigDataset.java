package dev.flash.configsearch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration-search data set as read: the configuration columns every measurement's
 * {@code config} follows, the monitoring-metric columns, the workloads, and what the reader left
 * out (failed runs, repeated runs merged, workloads too small to use).
 *
 * @param failedRows    rows whose status was not {@code ok}, left out (0 when kept)
 * @param repeatsMerged rows folded into an earlier row of the same workload and configuration
 */
public record ConfigDataset(Path file, String format, List<String> configColumns, List<String> metricColumns,
                            List<Target> targets, List<Workload> workloads, int failedRows, int repeatsMerged) {
    public ConfigDataset {
        configColumns = List.copyOf(configColumns);
        metricColumns = List.copyOf(metricColumns);
        targets = List.copyOf(targets);
        workloads = List.copyOf(workloads);
    }

    /** Workloads with at least {@code minimum} measurements. */
    public List<Workload> usable(int minimum) {
        List<Workload> out = new ArrayList<>();
        for (Workload w : workloads) {
            if (w.size() >= minimum) {
                out.add(w);
            }
        }
        return out;
    }

    public int measurementCount() {
        int n = 0;
        for (Workload w : workloads) {
            n += w.size();
        }
        return n;
    }
}
