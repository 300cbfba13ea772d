package dev.flash.autoscale;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.util.List;

/**
 * What {@link HpaSelect}'s learned selector sees at a segment's start: the recent trajectory's
 * load level, trend and noise, utilization, recent misses, and how far each variant's next
 * proposal is from HPA's defaults'. Scale-free (no rate or core figure enters raw).
 */
final class TrajectoryFeatures {

    static final List<String> NAMES = List.of("fill", "noise", "trend", "cv", "level", "util", "util8", "miss", "miss8",
            "replicas_share", "ready_share", "d1", "d2", "d3", "d4", "d5");

    private TrajectoryFeatures() {
    }

    static double[] of(List<StepMetrics> recent, int[] proposals, Allocation now, Bounds bounds) {
        int n = recent.size();
        double[] r = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            r[i] = recent.get(i).arrivalRate();
            mean += r[i] / n;
        }
        double eps = Math.max(1e-6, 1e-3 * mean);
        double noise = 0;
        for (int i = 1; i < n; i++) {
            double d = Math.log(r[i] + eps) - Math.log(r[i - 1] + eps);
            noise += d * d / (n - 1);
        }
        noise = Math.sqrt(noise);
        int m = Math.max(1, Math.min(8, n / 2));
        double head = 0;
        double tail = 0;
        for (int i = 0; i < m; i++) {
            head += r[i] / m;
            tail += r[n - 1 - i] / m;
        }
        double var = 0;
        double max = 0;
        for (double x : r) {
            var += (x - mean) * (x - mean) / n;
            max = Math.max(max, x);
        }
        double util = 0;
        double util8 = 0;
        double req = 0;
        double miss = 0;
        double req8 = 0;
        double miss8 = 0;
        for (int i = 0; i < n; i++) {
            StepMetrics s = recent.get(i);
            double u = s.cpuRequest() > 0 && s.readyReplicas() > 0 ? s.cpuUsageCores() / s.cpuRequest() : 0;
            util += u / n;
            req += s.requests();
            miss += s.sloMisses();
            if (i >= n - 8) {
                util8 += u / Math.min(8, n);
                req8 += s.requests();
                miss8 += s.sloMisses();
            }
        }
        StepMetrics last = recent.get(n - 1);
        double[] f = new double[NAMES.size()];
        f[0] = n / (double) HpaSelect.HISTORY;
        f[1] = noise;
        f[2] = mean <= 0 ? 0 : (tail - head) / mean;
        f[3] = mean <= 0 ? 0 : Math.sqrt(var) / mean;
        f[4] = max <= 0 ? 0 : r[n - 1] / max;
        f[5] = util;
        f[6] = util8;
        f[7] = req <= 0 ? 0 : miss / req;
        f[8] = req8 <= 0 ? 0 : miss8 / req8;
        f[9] = now.replicas() / (double) bounds.maxReplicas();
        f[10] = last.replicas() <= 0 ? 0 : last.readyReplicas() / (double) last.replicas();
        for (int k = 1; k < proposals.length && 10 + k < f.length; k++) {
            f[10 + k] = (proposals[k] - proposals[0]) / (double) Math.max(1, now.replicas());
        }
        return f;
    }

    /** Per feature, the mean and the standard deviation (+1e-9) over {@code x}: {mean, std}. */
    static double[][] meanAndStd(List<double[]> x) {
        int n = x.size();
        int nf = x.get(0).length;
        double[] mean = new double[nf];
        double[] std = new double[nf];
        for (double[] f : x) {
            for (int j = 0; j < nf; j++) {
                mean[j] += f[j] / n;
            }
        }
        for (double[] f : x) {
            for (int j = 0; j < nf; j++) {
                std[j] += (f[j] - mean[j]) * (f[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < nf; j++) {
            std[j] = Math.sqrt(std[j]) + 1e-9;
        }
        return new double[][] {mean, std};
    }

    /** {@code f} standardized with {@link #meanAndStd}'s figures. */
    static double[] standardize(double[] f, double[] mean, double[] std) {
        double[] z = new double[f.length];
        for (int j = 0; j < f.length; j++) {
            z[j] = (f[j] - mean[j]) / std[j];
        }
        return z;
    }
}
