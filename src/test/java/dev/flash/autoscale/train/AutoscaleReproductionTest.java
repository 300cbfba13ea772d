package dev.flash.autoscale.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.LoadTrace;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.meta.yardstick.AdaptationCost;
import dev.flash.meta.yardstick.ExpertCache;
import dev.flash.meta.yardstick.Yardstick;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny case II reproduction end to end through the shared yardsticks; a second one measures the
 * model the first trained (read back from ONNX) and reuses the first's experts.
 */
class AutoscaleReproductionTest {

    private static final dev.flash.meta.yardstick.PhaseListener QUIET = new dev.flash.meta.yardstick.PhaseListener() {
        @Override
        public void phase(String name, int total) {
        }

        @Override
        public void step(String detail) {
        }
    };

    @Test
    void tinyReproductionGivesEveryFigureThenMeasuresItsModelWithCachedExperts(@TempDir Path dir) throws Exception {
        List<ServiceSpec> population = ServicePopulation.sample(8, 3, 0.25);
        AutoscaleReproduction.Plan plan = AutoscaleReproduction.Plan.tiny(3);
        Path experts = dir.resolve("experts");
        AutoscaleReproduction.Result r = AutoscaleReproduction.run(population, plan, null, null, dir,
                new ExpertCache(experts, false), QUIET);
        assertEquals(1, r.expertsBuilt());
        assertEquals(0, r.expertsCached());
        Path model = dir.resolve("autoscale-flash.onnx");
        assertTrue(Files.exists(model), "FLASH trained here is written");
        Yardstick.Report y = r.yardstick();
        assertEquals(List.of("flash", "transfer", "history", "flash-frozen", "ppo", "flash-no-context"), y.contestants());
        long budget = plan.budget().onlineSteps();
        // A tiny expert may not beat doing nothing (no-op every step): it is then counted apart as
        // failed, and no gap or cost is measured against it; otherwise every figure is a number.
        assertEquals(1, y.measured().size() + y.expertsFailed().size(), "the service is measured or its expert failed");
        for (String c : y.contestants()) {
            if (y.measured().isEmpty()) {
                assertTrue(Double.isNaN(y.gap(c).mean()), c + " gap against a failed expert");
                continue;
            }
            assertTrue(Double.isFinite(y.gap(c).mean()), c + " gap");
            AdaptationCost.Summary s = y.cost(c);
            assertTrue(s.meanSteps() >= 0 && s.meanSteps() <= budget, c + " cost " + s.meanSteps());
            assertTrue(s.censored() >= 0 && s.censored() <= s.apps());
        }
        assertEquals(1, r.synthetic().size());
        assertEquals(plan.operatorSteps() - 1, r.synthetic().get(0).hpa().steps(), "every autoscaler plays the load");
        assertEquals(r.synthetic().get(0).agent().requests(), r.synthetic().get(0).hpa().requests(), 1e-9,
                "FLASH and HPA see the same load");

        // The model just written, as a shipped model is measured: read back, experts from the cache.
        LoadTrace trace = LoadTrace.synthetic(population.get(0).load(), 40, 5);
        AutoscaleReproduction.Result again = AutoscaleReproduction.run(population, plan, model, trace,
                dir.resolve("second"), new ExpertCache(experts, false), QUIET);
        assertEquals(0, again.expertsBuilt());
        assertEquals(1, again.expertsCached());
        assertEquals(model.toString(), again.flashSource());
        assertNotNull(again.trace());
        assertEquals(39, again.trace().get(0).agent().steps());
        // The same weights deployed frozen on the same episodes score the same at start.
        assertEquals(r.yardstick().starts("flash-frozen")[0], again.yardstick().starts("flash-frozen")[0], 1e-4);
    }
}
