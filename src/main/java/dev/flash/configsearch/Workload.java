package dev.flash.configsearch;

import dev.flash.meta.SupervisedTask;
import java.util.List;

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
}
