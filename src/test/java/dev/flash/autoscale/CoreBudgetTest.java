package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.meta.RlEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The operator's cost as the reward, and HPA's core-seconds as the budget of constrained training
 * episodes: HPA runs beside the agent on the same load, and the core price follows the budget.
 */
class CoreBudgetTest {

    @Test
    void theRewardIsMinusTheBillInPeakCores() {
        ServiceSpec s = SimulatedServiceTest.spec(0); // 0.1 core-s per request, peak 50 req/s
        double reference = 50 * 0.1 / 0.7;
        assertEquals(reference, AutoscaleReward.referenceCores(s), 1e-12);
        StepMetrics m = new StepMetrics(20, 0.5, 0.5, 0.3, 0.99, 0.1, 0.2, 0.3, 4, 4, 1.0, 1.0, 1200, 12, 240);
        // 4 cores; 12 missed requests x 100 x 0.1 core-s / 0.7 / 60 s = 2.857 cores
        double miss = 12 * 100 * 0.1 / 0.7 / 60;
        assertEquals(miss, AutoscaleReward.missCores(m, s), 1e-12);
        assertEquals(-(4 + miss) / (10 * reference), AutoscaleReward.of(m, s), 1e-12);
        assertEquals(-(2 * 4 + miss) / (10 * reference), AutoscaleReward.of(m, s, 2), 1e-12, "cores at twice the price");
        // at the promise's edge (1% missed) misses cost what serving every request at 70% costs
        double served = 1200 * 0.1 / 0.7 / 60;
        StepMetrics edge = new StepMetrics(20, 0.5, 0.5, 0.3, 0.99, 0.1, 0.2, 0.3, 4, 4, 1.0, 1.0, 1200, 12, 240);
        assertEquals(served, AutoscaleReward.missCores(edge, s), 1e-12);
    }

    @Test
    void overProvisioningAndStarvingBothCostMoreThanRightSizing() {
        ServiceSpec s = SimulatedServiceTest.spec(0);
        // 14 req/s x 0.1 = 1.4 cores of work: 4 replicas run at 35% and keep the 1 s SLO for 99.8%
        // (at 70%, 2 replicas, 5% would miss it: at the operator's price that costs 10 cores)
        StepMetrics right = new SimulatedService(s, new Allocation(4, 1.0), 1).step(14);
        StepMetrics loose = new SimulatedService(s, new Allocation(20, 1.0), 1).step(14);
        StepMetrics starved = new SimulatedService(s, new Allocation(1, 1.0), 1).step(14);
        assertTrue(AutoscaleReward.of(right, s) > AutoscaleReward.of(loose, s), "idle cores cost");
        assertTrue(AutoscaleReward.of(right, s) > AutoscaleReward.of(starved, s), "missed requests cost");
    }

    @Test
    void theBudgetComparesTheEpisodesCoresWithHpasAndMovesThePrice() {
        CoreBudget b = new CoreBudget(CoreBudget.logConfig(1, 0.5, 0.95, 20, 0));
        b.record(1300, 1000, 5, 30, 1000);
        b.record(1400, 1000, 5, 30, 1000);
        double up = b.dualStep();
        assertEquals(Math.exp(0.5 * (1.35 - 0.95)), up, 1e-12, "2700 / 2000 core-seconds: over the budget, the price rises");
        double[] h = b.history().get(0);
        assertEquals(1.35, h[0], 1e-12);
        assertEquals(10 / 2000.0, h[1], 1e-12, "agent's missed share");
        assertEquals(60 / 2000.0, h[2], 1e-12, "HPA's missed share");
        assertEquals(2, h[4], 0);
        b.record(800, 1000, 5, 30, 1000);
        assertTrue(b.dualStep() < up, "under the budget: the price falls");
        assertEquals(b.lambda(), b.dualStep(), 0, "no episode since: the price stays");
        assertEquals(2, b.history().size());
        for (int i = 0; i < 1000; i++) {
            b.record(5000, 1000, 0, 0, 1000);
            b.dualStep();
        }
        assertEquals(20, b.lambda(), 1e-9, "capped");
        for (int i = 0; i < 1000; i++) {
            b.record(0, 1000, 0, 0, 1000);
            b.dualStep();
        }
        assertEquals(CoreBudget.MIN_PRICE, b.lambda(), 1e-12, "floored");
    }

    @Test
    void aConstrainedEpisodeRunsHpaOnTheSameLoadAndReportsOnceAtItsEnd() {
        ServiceSpec s = SimulatedServiceTest.spec(1);
        CoreBudget b = new CoreBudget(CoreBudget.logConfig(1, 0.5, 0.95, 20, 0));
        AutoscaleEnvironment free = new AutoscaleEnvironment(s, null, 12, 3);
        AutoscaleEnvironment constrained = new AutoscaleEnvironment(s, null, 12, 3);
        constrained.constrainWith(b);
        free.reset();
        constrained.reset();
        for (int t = 0; t < 12; t++) {
            int move = t % 3 == 0 ? ScalingAction.SCALE_OUT.ordinal() : ScalingAction.NO_OP.ordinal();
            RlEnvironment.Step f = free.step(move);
            RlEnvironment.Step c = constrained.step(move);
            // lambda is 1 until the first dual step: the constrained reward is the operator's cost
            assertEquals(f.reward(), c.reward(), 1e-6, "step " + t);
            assertEquals(f.contextReward(), c.contextReward(), 1e-6);
            assertEquals(t == 11, c.done());
        }
        b.dualStep();
        assertEquals(1, b.history().size(), "one episode recorded");
        double[] h = b.history().get(0);
        assertTrue(h[0] > 0 && Double.isFinite(h[0]), "core-seconds over HPA's " + h[0]);
        assertTrue(h[0] > 1, "scaling out every third step allocates more than HPA: " + h[0]);
        assertEquals(Math.exp(0.5 * (h[0] - 0.95)), b.lambda(), 1e-9);
    }

    @Test
    void theMissBudgetRaisesTheMissPriceWhileMissesExceedItAndLeavesCoresAtTheOperatorsRate() {
        CoreBudget b = new CoreBudget(CoreBudget.Constrained.MISSES, CoreBudget.missBudget(0.9));
        for (int i = 0; i < 5; i++) { // warm-up: the price stays at the operator's rate
            b.record(900, 1000, 30, 20, 1000);
            assertEquals(1, b.dualStep(), 1e-12);
        }
        double previous = b.lambda();
        for (int i = 0; i < 4; i++) {
            b.record(900, 1000, 30, 20, 1000); // 1.5 x HPA's misses, fewer cores: over the miss budget
            double now = b.dualStep();
            assertTrue(now > previous, "misses over the budget: the miss price rises, step " + i);
            assertEquals(1, b.corePrice(), 0, "cores stay at the operator's rate");
            assertEquals(now, b.missPrice(), 0);
            previous = now;
        }
        assertEquals(Math.exp(4 * 0.5 * (1.5 - 0.9)), b.lambda(), 1e-9);
        double[] h = b.history().get(b.history().size() - 1);
        assertEquals(0.9, h[0], 1e-12, "the history keeps core-seconds over HPA's");
        b.record(3000, 1000, 5, 20, 1000); // a quarter of HPA's misses at 3x its cores: under the budget
        assertTrue(b.dualStep() < previous, "under the miss budget: the price falls, whatever the cores");
        double held = b.lambda();
        b.record(900, 1000, 30, 0, 1000); // HPA missed nothing: no ratio to compare
        assertEquals(held, b.dualStep(), 0, "nothing measured: the price stays");
    }

    @Test
    void aMissBudgetedEpisodePricesMissesNotCores() {
        ServiceSpec s = SimulatedServiceTest.spec(0);
        StepMetrics m = new StepMetrics(20, 0.5, 0.5, 0.3, 0.99, 0.1, 0.2, 0.3, 4, 4, 1.0, 1.0, 1200, 12, 240);
        double miss = AutoscaleReward.missCores(m, s);
        double reference = AutoscaleReward.referenceCores(s);
        assertEquals(-(4 + 3 * miss) / (10 * reference), AutoscaleReward.of(m, s, 1, 3), 1e-12);
        assertEquals(AutoscaleReward.of(m, s), AutoscaleReward.of(m, s, 1, 1), 0);
    }

    @Test
    void aPricedLimitChangePaysItsStepsCoresOnceAndOnlyWhenTheLimitMoves() {
        ServiceSpec s = SimulatedServiceTest.spec(1);
        AutoscaleEnvironment free = new AutoscaleEnvironment(s, null, 12, 5);
        AutoscaleEnvironment priced = new AutoscaleEnvironment(s, null, 12, 5);
        priced.priceLimitChanges(5);
        free.reset();
        priced.reset();
        int changed = 0;
        for (int t = 0; t < 12; t++) {
            int move = t % 4 == 1 ? ScalingAction.SCALE_UP.ordinal() : ScalingAction.NO_OP.ordinal();
            RlEnvironment.Step f = free.step(move);
            RlEnvironment.Step p = priced.step(move);
            if (move == ScalingAction.NO_OP.ordinal()) {
                assertEquals(f.reward(), p.reward(), 1e-6, "no limit change, no price: step " + t);
            } else if (p.reward() < f.reward() - 1e-6) {
                changed++;
                // the step's cores paid five more times, and the free bill holds those cores once
                assertTrue(f.reward() - p.reward() <= 5 * Math.abs(f.reward()) + 1e-6, "step " + t);
            }
            assertEquals(f.contextReward(), p.contextReward(), 1e-6, "the context reward never pays it");
        }
        assertTrue(changed >= 2, "scale-up moves that changed the limit paid: " + changed);
        assertThrows(IllegalArgumentException.class, () -> priced.priceLimitChanges(-1));
    }

    @Test
    void theTwoSidedBudgetPricesCoresAndMissesEachByItsOwnRatio() {
        CoreBudget b = new CoreBudget(CoreBudget.Constrained.BOTH, CoreBudget.logConfig(1, 0.5, 0.95, 20, 0));
        assertEquals(1, b.corePrice(), 1e-12);
        assertEquals(1, b.missPrice(), 1e-12);
        // cores 1.35x HPA's, misses 0.5x: the core price rises, the miss price falls
        b.record(1350, 1000, 15, 30, 1000);
        b.dualStep();
        assertEquals(Math.exp(0.5 * (1.35 - 0.95)), b.corePrice(), 1e-12);
        assertEquals(Math.exp(0.5 * (0.5 - 0.95)), b.missPrice(), 1e-12);
        double[] h = b.history().get(0);
        assertEquals(6, h.length, "the miss price is the sixth column");
        assertEquals(b.corePrice(), h[3], 1e-12);
        assertEquals(b.missPrice(), h[5], 1e-12);
        // over on both: both rise, and their ratio moves by 0.5 x (miss ratio - core ratio)
        double ratio = b.missPrice() / b.corePrice();
        b.record(1100, 1000, 60, 30, 1000);
        b.dualStep();
        assertEquals(ratio * Math.exp(0.5 * (2.0 - 1.1)), b.missPrice() / b.corePrice(), 1e-9);
        // HPA missed nothing: the miss price holds, the core price still moves
        double miss = b.missPrice();
        double core = b.corePrice();
        b.record(500, 1000, 3, 0, 1000);
        b.dualStep();
        assertEquals(miss, b.missPrice(), 1e-12);
        assertTrue(b.corePrice() < core);
    }

    @Test
    void aTwoSidedEpisodePaysBothPricesInItsReward() {
        ServiceSpec s = SimulatedServiceTest.spec(0);
        StepMetrics m = new StepMetrics(20, 0.5, 0.5, 0.3, 0.99, 0.1, 0.2, 0.3, 4, 4, 1.0, 1.0, 1200, 12, 240);
        CoreBudget b = new CoreBudget(CoreBudget.Constrained.BOTH, CoreBudget.logConfig(2, 0.5, 0.95, 20, 0));
        assertEquals(AutoscaleReward.of(m, s, 2, 2), AutoscaleReward.of(m, s, b.corePrice(), b.missPrice()), 1e-12);
        assertEquals(2 * AutoscaleReward.of(m, s), AutoscaleReward.of(m, s, b.corePrice(), b.missPrice()), 1e-12,
                "both prices at 2: twice the operator's bill");
    }
}
