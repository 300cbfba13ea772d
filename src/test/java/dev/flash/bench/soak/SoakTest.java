package dev.flash.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.daemon.DaemonLog;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short soak: the daemon's loop on the fake machine with every fault class, the invariants
 * asserted. {@code -Dflash.soak.faults=LIST} (keys such as {@code foreign-governor,sigkill})
 * narrows the mix and {@code -Dflash.soak.ticks=N} lengthens the run; the long run is
 * {@code flash bench soak}.
 */
class SoakTest {

    static Set<FaultClass> mix() {
        String text = System.getProperty("flash.soak.faults", "");
        return text.isBlank() ? FaultClass.all() : FaultClass.parseList(text);
    }

    @Test
    void invariantsHoldThroughThousandsOfTicksOfFaults(@TempDir Path dir) throws Exception {
        Set<FaultClass> mix = mix();
        long ticks = Long.getLong("flash.soak.ticks", 4000);
        SoakReport r = SoakRun.run(new SoakRun.Settings(ticks, 11, 0.05, mix, dir, DaemonLog.silent()), (t, n) -> { });

        assertEquals(ticks, r.ticks());
        for (FaultClass f : mix) {
            assertTrue(r.faults().getOrDefault(f, 0L) > 0, f.key() + " was never injected: " + r.faults());
        }
        // the faults reached the daemon: it saw them and recovered
        assertTrue(r.daemonCounts().writeErrors > 0, "no write error seen");
        assertTrue(r.daemonCounts().handsOff > 0, "never handed the CPUs back");
        assertTrue(r.daemonStarts() > 1, "never restarted after a SIGKILL");
        assertTrue(r.daemonCounts().modelDecisions > 0, "the model never decided");

        assertEquals(0, r.uncaught(), String.join("\n", r.problems()));
        assertEquals(java.util.List.of(), r.limitViolations());
        assertEquals(0, r.cpusChangedAfterRestores(), String.join("\n", r.problems()));
        assertEquals(0, r.cpusLeftChanged(), String.join("\n", r.problems()));
        assertTrue(r.fdsFlat(), String.join("\n", r.problems()));
        assertTrue(r.threadsFlat(), String.join("\n", r.problems()));
        // 5% of a heap of a few MiB is within a short run's warm-up noise in a shared test JVM;
        // the command holds the 5% over its long run, this catches a leak of every tick or fault
        assertTrue(r.heapGrowth() < 0.25, String.join("\n", r.problems()));
    }

    /**
     * Issue 20: after a SIGKILL, `flash restore` wrote the saved original over a limit or
     * governor another tool had set after flashd's last write (policy6 back at 2900000 after a
     * tool set 2000000). The mix and seed that showed it, with hotplug and EBUSY around.
     */
    @Test
    void anotherToolsValueSurvivesASigkillAndTheRestore(@TempDir Path dir) throws Exception {
        Set<FaultClass> mix = FaultClass.parseList("foreign-governor,foreign-limit,sigkill,unplug,write-ebusy");
        SoakReport r = SoakRun.run(new SoakRun.Settings(3000, 3, 0.03, mix, dir, DaemonLog.silent()), (t, n) -> { });

        assertTrue(r.faults().getOrDefault(FaultClass.FOREIGN_LIMIT, 0L) > 0
                && r.faults().getOrDefault(FaultClass.FOREIGN_GOVERNOR, 0L) > 0
                && r.faults().getOrDefault(FaultClass.SIGKILL, 0L) > 0, r.faults().toString());
        assertTrue(r.restoresChecked() > 0, "no restore after a SIGKILL was checked");
        assertEquals(0, r.cpusChangedAfterRestores(), String.join("\n", r.problems()));
        assertEquals(0, r.cpusLeftChanged(), String.join("\n", r.problems()));
        assertEquals(0, r.uncaught(), String.join("\n", r.problems()));
    }
}
