package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RatioReferenceTest {

    /** Runtime = size of the workload x speed of the configuration: what the ratio reference assumes. */
    static List<Workload> separable(int workloads, int configs, long seed) {
        Random r = new Random(seed);
        double[] speed = new double[configs];
        for (int c = 0; c < configs; c++) {
            speed[c] = 0.5 + 2 * r.nextDouble();
        }
        List<Workload> out = new ArrayList<>();
        for (int w = 0; w < workloads; w++) {
            double size = 10 + 100 * r.nextDouble();
            List<Measurement> ms = new ArrayList<>();
            for (int c = 0; c < configs; c++) {
                ms.add(new Measurement("c" + c, new float[] {c}, new float[0], size * speed[c], size, 1, c + 2));
            }
            out.add(new Workload("w" + w, ms));
        }
        return out;
    }

    @Test
    void predictsASeparableWorkloadExactlyFromOneShot() {
        List<Workload> all = separable(6, 5, 1);
        Workload test = all.get(5);
        RatioReference ref = RatioReference.fit(all.subList(0, 5), Target.RUNTIME);
        for (int c = 0; c < 5; c++) {
            double p = Math.exp(ref.predictLog(List.of(test.get(0)), "c" + c));
            assertEquals(test.get(c).runtime(), p, 1e-9 * p);
        }
    }

    @Test
    void takesTheMedianRatioSoOneOddWorkloadDoesNotMoveIt() {
        List<Workload> all = new ArrayList<>(separable(5, 3, 2));
        List<Measurement> odd = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            odd.add(new Measurement("c" + c, new float[] {c}, new float[0], c == 2 ? 1e6 : 1, 1, 1, 0));
        }
        all.add(new Workload("odd", odd));
        RatioReference ref = RatioReference.fit(all, Target.RUNTIME);
        Workload w = all.get(0);
        double expected = Math.log(w.get(2).runtime() / w.get(0).runtime());
        assertEquals(expected, ref.logRatio("c0", "c2"), 1e-9);
    }

    @Test
    void survivesAJsonRoundTripAndFallsBackForUnseenPairs() {
        List<Workload> all = separable(4, 4, 3);
        RatioReference ref = RatioReference.fit(all, Target.RUNTIME);
        RatioReference back = RatioReference.fromJson(ref.toJson());
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                assertEquals(ref.logRatio("c" + a, "c" + b), back.logRatio("c" + a, "c" + b), 1e-6);
            }
        }
        assertEquals(0, ref.logRatio("c1", "never-seen") + ref.logRatio("never-seen", "c1"), 1e-12);
    }
}
