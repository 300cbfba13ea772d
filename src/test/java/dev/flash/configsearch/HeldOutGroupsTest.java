package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Scoring a blend's members by holding out whole data sets ({@code --blend-holdout dataset}), the
 * leave-one-algorithm-out folds ({@code --folds algorithm}) and the consensus searcher's rule.
 */
class HeldOutGroupsTest {

    private static final int[] SHOTS = {1, 2};

    /** The factor family of {@link WorkloadFactorsTest}, renamed {@code set-wN}. */
    private static List<Workload> named(String set, int count, long seed, double noise) {
        List<Workload> out = new ArrayList<>();
        for (Workload w : WorkloadFactorsTest.family(count, seed, noise)) {
            out.add(new Workload(set + "-" + w.name(), w.measurements()));
        }
        return out;
    }

    @Test
    void algorithmFoldsHoldOutOneJobOnEveryDataSetAndSkipAJobThatNeverRan() {
        List<Workload> all = new ArrayList<>();
        for (String name : List.of("buzz-xgboost", "buzz-kmeans", "credit-xgboost", "santander-kmeans",
                "santander-spectral")) {
            List<Measurement> ms = name.endsWith("spectral") ? List.of()
                    : WorkloadFactorsTest.family(1, name.hashCode(), 0).get(0).measurements();
            all.add(new Workload(name, ms));
        }
        List<FewShotEvaluation.Fold> folds = FewShotEvaluation.algorithmFolds(all);
        assertEquals(2, folds.size(), "xgboost, kmeans; spectral has no measurement");
        assertEquals(List.of("buzz-xgboost", "credit-xgboost"),
                folds.get(0).test().stream().map(Workload::name).toList());
        assertEquals(List.of("buzz-kmeans", "santander-kmeans", "santander-spectral"),
                folds.get(0).train().stream().map(Workload::name).toList());
        assertEquals(List.of("buzz-kmeans", "santander-kmeans"),
                folds.get(1).test().stream().map(Workload::name).toList());
        assertEquals("xgboost", all.get(0).algorithm());
        assertEquals("plain", new Workload("plain", List.of()).algorithm());
        // data-set folds keep a set whose other workloads ran
        assertEquals(3, FewShotEvaluation.groupFolds(all).size());
    }

    @Test
    void dataSetsAreHeldOutOnlyWhenTheTrainingWorkloadsSpanSeveral() {
        List<Workload> one = named("buzz", 4, 31, 0.02);
        assertNull(NeighbourReference.dataSetHoldOut(one));
        List<Workload> two = new ArrayList<>(one);
        two.addAll(named("credit", 3, 32, 0.02));
        Function<Workload, String> h = NeighbourReference.dataSetHoldOut(two);
        assertNotNull(h);
        assertEquals("credit", h.apply(two.get(5)));
        // names without a dash are each their own data set (the synthetic sets)
        assertNotNull(NeighbourReference.dataSetHoldOut(WorkloadFactorsTest.family(3, 33, 0)));
    }

    /** Each group is fitted once on the other groups, and each held-out workload keeps its own draws. */
    @Test
    void aHeldOutGroupIsFittedOnTheOtherGroupsOnly() {
        List<Workload> train = new ArrayList<>(named("a", 3, 34, 0.02));
        train.addAll(named("b", 2, 35, 0.02));
        List<Integer> fitSizes = new ArrayList<>();
        List<String> scored = new ArrayList<>();
        int units = NeighbourReference.forEachHeldOutDraw(train, Workload::group, SHOTS, 2, 9, rest -> {
            fitSizes.add(rest.size());
            assertTrue(rest.stream().map(Workload::group).distinct().count() == 1, rest.toString());
            return rest;
        }, (held, rest, shots, queries) -> {
            assertFalse(rest.contains(held));
            scored.add(held.name());
        });
        assertEquals(List.of(2, 3), fitSizes);
        assertEquals(5, units);
        assertEquals(5 * SHOTS.length * 2, scored.size());
    }

    /**
     * With one workload per group the grouped scoring is leave-one-workload-out draw for draw, so
     * on the synthetic sets (names without a dash) {@code --blend-holdout dataset} changes nothing.
     */
    @Test
    void oneWorkloadPerGroupIsLeaveOneWorkloadOutExactly() {
        List<Workload> train = WorkloadFactorsTest.family(9, 36, 0.05);
        assertArrayEquals(NeighbourReference.looError(train, null, Target.RUNTIME, SHOTS, 3, 11,
                        rest -> RatioReference.fit(rest, Target.RUNTIME)),
                NeighbourReference.looError(train, Workload::group, Target.RUNTIME, SHOTS, 3, 11,
                        rest -> RatioReference.fit(rest, Target.RUNTIME)), 0);
        NeighbourReference byWorkload = ReferenceBlend.parse("attention+factors+ratio", "stacked")
                .fit(train, Target.RUNTIME, SHOTS, 3, 11);
        NeighbourReference byDataSet = ReferenceBlend.parse("attention+factors+ratio", "stacked", "dataset")
                .fit(train, Target.RUNTIME, SHOTS, 3, 11);
        assertEquals(byWorkload.factorWeight(), byDataSet.factorWeight(), 0);
        assertEquals(byWorkload.ratioWeight(), byDataSet.ratioWeight(), 0);
        NeighbourReference likeW = ReferenceBlend.parse("attention+factors+ratio", "likelihood").fit(train,
                Target.RUNTIME, SHOTS, 3, 11);
        NeighbourReference likeD = ReferenceBlend.parse("attention+factors+ratio", "likelihood", "dataset")
                .fit(train, Target.RUNTIME, SHOTS, 3, 11);
        assertEquals(likeW.factorWeight(), likeD.factorWeight(), 0);
        assertEquals(likeW.ratioWeight(), likeD.ratioWeight(), 0);
    }

    /**
     * Two data sets that scale differently: inside each the attention finds a neighbour of the
     * same set, across them it does not, so holding a whole set out scores the members differently
     * from holding out one workload (the shares move), and both stay valid tenths.
     */
    @Test
    void holdingOutADataSetScoresTheMembersOnAnotherDataSet() {
        List<Workload> train = new ArrayList<>(named("a", 6, 37, 0.02));
        for (Workload w : named("b", 6, 38, 0.02)) {
            List<Measurement> flipped = new ArrayList<>();
            for (Measurement m : w.measurements()) { // set b runs its configurations in reverse speed order
                double y = m.runtime() * Math.exp(-0.8 * (Integer.parseInt(m.configKey().substring(1)) - 3.5));
                flipped.add(new Measurement(m.configKey(), m.config(), m.metrics(), y, y, m.runs(), m.line()));
            }
            train.add(new Workload(w.name(), flipped));
        }
        var function = NeighbourReference.dataSetHoldOut(train);
        double[] lowo = NeighbourReference.looError(train, null, Target.RUNTIME, SHOTS, 3, 13,
                rest -> NeighbourReference.fit(rest, Target.RUNTIME, 0.3, 0.3));
        double[] lodo = NeighbourReference.looError(train, function, Target.RUNTIME, SHOTS, 3, 13,
                rest -> NeighbourReference.fit(rest, Target.RUNTIME, 0.3, 0.3));
        assertEquals(lowo[2], lodo[2], 0, "the same held-out workloads");
        assertTrue(lodo[1] > 2 * lowo[1], "another data set is harder: " + lodo[1] + " vs " + lowo[1]);
        NeighbourReference stacked = ReferenceBlend.parse("attention+factors+ratio", "stacked", "dataset")
                .fit(train, Target.RUNTIME, SHOTS, 3, 13);
        assertEquals(Math.rint(stacked.factorWeight() * 10), stacked.factorWeight() * 10, 1e-9);
        assertTrue(stacked.factorWeight() + stacked.ratioWeight() <= 1 + 1e-9, stacked.describe());
    }

    /**
     * fitWeighted scores the 25 temperature pairs in one pass (one fit per held-out workload, the
     * votes counted once per query): the same errors, to the last bit, as one looError per pair.
     */
    @Test
    void scoringEveryPairInOnePassGivesEachPairsOwnErrorsExactly() {
        List<Workload> train = WorkloadFactorsTest.family(9, 39, 0.08);
        double[][] pairs = new double[NeighbourReference.TAU_GRID.length * NeighbourReference.TAU_GRID.length][];
        int i = 0;
        for (double ts : NeighbourReference.TAU_GRID) {
            for (double tl : NeighbourReference.TAU_GRID) {
                pairs[i++] = new double[] {ts, tl};
            }
        }
        int[] shots = {1, 2, 3};
        double[][] once = NeighbourReference.looErrorEachPair(train, Target.RUNTIME, shots, 4, 17, pairs);
        for (int p = 0; p < pairs.length; p++) {
            assertArrayEquals(NeighbourReference.looError(train, Target.RUNTIME, shots, 4, 17, pairs[p][0],
                    pairs[p][1]), once[p], 0, "pair " + p);
        }
    }

    /**
     * {@code --blend attention --blend-holdout dataset}: the temperature pairs scored with whole
     * data sets held out, each pair's errors those of its own grouped looError; with one workload
     * per group (the synthetic sets) the attention is the default's, weight for weight.
     */
    @Test
    void theAttentionsPairsCanBeScoredWithDataSetsHeldOut() {
        List<Workload> train = new ArrayList<>(named("a", 4, 40, 0.05));
        train.addAll(named("b", 4, 41, 0.05));
        var byGroup = NeighbourReference.dataSetHoldOut(train);
        double[][] pairs = {{0.3, 0.3}, {0.15, Double.POSITIVE_INFINITY}};
        double[][] once = NeighbourReference.looErrorEachPair(train, byGroup, Target.RUNTIME, SHOTS, 3, 19, pairs);
        for (int p = 0; p < pairs.length; p++) {
            double ts = pairs[p][0];
            double tl = pairs[p][1];
            assertArrayEquals(NeighbourReference.looError(train, byGroup, Target.RUNTIME, SHOTS, 3, 19,
                    rest -> NeighbourReference.fit(rest, Target.RUNTIME, ts, tl)), once[p], 0, "pair " + p);
        }
        List<Workload> synthetic = WorkloadFactorsTest.family(7, 42, 0.05);
        assertEquals(ReferenceBlend.parse("attention", "likelihood").fit(synthetic, Target.RUNTIME, SHOTS, 3, 19)
                        .describe(),
                ReferenceBlend.parse("attention", "likelihood", "dataset").fit(synthetic, Target.RUNTIME, SHOTS, 3, 19)
                        .describe());
        assertTrue(ReferenceBlend.parse("attention", "likelihood", "dataset").label().contains("data sets held out"));
        assertEquals("attention", ReferenceBlend.DEFAULT.label());
    }

    @Test
    void theHoldoutOptionParsesAndABadValueIsNamed() {
        assertFalse(ReferenceBlend.parse("attention+factors", "stacked").byDataSet());
        assertTrue(ReferenceBlend.parse("attention+factors", "stacked", "DataSet").byDataSet());
        assertTrue(ReferenceBlend.parse("attention+factors", "stacked", "dataset").label().contains("data sets"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceBlend.parse("attention", "likelihood", "fold"));
        assertTrue(e.getMessage().contains("--blend-holdout") && e.getMessage().contains("'fold'"), e.getMessage());
        assertEquals(ReferenceBlend.ATTENTION, ReferenceBlend.DEFAULT);
    }

    @Test
    void theConsensusIsTheMeanLogPredictionAndItsLowestIsMeasuredNext() {
        double[] learned = {0.0, 1.0, 2.0};
        double[] reference = {3.0, 1.0, 0.5};
        assertArrayEquals(new double[] {1.5, 1.0, 1.25}, RecommendationRule.consensus(learned, reference), 0);
        assertEquals(1, RecommendationRule.measureNext(RecommendationRule.consensus(learned, reference)));
        assertThrows(IllegalArgumentException.class, () -> RecommendationRule.consensus(learned, new double[2]));
    }
}
