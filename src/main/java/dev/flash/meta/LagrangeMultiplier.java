package dev.flash.meta;

/**
 * The multiplier of one constraint of a PPO-Lagrangian training (Ray et al. 2019), moved by dual
 * ascent once per PPO iteration:
 *
 * <pre>
 *   maximise E[objective]  subject to  measured &lt;= target
 *   reward_t = objective_t - lambda * cost_t
 *   after every iteration:  lambda &lt;- clip(lambda + rate * (measured - target), 0, max)
 * </pre>
 *
 * What "measured" is belongs to the case: case III's {@code SlowdownConstraint} measures the share
 * of training episodes over the slowdown budget, case II's {@code CoreBudget} the training
 * episodes' allocated core-seconds over HPA's. The first {@code warmUp} steps leave lambda at its
 * initial value: a policy still near random breaks any budget whatever lambda is.
 */
public final class LagrangeMultiplier {

    /**
     * @param initial lambda at the first iteration
     * @param rate    dual step per unit of (measured - target)
     * @param target  the constraint's bound on the measured value
     * @param max     lambda never goes above this
     * @param warmUp  dual steps during which lambda stays at {@code initial}
     */
    public record Config(double initial, double rate, double target, double max, int warmUp)
            implements java.io.Serializable {
        public Config {
            if (!(initial >= 0 && initial <= max)) {
                throw new IllegalArgumentException("initial multiplier must be in [0, max], got " + initial);
            }
            if (warmUp < 0) {
                throw new IllegalArgumentException("warm-up must be >= 0, got " + warmUp);
            }
            if (!(rate > 0)) {
                throw new IllegalArgumentException("dual rate must be > 0, got " + rate);
            }
            if (!Double.isFinite(target)) {
                throw new IllegalArgumentException("constraint target must be finite, got " + target);
            }
        }
    }

    private final Config config;
    private volatile double lambda;
    private int steps;

    public LagrangeMultiplier(Config config) {
        this.config = config;
        this.lambda = config.initial();
    }

    public Config config() {
        return config;
    }

    /** The current multiplier. */
    public double value() {
        return lambda;
    }

    /**
     * One dual step on the value measured since the last one; NaN (nothing was measured, e.g. no
     * episode finished) counts the step and keeps lambda. Returns the new lambda.
     */
    public synchronized double step(double measured) {
        steps++;
        if (!Double.isNaN(measured) && steps > config.warmUp()) {
            lambda = Math.max(0, Math.min(config.max(), lambda + config.rate() * (measured - config.target())));
        }
        return lambda;
    }
}
