package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommenderTest {

    @TempDir
    static Path dir;
    static Path outModel;
    static Path anyModel;

    @BeforeAll
    static void models() throws Exception {
        outModel = TestModels.write(dir, 4, ScalingAction.SCALE_OUT.ordinal());
        anyModel = TestModels.write(dir, 4, -1);
    }

    static String line(String workload, int replicas, double usage) {
        return "{\"workload\":\"" + workload + "\",\"replicas\":" + replicas + ",\"cpu_limit\":1,\"cpu_usage_cores\":"
                + usage + ",\"request_rate\":100,\"slo_seconds\":0.3,\"slo_preservation\":0.9,"
                + "\"latency_p95_seconds\":0.4,\"max_replicas\":10,\"max_step\":1}";
    }

    @Test
    void answersEachWorkloadFromItsOwnTrajectory() throws Exception {
        try (OnnxModel m = OnnxModel.load(outModel)) {
            Recommender r = new Recommender(m);
            Recommender.Recommendation a1 = r.recommend(WorkloadMetrics.parse(obj(line("a", 4, 0.9))), false);
            assertEquals(ScalingAction.SCALE_OUT, a1.action());
            assertEquals(5, a1.next().replicas(), "out by a quarter of 4 = 1");
            assertEquals(0, a1.contextRows());
            r.recommend(WorkloadMetrics.parse(obj(line("a", 5, 0.9))), false);
            Recommender.Recommendation a3 = r.recommend(WorkloadMetrics.parse(obj(line("a", 9, 0.9))), false);
            assertEquals(2, a3.contextRows(), "two earlier decisions closed by the steps after them");
            assertEquals(10, a3.next().replicas(), "out by 2, held to max_step 1 and max_replicas 10");
            Recommender.Recommendation b1 = r.recommend(WorkloadMetrics.parse(obj(line("b", 2, 0.5))), false);
            assertEquals(0, b1.contextRows(), "b has its own trajectory");
            assertEquals(2, r.workloads());
        }
    }

    @Test
    void scaleInIsProportionalAndGuarded() throws Exception {
        Path inModel = TestModels.write(dir, 4, ScalingAction.SCALE_IN.ordinal());
        try (OnnxModel m = OnnxModel.load(inModel)) {
            Recommender r = new Recommender(m);
            // 10 replicas at 0.3: 3 busy, to 0.6 is 5
            Recommender.Recommendation cold = r.recommend(WorkloadMetrics.parse(obj(line("cold", 10, 0.3)
                    .replace(",\"max_step\":1", ""))), false);
            assertEquals(ScalingAction.SCALE_IN, cold.action());
            assertEquals(5, cold.next().replicas());
            // 10 replicas at 0.75: any scale-in runs them above the guard's bound, so none happens
            Recommender.Recommendation hot = r.recommend(WorkloadMetrics.parse(obj(line("hot", 10, 0.75)
                    .replace(",\"max_step\":1", ""))), false);
            assertEquals(ScalingAction.SCALE_IN, hot.action(), "the model's move is reported");
            assertTrue(hot.next().replicas() >= 10, hot.next().toString());
        }
    }

    @Test
    void streamReportsBadLinesAndServesTheOthers() throws Exception {
        try (OnnxModel m = OnnxModel.load(anyModel)) {
            Recommender r = new Recommender(m);
            String in = line("a", 4, 0.9) + "\n{not json\n"
                    + line("b", 4, 0.9).replace("\"slo_preservation\":0.9", "\"slo_preservation\":1.7") + "\n"
                    + line("c", 4, 0.9).replace(",\"max_replicas\":10", "") + "\n"
                    + line("d", 4, 0.9).replace("{", "{\"agent\":\"dvfs\",") + "\n"
                    + line("e", 4, 0.9).replace("{", "{\"cpu_request\":1.5,") + "\n"
                    + line("a", 4, 0.9) + "\n";
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int bad = dev.flash.cli.AutoscaleCommandAccess.serve(r, in, out, err, true);
            assertEquals(5, bad);
            String[] lines = out.toString().split("\n");
            assertEquals(7, lines.length, out.toString());
            JsonObject first = obj(lines[0]);
            assertEquals("a", first.get("workload").getAsString());
            assertEquals(5, first.getAsJsonObject("probabilities").size());
            assertTrue(obj(lines[1]).get("error").getAsString().startsWith("not JSON"), lines[1]);
            assertEquals(2, obj(lines[1]).get("line").getAsInt());
            assertTrue(lines[2].contains("slo_preservation: 1.7 is out of range"), lines[2]);
            assertTrue(lines[3].contains("max_replicas: missing") && lines[3].contains("\"workload\":\"c\""), lines[3]);
            assertTrue(lines[4].contains("agent:"), lines[4]);
            assertTrue(lines[5].contains("cpu_request: 1.5 is out of range [0.001, 1.0]"), "above the limit: " + lines[5]);
            assertEquals(1, obj(lines[6]).get("context_rows").getAsInt(), "a's second line closed its first decision");
            assertTrue(err.toString().contains("line 3 (b): slo_preservation"), err.toString());
        }
    }

    @Test
    void explainNamesTheNearestKnownServices() throws Exception {
        try (OnnxModel m = OnnxModel.load(anyModel)) {
            Recommender r = new Recommender(m);
            java.util.List<ServiceSpec> known = ServicePopulation.sample(6, 2, 0);
            r.learnKnownServices(known, 12, 1);
            Recommender.Recommendation x = r.recommend(WorkloadMetrics.parse(obj(line("a", 4, 0.9))), true);
            assertEquals(3, x.nearest().size());
            assertTrue(x.nearest().get(0).distance() <= x.nearest().get(1).distance());
            double sum = 0;
            for (float p : x.probabilities()) {
                sum += p;
            }
            assertEquals(1, sum, 1e-4);
        }
    }

    static JsonObject obj(String s) {
        return JsonParser.parseString(s).getAsJsonObject();
    }
}
