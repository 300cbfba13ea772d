package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDataTest {

    @TempDir
    Path dir;

    @Test
    void sizelessSetIsSeedableReadableAndHasItsSixMemorySizes() throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        assertEquals(6 * 50, SyntheticData.write(SyntheticData.Kind.SIZELESS, 50, 4, a));
        SyntheticData.write(SyntheticData.Kind.SIZELESS, 50, 4, b);
        assertEquals(Files.readString(a), Files.readString(b), "same seed, same file");
        ConfigDataset d = ConfigDataReader.read(a, ConfigDataReader.Format.LONG, false);
        assertEquals(List.of("memory_mb"), d.configColumns());
        assertEquals(7, d.metricColumns().size());
        assertEquals(List.of(Target.RUNTIME, Target.COST), d.targets());
        assertEquals(50, d.workloads().size());
        assertTrue(d.workloads().stream().allMatch(w -> w.size() >= 2 && w.size() <= 6));
        // more memory never makes a function much slower (noise is 3%)
        for (Workload w : d.workloads()) {
            for (int i = 1; i < w.size(); i++) {
                assertTrue(w.get(i).runtime() < 1.15 * w.get(i - 1).runtime(), w.name());
            }
        }
    }

    @Test
    void openwhiskSetCoversThirtySixConfigurationsAndFailsOutOfMemoryRuns() throws Exception {
        Path f = dir.resolve("ow.csv");
        SyntheticData.write(SyntheticData.Kind.OPENWHISK, 40, 2, f);
        ConfigDataset kept = ConfigDataReader.read(f, ConfigDataReader.Format.LONG, true);
        ConfigDataset d = ConfigDataReader.read(f, ConfigDataReader.Format.LONG, false);
        assertEquals(List.of("cpus", "memory_mb"), d.configColumns());
        assertEquals(40 * 36, kept.measurementCount());
        assertEquals(kept.measurementCount() - d.measurementCount(), d.failedRows());
        assertTrue(d.failedRows() > 0);
    }

    @Test
    void randomSearchExpectsTheFirstGoodConfigurationAtItsOrderStatistic() {
        // 5 configurations, 2 of them within 5% of the best: (5 + 1) / (2 + 1) = 2 measurements
        List<Measurement> ms = new java.util.ArrayList<>();
        double[] runtimes = {10, 10.4, 20, 30, 40};
        for (int i = 0; i < runtimes.length; i++) {
            ms.add(new Measurement("c" + i, new float[] {i}, new float[0], runtimes[i], 1, 1, i + 2));
        }
        assertEquals(2.0, FewShotEvaluation.expectedRandomSearch(new Workload("w", ms), Target.RUNTIME), 1e-12);
    }
}
