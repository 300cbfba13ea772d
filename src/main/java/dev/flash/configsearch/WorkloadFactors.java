package dev.flash.configsearch;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A low-rank Gaussian model of the training workloads' log targets, conditioned on a new
 * workload's shots: a linear companion to the attention's soft nearest neighbours.
 *
 * <pre>
 *   log y(w, c) = b_c + a_w + u_w . v_c + noise,   (a_w, u_w) ~ N(m, P) over workloads
 * </pre>
 *
 * b_c is a configuration's typical level, v_c its {@link #RANK} loadings (how it differs
 * between workloads that scale differently), a_w a workload's level and u_w its scaling. The
 * configuration terms are fitted by alternating ridge least squares on the training workloads'
 * measured cells; m and P are the mean and covariance of the fitted (a_w, u_w). A new workload's
 * (a, u) is the posterior mean given its shots (Bayesian linear regression with prior N(m, P) and
 * the fit's residual variance): one shot sets its level and, through P's covariance of level and
 * scaling, the scaling workloads of that level had; more shots fit the scaling itself. Unlike
 * the attention it needs no training workload that resembles the new one: it interpolates
 * between them, which is what a workload from another data set needs.
 *
 * <p>It predicts only configurations and shots some training workload measured
 * ({@link #predictLog} returns NaN otherwise); the caller falls back to the attention.
 */
public final class WorkloadFactors implements LogPredictor {

    /** Loadings per configuration (chosen on the training part: docs/log/2026-12-07-config-search-4.md). */
    public static final int RANK = 2;

    /** Ridge on the loadings and the scalings while fitting. */
    static final double RIDGE = 1.0;

    static final int ITERATIONS = 30;

    private final Target target;
    private final Map<String, Integer> index;
    private final double[] level;
    private final double[][] loadings;
    private final double[] priorMean;
    private final double[][] priorCov;
    private final double noise;

    private WorkloadFactors(Target target, Map<String, Integer> index, double[] level, double[][] loadings,
                            double[] priorMean, double[][] priorCov, double noise) {
        this.target = target;
        this.index = index;
        this.level = level;
        this.loadings = loadings;
        this.priorMean = priorMean;
        this.priorCov = priorCov;
        this.noise = noise;
    }

    /** Fits on the training workloads' log tables (configuration key -> log target), one per workload. */
    public static WorkloadFactors fit(List<Map<String, Double>> tables, Target target) {
        Map<String, Integer> index = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (Map<String, Double> t : tables) {
            for (String k : t.keySet()) {
                if (index.putIfAbsent(k, keys.size()) == null) {
                    keys.add(k);
                }
            }
        }
        int n = tables.size();
        int c = keys.size();
        int r = RANK;
        double[][] y = new double[n][c];
        boolean[][] seen = new boolean[n][c];
        for (int i = 0; i < n; i++) {
            for (Map.Entry<String, Double> e : tables.get(i).entrySet()) {
                int j = index.get(e.getKey());
                y[i][j] = e.getValue();
                seen[i][j] = true;
            }
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            int m = 0;
            for (int j = 0; j < c; j++) {
                if (seen[i][j]) {
                    s += y[i][j];
                    m++;
                }
            }
            a[i] = m == 0 ? 0 : s / m;
        }
        double[] b = new double[c];
        double[][] u = new double[n][r];
        double[][] v = new double[c][r];
        Random rng = new Random(0); // deterministic start; the fit is a function of the tables
        for (double[] row : v) {
            for (int q = 0; q < r; q++) {
                row[q] = 0.1 * rng.nextGaussian();
            }
        }
        for (int it = 0; it < ITERATIONS; it++) {
            for (int j = 0; j < c; j++) {
                double s = 0;
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (seen[i][j]) {
                        s += y[i][j] - a[i] - dot(u[i], v[j]);
                        m++;
                    }
                }
                b[j] = m == 0 ? 0 : s / m;
            }
            for (int i = 0; i < n; i++) {
                double[][] xtx = new double[r + 1][r + 1];
                double[] xty = new double[r + 1];
                for (int j = 0; j < c; j++) {
                    if (seen[i][j]) {
                        accumulate(xtx, xty, withOne(v[j]), y[i][j] - b[j]);
                    }
                }
                xtx[0][0] += 1e-6;
                for (int q = 1; q <= r; q++) {
                    xtx[q][q] += RIDGE;
                }
                double[] z = solve(xtx, xty);
                a[i] = z[0];
                System.arraycopy(z, 1, u[i], 0, r);
            }
            for (int j = 0; j < c; j++) {
                double[][] xtx = new double[r][r];
                double[] xty = new double[r];
                for (int i = 0; i < n; i++) {
                    if (seen[i][j]) {
                        accumulate(xtx, xty, u[i], y[i][j] - a[i] - b[j]);
                    }
                }
                for (int q = 0; q < r; q++) {
                    xtx[q][q] += RIDGE;
                }
                v[j] = solve(xtx, xty);
            }
        }
        double sq = 0;
        int cells = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                if (seen[i][j]) {
                    double d = y[i][j] - b[j] - a[i] - dot(u[i], v[j]);
                    sq += d * d;
                    cells++;
                }
            }
        }
        double noise = Math.max(1e-6, sq / Math.max(1, cells - n * (r + 1) - c));
        double[] mean = new double[r + 1];
        for (int i = 0; i < n; i++) {
            double[] z = withOne(u[i]);
            z[0] = a[i];
            for (int q = 0; q <= r; q++) {
                mean[q] += z[q] / n;
            }
        }
        double[][] cov = new double[r + 1][r + 1];
        if (n > 2) {
            for (int i = 0; i < n; i++) {
                double[] z = withOne(u[i]);
                z[0] = a[i];
                for (int p = 0; p <= r; p++) {
                    for (int q = 0; q <= r; q++) {
                        cov[p][q] += (z[p] - mean[p]) * (z[q] - mean[q]) / (n - 1);
                    }
                }
            }
        } else {
            for (int p = 0; p <= r; p++) {
                cov[p][p] = 1;
            }
        }
        return new WorkloadFactors(target, index, b, v, mean, cov, noise);
    }

    /** Fits on the workloads' measurements of {@code target}. */
    public static WorkloadFactors fitWorkloads(List<Workload> training, Target target) {
        List<Map<String, Double>> tables = Workload.logTables(training, target);
        return fit(tables, target);
    }

    public Target target() {
        return target;
    }

    /** The posterior-mean log target at {@code query}; NaN if no training workload measured it or any shot. */
    @Override
    public double predictLog(List<Measurement> shots, String query) {
        Integer q = index.get(query);
        if (q == null) {
            return Double.NaN;
        }
        double[] z = posterior(shots);
        if (z == null) {
            return Double.NaN;
        }
        return level[q] + dot(withOne(loadings[q]), z);
    }

    /** The posterior mean of (a, u) given the shots at known configurations; null if none is known. */
    double[] posterior(List<Measurement> shots) {
        int d = priorMean.length;
        double[][] pi = inverse(priorCov);
        double[][] a = new double[d][d];
        double[] rhs = new double[d];
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                a[p][q] = pi[p][q];
                rhs[p] += pi[p][q] * priorMean[q];
            }
        }
        int used = 0;
        for (Measurement s : shots) {
            Integer j = index.get(s.configKey());
            if (j == null) {
                continue;
            }
            double[] x = withOne(loadings[j]);
            double y = Math.log(s.target(target)) - level[j];
            for (int p = 0; p < d; p++) {
                rhs[p] += x[p] * y / noise;
                for (int q = 0; q < d; q++) {
                    a[p][q] += x[p] * x[q] / noise;
                }
            }
            used++;
        }
        return used == 0 ? null : solve(a, rhs);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** (1, x...). */
    private static double[] withOne(double[] x) {
        double[] o = new double[x.length + 1];
        o[0] = 1;
        System.arraycopy(x, 0, o, 1, x.length);
        return o;
    }

    private static void accumulate(double[][] xtx, double[] xty, double[] x, double y) {
        for (int p = 0; p < x.length; p++) {
            xty[p] += x[p] * y;
            for (int q = 0; q < x.length; q++) {
                xtx[p][q] += x[p] * x[q];
            }
        }
    }

    private static double[][] inverse(double[][] m) {
        int d = m.length;
        double[][] reg = new double[d][d];
        for (int p = 0; p < d; p++) {
            reg[p] = m[p].clone();
            reg[p][p] += 1e-9; // a covariance fitted on few workloads may be singular
        }
        double[][] inv = new double[d][];
        double[][] cols = new double[d][d];
        for (int p = 0; p < d; p++) {
            double[] e = new double[d];
            e[p] = 1;
            cols[p] = solve(reg, e);
        }
        for (int p = 0; p < d; p++) {
            inv[p] = new double[d];
            for (int q = 0; q < d; q++) {
                inv[p][q] = cols[q][p];
            }
        }
        return inv;
    }

    /** Solves a x = y by Gaussian elimination with partial pivoting (small systems). */
    static double[] solve(double[][] a, double[] y) {
        int d = y.length;
        double[][] m = new double[d][d + 1];
        for (int p = 0; p < d; p++) {
            System.arraycopy(a[p], 0, m[p], 0, d);
            m[p][d] = y[p];
        }
        for (int col = 0; col < d; col++) {
            int piv = col;
            for (int p = col + 1; p < d; p++) {
                if (Math.abs(m[p][col]) > Math.abs(m[piv][col])) {
                    piv = p;
                }
            }
            double[] t = m[col];
            m[col] = m[piv];
            m[piv] = t;
            double lead = m[col][col];
            if (Math.abs(lead) < 1e-300) {
                lead = 1e-300;
            }
            for (int p = col + 1; p < d; p++) {
                double f = m[p][col] / lead;
                for (int q = col; q <= d; q++) {
                    m[p][q] -= f * m[col][q];
                }
            }
        }
        double[] x = new double[d];
        for (int p = d - 1; p >= 0; p--) {
            double s = m[p][d];
            for (int q = p + 1; q < d; q++) {
                s -= m[p][q] * x[q];
            }
            x[p] = s / (Math.abs(m[p][p]) < 1e-300 ? 1e-300 : m[p][p]);
        }
        return x;
    }

    /** {configs, level, loadings (one row per config), prior_mean, prior_cov, noise}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("target", target.label());
        o.addProperty("rank", priorMean.length - 1);
        String[] keys = new String[index.size()];
        index.forEach((k, i) -> keys[i] = k);
        JsonArray cs = new JsonArray();
        JsonArray lv = new JsonArray();
        JsonArray ld = new JsonArray();
        for (int i = 0; i < keys.length; i++) {
            cs.add(keys[i]);
            lv.add(level[i]);
            ld.add(array(loadings[i]));
        }
        o.add("configs", cs);
        o.add("level", lv);
        o.add("loadings", ld);
        o.add("prior_mean", array(priorMean));
        JsonArray pc = new JsonArray();
        for (double[] row : priorCov) {
            pc.add(array(row));
        }
        o.add("prior_cov", pc);
        o.addProperty("noise", noise);
        return o;
    }

    private static JsonArray array(double[] x) {
        JsonArray a = new JsonArray();
        for (double v : x) {
            a.add(v);
        }
        return a;
    }

    /** Reads what {@link #toJson} wrote; an IllegalArgumentException names the key that disagrees. */
    public static WorkloadFactors fromJson(JsonObject o) {
        Target t = Target.parse(o.get("target").getAsString());
        int r = o.get("rank").getAsInt();
        JsonArray cs = o.getAsJsonArray("configs");
        JsonArray lv = o.getAsJsonArray("level");
        JsonArray ld = o.getAsJsonArray("loadings");
        if (r < 0 || lv.size() != cs.size() || ld.size() != cs.size()) {
            throw new IllegalArgumentException("attention.factors: configs, level and loadings differ in length "
                    + "(" + cs.size() + ", " + lv.size() + ", " + ld.size() + ") or rank " + r + " < 0");
        }
        Map<String, Integer> index = new HashMap<>();
        double[] level = new double[cs.size()];
        double[][] loadings = new double[cs.size()][];
        for (int i = 0; i < cs.size(); i++) {
            index.put(cs.get(i).getAsString(), i);
            level[i] = JsonNumbers.asDouble(lv.get(i));
            loadings[i] = vector(ld.get(i).getAsJsonArray(), r, "attention.factors.loadings[" + i + "]");
        }
        double[] mean = vector(o.getAsJsonArray("prior_mean"), r + 1, "attention.factors.prior_mean");
        JsonArray pc = o.getAsJsonArray("prior_cov");
        if (pc.size() != r + 1) {
            throw new IllegalArgumentException("attention.factors.prior_cov: want " + (r + 1) + " rows, got "
                    + pc.size());
        }
        double[][] cov = new double[r + 1][];
        for (int p = 0; p <= r; p++) {
            cov[p] = vector(pc.get(p).getAsJsonArray(), r + 1, "attention.factors.prior_cov[" + p + "]");
        }
        double noise = o.get("noise").getAsDouble();
        if (!(noise > 0) || !Double.isFinite(noise)) {
            throw new IllegalArgumentException("attention.factors.noise: want a finite value > 0, got " + noise);
        }
        return new WorkloadFactors(t, index, level, loadings, mean, cov, noise);
    }

    private static double[] vector(JsonArray a, int length, String key) {
        if (a.size() != length) {
            throw new IllegalArgumentException(key + ": want " + length + " numbers, got " + a.size());
        }
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            x[i] = JsonNumbers.asDouble(a.get(i));
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException(key + "[" + i + "]: not a finite number");
            }
        }
        return x;
    }
}
