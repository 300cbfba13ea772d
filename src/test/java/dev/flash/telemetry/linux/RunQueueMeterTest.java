package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.testing.FakeSchedstat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunQueueMeterTest {
    private static final long MS = 1_000_000L;

    /** Four CPUs in two SMT pairs as a v15/v16 kernel prints them: each cpu line, then its two domains. */
    private static final String VERSION_15 = """
            version 15
            timestamp 4302157722
            cpu0 0 0 25840919 8613639 12920459 6460229 1452274223612 317845967821 17227280
            domain0 3 63767 61853 79 184 34 0 25 1889 73011 70820 148 1639 391 1 14 2177 69201 67124 274 737 141 5 6 2071 8 0 6 0 0 0 0 0 0 4360 848 0
            domain1 f 84976 82426 133 1639 139 6 10 2540 41612 40363 148 1284 444 11 5 1244 80410 77997 172 1375 198 16 15 2398 5 0 7 0 0 0 0 0 0 63074 286 0
            cpu1 0 0 15995922 5331974 7997961 3998980 3409228434956 266818516982 10663948
            domain0 3 1945 1886 149 1172 360 9 48 11 67633 65604 99 847 216 19 18 2011 57497 55772 231 330 119 9 16 1709 26 0 25 0 0 0 0 0 0 6667 83 0
            domain1 f 7071 6858 236 1282 143 16 34 179 85934 83355 241 1435 175 4 43 2536 26634 25834 34 845 467 6 40 760 20 0 14 0 0 0 0 0 0 37215 188 0
            cpu2 0 0 33879397 11293132 16939698 8469849 2411278015327 407667543496 22586265
            domain0 c 27045 26233 165 206 429 1 45 767 30998 30068 142 1567 298 19 15 915 17009 16498 169 1914 90 9 29 482 0 0 1 0 0 0 0 0 0 47803 714 0
            domain1 f 11827 11472 146 1505 345 10 1 354 43311 42011 147 658 494 4 49 1251 86448 83854 210 1764 482 19 43 2551 26 0 2 0 0 0 0 0 0 39457 632 0
            cpu3 0 0 22845656 7615218 11422828 5711414 2953755212541 174268554447 15230438
            domain0 c 33774 32760 195 1226 492 5 21 993 76116 73832 4 744 22 14 10 2274 48866 47400 185 594 292 3 28 1438 6 0 13 0 0 0 0 0 0 28252 116 0
            domain1 f 8777 8513 31 113 377 5 38 226 89713 87021 76 1242 20 17 31 2661 77371 75049 127 658 18 3 33 2289 9 0 24 0 0 0 0 0 0 54650 667 0
            """;

    /** Version 17 (Linux 6.12 and later): domain lines name the domain and carry 45 numbers; cpu lines as before. */
    private static final String VERSION_17 = """
            version 17
            timestamp 4302157722
            cpu0 0 0 23439316 7813105 11719658 5859829 1886815234979 341556958685 15626211
            domain0 MC 3 54821 53176 251 75 448 862 908 127 20 27 1618 29274 28395 255 384 64 75 520 129 7 33 846 28271 27422 118 854 1781 535 290 166 1 20 829 18 0 3 0 0 0 0 0 0 75672 412 0
            cpu1 0 0 53819904 17939968 26909952 13454976 1179292234179 312576348397 35879936
            domain0 MC 3 13177 12781 220 431 1904 1789 1172 460 5 21 375 39824 38629 241 1637 1844 1315 645 417 13 33 1162 29211 28334 137 693 1889 803 1958 254 2 17 860 30 0 20 0 0 0 0 0 0 88602 195 0
            """;

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("schedstat"), text);
    }

    /** {@code run}/{@code delay}[cpu] in ms, every CPU online. */
    private Path write(int version, long[] runMs, long[] delayMs) {
        FakeSchedstat fake = FakeSchedstat.of(version, runMs.length);
        for (int cpu = 0; cpu < runMs.length; cpu++) {
            fake.cpu(cpu, runMs[cpu] * MS, delayMs[cpu] * MS);
        }
        return fake.writeTo(dir.resolve("schedstat"));
    }

    @Test
    void readsRunTimeAndRunDelayOfVersion15SkippingDomainLines() throws IOException {
        RunQueueMeter meter = new RunQueueMeter(write(VERSION_15), 4);
        meter.read();
        assertNull(meter.problem());
        assertEquals(1452274223612L, meter.runTime(0));
        assertEquals(317845967821L, meter.runDelay(0));
        assertEquals(2953755212541L, meter.runTime(3));
        assertEquals(174268554447L, meter.runDelay(3));
        assertEquals(4, meter.rows(), "domain lines are not CPUs");
    }

    @Test
    void readsVersion17WhoseDomainLinesNameTheDomain() throws IOException {
        RunQueueMeter meter = new RunQueueMeter(write(VERSION_17), 2);
        meter.read();
        assertNull(meter.problem());
        assertEquals(1179292234179L, meter.runTime(1));
        assertEquals(312576348397L, meter.runDelay(1));
    }

    @Test
    void shareIsDelayOverRunnableTimeSummedOverThePolicysCpus() {
        Path file = write(16, new long[] {1000, 2000, 3000, 4000}, new long[] {100, 200, 300, 400});
        RunQueueMeter meter = new RunQueueMeter(file, 4);
        meter.read();
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0, 1})), "one reading: no delta yet");

        // over the tick: cpu0 ran 800 ms and its tasks waited 200; cpu1 600 and 400; cpu2 900 and 0; cpu3 500 and 1500
        write(16, new long[] {1800, 2600, 3900, 4500}, new long[] {300, 600, 300, 1900});
        meter.read();
        assertEquals((200.0 + 400) / (800 + 200 + 600 + 400), meter.waitShare(new int[] {0, 1}), 1e-12);
        assertEquals(0.0, meter.waitShare(new int[] {2}), 1e-12, "ran the whole tick, nobody waited");
        assertEquals(1500.0 / 2000, meter.waitShare(new int[] {3}), 1e-12);
        assertEquals((200.0 + 400 + 0 + 1500) / (1000 + 1000 + 900 + 2000), meter.waitShare(new int[] {0, 1, 2, 3}),
                1e-12);
    }

    @Test
    void anIdleCpuAddsNothingAndAnIdlePolicyWaitsZero() {
        RunQueueMeter meter = new RunQueueMeter(write(15, new long[] {500, 500}, new long[] {50, 50}), 2);
        meter.read();
        write(15, new long[] {900, 500}, new long[] {150, 50}); // cpu1 idle all tick
        meter.read();
        assertEquals(100.0 / 500, meter.waitShare(new int[] {0, 1}), 1e-12, "the busy CPU's share, undiluted");
        assertEquals(0.0, meter.waitShare(new int[] {1}), "nothing ran, nothing waited");
    }

    @Test
    void aMissingFileIsUnavailableWithAReasonAndNeverThrows() {
        Path absent = dir.resolve("schedstat");
        RunQueueMeter meter = new RunQueueMeter(absent, 2);
        assertFalse(meter.available());
        String reason = meter.unavailableReason().orElseThrow();
        assertTrue(reason.contains(absent.toString()) && reason.contains("CONFIG_SCHEDSTATS"), reason);
        meter.read();
        meter.read();
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0, 1})));
        assertEquals(reason, meter.problem());
    }

    @Test
    void aFileThatAppearsLaterIsNotRetried() {
        Path file = dir.resolve("schedstat");
        RunQueueMeter meter = new RunQueueMeter(file, 2);
        write(15, new long[] {1, 1}, new long[] {1, 1});
        meter.read();
        meter.read();
        assertFalse(meter.available(), "a kernel does not grow /proc/schedstat: one look at start");
    }

    @Test
    void aReadFailureMidRunMakesItUnavailableFromThenOn() throws IOException {
        Path file = write(15, new long[] {100, 100}, new long[] {10, 10});
        RunQueueMeter meter = new RunQueueMeter(file, 2);
        meter.read();
        meter.close(); // the next read reopens the file...
        Files.delete(file); // ...which is gone
        meter.read();
        assertFalse(meter.available());
        assertTrue(meter.problem().contains(file.toString()), meter.problem());
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0})));

        write(15, new long[] {200, 200}, new long[] {20, 20});
        meter.read();
        meter.read();
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0})), "stays unavailable: no retry every tick");
    }

    @Test
    void aMalformedCpuLineSpoilsThatReadingOnly() throws IOException {
        Path file = write(15, new long[] {100, 100}, new long[] {10, 10});
        RunQueueMeter meter = new RunQueueMeter(file, 2);
        meter.read();
        write(VERSION_15.replace("cpu1 0 0 15995922 5331974 7997961 3998980 3409228434956 266818516982 10663948",
                "cpu1 0 0 15995922 5331974 7997961"));
        meter.read();
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0})), "the reading is not trusted, not even cpu0");
        assertTrue(meter.problem().contains("cpu1") && meter.problem().contains("5 numbers"), meter.problem());
        assertTrue(meter.available(), "a bad reading is not a missing file");

        write(15, new long[] {200, 200}, new long[] {20, 20});
        meter.read();
        assertNull(meter.problem());
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0})), "nothing whole to compare with yet");
        write(15, new long[] {300, 300}, new long[] {70, 20});
        meter.read();
        assertEquals(50.0 / 150, meter.waitShare(new int[] {0}), 1e-12, "measuring again");
    }

    @Test
    void aFieldThatIsNotANumberIsMalformed() throws IOException {
        RunQueueMeter meter = new RunQueueMeter(write(VERSION_17.replace("1886815234979", "18868152x4979")), 2);
        meter.read();
        assertTrue(meter.problem().contains("cpu0") && meter.problem().contains("not a number"), meter.problem());
        assertTrue(meter.available());
    }

    @Test
    void aFileWithoutVersionLineIsMalformed() throws IOException {
        RunQueueMeter meter = new RunQueueMeter(write(VERSION_15.substring(VERSION_15.indexOf("timestamp"))), 4);
        meter.read();
        assertTrue(meter.problem().contains("version"), meter.problem());
    }

    @Test
    void anUnknownVersionIsUnavailableNamingIt() throws IOException {
        // version 14 had 12 numbers per cpu line, run delay 11th: fields 7 and 8 would be other counters
        RunQueueMeter meter = new RunQueueMeter(write(VERSION_15.replace("version 15", "version 14")), 4);
        meter.read();
        assertFalse(meter.available());
        assertTrue(meter.problem().contains("version 14"), meter.problem());
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0})));
    }

    @Test
    void countersGoingBackwardsGiveNanForThatPolicyOnly() {
        RunQueueMeter meter = new RunQueueMeter(write(15, new long[] {1000, 1000, 1000}, new long[] {100, 100, 100}), 3);
        meter.read();
        write(15, new long[] {1500, 900, 1500}, new long[] {200, 150, 150});
        meter.read();
        assertTrue(Double.isNaN(meter.waitShare(new int[] {0, 1})), "cpu1's run time went back");
        assertEquals(50.0 / 550, meter.waitShare(new int[] {2}), 1e-12);
    }

    @Test
    void rowsAreCpuNumbersAndGrowWhenACpuComesOnline() {
        Path file = dir.resolve("schedstat");
        FakeSchedstat.of(15, 8).cpu(0, 100 * MS, 10 * MS).cpu(1, 100 * MS, 10 * MS).writeTo(file);
        RunQueueMeter meter = new RunQueueMeter(file, 2);
        meter.read();
        // cpu1 goes offline (its line disappears), cpu5 comes online
        FakeSchedstat.of(15, 8).cpu(0, 200 * MS, 30 * MS).cpu(5, 400 * MS, 100 * MS).writeTo(file);
        meter.read();
        assertEquals(6, meter.rows(), "grown to the highest CPU number");
        assertEquals(20.0 / 120, meter.waitShare(new int[] {0, 1, 5}), 1e-12, "only CPUs in both readings count");
        assertTrue(Double.isNaN(meter.waitShare(new int[] {1})), "offline: nothing measured");
        assertTrue(Double.isNaN(meter.waitShare(new int[] {5})), "new: nothing to compare with");
        assertTrue(Double.isNaN(meter.waitShare(new int[] {64})), "never seen");

        FakeSchedstat.of(15, 8).cpu(0, 300 * MS, 30 * MS).cpu(5, 500 * MS, 200 * MS).writeTo(file);
        meter.read();
        assertEquals(100.0 / 200, meter.waitShare(new int[] {5}), 1e-12, "counted from its second reading");
    }

    @Test
    void readsAFileLargerThanItsFirstBuffer() {
        int cpus = 256; // about 600 bytes per CPU with its domain lines: more than the first buffer holds
        FakeSchedstat first = FakeSchedstat.of(16, cpus);
        FakeSchedstat second = FakeSchedstat.of(16, cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            first.cpu(cpu, 1000 * MS, 0);
            second.cpu(cpu, 1000 * MS + (cpu == 255 ? 300 : 100) * MS, cpu == 255 ? 100 * MS : 0);
        }
        assertTrue(first.text().length() > RunQueueMeter.INITIAL_BYTES, "the test needs a large file");
        Path file = first.writeTo(dir.resolve("schedstat"));
        RunQueueMeter meter = new RunQueueMeter(file, 4);
        meter.read();
        second.writeTo(file);
        meter.read();
        assertNull(meter.problem());
        assertEquals(256, meter.rows());
        assertEquals(100.0 / 400, meter.waitShare(new int[] {255}), 1e-12, "the last line was read");
        assertEquals(0.0, meter.waitShare(new int[] {0, 1}), 1e-12);
    }
}
