package dev.flash.sim.governors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.HiddenParams;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.Phase;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptimalOraclePlanTest {

    private static final double BUDGET = 0.05;

    /** One cpufreq policy of two CPUs and five clocks, 2.0-3.0 GHz: 5^4 plans of a 4 s run. */
    private static NodeSpec tinyNode() {
        NodeSpec d = NodeSpec.defaults();
        return new NodeSpec(2, 2, d.driver(), 2_000_000, 3_000_000, 250_000, d.vminVolts(), d.vmaxVolts(),
                d.idleWatts(), d.dynamicWattsPerCpu(), d.stallActivity(), d.uncoreWatts(), d.dramWatts(),
                d.memoryLatencyNs(), d.raplMaxEnergyRangeUj(), d.noise(), d.initialGovernor(), d.maxKhz());
    }

    /** Phases that want different clocks, some starting inside a second, one of them noisy. */
    private static AppSpec mixed() {
        return new AppSpec("mixed", List.of(
                new Phase(0.05, 1.2, 1.0, 1.5, 0.0, 0, 60),     // saturated, CPU-bound
                new Phase(0.6, 0.9, 1.0, 1.0, 0.1, 0, 60),      // memory-bound, noisy
                new Phase(0.1, 0.5, 1.0, 1.5, 0.0, 0, 60)),     // half load
                HiddenParams.TYPICAL, AppSpec.TEST);
    }

    @Test
    void theLagrangianPlanIsTheBruteForceOptimumOnATinyApp() {
        int ticks = 4;
        OptimalOraclePlan.Costs c = OptimalOraclePlan.costs(tinyNode(), List.of(mixed()), 3, ticks, 1.0);
        double allowed = BUDGET * c.workAtFmax();
        int options = c.energy()[0].length;
        double best = Double.POSITIVE_INFINITY;
        int[] choice = new int[ticks];
        for (int code = 0; code < Math.pow(options, ticks); code++) {
            int k = code;
            for (int i = 0; i < ticks; i++) {
                choice[i] = k % options;
                k /= options;
            }
            if (total(c.lost(), choice) <= allowed) {
                best = Math.min(best, total(c.energy(), choice));
            }
        }
        int[] planned = OptimalOraclePlan.choose(c.energy(), c.lost(), allowed);
        assertTrue(total(c.lost(), planned) <= allowed, "the plan keeps the budget");
        assertEquals(best, total(c.energy(), planned), 1e-9 * best, "least energy within the budget");
        assertTrue(total(c.energy(), planned) < total(c.energy(), new int[] {4, 4, 4, 4}), "it saves over fmax");
    }

    @Test
    void onRandomCostsThePlanKeepsTheAllowanceAndStaysWithinOneStepOfBruteForce() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int instance = 0; instance < 200; instance++) {
            int items = 5;
            int options = 4;
            double[][] energy = new double[items][options];
            double[][] lost = new double[items][options];
            double largestStep = 0;
            for (int i = 0; i < items; i++) {
                // Option 0 is fmax: most energy, nothing lost; lower clocks cost less and lose more.
                energy[i][0] = 10 + rng.nextDouble() * 5;
                for (int j = 1; j < options; j++) {
                    energy[i][j] = energy[i][j - 1] - rng.nextDouble() * 3;
                    lost[i][j] = lost[i][j - 1] + rng.nextDouble();
                }
                largestStep = Math.max(largestStep, energy[i][0] - energy[i][options - 1]);
            }
            double allowed = rng.nextDouble() * items;
            double best = Double.POSITIVE_INFINITY;
            int[] choice = new int[items];
            for (int code = 0; code < Math.pow(options, items); code++) {
                int k = code;
                for (int i = 0; i < items; i++) {
                    choice[i] = k % options;
                    k /= options;
                }
                if (total(lost, choice) <= allowed) {
                    best = Math.min(best, total(energy, choice));
                }
            }
            int[] planned = OptimalOraclePlan.choose(energy, lost, allowed);
            assertTrue(total(lost, planned) <= allowed + 1e-12, "instance " + instance + " keeps the allowance");
            double e = total(energy, planned);
            assertTrue(e >= best - 1e-9 && e <= best + largestStep, "instance " + instance + ": " + e + " vs " + best);
        }
    }

    @Test
    void theReplayedPlanMeasuresWhatItPlannedAndKeepsTheBudget() {
        NodeSpec node = NodeSpec.defaults();
        AppSpec app = mixed();
        OptimalOraclePolicy[] made = new OptimalOraclePolicy[1];
        OperatorEvaluation.RunStats run = OperatorEvaluation.run("oracle-optimal", n -> {
            made[0] = new OptimalOraclePolicy(n, BUDGET, 40, 1.0);
            return made[0];
        }, node, app, 40, 5, 0, 0);
        OptimalOraclePlan plan = made[0].plan();
        assertEquals(plan.energyJoules(), run.energyJoules(), 1e-9 * run.energyJoules());
        assertEquals(plan.slowdown(), run.slowdown(), 1e-9);
        assertTrue(run.slowdown() <= BUDGET + 1e-9, "within the budget: " + run.slowdown());
        assertTrue(run.slowdown() > BUDGET - 0.01, "and it spends it: " + run.slowdown());
    }

    @Test
    void everyPolicyKeepsItsOwnBudgetNotOnlyTheirSum() {
        NodeSpec node = NodeSpec.defaults();
        AppSpec cpu = AppSpec.steady("cpu", 0.05, 1.2, 1.0); // identical policies: a joint allowance could park one
        int ticks = 20;
        OptimalOraclePlan plan = OptimalOraclePlan.of(node, List.of(cpu), 2, ticks, 1.0, BUDGET);
        OptimalOraclePlan.Costs c = OptimalOraclePlan.costs(node, List.of(cpu), 2, ticks, 1.0);
        long[] table = node.frequencyTable();
        for (int id = 0; id < node.policyCount(); id++) {
            double lost = 0;
            for (int t = 0; t < ticks; t++) {
                int j = java.util.Arrays.binarySearch(table, plan.khz(id, t));
                lost += c.lost()[id * ticks + t][j];
            }
            assertTrue(lost <= BUDGET * c.policyWorkAtFmax()[id] + 1e-12, "policy " + id + " lost " + lost);
        }
        assertTrue(plan.slowdown() > BUDGET - 0.02, "and the budget is used: " + plan.slowdown());
    }

    @Test
    void itSavesAtLeastAsMuchAsTheOracleWhereverTheOracleKeepsTheBudget() {
        NodeSpec node = NodeSpec.defaults();
        List<AppSpec> apps = List.of(mixed(), AppSpec.steady("steady", 0.3, 0.7, 1.0),
                new AppSpec("sine", List.of(new Phase(0.2, 0.6, 0.5, 30, 0.05, 0.5, 10)), HiddenParams.TYPICAL,
                        AppSpec.TEST));
        for (AppSpec app : apps) {
            OperatorEvaluation.RunStats oracle = OperatorEvaluation.run("oracle",
                    n -> new OraclePolicy(n, BUDGET), node, app, 30, 9, 0, 0);
            OperatorEvaluation.RunStats optimal = OperatorEvaluation.run("oracle-optimal",
                    n -> new OptimalOraclePolicy(n, BUDGET, 30, 1.0), node, app, 30, 9, 0, 0);
            assertTrue(optimal.slowdown() <= BUDGET + 1e-9, app.name());
            if (oracle.slowdown() <= BUDGET + 1e-9) {
                assertTrue(optimal.energyJoules() <= oracle.energyJoules() * (1 + 1e-9),
                        app.name() + ": " + optimal.energyJoules() + " J vs the oracle's " + oracle.energyJoules());
            }
        }
    }

    private static double total(double[][] cost, int[] choice) {
        double s = 0;
        for (int i = 0; i < choice.length; i++) {
            s += cost[i][choice[i]];
        }
        return s;
    }
}
