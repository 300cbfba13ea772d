package dev.flash.daemon;

/**
 * AWARE's retraining detector, per cpufreq policy: keep the last {@value #WINDOW} rewards and
 * advise retraining when their mean falls below a threshold or their spread rises above one.
 *
 * <p>AWARE compares against fixed numbers on its normalised rewards ("below a threshold",
 * "standard deviation above one"). Our rewards are on the scale of {@code DvfsReward}, so both
 * bounds are taken from the model's own training figures ({@code flash.expected_reward} E and
 * {@code flash.expected_reward_std} S): the mean must stay above {@code E - 2 S} and the spread
 * below {@code 2 S}. Without S, {@code S = max(0.1 |E|, 0.01)} stands in.
 */
public final class DriftDetector {
    public static final int WINDOW = 10;
    public static final String MATCHES = "context matches training";
    public static final String RETRAIN = "retraining advised";

    private final double[] rewards = new double[WINDOW];
    private int next;
    private int count;

    public void add(double reward) {
        if (Double.isNaN(reward)) {
            return;
        }
        rewards[next] = reward;
        next = (next + 1) % WINDOW;
        count = Math.min(WINDOW, count + 1);
    }

    public void clear() {
        next = 0;
        count = 0;
    }

    public int count() {
        return count;
    }

    public double mean() {
        if (count == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < count; i++) {
            s += rewards[i];
        }
        return s / count;
    }

    public double std() {
        if (count < 2) {
            return Double.NaN;
        }
        double m = mean();
        double s = 0;
        for (int i = 0; i < count; i++) {
            s += (rewards[i] - m) * (rewards[i] - m);
        }
        return Math.sqrt(s / (count - 1));
    }

    /** The verdict shown in the status. */
    public String verdict(double expected, double expectedStd) {
        if (Double.isNaN(expected)) {
            return "unknown (model has no flash.expected_reward)";
        }
        if (count < WINDOW) {
            return "collecting (" + count + "/" + WINDOW + " rewards)";
        }
        double spread = expectedStd > 0 ? expectedStd : Math.max(0.1 * Math.abs(expected), 0.01);
        return mean() < expected - 2 * spread || std() > 2 * spread ? RETRAIN : MATCHES;
    }
}
