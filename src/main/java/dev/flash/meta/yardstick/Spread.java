package dev.flash.meta.yardstick;

import java.util.Arrays;

/**
 * Mean and spread of one figure over applications (or repeats): mean, sample standard
 * deviation, standard error of the mean, and the count of finite values it was taken over
 * (NaN values, e.g. an application whose expert is 0, are left out and counted apart).
 */
public record Spread(double mean, double std, double standardError, int n, int leftOut) {

    public static Spread of(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
        int n = v.length;
        if (n == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0, values.length);
        }
        double mean = Arrays.stream(v).average().orElseThrow();
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        return new Spread(mean, std, std / Math.sqrt(n), n, values.length - n);
    }
}
