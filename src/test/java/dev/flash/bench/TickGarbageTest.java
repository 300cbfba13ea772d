package dev.flash.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The whole daemon tick on the Linux path (fake trees, the shipped model, the slowdown guard)
 * leaves little garbage: per policy, the telemetry's {@code PolicySample} (136 bytes with
 * compressed references) and at most two {@code PolicyDecision}s of 48 (the model's, and the
 * guard's when it raises): 232 bytes; per tick a few arrays and lists (about 1.5 KB at 64
 * policies). Nothing per context row, no embedding copies (the shipped model's was 80 bytes a
 * policy, which this bound does not leave room for), no boxing, no iterators. The bound is the
 * structure's, with room for another JVM's layout and the periodic directory listing, not a
 * measured figure. TickAllocationTest covers the loop's own bookkeeping alone.
 */
class TickGarbageTest {
    static final int CPUS = 64;
    static final int BYTES_PER_POLICY = 290;
    static final int BYTES_PER_TICK = 2048;

    @Test
    void aTickAllocatesLittleMoreThanOneSampleAndTwoDecisionsPerPolicy() throws Exception {
        TickBenchmark b = new TickBenchmark();
        b.cpus = CPUS;
        b.layout = "acpi-cpufreq";
        b.modelOverride = Path.of("models/dvfs-flash.onnx");
        b.setUp();
        try {
            TickGarbage.Count c = TickGarbage.count(b, 500, 500);
            double bound = BYTES_PER_POLICY * CPUS + BYTES_PER_TICK;
            assertTrue(c.bytesPerTick() < bound, "a tick at " + CPUS + " policies allocates " + c.bytesPerTick()
                    + " bytes (bound " + bound + ")");
        } finally {
            b.tearDown();
        }
    }
}
