package dev.flash.configsearch;

import dev.flash.meta.SupervisedTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One workload's measurements, one per configuration: a few-shot task of the FLASH core. */
public record Workload(String name, List<Measurement> measurements) implements SupervisedTask {
    public Workload {
        measurements = List.copyOf(measurements);
    }

    @Override
    public int size() {
        return measurements.size();
    }

    public Measurement get(int i) {
        return measurements.get(i);
    }

    /** The data set part of a workload name ({@code buzz} of {@code buzz-xgboost}); the name without a dash. */
    public String group() {
        int dash = name.indexOf('-');
        return dash > 0 ? name.substring(0, dash) : name;
    }

    /**
     * The algorithm part of a workload name ({@code xgboost} of {@code buzz-xgboost}): what the
     * workloads of different data sets that ran the same job share; the name without a dash.
     */
    public String algorithm() {
        int dash = name.indexOf('-');
        return dash > 0 ? name.substring(dash + 1) : name;
    }

    /**
     * Each workload's log target by configuration key, the tables the references, the prior and
     * the factor model are fitted on; workloads without measurements are left out.
     */
    public static List<Map<String, Double>> logTables(List<Workload> workloads, Target target) {
        List<Map<String, Double>> tables = new ArrayList<>();
        for (Workload w : workloads) {
            Map<String, Double> t = new HashMap<>();
            for (Measurement m : w.measurements()) {
                t.put(m.configKey(), Math.log(m.target(target)));
            }
            if (!t.isEmpty()) {
                tables.add(t);
            }
        }
        return tables;
    }
}
