package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.driver.linux.proc.CpuStat;
import oshi.util.FileUtil;

class ProcStatTicksTest {

    private static final String TAIL = "intr 12 0 3\nctxt 12345\nbtime 1700000000\nprocesses 100\n"
            + "procs_running 1\nprocs_blocked 0\nsoftirq 1 2 3\n";

    @Test
    void parsesCpuLinesInOshisLayoutIgnoringGuestColumns(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  10 20 30 40 50 60 70 80 90 100\n"
                + "cpu0 1 2 3 4 5 6 7 8 9 10\n"
                + "cpu1 11 12 13 14 15 16 17 18 19 20\n" + TAIL);
        ProcStatTicks ticks = new ProcStatTicks(stat, 2);
        long[][] t = ticks.ticks();
        assertEquals(2, t.length);
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, t[0]);
        assertArrayEquals(new long[] {11, 12, 13, 14, 15, 16, 17, 18}, t[1]);
    }

    @Test
    void numbersTooLargeForTheirTypeAreSkippedNotWrapped(@TempDir Path dir) throws IOException {
        // found by ProcFilesFuzzTest: the CPU number wrapped an int negative (ArrayIndexOutOfBounds)
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  0 0 0 0\ncpu9429496729680875 0 0 0 0 0 0\n"
                + "cpu0 99999999999999999999 2 3 4 5 6 7 8\ncpu1 11 12 13 14 15 16 17 18\n" + TAIL);
        long[][] t = new ProcStatTicks(stat, 2).ticks();
        assertEquals(2, t.length);
        assertArrayEquals(new long[] {0, 2, 3, 4, 5, 6, 7, 8}, t[0], "a field that would wrap reads 0, as a malformed one");
        assertArrayEquals(new long[] {11, 12, 13, 14, 15, 16, 17, 18}, t[1]);
    }

    @Test
    void matchesOshisDriverOnTheRunningKernel() {
        // /proc/stat moves between two reads, so compare the shape and that ours is not behind
        long[][] oshi = CpuStat.getProcessorCpuLoadTicks(Runtime.getRuntime().availableProcessors());
        long[][] ours = new ProcStatTicks(Path.of("/proc/stat"), oshi.length).ticks();
        assertEquals(FileUtil.readFile("/proc/stat").stream().filter(l -> l.matches("cpu\\d+ .*")).count(),
                ours.length, "one row per cpuN line");
        for (int cpu = 0; cpu < Math.min(oshi.length, ours.length); cpu++) {
            for (int f = 0; f < ProcStatTicks.FIELDS; f++) {
                long o = oshi[cpu][f];
                long m = ours[cpu][f];
                if (m < o) {
                    throw new AssertionError("cpu" + cpu + " field " + f + ": ours " + m + " < OSHI's " + o);
                }
            }
        }
    }

    @Test
    void reReadsTheKeptOpenFileAndReusesItsArrays(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 1 0 0 1 0 0 0 0 0 0\n" + TAIL);
        ProcStatTicks ticks = new ProcStatTicks(stat, 1);
        long[][] first = ticks.ticks();
        assertEquals(1, first[0][0]);
        // rewritten in place, as procfs regenerates it: the next read sees the new numbers
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 900 0 0 100 0 0 0 0 0 0\n" + TAIL);
        long[][] second = ticks.ticks();
        assertEquals(900, second[0][0]);
        assertEquals(100, second[0][3]);
        assertEquals(first, second, "same array object: no garbage per tick");
    }

    @Test
    void indexesRowsByCpuNumberAcrossHotplug(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 5 0 0 5 0 0 0 0\ncpu1 7 0 0 7 0 0 0 0\ncpu2 9 0 0 9 0 0 0 0\n" + TAIL);
        ProcStatTicks ticks = new ProcStatTicks(stat, 3);
        ticks.ticks();
        // CPU 1 goes offline (its line disappears) and CPU 5 comes online
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 6 0 0 6 0 0 0 0\ncpu2 10 0 0 10 0 0 0 0\n"
                + "cpu5 3 0 0 3 0 0 0 0\n" + TAIL);
        long[][] t = ticks.ticks();
        assertEquals(6, t.length, "grown to the highest CPU number");
        assertEquals(6, t[0][0]);
        assertEquals(7, t[1][0], "an offline CPU keeps its last reading");
        assertEquals(10, t[2][0], "CPU 2 stays in row 2 (OSHI would shift it to row 1)");
        assertEquals(3, t[5][0]);
    }

    @Test
    void growsItsBufferForManyCpus(@TempDir Path dir) throws IOException {
        StringBuilder b = new StringBuilder("cpu  1 2 3 4 5 6 7 8 0 0\n");
        int cpus = 2048; // about 90 KB of cpu lines: more than the first buffer
        for (int c = 0; c < cpus; c++) {
            b.append("cpu").append(c).append(' ').append(123456789L + c).append(" 1 2 987654321 4 5 6 7 0 0\n");
        }
        Path stat = dir.resolve("stat");
        Files.writeString(stat, b.append(TAIL));
        long[][] t = new ProcStatTicks(stat, 4).ticks();
        assertEquals(cpus, t.length);
        assertEquals(123456789L + cpus - 1, t[cpus - 1][0]);
        assertEquals(987654321L, t[cpus - 1][3]);
    }

    @Test
    void aMissingFileFailsLoudlyNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new ProcStatTicks(missing, 1).ticks());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void meterOverTheReaderGivesBusyFractions(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0\n" + TAIL);
        CpuLoadMeter meter = CpuLoadMeter.procStat(stat, 2);
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 30 0 10 40 20 0 0 0\ncpu1 0 0 0 100 0 0 0 0\n" + TAIL);
        assertArrayEquals(new double[] {0.4, 0.0}, meter.sample(), 1e-12);
        Files.writeString(stat, "cpu  0 0 0 0\ncpu0 30 0 10 40 20 0 0 0\ncpu1 50 0 0 150 0 0 0 0\n" + TAIL);
        assertArrayEquals(new double[] {0.4, 0.5}, meter.sample(), 1e-12, "a still CPU keeps its last value");
    }
}
