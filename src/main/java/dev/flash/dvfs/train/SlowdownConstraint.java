package dev.flash.dvfs.train;

import dev.flash.meta.LagrangeMultiplier;
import java.util.ArrayList;
import java.util.List;

/**
 * The slowdown budget as a constraint of the training problem, not a fixed soft penalty:
 * PPO-Lagrangian with one multiplier per budget.
 *
 * <pre>
 *   maximise  E[saving]   subject to   P(episode slowdown &gt; budget) &lt;= target
 *   reward_t = saving_t - lambda * cost_t,   cost_t = max(0, slowdown_t - budget)
 *   after every PPO iteration:  lambda &lt;- clip(lambda + rate * (over - target), 0, max)
 *   over = share of the iteration's completed training episodes whose slowdown exceeded the budget
 * </pre>
 *
 * The per-step cost is the overrun the fixed penalty used (so lambda = kappa = 6 is the old
 * reward); the constraint is measured where the operator measures it, on whole episodes. The
 * policy gradient sees the advantage of {@code saving - lambda * cost}, which is the reward
 * advantage minus lambda times the cost advantage of PPO-Lagrangian (Ray et al. 2019) with one
 * critic for the combined return; lambda moves slowly against the critic's learning rate, so the
 * critic follows it. Dual ascent raises lambda while too many episodes break the budget and
 * lowers it (more saving) while fewer do. The multiplier itself is the core's
 * {@link LagrangeMultiplier} (case II's core budget uses the same).
 */
public final class SlowdownConstraint {

    /**
     * @param initial         lambda at the first iteration (6: the fixed penalty it replaces)
     * @param rate            dual step per unit of (over - target)
     * @param targetOverShare share of training episodes allowed over the budget
     * @param max             lambda never goes above this
     * @param warmUp          dual steps skipped at the start (lambda stays at {@code initial} while the
     *                        policy is still near random and breaks the budget whatever lambda is)
     */
    public record Config(double initial, double rate, double targetOverShare, double max, int warmUp)
            implements java.io.Serializable {
        public Config {
            multiplier(initial, rate, targetOverShare, max, warmUp); // the multiplier's own checks
            if (!(targetOverShare >= 0 && targetOverShare < 1)) {
                throw new IllegalArgumentException("target share over budget must be in [0, 1), got "
                        + targetOverShare);
            }
        }

        /** The multiplier these settings drive: its target is the share of episodes over budget. */
        LagrangeMultiplier.Config multiplier() {
            return multiplier(initial, rate, targetOverShare, max, warmUp);
        }

        private static LagrangeMultiplier.Config multiplier(double initial, double rate, double targetOverShare,
                                                            double max, int warmUp) {
            return new LagrangeMultiplier.Config(initial, rate, targetOverShare, max, warmUp);
        }

        /**
         * Starts at the old penalty (6) and keeps it for the first 200 iterations, then at most 2% of
         * training episodes over budget, lambda moving by 2 x (share over - 0.02) per iteration, at most 50.
         */
        public static Config defaults() {
            return new Config(DvfsEnvironment.DEFAULT_KAPPA, 2.0, 0.02, 50.0, 200);
        }

        public String describe(double budget) {
            return "Lagrangian: saving - lambda * max(0, slowdown - " + budget + "), lambda by dual ascent "
                    + "(start " + initial + ", rate " + rate + ", target <= " + targetOverShare
                    + " of training episodes over budget, max " + max + ", after " + warmUp + " iterations)";
        }
    }

    private final Config config;
    private final double budget;
    private final LagrangeMultiplier lambda;
    private int episodes;
    private int over;
    private double slowdownSum;
    private int steps;
    private final List<double[]> history = new ArrayList<>();

    public SlowdownConstraint(Config config, double budget) {
        this.config = config;
        this.budget = budget;
        this.lambda = new LagrangeMultiplier(config.multiplier());
    }

    public Config config() {
        return config;
    }

    public double budget() {
        return budget;
    }

    /** The current multiplier: the weight of one unit of per-step overrun in the reward. */
    public double lambda() {
        return lambda.value();
    }

    /** Counts one completed training episode. */
    public synchronized void record(EpisodeStats e) {
        episodes++;
        slowdownSum += e.slowdown();
        if (!e.budgetHeld(budget)) {
            over++;
        }
    }

    /**
     * One dual ascent step from the episodes counted since the last one (none: lambda stays);
     * returns the new lambda.
     */
    public synchronized double dualStep() {
        if (episodes == 0) {
            lambda.step(Double.NaN);
        } else {
            double share = (double) over / episodes;
            history.add(new double[] {share, slowdownSum / episodes, lambda.step(share)});
        }
        episodes = 0;
        over = 0;
        slowdownSum = 0;
        return lambda.value();
    }

    /** Per dual step: {share of episodes over budget, mean episode slowdown, lambda after the step}. */
    public synchronized List<double[]> history() {
        return List.copyOf(history);
    }
}
