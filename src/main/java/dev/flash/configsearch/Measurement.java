package dev.flash.configsearch;

/**
 * One configuration of one workload as measured: its key (the configuration columns' values
 * joined, e.g. {@code C/-/-/-/-/1/1/1/3}), the configuration as numbers, monitoring metrics
 * (empty when the data has none), runtime and cost (NaN when the data lacks that target), the
 * number of runs averaged into it (geometric mean) and the first line it came from.
 */
public record Measurement(String configKey, float[] config, float[] metrics, double runtime, double cost,
                          int runs, int line) {

    public double target(Target t) {
        return t == Target.RUNTIME ? runtime : cost;
    }
}
