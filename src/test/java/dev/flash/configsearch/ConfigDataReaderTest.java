package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDataReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsMulticloudLeavingFailedRunsOutAndMergingRepeats() throws Exception {
        ConfigDataset d = ConfigDataReader.read(Fixtures.multicloud(), ConfigDataReader.Format.MULTICLOUD, false);
        assertEquals(6, d.workloads().size());
        assertEquals(2, d.failedRows());
        assertEquals(1, d.repeatsMerged());
        assertEquals(List.of("provider_A", "provider_B", "provider_C", "A_family", "A_vcpu", "B_family", "B_vcpu",
                "C_family", "C_type", "C_vcpu", "nodes"), d.configColumns());
        Workload sort = d.workloads().get(0);
        assertEquals("alpha-sort", sort.name());
        assertEquals("alpha", sort.group());
        assertEquals(14, sort.size());
        Measurement repeated = sort.measurements().stream().filter(m -> m.runs() == 2).findFirst().orElseThrow();
        // lines 3 and 87 of the fixture: 27.703 and 30.473 s; the geometric mean of the two
        assertEquals(Math.sqrt(27.703088286161282 * 30.473397114777413), repeated.runtime(), 1e-9);
        assertEquals("A/0/0/-/-/-/-/-/4", repeated.configKey());
        assertEquals(1f, repeated.config()[0]);
        assertEquals(-1f, repeated.config()[5], "an empty label of another provider reads as -1");
    }

    @Test
    void keepsFailedRunsWhenAsked() throws Exception {
        // the failed beta-join row has cost 0: kept, its log is undefined, and that is named
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> ConfigDataReader.read(Fixtures.multicloud(), ConfigDataReader.Format.MULTICLOUD, true));
        assertTrue(e.getMessage().contains(":88 column 'target_cost'"), e.getMessage());
    }

    @Test
    void readsLongFormatWithMetrics() throws Exception {
        ConfigDataset d = ConfigDataReader.read(Fixtures.longFormat(), ConfigDataReader.Format.LONG, false);
        assertEquals(List.of("memory_mb"), d.configColumns());
        assertEquals(List.of("metric_cpu_share"), d.metricColumns());
        assertEquals(List.of(Target.RUNTIME), d.targets());
        assertEquals(4, d.workloads().size());
        assertEquals(6, d.workloads().get(0).size());
        assertTrue(Double.isNaN(d.workloads().get(0).get(0).cost()));
    }

    private String error(String csv, ConfigDataReader.Format format) throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, csv);
        return assertThrows(DataFormatException.class, () -> ConfigDataReader.read(f, format, false)).getMessage();
    }

    @Test
    void namesFileLineAndColumnOfBadInput() throws Exception {
        String header = "workload,memory_mb,target_runtime\n";
        assertTrue(error("workload,memory_mb\nf,128\nf,256\n", ConfigDataReader.Format.LONG)
                .contains("bad.csv:1 column 'target_runtime': missing column"));
        assertTrue(error(header + "f,128,1.5\nf,lots,2\n", ConfigDataReader.Format.LONG)
                .contains("bad.csv:3 column 'memory_mb': not a number: 'lots'"));
        assertTrue(error(header + "f,128,1.5\nf,256,-2\n", ConfigDataReader.Format.LONG)
                .contains("bad.csv:3 column 'target_runtime': negative"));
        assertTrue(error(header + "f,128,1.5\nf,256,2\nf,128,1.5\n", ConfigDataReader.Format.LONG)
                .contains("bad.csv:4: duplicate row: the same as line 2"));
        assertTrue(error(header + "f,128,1.5\nf,256,2\ng,128,1\n", ConfigDataReader.Format.LONG)
                .contains("bad.csv:4 column 'workload': workload 'g' has a single row"));
        assertTrue(error("workload,provider\nx,A\n", ConfigDataReader.Format.MULTICLOUD)
                .contains("bad.csv:1 column 'A_family': missing column"));
        assertTrue(error(header + "f,128,1.5\nf,256\n", ConfigDataReader.Format.LONG)
                .contains("bad.csv:3: has 2 fields, the header 3"));
    }
}
