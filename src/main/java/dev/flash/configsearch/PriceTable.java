package dev.flash.configsearch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a configuration costs per second of runtime, read from the training workloads: the
 * geometric mean of {@code cost / runtime} over the workloads that measured it. On the multi-cloud
 * data this is the configuration's price (nodes times the VM's rate): it is the same for every
 * workload to 13 digits ({@link #spread}), so a method's cost prediction is its runtime
 * prediction times the price, and one prediction of runtime serves both targets of a
 * cost-under-deadline choice. A configuration no training workload measured has no price (NaN).
 */
public final class PriceTable {

    private final Map<String, Double> logPrice;
    private final double spread;

    private PriceTable(Map<String, Double> logPrice, double spread) {
        this.logPrice = logPrice;
        this.spread = spread;
    }

    /** Fits on {@code training}; measurements lacking runtime or cost are left out. */
    public static PriceTable fit(List<Workload> training) {
        Map<String, List<Double>> seen = new HashMap<>();
        for (Workload w : training) {
            for (Measurement m : w.measurements()) {
                if (m.runtime() > 0 && m.cost() > 0) {
                    seen.computeIfAbsent(m.configKey(), k -> new ArrayList<>()).add(Math.log(m.cost() / m.runtime()));
                }
            }
        }
        Map<String, Double> out = new HashMap<>();
        double spread = 0;
        for (Map.Entry<String, List<Double>> e : seen.entrySet()) {
            double mean = 0;
            for (double v : e.getValue()) {
                mean += v / e.getValue().size();
            }
            for (double v : e.getValue()) {
                spread = Math.max(spread, Math.abs(v - mean));
            }
            out.put(e.getKey(), mean);
        }
        return new PriceTable(out, spread);
    }

    /** log(cost / runtime) of the configuration; NaN when no training workload measured it. */
    public double logPrice(String configKey) {
        Double v = logPrice.get(configKey);
        return v == null ? Double.NaN : v;
    }

    public boolean isEmpty() {
        return logPrice.isEmpty();
    }

    /** The largest |log price - its mean| of one workload's measurement: 0 when prices are fixed. */
    public double spread() {
        return spread;
    }
}
