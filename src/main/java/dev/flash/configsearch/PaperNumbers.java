package dev.flash.configsearch;

import java.util.Map;

/**
 * FLASH's published Table 2 (error on held-out applications at 1, 2, 3 shots), from the FLASH
 * README (../shared/notes/flash-paper-facts.md): shown beside ours where the data set matches.
 */
public final class PaperNumbers {
    private PaperNumbers() {
    }

    /** Data set -> method -> errors at 1, 2, 3 shots. */
    public static final Map<String, Map<String, double[]>> TABLE_2 = Map.of(
            "multicloud", Map.of("baseline", new double[] {0.99, 0.89, 0.80}, "flash", new double[] {0.65, 0.42, 0.50}),
            "sizeless", Map.of("baseline", new double[] {0.36, 0.40, 0.34}, "flash", new double[] {0.05, 0.04, 0.03}),
            "openwhisk", Map.of("baseline", new double[] {0.82, 0.55, 0.54}, "flash", new double[] {0.36, 0.26, 0.28}));

    /** The paper's figure for (data set, method, k), or NaN. */
    public static double of(String dataset, String method, int k) {
        Map<String, double[]> d = TABLE_2.get(dataset);
        if (d == null || !d.containsKey(method) || k < 1 || k > 3) {
            return Double.NaN;
        }
        return d.get(method)[k - 1];
    }
}
