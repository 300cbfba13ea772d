package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NeighbourReference#predictLogAll} (a recommendation's path: the shots looked up once for
 * every query) gives {@link NeighbourReference#predictLog}'s bits for every query, on the shipped
 * model's attention alone and blended, from random shots of 1-4 configurations (some the model
 * never saw) with random targets; and the attention alone gives the bits of the code it
 * replaced (kept below as it was, a look-up of every shot per query and per training workload).
 */
class NeighbourReferenceBatchTest {

    @Test
    void everyQueryHasPredictLogsBits() throws Exception {
        ModelParams p = ModelParams.fromJson(JsonParser.parseString(
                ParamsReaderTest.paramsOf("configsearch-multicloud.onnx")).getAsJsonObject());
        List<String> keys = new ArrayList<>(p.keys());
        keys.add("never-seen");
        List<NeighbourReference> refs = List.of(p.attention(), p.attention().withBlend(0.3, 0.2),
                p.attention().withoutFactors());
        Random r = new Random(17);
        for (int round = 0; round < 150; round++) {
            NeighbourReference ref = refs.get(round % refs.size());
            List<Measurement> shots = new ArrayList<>();
            int k = 1 + r.nextInt(4);
            for (int s = 0; s < k; s++) {
                String key = keys.get(r.nextInt(keys.size()));
                double y = Math.exp(r.nextGaussian() * 2 + 4);
                shots.add(new Measurement(key, new float[0], new float[0], y, y * 0.01, 0, s + 2));
            }
            double[] all = ref.predictLogAll(shots, keys);
            for (int i = 0; i < keys.size(); i++) {
                assertEquals(Double.doubleToRawLongBits(ref.predictLog(shots, keys.get(i))),
                        Double.doubleToRawLongBits(all[i]), keys.get(i) + " from " + shots);
                if (ref.factorWeight() == 0 && ref.ratioWeight() == 0) {
                    assertEquals(Double.doubleToRawLongBits(before(ref, shots, keys.get(i))),
                            Double.doubleToRawLongBits(all[i]), keys.get(i) + " from " + shots);
                }
            }
        }
    }

    /** The attention's log prediction as main at 38d69d2 computed it (no factors, no ratio share). */
    @SuppressWarnings("unchecked")
    private static double before(NeighbourReference ref, List<Measurement> shots, String query) throws Exception {
        java.lang.reflect.Field f = NeighbourReference.class.getDeclaredField("tables");
        f.setAccessible(true);
        List<java.util.Map<String, Double>> tables = (List<java.util.Map<String, Double>>) f.get(ref);
        java.lang.reflect.Field fb = NeighbourReference.class.getDeclaredField("fallback");
        fb.setAccessible(true);
        int k = shots.size();
        double[] ly = new double[k];
        for (int s = 0; s < k; s++) {
            ly[s] = Math.log(shots.get(s).target(ref.target()));
        }
        int n = tables.size();
        double[] vote = new double[n];
        double[] level = new double[n];
        double[] shape = new double[n];
        int[] missing = new int[n];
        boolean[] ok = new boolean[n];
        boolean any = false;
        for (int j = 0; j < n; j++) {
            java.util.Map<String, Double> t = tables.get(j);
            Double q = t.get(query);
            if (q == null) {
                continue;
            }
            double sum = 0;
            double sq = 0;
            int seen = 0;
            for (int s = 0; s < k; s++) {
                Double v = t.get(shots.get(s).configKey());
                if (v != null) {
                    double d = ly[s] - v;
                    sum += d;
                    sq += d * d;
                    seen++;
                }
            }
            if (seen == 0) {
                continue;
            }
            double c = sum / seen;
            shape[j] = Math.max(0, sq / seen - c * c) * seen;
            level[j] = c * c;
            missing[j] = k - seen;
            vote[j] = q + c;
            ok[j] = true;
            any = true;
        }
        if (!any) {
            return ((RatioReference) fb.get(ref)).predictLog(shots, query);
        }
        double mean = 0;
        for (NeighbourReference.Member m : ref.members()) {
            double[] score = new double[n];
            double maxScore = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (!ok[j]) {
                    continue;
                }
                double sc = 0;
                if (Double.isFinite(m.tauShape())) {
                    sc -= shape[j] / (2 * m.tauShape() * m.tauShape());
                }
                if (Double.isFinite(m.tauLevel())) {
                    sc -= level[j] / (2 * m.tauLevel() * m.tauLevel());
                }
                sc -= missing[j] * 4.0;
                score[j] = sc;
                maxScore = Math.max(maxScore, sc);
            }
            double wsum = 0;
            double[] w = new double[n];
            for (int j = 0; j < n; j++) {
                if (ok[j]) {
                    w[j] = Math.exp(score[j] - maxScore);
                    wsum += w[j];
                }
            }
            double one = 0;
            for (int j = 0; j < n; j++) {
                if (ok[j]) {
                    w[j] /= wsum;
                    one += w[j] * vote[j];
                }
            }
            mean += m.weight() * one;
        }
        return mean;
    }
}
