package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.meta.ShotDraw;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationPriorTest {

    /** A workload with the given runtimes on c0, c1, ... (null: not measured). */
    static Workload workload(String name, Double... runtimes) {
        List<Measurement> ms = new ArrayList<>();
        for (int c = 0; c < runtimes.length; c++) {
            if (runtimes[c] != null) {
                ms.add(new Measurement("c" + c, new float[] {c}, new float[0], runtimes[c], runtimes[c], 1, c + 2));
            }
        }
        return new Workload(name, ms);
    }

    @Test
    void theFirstMeasurementIsTheConfigurationClosestToEachWorkloadsBestOnAverage() {
        // absolute levels differ by 100x; relative to each one's best, c2 is 1.0 and 1.1 (mean
        // log 0.05), c1 is 1.2 and 1.0 (0.09), c0 far off
        List<Workload> train = List.of(workload("small", 5.0, 1.2, 1.0), workload("large", 500.0, 100.0, 110.0));
        ConfigurationPrior prior = ConfigurationPrior.fit(train, Target.RUNTIME);
        assertEquals(Math.log(1.1) / 2, prior.meanRelativeLog("c2"), 1e-12);
        assertEquals(2, prior.first(workload("new", 7.0, 7.0, 7.0)));
        // a new workload without c2 starts from the next best it has
        assertEquals(1, prior.first(new Workload("partial", workload("p", 7.0, 7.0).measurements())));
    }

    @Test
    void aConfigurationFewTrainingWorkloadsMeasuredIsNoCandidate() {
        // c3 looks perfect on the one workload of four that ran it
        List<Workload> train = List.of(workload("a", 2.0, 1.0, 3.0, 0.5), workload("b", 2.0, 1.0, 3.0),
                workload("c", 2.0, 1.0, 3.0), workload("d", 2.0, 1.0, 3.0));
        ConfigurationPrior prior = ConfigurationPrior.fit(train, Target.RUNTIME);
        assertTrue(Double.isNaN(prior.meanRelativeLog("c3")));
        assertEquals(1, prior.first(workload("new", 1.0, 1.0, 1.0, 1.0)));
    }

    @Test
    void thePortfolioCoversTheTrainingWorkloadsDifferentBests() {
        // half the workloads are fastest on c0, half on c3; c1 is second best for all of them.
        // One configuration: c1 (never far off); with three, c0 and c3 join and hit every best.
        List<Workload> train = List.of(workload("x1", 1.0, 1.3, 2.0, 3.0), workload("x2", 1.0, 1.3, 2.0, 3.0),
                workload("y1", 3.0, 1.3, 2.0, 1.0), workload("y2", 3.0, 1.3, 2.0, 1.0));
        ConfigurationPrior prior = ConfigurationPrior.fit(train, Target.RUNTIME);
        Workload fresh = workload("new", 1.0, 1.0, 1.0, 1.0);
        assertEquals(List.of(1), prior.portfolio(fresh, 1));
        List<Integer> three = prior.portfolio(fresh, 3);
        assertEquals(3, three.size());
        assertTrue(three.containsAll(List.of(0, 3)), three.toString());
    }

    @Test
    void theRandomShotPickNeverTakesAConfigurationPredictedSlowerThanAMeasuredOne() {
        Workload w = workload("w", 4.0, 2.0, 3.0, 1.0);
        ShotDraw draw = new ShotDraw(new int[] {0, 1}, new int[] {2, 3});
        // c3 (truly best) predicted at 2.5, slower than the measured c1 (2.0): c1 is kept
        double[] slow = {Math.log(3.0), Math.log(2.5)};
        assertEquals(2.0 / 1.0 - 1, FewShotEvaluation.regret(w, draw, slow, Target.RUNTIME), 1e-12);
        // predicted at 1.5, faster than any measured one: it is the pick
        double[] fast = {Math.log(3.0), Math.log(1.5)};
        assertEquals(0, FewShotEvaluation.regret(w, draw, fast, Target.RUNTIME), 1e-12);
    }

    /**
     * A model carries the training workloads' log tables (the attention's, in flash.params); the
     * prior rebuilt from them, through the JSON a model file stores, is the prior fitted on the
     * workloads themselves: the same relative values and the same first configuration.
     */
    @Test
    void thePriorRebuiltFromTheAttentionsTablesIsTheFittedOne() {
        List<Workload> train = List.of(workload("small", 5.0, 1.2, 1.0, null), workload("large", 500.0, 100.0, 110.0, 90.0),
                workload("mid", 40.0, 12.0, 9.5, 30.0));
        ConfigurationPrior fitted = ConfigurationPrior.fit(train, Target.RUNTIME);
        NeighbourReference attention = NeighbourReference.fit(train, Target.RUNTIME, 0.3, 0.6);
        ConfigurationPrior rebuilt = NeighbourReference.fromJson(attention.toJson(),
                RatioReference.fit(train, Target.RUNTIME)).prior();
        for (String key : List.of("c0", "c1", "c2", "c3")) {
            assertEquals(fitted.meanRelativeLog(key), rebuilt.meanRelativeLog(key), 1e-12, key);
        }
        List<String> keys = List.of("c0", "c1", "c2", "c3");
        assertEquals(keys.get(fitted.first(workload("new", 7.0, 7.0, 7.0, 7.0))), rebuilt.first(keys));
        assertEquals("c2", rebuilt.first(keys));
    }
}
