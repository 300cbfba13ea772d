package dev.flash.meta.yardstick;

/**
 * When a converged expert's training may stop: after at least {@code minSteps} steps (at least
 * {@link #BUDGET_MULTIPLE} times the contestants' online budget), once the mean evaluated reward
 * of the last quarter of its curve improved on the quarter before by less than
 * {@code tolerance} of its magnitude <em>and</em> that last quarter clearly beats the case's
 * do-nothing policy ({@link DoNothing.Level#beatenBy}); at {@code maxSteps} it stops anyway and
 * is marked not converged (reported, never hidden). A curve flat at the do-nothing level is
 * {@link #stuck}, never plateaued: PPO that found nothing better than doing nothing (DVFS: parked
 * at fmax, where the reward is 0 and exploration dies) has not converged on the application.
 *
 * @param tolerance  relative gain below which the curve has plateaued (1%)
 * @param minSteps   steps before the rule is first checked
 * @param maxSteps   steps after which training stops regardless
 * @param checkSteps steps of training between two evaluations of the expert
 */
public record PlateauRule(double tolerance, long minSteps, long maxSteps, long checkSteps) {

    /** The expert's minimum budget as a multiple of the contestants' online budget. */
    public static final int BUDGET_MULTIPLE = 10;
    public static final double DEFAULT_TOLERANCE = 0.01;

    public PlateauRule {
        if (!(tolerance > 0) || minSteps < 1 || maxSteps < minSteps || checkSteps < 1) {
            throw new IllegalArgumentException("invalid plateau rule: tolerance " + tolerance + ", min " + minSteps
                    + ", max " + maxSteps + ", check every " + checkSteps);
        }
    }

    /**
     * The default rule for contestants with an online budget of {@code onlineBudgetSteps}: 1%,
     * at least 10x that budget, at most 40x, checked 16 times within the minimum.
     */
    public static PlateauRule forBudget(long onlineBudgetSteps) {
        long min = BUDGET_MULTIPLE * onlineBudgetSteps;
        return new PlateauRule(DEFAULT_TOLERANCE, min, 4 * min, Math.max(1, min / 16));
    }

    /**
     * {@link #forBudget(long)} with its minimum raised to {@code floorSteps} when that is more: a
     * short online budget would otherwise let an expert stop after a few updates, while a greedy
     * policy that has not changed its choices yet shows a flat curve that passes the 1% rule
     * (a do-nothing expert). Use a floor of the order of the contestants' own pre-training.
     */
    public static PlateauRule forBudget(long onlineBudgetSteps, long floorSteps) {
        long min = Math.max(BUDGET_MULTIPLE * onlineBudgetSteps, floorSteps);
        return new PlateauRule(DEFAULT_TOLERANCE, min, 4 * min, Math.max(1, min / 16));
    }

    /** The gain of the last quarter's mean over the third quarter's, relative to the last's magnitude. */
    public static double lastQuarterGain(EvaluatedCurve curve) {
        double len = curve.length();
        double last = curve.meanBetween(0.75 * len, Double.POSITIVE_INFINITY);
        double third = curve.meanBetween(0.5 * len, 0.75 * len);
        if (Double.isNaN(third) || Double.isNaN(last)) {
            return Double.POSITIVE_INFINITY;
        }
        double scale = Math.abs(last);
        return scale == 0 ? (last - third == 0 ? 0 : Double.POSITIVE_INFINITY) : (last - third) / scale;
    }

    /**
     * The curve has run long enough, its last quarter gained less than the tolerance, and it
     * clearly beats doing nothing.
     */
    public boolean plateaued(EvaluatedCurve curve, DoNothing.Level doNothing) {
        return curve.length() >= minSteps && lastQuarterGain(curve) < tolerance && doNothing.beatenBy(curve);
    }

    /**
     * Training is stuck at doing nothing: the curve has run its minimum, its last quarter does not
     * beat the do-nothing level, and it did not climb by more than the do-nothing margin over
     * the quarter before (a flat curve at 0 for DVFS). Going on would only spend the budget up to
     * {@code maxSteps}; the expert's trainer retries with a remedy instead.
     */
    public boolean stuck(EvaluatedCurve curve, DoNothing.Level doNothing) {
        if (curve.length() < minSteps || doNothing.beatenBy(curve)) {
            return false;
        }
        double len = curve.length();
        double climb = curve.meanBetween(0.75 * len, Double.POSITIVE_INFINITY)
                - curve.meanBetween(0.5 * len, 0.75 * len);
        return !(climb > doNothing.margin());
    }

    /** This rule with its minimum and maximum multiplied by {@code k} (a longer minimum, for a retry). */
    public PlateauRule longer(int k) {
        return new PlateauRule(tolerance, minSteps * k, maxSteps * k, checkSteps);
    }

    /** Mean standard error of the points of the last quarter (the noise of its points). */
    public static double lastQuarterStandardError(EvaluatedCurve curve) {
        double len = curve.length();
        double s = 0;
        int n = 0;
        for (int i = 0; i < curve.steps().length; i++) {
            if (curve.steps()[i] >= 0.75 * len) {
                s += curve.standardError()[i];
                n++;
            }
        }
        return n == 0 ? 0 : s / n;
    }

    /** The expert's reward: the mean of its last quarter (its plateau level, not a lucky point). */
    public static double plateauReward(EvaluatedCurve curve) {
        return curve.meanBetween(0.75 * curve.length(), Double.POSITIVE_INFINITY);
    }
}
