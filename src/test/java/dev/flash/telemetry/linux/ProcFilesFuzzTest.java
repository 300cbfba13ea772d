package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.testing.FakeSchedstat;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the readers of {@code /proc/stat} and {@code /proc/schedstat}: a malformed file gives
 * the named failure (UncheckedIOException from the tick source, which the telemetry source
 * turns into a TelemetryException) or a reading marked unusable, never another exception, and
 * no utilization outside [0, 1] or wait share outside [0, 1].
 */
@AddLifecycleHook(FuzzReport.class)
class ProcFilesFuzzTest {
    static final String STAT = "cpu  400 0 100 1500 0 0 0 0 0 0\n"
            + "cpu0 100 0 25 375 0 0 0 0 0 0\ncpu1 100 0 25 375 0 0 0 0 0 0\n"
            + "cpu2 100 0 25 375 0 0 0 0 0 0\ncpu3 100 0 25 375 0 0 0 0 0 0\n"
            + "intr 1 2 3\nctxt 100\nbtime 1700000000\nprocesses 10\nprocs_running 1\nprocs_blocked 0\n";
    private static final Path DIR = FuzzDirs.fresh("proc");

    @Provide
    Arbitrary<String> stats() {
        return Mutations.of(STAT);
    }

    @Provide
    Arbitrary<String> schedstats() {
        FakeSchedstat s = FakeSchedstat.of(15, 4);
        for (int c = 0; c < 4; c++) {
            s.cpu(c, 5_000_000_000L + c, 700_000_000L + c);
        }
        return Mutations.of(s.text());
    }

    @Property
    void procStatGivesUtilizationsOrTheNamedFailure(@ForAll("stats") String text) throws IOException {
        Path file = DIR.resolve("stat");
        Mutations.write(file, STAT);
        ProcStatTicks ticks = new ProcStatTicks(file, 4);
        try {
            CpuLoadMeter meter = new CpuLoadMeter(ticks);
            meter.sample();
            Mutations.write(file, text);
            for (double u : meter.sample()) {
                assertTrue(Double.isNaN(u) || (u >= 0 && u <= 1), "utilization " + u);
            }
            FuzzReport.ok();
        } catch (UncheckedIOException expected) {
            FuzzReport.named(expected);
            assertTrue(expected.getMessage().contains(file.toString()), "names the file: " + expected.getMessage());
        } finally {
            ticks.close();
        }
    }

    @Property
    void schedstatGivesAShareOrNaN(@ForAll("schedstats") String text, @ForAll("schedstats") String next)
            throws IOException {
        Path file = DIR.resolve("schedstat");
        Mutations.write(file, text);
        RunQueueMeter meter = new RunQueueMeter(file, 4);
        try {
            meter.read();
            Mutations.write(file, next);
            meter.read();
            double share = meter.waitShare(new int[] {0, 1, 2, 3});
            assertTrue(Double.isNaN(share) || (share >= 0 && share <= 1), "share " + share);
            if (Double.isNaN(share)) {
                meter.problem(); // a reason is available, or the first reading had nothing to compare
                FuzzReport.count("no share");
            } else {
                FuzzReport.ok();
            }
        } finally {
            meter.close();
        }
    }
}
