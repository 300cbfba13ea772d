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
 *   after every PPO iteration:  ln lambda &lt;- clip(ln lambda + rate x (ratio - target), ln MIN_PRICE, ln max)
 *   ratio = sum of the iteration's finished training episodes' core-seconds over HPA's on the same episodes
 * </pre>
 *
 * The dual ascent runs on the logarithm of the price ({@link LagrangeMultiplier} on {@code
 * ln(lambda / MIN_PRICE)}): a price is a ratio, and an additive step either crawls at the
 * operator's rate (1) or, sized to climb to tens in a few iterations, takes as many to come back
 * down once the agent is under budget (a first run with an additive step of 5 x (ratio - 0.95)
 * drove the episode return from -80 to -830 within 20 iterations: the price sat at its cap while
 * the policy had already moved; it was stopped at iteration 28 and is not reported).
 *
 * HPA is a rule, not a contestant: every constrained training episode runs it beside the agent on
 * the same load and noise, set up as an operator sets it up ({@link OperatorRun}: the limit that
 * carries the peak, the replicas the first step needs; {@link AutoscaleEnvironment#constrainWith}),
 * so its core-seconds are the budget of that very episode. The agent starts from its random
 * allocation and has to correct it within the budget. lambda is the price of a core relative to
 * the operator's rate (1): it starts there and rises while the agent allocates more than HPA,
 * falls while it allocates less. The goal is a dominance over HPA (fewer misses at no more
 * cores), so the cores are the constraint and the misses the objective; the other way round
 * (misses &lt;= HPA's, minimise cores) would stop at HPA's miss rate, which is what an operator
 * wants to get below.
 *
 * <p>{@link Constrained#MISSES} turns the constraint around ({@link #missBudget}): the episode's
 * missed requests &lt;= target x HPA's on the same episode, missed requests priced by lambda and
 * the cores at the operator's rate, so the policy minimises cores within a miss budget below HPA's.
 * Same dual ascent on ln lambda, same bounds; an iteration in which HPA missed nothing measures
 * nothing (no ratio to compare) and keeps lambda. Added after the core budget collapsed to "always
 * scale in" at 1.5x HPA's misses (docs/log/2026-12-07-autoscale-miss-budget.md).
 *
 * <p>{@link Constrained#BOTH} is the operator's goal written as two constraints ({@link #twoSided}):
 * core-seconds &lt;= target x HPA's <em>and</em> missed requests &lt;= target x HPA's, each priced by
 * its own multiplier with the same dual ascent. Where both can be met the prices settle where they
 * are; where the policy's trade-off passes above that point both rise, and their ratio moves by
 * 0.5 x (miss ratio - core ratio) per iteration, so the policy is pushed to the point of its curve
 * where it exceeds HPA by the same share on both counts, the nearest it gets to dominance. Either
 * one-sided budget instead pins one count and lets the other go (the greedy-priced core budget of
 * 0.95 ended at 1.00x HPA's misses and 1.08x its cores held out; docs/log/2026-12-07-autoscale-greedy-budget.md).
 */
public final class CoreBudget {

    /** What the budget bounds against HPA's on the same episode; lambda prices that quantity. */
    public enum Constrained {
        /** core-seconds &lt;= target x HPA's; lambda prices cores, misses at the operator's rate */
        CORES,
        /** missed requests &lt;= target x HPA's; lambda prices misses, cores at the operator's rate */
        MISSES,
        /** both at once: core-seconds and missed requests &lt;= target x HPA's, each with its own price */
        BOTH
    }

    /** The lowest core price: a twentieth of the operator's rate. */
    public static final double MIN_PRICE = 0.05;

    /**
     * Start at the operator's rate (1) for 5 iterations (the policy is near random), then move
     * ln lambda by 0.5 x (ratio - 0.95) per iteration (a ratio of 2 multiplies the price by 1.7,
     * one of 0.8 by 0.93), lambda in [0.05, 20]. The 5% margin under HPA's cores stands for the
     * difference between 60-step training episodes from random allocations and an operator's long
     * run from HPA's set-up. Chosen before the run, not tuned on any service.
     */
    public static LagrangeMultiplier.Config defaults() {
        return withRatio(0.95);
    }

    /** {@link #defaults()} with the budget at {@code ratio} x HPA's core-seconds instead of 0.95. */
    public static LagrangeMultiplier.Config withRatio(double ratio) {
        return logConfig(1.0, 0.5, ratio, 20.0, 5);
    }

    /** The config of the multiplier on {@code ln(lambda / MIN_PRICE)} for a price starting at {@code initial}. */
    public static LagrangeMultiplier.Config logConfig(double initial, double rate, double target, double max,
                                                      int warmUp) {
        return new LagrangeMultiplier.Config(Math.log(initial / MIN_PRICE), rate, target, Math.log(max / MIN_PRICE),
                warmUp);
    }

    public static String describe(LagrangeMultiplier.Config c) {
        return describe(Constrained.CORES, c);
    }

    public static String describe(Constrained what, LagrangeMultiplier.Config c) {
        String budget = what == Constrained.BOTH
                ? "core-seconds <= " + c.target() + " x HPA's and missed requests <= " + c.target() + " x HPA's on the"
                        + " same training episode; a core price and a miss price (x the operator's), each"
                : what == Constrained.MISSES
                ? "missed requests <= " + c.target() + " x HPA's on the same training episode; miss price lambda"
                        + " (x the operator's)"
                : "core-seconds <= " + c.target() + " x HPA's on the same training episode; core price lambda";
        return budget + " by dual ascent on ln lambda (start " + price(c.initial()) + ", rate " + c.rate()
                + ", lambda in [" + MIN_PRICE + ", " + price(c.max()) + "], after " + c.warmUp() + " iterations)";
    }

    private static double price(double logValue) {
        return Math.round(MIN_PRICE * Math.exp(logValue) * 1e6) / 1e6;
    }

    /**
     * The miss budget: missed requests &lt;= {@code ratio} x HPA's on the same episode, the same
     * dual ascent as {@link #defaults()} (price 1 for 5 iterations, ln lambda step 0.5 x (ratio of
     * misses - target), lambda in [0.05, 20]). The step and bounds are the core budget's, not tuned.
     */
    public static LagrangeMultiplier.Config missBudget(double ratio) {
        return withRatio(ratio);
    }

    /**
     * The two-sided budget's multiplier settings (both prices): cores and misses &lt;= {@code ratio} x
     * HPA's, each price as {@link #defaults()} (1 for 5 iterations, ln step 0.5, in [0.05, 20]).
     */
    public static LagrangeMultiplier.Config twoSided(double ratio) {
        return withRatio(ratio);
    }

    /** ln(lambda / MIN_PRICE): the multiplier the dual ascent moves. */
    private final LagrangeMultiplier lambda;
    /** {@link Constrained#BOTH} only: ln(miss price / MIN_PRICE); null otherwise. */
    private final LagrangeMultiplier missLambda;
    private final Constrained constrained;
    private double agentCores;
    private double hpaCores;
    private double agentMisses;
    private double hpaMisses;
    private double requests;
    private int episodes;
    private boolean greedy;
    private final List<double[]> history = new ArrayList<>();

    /** A budget on core-seconds ({@link Constrained#CORES}). */
    public CoreBudget(LagrangeMultiplier.Config config) {
        this(Constrained.CORES, config);
    }

    public CoreBudget(Constrained constrained, LagrangeMultiplier.Config config) {
        this.constrained = constrained;
        this.lambda = new LagrangeMultiplier(config);
        this.missLambda = constrained == Constrained.BOTH ? new LagrangeMultiplier(config) : null;
    }

    public Constrained constrained() {
        return constrained;
    }

    /** The price of a core in the training reward (1: the operator's rate). */
    public double corePrice() {
        return constrained != Constrained.MISSES ? lambda() : 1;
    }

    /** The price of a missed request in the training reward, relative to the operator's. */
    public double missPrice() {
        return switch (constrained) {
            case MISSES -> lambda();
            case BOTH -> MIN_PRICE * Math.exp(missLambda.value());
            case CORES -> 1;
        };
    }

    public LagrangeMultiplier.Config config() {
        return lambda.config();
    }

    /** The current multiplier: the price of what is constrained (1: the operator's rate). */
    public double lambda() {
        return MIN_PRICE * Math.exp(lambda.value());
    }

    /**
     * From now on the dual step compares only what {@link #recordGreedy} counts (the greedy
     * policy's runs); the training episodes' {@link #record} calls are ignored. Off by default.
     */
    public synchronized CoreBudget measuredGreedily() {
        greedy = true;
        return this;
    }

    /** Counts one finished training episode (ignored when {@link #measuredGreedily}). */
    public synchronized void record(double agentCoreSeconds, double hpaCoreSeconds, double agentSloMisses,
                                    double hpaSloMisses, double offered) {
        if (!greedy) {
            count(agentCoreSeconds, hpaCoreSeconds, agentSloMisses, hpaSloMisses, offered);
        }
    }

    /** Counts one run of the greedy policy beside HPA on the same load (only when {@link #measuredGreedily}). */
    public synchronized void recordGreedy(double agentCoreSeconds, double hpaCoreSeconds, double agentSloMisses,
                                          double hpaSloMisses, double offered) {
        if (!greedy) {
            throw new IllegalStateException("recordGreedy on a budget measured on the training episodes");
        }
        count(agentCoreSeconds, hpaCoreSeconds, agentSloMisses, hpaSloMisses, offered);
    }

    private void count(double agentCoreSeconds, double hpaCoreSeconds, double agentSloMisses, double hpaSloMisses,
                       double offered) {
        episodes++;
        agentCores += agentCoreSeconds;
        hpaCores += hpaCoreSeconds;
        agentMisses += agentSloMisses;
        hpaMisses += hpaSloMisses;
        requests += offered;
    }

    /** One dual step from the episodes counted since the last one (none: lambda stays); the new lambda. */
    public synchronized double dualStep() {
        if (constrained == Constrained.BOTH) {
            boolean cores = episodes > 0 && hpaCores > 0;
            boolean misses = cores && hpaMisses > 0;
            lambda.step(cores ? agentCores / hpaCores : Double.NaN);
            missLambda.step(misses ? agentMisses / hpaMisses : Double.NaN);
            if (cores) {
                history.add(new double[] {agentCores / hpaCores, share(agentMisses), share(hpaMisses), lambda(), episodes,
                    missPrice()});
            }
        } else {
            double hpa = constrained == Constrained.CORES ? hpaCores : hpaMisses;
            if (episodes == 0 || hpa <= 0 || hpaCores <= 0) {
                lambda.step(Double.NaN);
            } else {
                lambda.step((constrained == Constrained.CORES ? agentCores : agentMisses) / hpa);
                history.add(new double[] {agentCores / hpaCores, share(agentMisses), share(hpaMisses), lambda(), episodes});
            }
        }
        episodes = 0;
        agentCores = 0;
        hpaCores = 0;
        agentMisses = 0;
        hpaMisses = 0;
        requests = 0;
        return lambda();
    }

    private double share(double misses) {
        return requests > 0 ? misses / requests : 0;
    }

    /**
     * Per dual step: {core-seconds over HPA's, agent's missed share, HPA's missed share, lambda
     * after the step (the price of what is constrained; {@link Constrained#BOTH}: the core price),
     * episodes counted}, and for {@link Constrained#BOTH} a sixth: the miss price after the step.
     */
    public synchronized List<double[]> history() {
        return List.copyOf(history);
    }
}
