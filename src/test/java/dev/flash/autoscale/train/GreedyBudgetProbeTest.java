package dev.flash.autoscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.Autoscaler;
import dev.flash.autoscale.CoreBudget;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.ScalingAction.Bounds;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.StepMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --budget-on greedy}: the budget's price follows what the probed (greedy) policy does
 * beside HPA, and the sampled training episodes no longer move it; the default is unchanged.
 */
class GreedyBudgetProbeTest {

    private static final List<ServiceSpec> SERVICES = ServicePopulation.sample(12, 3, 0);

    /** A fixed rule standing in for the greedy policy: always {@code replicas} at the operator's limit. */
    private static Autoscaler fixed(int replicas) {
        return new Autoscaler() {
            @Override
            public String name() {
                return "fixed-" + replicas;
            }

            @Override
            public void reset() {
            }

            @Override
            public Allocation decide(StepMetrics last, Allocation now, Bounds bounds) {
                return new Allocation(replicas, now.cpuLimit());
            }
        };
    }

    private static CoreBudget missBudget() {
        return new CoreBudget(CoreBudget.Constrained.MISSES, CoreBudget.logConfig(1, 0.5, 0.9, 20, 0))
                .measuredGreedily();
    }

    @Test
    void theMissPriceRisesWhenTheGreedyPolicyMissesMoreThanHpaAndFallsWhenItMissesLess() {
        GreedyBudgetProbe probe = new GreedyBudgetProbe(SERVICES, 120, 7);
        CoreBudget starving = missBudget();
        probe.measure(spec -> fixed(1), starving);
        assertTrue(starving.history().isEmpty(), "nothing moves before the dual step");
        double up = starving.dualStep();
        double[] h = starving.history().get(0);
        assertEquals(GreedyBudgetProbe.SERVICES_PER_ITERATION, h[4], 0, "one run per probed service");
        assertTrue(h[1] > h[2], "one replica misses more than HPA: " + h[1] + " vs " + h[2]);
        assertTrue(up > 1, "over the miss budget: the price rises, " + up);

        CoreBudget generous = missBudget();
        probe.measure(spec -> fixed(10_000), generous); // clamped to the service's maximum replicas
        double down = generous.dualStep();
        double[] g = generous.history().get(0);
        assertTrue(g[1] < 0.9 * g[2], "the maximum replicas miss less than HPA: " + g[1] + " vs " + g[2]);
        assertTrue(g[0] > 1, "at more cores: " + g[0]);
        assertTrue(down < 1, "under the miss budget: the price falls, " + down);
    }

    @Test
    void aGreedyBudgetIgnoresTheSampledEpisodesAndTheDefaultIgnoresNothing() {
        CoreBudget greedy = missBudget();
        greedy.record(1000, 1000, 500, 10, 1000); // a sampled episode far over the budget
        assertEquals(1, greedy.dualStep(), 1e-12, "not counted: no measurement, the price stays");
        assertTrue(greedy.history().isEmpty());

        CoreBudget sampled = new CoreBudget(CoreBudget.Constrained.MISSES, CoreBudget.logConfig(1, 0.5, 0.9, 20, 0));
        sampled.record(1000, 1000, 500, 10, 1000);
        assertEquals(20, sampled.dualStep(), 1e-9, "the default counts the training episode, as before (50x: capped)");
        assertThrows(IllegalStateException.class, () -> sampled.recordGreedy(1, 1, 1, 1, 1),
                "a greedy run cannot leak into a budget measured on the training episodes");
        assertFalse(AutoscaleTrainer.Settings.defaults(7).greedyBudget(), "off by default");
        assertFalse(AutoscaleTrainer.Settings.quick(7).greedyBudget());
        assertEquals(AutoscaleTrainer.Settings.defaults(7).budgetDescription(),
                AutoscaleTrainer.Settings.defaults(7).withGreedyBudget(false).budgetDescription());
    }

    @Test
    void successiveRoundsProbeOtherServicesAndLoads() {
        GreedyBudgetProbe probe = new GreedyBudgetProbe(SERVICES, 60, 7);
        CoreBudget a = missBudget();
        probe.measure(spec -> fixed(2), a);
        a.dualStep();
        probe.measure(spec -> fixed(2), a);
        a.dualStep();
        double[] first = a.history().get(0);
        double[] second = a.history().get(1);
        assertTrue(first[0] != second[0] || first[2] != second[2], "a new window of services and loads");
        // the same seed measures the same thing again: the probe is reproducible
        GreedyBudgetProbe again = new GreedyBudgetProbe(SERVICES, 60, 7);
        CoreBudget b = missBudget();
        again.measure(spec -> fixed(2), b);
        b.dualStep();
        assertEquals(first[0], b.history().get(0)[0], 0);
        assertEquals(first[1], b.history().get(0)[1], 0);
        assertThrows(IllegalArgumentException.class, () -> new GreedyBudgetProbe(List.of(), 60, 7));
    }
}
