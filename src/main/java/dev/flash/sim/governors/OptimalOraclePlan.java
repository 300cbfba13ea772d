package dev.flash.sim.governors;

import dev.flash.sim.AppSpec;
import dev.flash.sim.IntervalTruth;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimulatedNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The budget-optimal clairvoyant plan: for one run of the simulated node, the clock of every
 * (cpufreq policy, second) that minimises the run's energy subject to each policy's slowdown
 * against the performance governor (and so the run's) staying within the budget. It is the most any policy deciding once a
 * second could save on that run within the budget: an upper reference, not a policy one could
 * build.
 *
 * <p>Why it can be computed exactly. The node's load noise is drawn from its seeded stream in an
 * order that does not depend on the clocks (segments are cut by phase boundaries, which are
 * fixed in time), and what a second does at a clock depends on nothing earlier but the time. So
 * {@link #of} replays the run once per table frequency on nodes built like the evaluated one
 * (same spec, applications and seed, the same sample/apply/advance sequence as
 * {@code OperatorEvaluation.run}) and reads, per (policy, second) and clock, the true energy and
 * the work lost against fmax. The plan then knows the realised noise as well as the phases.
 *
 * <p>How it chooses ({@link #choose}), per policy: a Lagrangian over its seconds. For a
 * multiplier lambda each item takes the clock minimising energy + lambda * lost work; lambda is
 * bisected to the smallest value whose plan keeps the budget, then the slack left is spent
 * greedily (the move saving the most energy per unit of lost work first). The Lagrangian alone is
 * optimal up to one item's step (the problem is a multiple-choice knapsack); the greedy pass closes
 * most of that. Checked against brute force in {@code OptimalOraclePlanTest}.
 */
public final class OptimalOraclePlan {

    private final long[][] khz;
    private final double energyJoules;
    private final double lostWork;
    private final double workAtFmax;

    private OptimalOraclePlan(long[][] khz, double energyJoules, double lostWork, double workAtFmax) {
        this.khz = khz;
        this.energyJoules = energyJoules;
        this.lostWork = lostWork;
        this.workAtFmax = workAtFmax;
    }

    /**
     * Plans {@code ticks} seconds of a node built as {@code new SimulatedNode(spec, apps, seed)}
     * and driven one decision per {@code tickSeconds} from time 0 (the evaluation harness).
     */
    public static OptimalOraclePlan of(NodeSpec spec, List<AppSpec> apps, long seed, int ticks, double tickSeconds,
                                      double slowdownBudget) {
        if (!(slowdownBudget >= 0 && slowdownBudget < 1)) {
            throw new IllegalArgumentException("slowdown budget must be in [0, 1), got " + slowdownBudget);
        }
        if (ticks < 1) {
            throw new IllegalArgumentException("a plan needs at least one tick, got " + ticks);
        }
        long[] table = spec.frequencyTable();
        int policies = spec.policyCount();
        Costs c = costs(spec, apps, seed, ticks, tickSeconds);
        long[][] khz = new long[policies][ticks];
        double e = 0;
        double l = 0;
        // The budget holds per cpufreq policy, not only summed over them: the run's slowdown sums
        // every policy's work, and a joint allowance would let the plan park one policy's copy of
        // the application far over budget while the others run at fmax.
        for (int id = 0; id < policies; id++) {
            double[][] energy = java.util.Arrays.copyOfRange(c.energy(), id * ticks, (id + 1) * ticks);
            double[][] lost = java.util.Arrays.copyOfRange(c.lost(), id * ticks, (id + 1) * ticks);
            // A hair inside the budget: the evaluation sums the same figures in another order.
            int[] choice = choose(energy, lost, slowdownBudget * c.policyWorkAtFmax()[id] * (1 - 1e-9));
            for (int t = 0; t < ticks; t++) {
                khz[id][t] = table[choice[t]];
                e += energy[t][choice[t]];
                l += lost[t][choice[t]];
            }
        }
        return new OptimalOraclePlan(khz, e, l, c.workAtFmax());
    }

    /**
     * What every (policy, second) costs at every clock of the table, measured on replays of the
     * run: item {@code policyId * ticks + second}, option = table index.
     *
     * @param energy     joules of the item at each clock (its share of the static power included)
     * @param lost       work lost against fmax (0 at fmax)
     * @param policyWorkAtFmax per policy, the work its copy of the run asks for (the same at every clock)
     */
    public record Costs(double[][] energy, double[][] lost, double[] policyWorkAtFmax) {

        /** The work the whole run asks for. */
        public double workAtFmax() {
            return java.util.Arrays.stream(policyWorkAtFmax).sum();
        }
    }

    /** {@link Costs} of the run {@link #of} plans: one replay of the run per table frequency. */
    public static Costs costs(NodeSpec spec, List<AppSpec> apps, long seed, int ticks, double tickSeconds) {
        long[] table = spec.frequencyTable();
        int policies = spec.policyCount();
        int items = policies * ticks;
        double[][] energy = new double[items][table.length];
        double[][] lost = new double[items][table.length];
        double[] atFmax = new double[policies];
        for (int j = 0; j < table.length; j++) {
            SimulatedNode node = new SimulatedNode(spec, apps, seed);
            double[] runAtFmax = new double[policies];
            for (int t = 0; t <= ticks; t++) {
                if (node.sample().intervalSeconds() > 0) {
                    for (int id = 0; id < policies; id++) {
                        IntervalTruth truth = node.lastInterval(id);
                        int item = id * ticks + (t - 1);
                        energy[item][j] = truth.energyJoules();
                        lost[item][j] = truth.workAtFmax() - truth.work();
                        runAtFmax[id] += truth.workAtFmax();
                    }
                }
                if (t == ticks) {
                    break;
                }
                for (int id = 0; id < policies; id++) {
                    node.applyKhz(id, table[j]);
                }
                node.advance(tickSeconds);
            }
            atFmax = runAtFmax; // the same at every clock: the load asked for does not depend on it
        }
        return new Costs(energy, lost, atFmax);
    }

    /** The planned clock of {@code policyId} for the second starting at tick {@code tick}. */
    public long khz(int policyId, int tick) {
        long[] plan = khz[policyId];
        return plan[Math.max(0, Math.min(plan.length - 1, tick))];
    }

    /** Energy of the planned run (joules, every policy and the static share). */
    public double energyJoules() {
        return energyJoules;
    }

    /** The planned run's slowdown against fmax: lost work over the work asked for. */
    public double slowdown() {
        return workAtFmax <= 0 ? 0 : lostWork / workAtFmax;
    }

    /**
     * Per item (row) the option (column) minimising total energy subject to total lost work
     * &lt;= {@code allowedLoss}, by the Lagrangian and a greedy pass over the slack (class
     * comment). Every item must have an option that loses nothing (fmax does), so a plan within
     * the allowance always exists; options are assumed to lose work >= 0.
     */
    public static int[] choose(double[][] energy, double[][] lost, double allowedLoss) {
        int items = energy.length;
        int[] best = pick(energy, lost, 0);
        if (total(lost, best) > allowedLoss) {
            double lo = 0;
            double hi = 1;
            int[] feasible = pick(energy, lost, hi);
            while (total(lost, feasible) > allowedLoss) {
                if (hi > 1e15) {
                    throw new IllegalArgumentException("no plan loses at most " + allowedLoss
                            + " (an item without an option that loses nothing?)");
                }
                lo = hi;
                hi *= 4;
                feasible = pick(energy, lost, hi);
            }
            for (int k = 0; k < 80 && hi - lo > 1e-12 * hi; k++) {
                double mid = 0.5 * (lo + hi);
                int[] p = pick(energy, lost, mid);
                if (total(lost, p) <= allowedLoss) {
                    hi = mid;
                    feasible = p;
                } else {
                    lo = mid;
                }
            }
            best = feasible;
        }
        spendSlack(energy, lost, best, allowedLoss - total(lost, best));
        return best;
    }

    /** Per item the option minimising energy + lambda * lost (ties: the one losing less). */
    private static int[] pick(double[][] energy, double[][] lost, double lambda) {
        int[] out = new int[energy.length];
        for (int i = 0; i < energy.length; i++) {
            int b = 0;
            double bv = energy[i][0] + lambda * lost[i][0];
            for (int j = 1; j < energy[i].length; j++) {
                double v = energy[i][j] + lambda * lost[i][j];
                if (v < bv || (v == bv && lost[i][j] < lost[i][b])) {
                    b = j;
                    bv = v;
                }
            }
            out[i] = b;
        }
        return out;
    }

    /** Moves items to cheaper options while the loss they add fits the slack, best ratio first. */
    private static void spendSlack(double[][] energy, double[][] lost, int[] choice, double slack) {
        for (int round = 0; round < 100_000; round++) {
            int bi = -1;
            int bj = -1;
            double bestRatio = 0;
            for (int i = 0; i < choice.length; i++) {
                int c = choice[i];
                for (int j = 0; j < energy[i].length; j++) {
                    double de = energy[i][c] - energy[i][j];
                    double dl = lost[i][j] - lost[i][c];
                    if (de <= 0 || dl > slack) {
                        continue;
                    }
                    double ratio = dl <= 0 ? Double.POSITIVE_INFINITY : de / dl;
                    if (ratio > bestRatio) {
                        bestRatio = ratio;
                        bi = i;
                        bj = j;
                    }
                }
            }
            if (bi < 0) {
                return;
            }
            slack -= lost[bi][bj] - lost[bi][choice[bi]];
            choice[bi] = bj;
        }
    }

    private static double total(double[][] lost, int[] choice) {
        double s = 0;
        for (int i = 0; i < choice.length; i++) {
            s += lost[i][choice[i]];
        }
        return s;
    }

    /** The applications a node runs, one per policy (for planning a node as it stands). */
    static List<AppSpec> applications(SimulatedNode node) {
        List<AppSpec> apps = new ArrayList<>(node.policyCount());
        for (int id = 0; id < node.policyCount(); id++) {
            apps.add(node.application(id));
        }
        return apps;
    }
}
