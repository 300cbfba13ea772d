package dev.flash.autoscale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link HpaSelect}'s first learned selector: a multinomial logistic regression (softmax over the
 * K variants, standardized {@link TrajectoryFeatures}, L2 1e-3, 2000 full-batch gradient steps of
 * 0.5) fitted to the hindsight labels of {@link HpaSelectExperiment}'s bound on the training
 * services. At a segment's start it lets the most probable variant act when its probability is at
 * least {@code threshold}, HPA's defaults otherwise. A small documented classifier, not the FLASH
 * core's trainer.
 */
final class SegmentClassifier {

    final double[] mean;
    final double[] std;
    final double[][] w; // [class][feature + 1 (bias)]

    private SegmentClassifier(double[] mean, double[] std, double[][] w) {
        this.mean = mean;
        this.std = std;
        this.w = w;
    }

    /** Fits on the bound's examples TSV (columns: set, service, segment, label, requests, K x (miss, cores), features). */
    static SegmentClassifier fit(Path examples) throws IOException {
        List<String> lines = Files.readAllLines(examples);
        String[] head = lines.get(0).split("\t");
        int k = HpaSelect.SETTINGS.size();
        int nf = TrajectoryFeatures.NAMES.size();
        int first = 5 + 2 * k;
        if (head.length != first + nf) {
            throw new IOException(examples + ": line 1: " + head.length + " columns, expected " + (first + nf));
        }
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int l = 1; l < lines.size(); l++) {
            String[] c = lines.get(l).split("\t");
            if (c.length != head.length) {
                throw new IOException(examples + ": line " + (l + 1) + ": " + c.length + " columns, expected " + head.length);
            }
            y.add(Integer.parseInt(c[3]));
            double[] f = new double[nf];
            for (int j = 0; j < nf; j++) {
                f[j] = Double.parseDouble(c[first + j]);
            }
            x.add(f);
        }
        return fit(x, y, k);
    }

    static SegmentClassifier fit(List<double[]> x, List<Integer> y, int k) {
        int n = x.size();
        int nf = x.get(0).length;
        double[][] scale = TrajectoryFeatures.meanAndStd(x);
        double[] mean = scale[0];
        double[] std = scale[1];
        double[][] w = new double[k][nf + 1];
        SegmentClassifier c = new SegmentClassifier(mean, std, w);
        double[][] z = new double[n][];
        for (int i = 0; i < n; i++) {
            z[i] = c.standardize(x.get(i));
        }
        for (int it = 0; it < 2000; it++) {
            double[][] g = new double[k][nf + 1];
            for (int i = 0; i < n; i++) {
                double[] p = c.probabilities(z[i]);
                for (int a = 0; a < k; a++) {
                    double d = p[a] - (y.get(i) == a ? 1 : 0);
                    for (int j = 0; j < nf; j++) {
                        g[a][j] += d * z[i][j] / n;
                    }
                    g[a][nf] += d / n;
                }
            }
            for (int a = 0; a < k; a++) {
                for (int j = 0; j <= nf; j++) {
                    w[a][j] -= 0.5 * (g[a][j] + (j < nf ? 1e-3 * w[a][j] : 0));
                }
            }
        }
        return c;
    }

    double[] standardize(double[] f) {
        return TrajectoryFeatures.standardize(f, mean, std);
    }

    /** Class probabilities of standardized features {@code z}. */
    double[] probabilities(double[] z) {
        int k = w.length;
        double[] s = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < k; a++) {
            double v = w[a][z.length];
            for (int j = 0; j < z.length; j++) {
                v += w[a][j] * z[j];
            }
            s[a] = v;
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int a = 0; a < k; a++) {
            s[a] = Math.exp(s[a] - max);
            sum += s[a];
        }
        for (int a = 0; a < k; a++) {
            s[a] /= sum;
        }
        return s;
    }

    /** The variant to act: the most probable one if its probability is at least {@code threshold}, else 0 (HPA). */
    int choose(double[] features, double threshold) {
        double[] p = probabilities(standardize(features));
        int best = 0;
        for (int a = 1; a < p.length; a++) {
            if (p[a] > p[best]) {
                best = a;
            }
        }
        return p[best] >= threshold ? best : 0;
    }

    HpaSelect.Selector selector(double threshold) {
        return (segment, recent, proposals, now, bounds) -> choose(TrajectoryFeatures.of(recent, proposals, now, bounds), threshold);
    }

    @Override
    public String toString() {
        return "softmax " + Arrays.deepToString(w);
    }
}
