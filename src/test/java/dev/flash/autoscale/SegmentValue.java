package dev.flash.autoscale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link HpaSelect}'s second learned selector: a k-nearest-neighbour estimate, from the bound's
 * training segments, of what each variant would change against HPA's defaults over the coming
 * segment (and its lookahead): the change of the missed-request share ({@code dm}, missed requests
 * over the window's requests) and of the core-seconds relative to HPA's ({@code dc}). Neighbours
 * are found on standardized {@link TrajectoryFeatures} (Euclidean, {@code k} of them, plain
 * mean). A variant acts only when its estimate is a domination (dm &lt; 0 and dc &lt;= 0) and its
 * score {@code dm + mu x dc} is below {@code -margin}; the best such variant, HPA otherwise.
 *
 * <p>Training-time figures are taken leaving the queried service out (neighbours from the same
 * service, on any of its loads, are skipped), so that tuning {@code mu}/{@code margin} on the training sets does
 * not read a segment's own label.
 */
final class SegmentValue {

    final double[][] z;      // standardized features per example
    final double[][] dm;     // [example][variant]
    final double[][] dc;
    final String[] group;    // the training service's index
    final String[] set;      // the training set (A, B, nasa1)
    final int[] segment;     // the segment's index in its run
    final double[] mean;
    final double[] std;
    final int neighbours;

    private SegmentValue(double[][] z, double[][] dm, double[][] dc, String[] group, String[] set, int[] segment, double[] mean,
                         double[] std, int neighbours) {
        this.z = z;
        this.set = set;
        this.segment = segment;
        this.dm = dm;
        this.dc = dc;
        this.group = group;
        this.mean = mean;
        this.std = std;
        this.neighbours = neighbours;
    }

    static SegmentValue fit(Path examples, int neighbours) throws IOException {
        List<String> lines = Files.readAllLines(examples);
        int k = HpaSelect.SETTINGS.size();
        int nf = TrajectoryFeatures.NAMES.size();
        int first = 5 + 2 * k;
        String[] head = lines.get(0).split("\t");
        if (head.length != first + nf || !head[4].equals("requests")) {
            throw new IOException(examples + ": line 1: " + head.length + " columns, expected " + (first + nf)
                    + " with requests as the 5th");
        }
        int n = lines.size() - 1;
        double[][] x = new double[n][nf];
        double[][] dm = new double[n][k];
        double[][] dc = new double[n][k];
        String[] group = new String[n];
        String[] set = new String[n];
        int[] segment = new int[n];
        for (int i = 0; i < n; i++) {
            String[] c = lines.get(i + 1).split("\t");
            if (c.length != head.length) {
                throw new IOException(examples + ": line " + (i + 2) + ": " + c.length + " columns, expected " + head.length);
            }
            group[i] = c[1];
            set[i] = c[0];
            segment[i] = Integer.parseInt(c[2]);
            double req = Math.max(1e-9, Double.parseDouble(c[4]));
            double m0 = Double.parseDouble(c[5]);
            double c0 = Math.max(1e-9, Double.parseDouble(c[6]));
            for (int v = 0; v < k; v++) {
                dm[i][v] = (Double.parseDouble(c[5 + 2 * v]) - m0) / req;
                dc[i][v] = (Double.parseDouble(c[6 + 2 * v]) - c0) / c0;
            }
            for (int j = 0; j < nf; j++) {
                x[i][j] = Double.parseDouble(c[first + j]);
            }
        }
        double[][] scale = TrajectoryFeatures.meanAndStd(java.util.Arrays.asList(x));
        double[] mean = scale[0];
        double[] std = scale[1];
        SegmentValue v = new SegmentValue(new double[n][], dm, dc, group, set, segment, mean, std, neighbours);
        for (int i = 0; i < n; i++) {
            v.z[i] = v.standardize(x[i]);
        }
        return v;
    }

    double[] standardize(double[] f) {
        return TrajectoryFeatures.standardize(f, mean, std);
    }

    /** Mean dm and dc per variant over the nearest neighbours, skipping examples of service {@code exclude} (null: none). */
    double[][] estimate(double[] features, String exclude) {
        return estimate(features, exclude, null, 0, -1);
    }

    /**
     * The same, also skipping, when {@code hours >= 0}, every service's examples of set
     * {@code inSet} within {@code hours} segments of {@code atSegment}: on a shared trace (NASA day 1)
     * the other services' segments at the same moment are the same load, scaled.
     */
    double[][] estimate(double[] features, String exclude, String inSet, int atSegment, int hours) {
        double[] q = standardize(features);
        int n = z.length;
        int kk = Math.min(neighbours, n);
        // keep the kk smallest distances (insertion into a sorted array; kk is small)
        double[] bestD = new double[kk];
        int[] bestI = new int[kk];
        java.util.Arrays.fill(bestD, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(bestI, -1);
        for (int i = 0; i < n; i++) {
            if (exclude != null && exclude.equals(group[i])) {
                continue;
            }
            if (hours >= 0 && set[i].equals(inSet) && Math.abs(segment[i] - atSegment) <= hours) {
                continue;
            }
            double d = 0;
            for (int j = 0; j < q.length && d < bestD[kk - 1]; j++) {
                double t = q[j] - z[i][j];
                d += t * t;
            }
            if (d < bestD[kk - 1]) {
                int p = kk - 1;
                while (p > 0 && bestD[p - 1] > d) {
                    bestD[p] = bestD[p - 1];
                    bestI[p] = bestI[p - 1];
                    p--;
                }
                bestD[p] = d;
                bestI[p] = i;
            }
        }
        int k = dm[0].length;
        double[][] out = new double[2][k];
        int used = 0;
        for (int i : bestI) {
            if (i < 0) {
                continue;
            }
            used++;
            for (int v = 0; v < k; v++) {
                out[0][v] += dm[i][v];
                out[1][v] += dc[i][v];
            }
        }
        for (int v = 0; v < k; v++) {
            out[0][v] /= Math.max(1, used);
            out[1][v] /= Math.max(1, used);
        }
        return out;
    }

    /** The variant to act given the estimate (see the class comment). */
    static int choose(double[][] est, double mu, double margin, String variants) {
        int best = 0;
        double bestScore = -margin;
        for (int v = 1; v < est[0].length; v++) {
            if (variants != null && variants.indexOf(Character.forDigit(v, 10)) < 0) {
                continue;
            }
            double score = est[0][v] + mu * est[1][v];
            if (est[0][v] < 0 && est[1][v] <= 0 && score < bestScore) {
                best = v;
                bestScore = score;
            }
        }
        return best;
    }

    /** {@code variants}: the digits of the variants allowed to act besides HPA (null: all). */
    HpaSelect.Selector selector(double mu, double margin, String variants, String exclude) {
        return selector(mu, margin, variants, exclude, null, -1);
    }

    /** The same, leaving out {@code inSet}'s segments within {@code hours} of the current one too (see {@link #estimate}). */
    HpaSelect.Selector selector(double mu, double margin, String variants, String exclude, String inSet, int hours) {
        return (seg, recent, proposals, now, bounds) -> choose(
                estimate(TrajectoryFeatures.of(recent, proposals, now, bounds), exclude, inSet, seg, hours), mu, margin, variants);
    }

    /** Examples held. */
    int size() {
        return z.length;
    }
}
