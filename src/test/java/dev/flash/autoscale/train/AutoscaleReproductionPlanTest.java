package dev.flash.autoscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The experts must stay a ceiling: an expert trains at least as many steps as the longest
 * contestant's pre-training (and 10x the online budget), so training the contestants longer
 * raises the experts' minimum, and with it their cache key. A longer context does not move them.
 */
class AutoscaleReproductionPlanTest {

    @Test
    void moreIterationsTrainEveryContestantLongerAndTheExpertsAtLeastAsLong() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.full(7);
        AutoscaleReproduction.Plan longer = full.withIterations(1500);
        assertEquals(1500, longer.settings().iterations());
        assertEquals(full.settings().withIterations(1500), longer.settings(), "only the iterations change");
        long pretraining = 1500L * full.settings().numEnvs() * full.settings().rolloutSteps();
        assertEquals(pretraining, longer.contestantPretrainingSteps());
        assertEquals(10 * full.contestantPretrainingSteps(), longer.contestantPretrainingSteps());
        assertEquals(pretraining, longer.expertMinSteps());
        assertEquals(pretraining, longer.expertPlateau().minSteps());
        assertEquals(4 * pretraining, longer.expertPlateau().maxSteps());
        assertTrue(longer.expertPlateau().minSteps() >= 10 * longer.budget().onlineSteps());
        assertNotEquals(full.expertPlateau().toString(), longer.expertPlateau().toString(),
                "the plateau rule is part of the expert cache key: a 150-iteration expert is not read at 1500");
        assertEquals(full.expertPpo().toString(), longer.expertPpo().toString(), "the expert's PPO is unchanged");
        assertEquals(full.online().learningRate(), longer.online().learningRate(), 0);
        assertEquals(full.budget(), longer.budget());
        assertThrows(IllegalArgumentException.class, () -> full.withIterations(0));
    }

    @Test
    void fewerIterationsKeepTheDefaultExperts() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.full(7);
        AutoscaleReproduction.Plan shorter = full.withIterations(50);
        assertEquals(full.expertMinSteps(), shorter.expertMinSteps(), "the minimum never falls below the default's");
        assertEquals(full.expertPlateau(), shorter.expertPlateau(), "same cache entries as the default run");
    }

    @Test
    void explicitExpertStepsSetTheMinimumButNotBelowTenOnlineBudgets() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.full(7).withIterations(1500);
        assertEquals(3_000_000L, full.withExpertSteps(3_000_000L).expertPlateau().minSteps());
        long floor = 10 * full.budget().onlineSteps();
        assertEquals(floor, full.withExpertSteps(1).expertPlateau().minSteps(), "10x the online budget at least");
        assertThrows(IllegalArgumentException.class, () -> full.withExpertSteps(0));
    }

    @Test
    void fewerTestServicesKeepEverythingElse() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.full(7).withIterations(1500);
        AutoscaleReproduction.Plan cut = full.withTestServices(12);
        assertEquals(12, cut.testServices());
        assertEquals(full.expertPlateau(), cut.expertPlateau());
        assertEquals(full.settings(), cut.settings());
        assertEquals(full.budget(), cut.budget());
        assertThrows(IllegalArgumentException.class, () -> full.withTestServices(0));
    }

    @Test
    void aLongerContextKeepsTheExperts() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.quick(7);
        AutoscaleReproduction.Plan wide = full.withContextLength(32);
        assertEquals(32, wide.settings().contextLength());
        assertEquals(full.expertPpo().toString(), wide.expertPpo().toString());
        assertEquals(full.settings().withContextLength(0).network().toString(),
                wide.settings().withContextLength(0).network().toString(),
                "the experts' and the transfer base's network");
        assertThrows(IllegalArgumentException.class, () -> full.withContextLength(0));
    }

    @Test
    void aContextOfWindowsKeepsTheExpertsAndGivesTheHistoryBaselineItsRows() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.full(7).withIterations(1500);
        dev.flash.policy.ContextLayout layout = dev.flash.policy.ContextLayout.parse("1,1,1,1,8,16,32");
        AutoscaleReproduction.Plan windows = full.withContextLayout(layout);
        assertEquals(layout, windows.settings().contextLayout());
        assertEquals(7, windows.settings().contextLength());
        assertEquals(layout, windows.settings().network().contextLayout(), "FLASH's network reads the windows");
        assertEquals(full.expertPpo().toString(), windows.expertPpo().toString());
        assertEquals(full.expertPlateau(), windows.expertPlateau());
        assertEquals(full.settings().withContextLength(0).network().toString(),
                windows.settings().withContextLength(0).network().toString(),
                "the experts' and the transfer base's network (the experts' cache key)");
        assertEquals(full.withContextLength(7).settings().contextLayout().rows(),
                windows.settings().contextLayout().rows(), "the history baseline stacks as many rows as FLASH reads");
        assertEquals(dev.flash.policy.ContextLayout.flat(8),
                windows.withContextLength(8).settings().contextLayout(), "--context-length is flat again");
    }
}
