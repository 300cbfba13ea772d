package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighbourReferenceTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    /**
     * Two kinds of workload over 6 configurations: "scaling" ones get faster along the
     * configurations (runtime ~ size / (c + 1)), "overhead" ones slower (size * (c + 1)); 3% noise.
     */
    static List<Workload> twoKinds(int perKind, long seed) {
        Random r = new Random(seed);
        List<Workload> out = new ArrayList<>();
        for (int w = 0; w < 2 * perKind; w++) {
            boolean scaling = w % 2 == 0;
            double size = 10 + 100 * r.nextDouble();
            List<Measurement> ms = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                double y = (scaling ? size / (c + 1) : size * (c + 1)) * Math.exp(0.03 * r.nextGaussian());
                ms.add(new Measurement("c" + c, new float[] {c}, new float[0], y, y, 1, c + 2));
            }
            out.add(new Workload((scaling ? "s" : "o") + w, ms));
        }
        return out;
    }

    @Test
    void withoutTemperaturesItIsTheMeanRatioOfTheTrainingWorkloads() {
        List<Workload> train = twoKinds(3, 1);
        Workload test = twoKinds(1, 2).get(0);
        NeighbourReference nn = NeighbourReference.fit(train, Target.RUNTIME, INF, INF);
        List<Measurement> shot = List.of(test.get(1));
        double expected = 0;
        for (Workload w : train) {
            expected += (Math.log(w.get(4).runtime()) - Math.log(w.get(1).runtime())) / train.size();
        }
        expected += Math.log(test.get(1).runtime());
        assertEquals(expected, nn.predictLog(shot, "c4"), 1e-9);
    }

    @Test
    void attendsToTheTrainingWorkloadsThatBehaveLikeTheShots() {
        List<Workload> train = twoKinds(4, 3);
        for (Workload test : twoKinds(1, 4)) {
            List<Measurement> shots = List.of(test.get(0), test.get(2));
            double truth = Math.log(test.get(5).runtime());
            double flat = NeighbourReference.fit(train, Target.RUNTIME, INF, INF).predictLog(shots, "c5");
            double sharp = NeighbourReference.fit(train, Target.RUNTIME, 0.15, INF).predictLog(shots, "c5");
            // the mean over both kinds is far off for either kind; attention finds the right kind
            assertTrue(Math.abs(sharp - truth) < 0.2, test.name() + ": " + sharp + " vs " + truth);
            assertTrue(Math.abs(flat - truth) > 4 * Math.abs(sharp - truth), test.name() + ": " + flat);
            double[] p = NeighbourReference.fit(train, Target.RUNTIME, 0.15, INF).predict(shots, "c5");
            assertTrue(p[2] >= 1 && p[2] <= 4.5, "the votes come from about one kind: " + p[2]);
        }
    }

    /**
     * The voter weights are the attention's: they sum to 1, put nearly all of it on the training
     * workloads of the shots' kind, and are equal without temperatures.
     */
    @Test
    void itsVoterWeightsAreOnTheTrainingWorkloadsThatBehaveLikeTheShots() {
        List<Workload> train = twoKinds(4, 3);
        for (Workload test : twoKinds(1, 4)) {
            List<Measurement> shots = List.of(test.get(0), test.get(2));
            NeighbourReference sharp = NeighbourReference.fit(train, Target.RUNTIME, 0.15, INF);
            double[] w = sharp.voterWeights(shots, "c5");
            assertEquals(train.size(), w.length);
            double total = 0;
            double sameKind = 0;
            for (int j = 0; j < w.length; j++) {
                assertTrue(w[j] >= 0);
                total += w[j];
                if (train.get(j).name().charAt(0) == test.name().charAt(0)) {
                    sameKind += w[j];
                }
            }
            assertEquals(1, total, 1e-12);
            assertTrue(sameKind > 0.99, test.name() + ": " + sameKind);
            double[] flat = NeighbourReference.fit(train, Target.RUNTIME, INF, INF).voterWeights(shots, "c5");
            for (double x : flat) {
                assertEquals(1.0 / train.size(), x, 1e-12);
            }
            assertEquals(null, sharp.voterWeights(shots, "unknown"), "no training workload measured it");
        }
    }

    @Test
    void weighsItsTemperaturesOnTheTrainingWorkloadsAndBeatsTheFlatMeanThere() {
        List<Workload> train = twoKinds(4, 5);
        int[] shots = {1, 2, 3};
        NeighbourReference weighted = NeighbourReference.fitWeighted(train, Target.RUNTIME, shots, 3, 9);
        double total = 0;
        for (NeighbourReference.Member m : weighted.members()) {
            total += m.weight();
            assertTrue(m.weight() <= weighted.members().get(0).weight(), "heaviest first: " + weighted.describe());
        }
        assertEquals(1, total, 1e-9);
        assertTrue(Double.isFinite(weighted.tauShape()), weighted.describe());
        // the heaviest pair has the lowest leave-one-out squared log error of the grid
        double heaviest = NeighbourReference.looError(train, Target.RUNTIME, shots, 3, 9, weighted.tauShape(),
                weighted.tauLevel())[1];
        for (double ts : NeighbourReference.TAU_GRID) {
            for (double tl : NeighbourReference.TAU_GRID) {
                double e = NeighbourReference.looError(train, Target.RUNTIME, shots, 3, 9, ts, tl)[1];
                assertTrue(heaviest <= e + 1e-12, ts + "/" + tl + ": " + e + " < " + heaviest);
            }
        }
        double heaviestMape = NeighbourReference.looError(train, Target.RUNTIME, shots, 3, 9, weighted.tauShape(),
                weighted.tauLevel())[0];
        double flatMape = NeighbourReference.looError(train, Target.RUNTIME, shots, 3, 9, INF, INF)[0];
        assertTrue(heaviestMape < flatMape / 2, heaviestMape + " vs " + flatMape);
    }

    @Test
    void theWeightedPairsPredictTheirWeightedMeanAndRefitKeepsThem() {
        List<Workload> train = twoKinds(3, 11);
        List<NeighbourReference.Member> pairs = List.of(new NeighbourReference.Member(0.3, INF, 3),
                new NeighbourReference.Member(INF, 0.6, 1));
        NeighbourReference mix = NeighbourReference.fit(train, Target.RUNTIME, pairs);
        assertEquals(0.75, mix.members().get(0).weight(), 1e-12);
        Workload test = twoKinds(1, 12).get(0);
        List<Measurement> shots = List.of(test.get(0), test.get(2));
        double a = NeighbourReference.fit(train, Target.RUNTIME, 0.3, INF).predictLog(shots, "c4");
        double b = NeighbourReference.fit(train, Target.RUNTIME, INF, 0.6).predictLog(shots, "c4");
        assertEquals(0.75 * a + 0.25 * b, mix.predictLog(shots, "c4"), 1e-9);
        NeighbourReference back = NeighbourReference.fromJson(mix.toJson(), RatioReference.fit(train, Target.RUNTIME));
        assertEquals(mix.predictLog(shots, "c4"), back.predictLog(shots, "c4"), 1e-9);
        assertEquals(mix.describe(), back.describe());
        com.google.gson.JsonObject bad = mix.toJson();
        bad.getAsJsonArray("members").get(1).getAsJsonArray().set(2, new com.google.gson.JsonPrimitive(-1));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NeighbourReference.fromJson(bad, RatioReference.fit(train, Target.RUNTIME)));
        assertTrue(e.getMessage().contains("attention.members[1]"), e.getMessage());
        NeighbourReference fewer = mix.refit(train.subList(1, train.size()));
        assertEquals(mix.members(), fewer.members());
    }

    @Test
    void survivesAJsonRoundTripAndFallsBackToTheRatioReference() {
        List<Workload> train = twoKinds(3, 6);
        NeighbourReference nn = NeighbourReference.fit(train, Target.RUNTIME, 0.3, 1.2);
        NeighbourReference back = NeighbourReference.fromJson(nn.toJson(), RatioReference.fit(train, Target.RUNTIME));
        Workload test = twoKinds(1, 7).get(1);
        List<Measurement> shots = List.of(test.get(0), test.get(3));
        for (int c = 0; c < 6; c++) {
            assertEquals(nn.predictLog(shots, "c" + c), back.predictLog(shots, "c" + c), 1e-9);
        }
        assertEquals(nn.describe(), back.describe());
        Measurement unseen = new Measurement("elsewhere", new float[] {9}, new float[0], 5, 5, 1, 0);
        RatioReference ratio = RatioReference.fit(train, Target.RUNTIME);
        assertEquals(ratio.predictLog(List.of(unseen), "c2"), nn.predictLog(List.of(unseen), "c2"), 1e-12);
    }
}
