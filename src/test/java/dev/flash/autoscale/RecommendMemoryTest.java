package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 10,000 workloads' trajectories fit the 200 MiB goal with room (no timing asserted here). */
class RecommendMemoryTest {

    @Test
    void tenThousandWorkloadsHoldTheirContextsInLittleHeap(@TempDir Path dir) throws Exception {
        try (OnnxModel m = OnnxModel.load(TestModels.write(dir, 8, -1))) {
            RecommendBenchmark.Result r = RecommendBenchmark.run(m, 10_000, 3);
            assertEquals(30_000, r.lines());
            long perWorkload = (r.heapBytes() - r.heapBeforeBytes()) / r.workloads();
            assertTrue(perWorkload < 200L * 1024 * 1024 / 10_000, "bytes per workload " + perWorkload);
        }
    }
}
