package dev.flash.autoscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Training the contestants longer (or with a longer context) must not move the reference: the
 * experts' minimum and their PPO settings (part of the expert cache key) stay those of the
 * default plan, so runs of different lengths are measured against the same cached experts.
 */
class AutoscaleReproductionPlanTest {

    @Test
    void moreIterationsTrainEveryContestantLongerAndKeepTheExperts() {
        AutoscaleReproduction.Plan full = AutoscaleReproduction.Plan.full(7);
        AutoscaleReproduction.Plan longer = full.withIterations(1500);
        assertEquals(1500, longer.settings().iterations());
        assertEquals(full.settings().withIterations(1500), longer.settings(), "only the iterations change");
        assertEquals(full.expertMinSteps(), longer.expertMinSteps());
        assertEquals(full.expertPpo().toString(), longer.expertPpo().toString(), "the expert cache key");
        assertEquals(full.online().learningRate(), longer.online().learningRate(), 0);
        assertEquals(full.budget(), longer.budget());
        assertThrows(IllegalArgumentException.class, () -> full.withIterations(0));
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
}
