package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model is served behind the guard it was trained behind, read from its params. */
class MoveGuardTest {

    @TempDir
    Path dir;

    @Test
    void aModelNamesItsGuardAndOneWithoutTheKeyKeepsTheUtilizationGuard() throws Exception {
        try (OnnxModel floor = OnnxModel.load(TestModels.write(dir, 4, -1, "hpa-floor"));
             OnnxModel old = OnnxModel.load(TestModels.write(dir, 4, -1, null));
             OnnxModel utilization = OnnxModel.load(TestModels.write(dir, 4, -1, "utilization"))) {
            assertEquals(MoveGuard.HPA_FLOOR, MoveGuard.ofModel(floor.description()));
            assertEquals(MoveGuard.UTILIZATION, MoveGuard.ofModel(old.description()));
            assertEquals(MoveGuard.UTILIZATION, MoveGuard.ofModel(utilization.description()));
        }
    }

    @Test
    void anUnknownGuardRejectsTheModelNamingTheKey() throws Exception {
        try (OnnxModel m = OnnxModel.load(TestModels.write(dir, 4, -1, "hope"))) {
            ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxAutoscaler.check(m.description()));
            assertTrue(e.getMessage().contains("params.guard") && e.getMessage().contains("hope"), e.getMessage());
        }
    }

    @Test
    void theRecommendStreamServesEachModelBehindItsOwnGuard() throws Exception {
        // a model that never moves, on a workload HPA would scale out from 4 to 6 (4 x 0.9 / 0.7 = 5.1);
        // the rate rose 1.5x, which only the utilization guard extrapolates
        String first = "{\"workload\":\"w\",\"replicas\":4,\"cpu_limit\":1,\"cpu_usage_cores\":0.6,\"request_rate\":100,"
                + "\"slo_seconds\":0.3,\"slo_preservation\":1,\"latency_p95_seconds\":0.1,\"max_replicas\":40}";
        String hot = first.replace("\"cpu_usage_cores\":0.6", "\"cpu_usage_cores\":0.9").replace("100", "150");
        int noOp = ScalingAction.NO_OP.ordinal();
        try (OnnxModel floor = OnnxModel.load(TestModels.write(dir, 4, noOp, "hpa-floor"));
             OnnxModel old = OnnxModel.load(TestModels.write(dir, 4, noOp, null))) {
            Allocation f = decide(new Recommender(floor), first, hot);
            Allocation u = decide(new Recommender(old), first, hot);
            assertEquals(new Allocation(6, 1), f, "HPA's own scale-out");
            assertTrue(u.replicas() > 6, "the utilization guard extrapolates the 1.5x rise: " + u);
        }
    }

    @Test
    void theRecommendStreamsFloorReadsThePodsCpuRequest() throws Exception {
        // 10 pods of 4 cores burning 1.4 each: against a request of 1.6 HPA sees 0.875 and scales out to
        // ceil(10 x 1.25) = 13; with no request (Kubernetes takes the limit) it sees 0.35 and holds
        String line = "{\"workload\":\"w\",\"replicas\":10,\"cpu_limit\":4,\"cpu_request\":1.6,\"cpu_usage_cores\":1.4,"
                + "\"request_rate\":100,\"slo_seconds\":0.3,\"slo_preservation\":1,\"latency_p95_seconds\":0.1,"
                + "\"max_replicas\":40}";
        try (OnnxModel floor = OnnxModel.load(TestModels.write(dir, 4, ScalingAction.NO_OP.ordinal(), "hpa-floor"))) {
            assertEquals(new Allocation(13, 4), decide(new Recommender(floor), line, line));
            String noRequest = line.replace("\"cpu_request\":1.6,", "");
            assertEquals(new Allocation(10, 4), decide(new Recommender(floor), noRequest, noRequest));
        }
    }

    private static Allocation decide(Recommender r, String first, String second) throws InvalidInputException {
        r.recommend(WorkloadMetrics.parse(JsonParser.parseString(first).getAsJsonObject()), false);
        return r.recommend(WorkloadMetrics.parse(JsonParser.parseString(second).getAsJsonObject()), false).next();
    }
}
