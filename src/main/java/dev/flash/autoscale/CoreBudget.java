package dev.flash.autoscale;

import dev.flash.meta.LagrangeMultiplier;
import java.util.ArrayList;
import java.util.List;

/**
 * HPA's core-seconds as the budget of the training problem (PPO-Lagrangian, {@link
 * LagrangeMultiplier}):
 *
 * <pre>
 *   minimise  E[missed requests x price]   subject to   agent core-seconds / HPA core-seconds &lt;= target
 *   reward_t = -(lambda x cores_t + missed_cores_t) / reference_cores        ({@link AutoscaleReward})
 *   after every PPO iteration:  lambda &lt;- clip(lambda + rate x (ratio - target), 0, max)
 *   ratio = sum of the iteration's finished training episodes' core-seconds over HPA's on the same episodes
 * </pre>
 *
 * HPA is a rule, not a contestant: every constrained training episode runs it beside the agent on
 * the same load, noise and starting allocation ({@link AutoscaleEnvironment#constrainWith}), so
 * its core-seconds are the budget of that very episode. lambda is the price of a core relative to
 * the operator's rate (1): it starts there and rises while the agent allocates more than HPA,
 * falls while it allocates less. The goal is a dominance over HPA (fewer misses at no more
 * cores), so the cores are the constraint and the misses the objective; the other way round
 * (misses &lt;= HPA's, minimise cores) would stop at HPA's miss rate, which is what an operator
 * wants to get below.
 */
public final class CoreBudget {

    /**
     * Start at the operator's rate (1) for 10 iterations (the policy is near random), then move
     * lambda by 5 x (ratio - 0.95) per iteration, at most 50. The 5% margin under HPA's cores
     * stands for the difference between 60-step training episodes from random allocations and an
     * operator's long run from HPA's set-up; it was chosen before any run, not tuned.
     */
    public static LagrangeMultiplier.Config defaults() {
        return new LagrangeMultiplier.Config(1.0, 5.0, 0.95, 50.0, 10);
    }

    public static String describe(LagrangeMultiplier.Config c) {
        return "core-seconds <= " + c.target() + " x HPA's on the same training episode; core price lambda by dual"
                + " ascent (start " + c.initial() + ", rate " + c.rate() + ", max " + c.max() + ", after "
                + c.warmUp() + " iterations)";
    }

    private final LagrangeMultiplier lambda;
    private double agentCores;
    private double hpaCores;
    private double agentMisses;
    private double hpaMisses;
    private double requests;
    private int episodes;
    private final List<double[]> history = new ArrayList<>();

    public CoreBudget(LagrangeMultiplier.Config config) {
        this.lambda = new LagrangeMultiplier(config);
    }

    public LagrangeMultiplier.Config config() {
        return lambda.config();
    }

    /** The current price of a core (1: the operator's rate). */
    public double lambda() {
        return lambda.value();
    }

    /** Counts one finished training episode: the agent's and HPA's core-seconds and misses on it. */
    public synchronized void record(double agentCoreSeconds, double hpaCoreSeconds, double agentSloMisses,
                                    double hpaSloMisses, double offered) {
        episodes++;
        agentCores += agentCoreSeconds;
        hpaCores += hpaCoreSeconds;
        agentMisses += agentSloMisses;
        hpaMisses += hpaSloMisses;
        requests += offered;
    }

    /** One dual step from the episodes counted since the last one (none: lambda stays); the new lambda. */
    public synchronized double dualStep() {
        if (episodes == 0 || hpaCores <= 0) {
            lambda.step(Double.NaN);
        } else {
            double ratio = agentCores / hpaCores;
            double next = lambda.step(ratio);
            history.add(new double[] {ratio, share(agentMisses), share(hpaMisses), next, episodes});
        }
        episodes = 0;
        agentCores = 0;
        hpaCores = 0;
        agentMisses = 0;
        hpaMisses = 0;
        requests = 0;
        return lambda.value();
    }

    private double share(double misses) {
        return requests > 0 ? misses / requests : 0;
    }

    /**
     * Per dual step: {core-seconds over HPA's, agent's missed share, HPA's missed share, lambda
     * after the step, episodes counted}.
     */
    public synchronized List<double[]> history() {
        return List.copyOf(history);
    }
}
