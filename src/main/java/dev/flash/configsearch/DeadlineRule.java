package dev.flash.configsearch;

import java.util.List;

/**
 * Cost under a runtime deadline when the user chooses what to measure: which unmeasured
 * configuration to measure next, and which configuration to run in the end. The evaluation's
 * {@code cost_regret_chosen} scores these rules (log 2026-12-07-config-search-7).
 *
 * <p>Measure next: among the unmeasured configurations whose predicted runtime, raised by a margin
 * (log space, 0 for none), meets the deadline, the one of the lowest score (the searcher's log cost
 * prediction); none when no configuration is predicted on time. {@code recommend
 * --objective cost --deadline} measures next by {@link #measureNextBySaving} (log
 * 2026-12-07-config-search-8) and runs what {@link #pick} names.
 *
 * <p>Run: the cheapest <em>measured</em> configuration whose measured runtime met the deadline
 * (what a user would run: it is known to be on time); else the cheapest predicted on time (the
 * searcher's own cost prediction, the same on-time test as for the next measurement); else the
 * fastest measured (nothing is expected to meet the deadline: run what is known to be fastest).
 */
public final class DeadlineRule {
    private DeadlineRule() {
    }

    /**
     * The index among the unmeasured of the configuration to measure next: the lowest {@code
     * score} among those with {@code runtimeLog + marginLog <= log(deadline)}; -1 when none.
     */
    public static int measureNext(double[] runtimeLog, double[] marginLog, double deadline, double[] score) {
        int pick = -1;
        for (int i = 0; i < score.length; i++) {
            if (onTime(runtimeLog[i], marginLog[i], deadline) && (pick < 0 || score[i] < score[pick])) {
                pick = i;
            }
        }
        return pick;
    }

    /**
     * Measure next where the expected saving on what will be run is largest (the constrained
     * expected improvement): a configuration of price p and log runtime ~ N(mu, sigma^2) lowers the
     * cost of the cheapest measured on-time configuration B when it meets the deadline D and costs
     * less; the expectation of {@code (B - p r) 1(r <= min(D, B / p))} is {@code B Phi(z) - p
     * exp(mu + sigma^2 / 2) Phi(z - sigma)}, z = (ln min(D, B/p) - mu) / sigma. With nothing
     * measured on time, B is the predicted cost of the cheapest configuration that is on time with
     * probability >= 95% (a safe bet), or the dearest predicted when none is. When no
     * configuration promises a saving, the cheapest predicted on time ({@link #measureNext}); -1
     * when none is.
     *
     * @param runtimeLog    predicted log runtime of each unmeasured configuration
     * @param logPrice      its log cost per second (cost = runtime x price)
     * @param sigma         the predictions' log-space standard deviation (0: taken as exact)
     * @param bestOnTime    the cost of the cheapest measured configuration that met the deadline; +inf when none did
     */
    public static int measureNextBySaving(double[] runtimeLog, double[] logPrice, double sigma, double deadline,
                                          double bestOnTime) {
        return largestSaving(runtimeLog, logPrice, null, same(sigma, runtimeLog.length), null, deadline, bestOnTime);
    }

    /**
     * {@link #measureNextBySaving(double[], double[], double, double, double)} with a standard
     * deviation per configuration ({@code sigma[i]} for {@code runtimeLog[i]}; log 9's {@code
     * flash-saving-wide-each}).
     */
    public static int measureNextBySaving(double[] runtimeLog, double[] logPrice, double[] sigma, double deadline,
                                          double bestOnTime) {
        if (sigma.length != runtimeLog.length) {
            throw new IllegalArgumentException("measureNextBySaving: " + sigma.length + " sigmas for "
                    + runtimeLog.length + " configurations");
        }
        return largestSaving(runtimeLog, logPrice, null, sigma, null, deadline, bestOnTime);
    }

    /**
     * {@link #measureNextBySaving(double[], double[], double, double, double)} where a configuration
     * has votes ({@code votes[i]} not null: log runtimes, NaN for none, each equally likely; {@link
     * SiblingVotes}, log 2026-12-08-cssibling's {@code flash-saving-sibling}): its expected saving is
     * the mean of the saving each vote gives it, taken as exact; the others keep the lognormal. The
     * cost to beat with nothing measured on time and the fallback are {@link #measureNextBySaving}'s,
     * from {@code runtimeLog} and {@code sigma} alone.
     */
    public static int measureNextBySavingWithVotes(double[] runtimeLog, double[] logPrice, double sigma,
                                                   double[][] votes, double deadline, double bestOnTime) {
        return measureNextBySavingWithVotes(runtimeLog, logPrice, sigma, votes, null, deadline, bestOnTime);
    }

    /**
     * The same with each vote weighted ({@code weights[i][v]} for {@code votes[i][v]}, renormalised
     * over the votes that are not NaN; {@code weights} or {@code weights[i]} null: equal; log
     * 2026-12-08-cssibling's {@code flash-saving-sibling-attention}, the attention's weights). A
     * configuration whose votes carry no weight keeps the lognormal.
     */
    public static int measureNextBySavingWithVotes(double[] runtimeLog, double[] logPrice, double sigma,
                                                   double[][] votes, double[][] weights, double deadline,
                                                   double bestOnTime) {
        if (votes.length != runtimeLog.length || weights != null && weights.length != runtimeLog.length) {
            throw new IllegalArgumentException("measureNextBySavingWithVotes: " + votes.length + " vote lists and "
                    + (weights == null ? "no" : weights.length) + " weight lists for " + runtimeLog.length
                    + " configurations");
        }
        return largestSaving(runtimeLog, logPrice, null, same(sigma, runtimeLog.length), new Votes(votes, weights),
                deadline, bestOnTime);
    }

    /** Per configuration its log runtime votes and their weights (either may be null where it has none). */
    private record Votes(double[][] votes, double[][] weights) {
        /** The weighted mean saving over configuration i's votes; NaN when it has none or they carry no weight. */
        double saving(int i, double logPrice, double deadline, double b) {
            double[] v = votes[i];
            if (v == null) {
                return Double.NaN;
            }
            double[] w = weights == null ? null : weights[i];
            double sum = 0;
            double total = 0;
            for (int j = 0; j < v.length; j++) {
                if (Double.isNaN(v[j])) {
                    continue;
                }
                double wj = w == null ? 1 : w[j];
                sum += wj * expectedSaving(v[j], logPrice, 0, deadline, b);
                total += wj;
            }
            return total > 0 ? sum / total : Double.NaN;
        }
    }

    /**
     * Measure next where P(on time) x saving is largest (log 8's {@code flash-saving-p}): P(on time)
     * = Phi((ln D - mu) / sigma), saving = B minus the configuration's predicted cost ({@code
     * costLog}), counted only when positive; B as {@link #measureNextBySaving} (the cheapest measured
     * on time; with none, the cheapest on time with probability >= 95% by {@code runtimeLog +
     * logPrice}, or the dearest). When none promises a saving, the cheapest predicted on time by
     * {@code runtimeLog + logPrice}; -1 when none is.
     */
    public static int measureNextByOnTimeSaving(double[] runtimeLog, double[] logPrice, double[] costLog, double sigma,
                                                double deadline, double bestOnTime) {
        return largestSaving(runtimeLog, logPrice, costLog, same(sigma, runtimeLog.length), null, deadline, bestOnTime);
    }

    /** One standard deviation for each of {@code n} configurations. */
    private static double[] same(double sigma, int n) {
        double[] each = new double[n];
        java.util.Arrays.fill(each, sigma);
        return each;
    }

    /**
     * The ones above: the expected saving ({@code pointCostLog} null), over a configuration's votes
     * where {@code votes} (nullable) has them, or P(on time) x (B - the point prediction {@code
     * pointCostLog}).
     */
    private static int largestSaving(double[] runtimeLog, double[] logPrice, double[] pointCostLog, double[] sigma,
                                     Votes votes, double deadline, double bestOnTime) {
        int n = runtimeLog.length;
        double[] costLog = new double[n];
        for (int i = 0; i < n; i++) {
            costLog[i] = runtimeLog[i] + logPrice[i];
        }
        double b = bestOnTime;
        if (Double.isInfinite(b)) {
            b = safeBet(runtimeLog, costLog, sigma, deadline);
        }
        int pick = -1;
        double pickSaving = 0;
        for (int i = 0; i < n; i++) {
            double saving = votes == null ? Double.NaN : votes.saving(i, logPrice[i], deadline, b);
            if (Double.isNaN(saving)) {
                saving = pointCostLog == null ? expectedSaving(runtimeLog[i], logPrice[i], sigma[i], deadline, b)
                        : probabilityOnTime(runtimeLog[i], sigma[i], deadline) * (b - Math.exp(pointCostLog[i]));
            }
            if (saving > pickSaving) {
                pick = i;
                pickSaving = saving;
            }
        }
        return pick >= 0 ? pick : measureNext(runtimeLog, new double[n], deadline, costLog);
    }

    /**
     * The cost to beat with nothing measured on time: the cheapest predicted cost on time with
     * probability >= 95%, or the dearest predicted when none is.
     */
    private static double safeBet(double[] runtimeLog, double[] costLog, double[] sigma, double deadline) {
        double b = Double.POSITIVE_INFINITY;
        double dearest = 0;
        for (int i = 0; i < runtimeLog.length; i++) {
            dearest = Math.max(dearest, Math.exp(costLog[i]));
            if (probabilityOnTime(runtimeLog[i], sigma[i], deadline) >= 0.95) {
                b = Math.min(b, Math.exp(costLog[i]));
            }
        }
        return Double.isInfinite(b) ? dearest : b;
    }

    /** {@code E[(b - p r) 1(r <= min(D, b / p))]} for log r ~ N(mu, sigma^2), p = exp(logPrice). */
    static double expectedSaving(double mu, double logPrice, double sigma, double deadline, double b) {
        double p = Math.exp(logPrice);
        double lnU = Math.min(Math.log(deadline), Math.log(b) - logPrice);
        if (sigma <= 0) {
            return mu <= lnU ? b - p * Math.exp(mu) : 0;
        }
        double z = (lnU - mu) / sigma;
        return Math.max(0, b * phi(z) - p * Math.exp(mu + sigma * sigma / 2) * phi(z - sigma));
    }

    /** P(runtime <= deadline) for log runtime ~ N(mu, sigma^2). */
    static double probabilityOnTime(double mu, double sigma, double deadline) {
        if (sigma <= 0) {
            return mu <= Math.log(deadline) ? 1 : 0;
        }
        return phi((Math.log(deadline) - mu) / sigma);
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
    static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /** Whether a predicted log runtime, raised by the margin, meets the deadline (seconds). */
    public static boolean onTime(double runtimeLog, double marginLog, double deadline) {
        return runtimeLog + marginLog <= Math.log(deadline);
    }

    /**
     * What is run in the end.
     *
     * @param measured   the measured configurations (true runtime and cost)
     * @param predicted  the unmeasured configurations' predictions (null when the searcher has none)
     * @return the measured one ({@code measured.get(i)}) or, as {@code -1 - j}, the unmeasured {@code j}
     */
    public static int pick(List<Measurement> measured, Predicted predicted, double deadline) {
        double[] runtime = new double[measured.size()];
        double[] cost = new double[measured.size()];
        for (int i = 0; i < runtime.length; i++) {
            runtime[i] = measured.get(i).runtime();
            cost[i] = measured.get(i).cost();
        }
        return pick(runtime, cost, predicted, deadline);
    }

    /**
     * {@link #pick(List, Predicted, double)} over the measured configurations' runtimes and
     * objective values (cost; {@code recommend} passes its objective's): what {@code recommend
     * --deadline} recommends ({@link Recommender}) and what the evaluation's cost under a deadline
     * scores, one method. Ties go to the first.
     *
     * @param measuredRuntime at least one measured configuration
     * @return the measured {@code i} or, as {@code -1 - j}, the unmeasured {@code j}
     */
    public static int pick(double[] measuredRuntime, double[] measuredValue, Predicted predicted, double deadline) {
        if (measuredRuntime.length == 0) {
            throw new IllegalArgumentException("pick: nothing measured");
        }
        int cheapestOnTime = -1;
        int fastest = -1;
        for (int i = 0; i < measuredRuntime.length; i++) {
            if (measuredRuntime[i] <= deadline
                    && (cheapestOnTime < 0 || measuredValue[i] < measuredValue[cheapestOnTime])) {
                cheapestOnTime = i;
            }
            if (fastest < 0 || measuredRuntime[i] < measuredRuntime[fastest]) {
                fastest = i;
            }
        }
        if (cheapestOnTime >= 0) {
            return cheapestOnTime;
        }
        if (predicted != null) {
            int j = measureNext(predicted.runtimeLog(), predicted.marginLog(), deadline, predicted.costLog());
            if (j >= 0) {
                return -1 - j;
            }
        }
        return fastest;
    }

    /**
     * A searcher's predictions of the unmeasured configurations, log space: runtime (for the
     * deadline), its margin, and cost (the searcher's own prediction, for the run-it pick).
     */
    public record Predicted(double[] runtimeLog, double[] marginLog, double[] costLog) {
    }
}
