package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceBlendTest {

    private static final int[] SHOTS = {1, 2};

    @Test
    void theOptionsParseToTheirMembersAndABadValueIsNamed() {
        assertEquals(ReferenceBlend.ATTENTION, ReferenceBlend.parse("attention", "likelihood"));
        ReferenceBlend three = ReferenceBlend.parse("attention+factors+ratio", "likelihood");
        assertTrue(three.factors() && three.ratio() && three.likelihood());
        ReferenceBlend two = ReferenceBlend.parse("Attention+Factors", "inverse");
        assertTrue(two.factors() && !two.ratio() && !two.likelihood());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReferenceBlend.parse("factors", "likelihood"));
        assertTrue(e.getMessage().contains("--blend") && e.getMessage().contains("attention+factors+ratio"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReferenceBlend.parse("attention", "equal"));
        assertTrue(e.getMessage().contains("--blend-weights"), e.getMessage());
    }

    @Test
    void theAttentionAloneIsTheWeightedAttention() {
        List<Workload> train = WorkloadFactorsTest.family(8, 21, 0.03);
        NeighbourReference a = ReferenceBlend.ATTENTION.fit(train, Target.RUNTIME, SHOTS, 3, 5);
        NeighbourReference b = NeighbourReference.fitWeighted(train, Target.RUNTIME, SHOTS, 3, 5);
        List<Measurement> shots = List.of(WorkloadFactorsTest.family(1, 22, 0).get(0).get(2));
        assertEquals(b.predictLog(shots, "c6"), a.predictLog(shots, "c6"), 0);
        assertEquals(0, a.factorWeight());
        assertEquals(0, a.ratioWeight());
    }

    @Test
    void aBlendWithTheRatioReferenceMixesTheThreeInLogSpace() {
        List<Workload> train = WorkloadFactorsTest.family(8, 23, 0.03);
        NeighbourReference att = NeighbourReference.fit(train, Target.RUNTIME, 0.3, 0.6);
        RatioReference ratio = RatioReference.fit(train, Target.RUNTIME);
        WorkloadFactors f = WorkloadFactors.fitWorkloads(train, Target.RUNTIME);
        Workload test = WorkloadFactorsTest.family(1, 24, 0).get(0);
        List<Measurement> shots = List.of(test.get(1), test.get(5));
        for (String q : List.of("c0", "c3", "c7")) {
            assertEquals(ratio.predictLog(shots, q), att.withBlend(0, 1).predictLog(shots, q), 1e-12);
            double mixed = 0.5 * att.predictLog(shots, q) + 0.2 * f.predictLog(shots, q)
                    + 0.3 * ratio.predictLog(shots, q);
            assertEquals(mixed, att.withBlend(0.2, 0.3).predictLog(shots, q), 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> att.withBlend(0.7, 0.4));
    }

    /**
     * With many held-out workloads the likelihood rule gives a member that is clearly worse almost
     * nothing, where the inverse-error rule still gives it a share: the factors (and the attention)
     * fit a rank-1 family without noise, the ratio reference does not.
     */
    @Test
    void likelihoodSharesLeaveAClearlyWorseMemberOutWhereInverseSharesKeepIt() {
        List<Workload> train = WorkloadFactorsTest.family(16, 25, 0.0);
        NeighbourReference inverse = NeighbourReference.fitBlended(train, Target.RUNTIME, SHOTS, 2, 7, false, true);
        NeighbourReference likelihood = NeighbourReference.fitBlended(train, Target.RUNTIME, SHOTS, 2, 7, true, true);
        assertTrue(inverse.ratioWeight() > 0.01, inverse.describe());
        assertTrue(likelihood.ratioWeight() < 1e-3, likelihood.describe());
        double total = likelihood.factorWeight() + likelihood.ratioWeight();
        assertTrue(total <= 1 + 1e-12, likelihood.describe());
    }

    /** Stacking scores the blend itself: shares in tenths, and the ratio reference left out where it only adds error. */
    @Test
    void stackedSharesAreTenthsChosenByTheBlendsHeldOutError() {
        assertTrue(ReferenceBlend.parse("attention+factors+ratio", "stacked").stacked());
        List<Workload> train = WorkloadFactorsTest.family(10, 28, 0.0);
        NeighbourReference stacked = ReferenceBlend.parse("attention+factors+ratio", "stacked")
                .fit(train, Target.RUNTIME, SHOTS, 2, 7);
        double f = stacked.factorWeight() * 10;
        double r = stacked.ratioWeight() * 10;
        assertEquals(Math.rint(f), f, 1e-9, stacked.describe());
        assertEquals(Math.rint(r), r, 1e-9, stacked.describe());
        assertEquals(0, stacked.ratioWeight(), stacked.describe());
    }

    @Test
    void theRatioShareSurvivesTheJsonAndARefitAndAnOldFileReadsWithout() {
        List<Workload> train = WorkloadFactorsTest.family(10, 26, 0.05);
        NeighbourReference blended = NeighbourReference.fit(train, Target.RUNTIME, 0.3, 0.6).withBlend(0.3, 0.25);
        RatioReference ratio = RatioReference.fit(train, Target.RUNTIME);
        JsonObject json = JsonParser.parseString(blended.toJson().toString()).getAsJsonObject();
        NeighbourReference back = NeighbourReference.fromJson(json, ratio);
        assertEquals(0.25, back.ratioWeight(), 0);
        assertEquals(0.3, back.factorWeight(), 0);
        Workload test = WorkloadFactorsTest.family(1, 27, 0).get(0);
        List<Measurement> shots = List.of(test.get(0), test.get(4));
        for (int c = 0; c < 8; c++) {
            double[] a = blended.predict(shots, "c" + c);
            double[] b = back.predict(shots, "c" + c);
            assertEquals(a[0], b[0], 1e-12);
            assertEquals(a[1], b[1], 1e-12);
        }
        NeighbourReference refit = blended.refit(train.subList(1, train.size()));
        assertEquals(0.25, refit.ratioWeight(), 0);
        assertEquals(0.3, refit.factorWeight(), 0);
        json.remove("ratio_weight");
        assertEquals(0, NeighbourReference.fromJson(json, ratio).ratioWeight());
        json.addProperty("ratio_weight", 0.8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NeighbourReference.fromJson(json, ratio));
        assertTrue(e.getMessage().contains("attention.ratio_weight"), e.getMessage());
        assertFalse(blended.describe().isEmpty());
    }
}
