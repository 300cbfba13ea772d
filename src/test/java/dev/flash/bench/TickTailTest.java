package dev.flash.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tail tools: TickTail's per-tick file and TickAB's two class loaders. */
class TickTailTest {

    @Test
    void tickTailWritesOneLinePerTickWhosePartsAddUpToTheTick(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ticks.tsv");
        TickTail.main(new String[] {"cpus=4", "warmup=10", "ticks=40", "period=8", "out=" + out});
        List<String> lines = Files.readAllLines(out);
        assertEquals(41, lines.size(), "a header and one line per measured tick");
        List<String> head = List.of(lines.get(0).split("\t"));
        assertEquals(14, head.size(), head.toString());
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            assertEquals(head.size(), f.length, "line " + (i + 1));
            long[] v = new long[f.length];
            for (int k = 0; k < f.length; k++) {
                v[k] = Long.parseLong(f[k]);
            }
            assertEquals(10 + i - 1, v[head.indexOf("tick")], "tick index, line " + (i + 1));
            long wall = v[head.indexOf("wall_ns")];
            long parts = v[head.indexOf("pre_ns")] + v[head.indexOf("sense_ns")] + v[head.indexOf("decide_ns")]
                    + v[head.indexOf("act_ns")];
            assertEquals(wall, parts, "the wall parts are the tick's wall time, line " + (i + 1));
            for (String part : List.of("pre", "sense", "decide", "act")) {
                assertTrue(v[head.indexOf(part + "_ns")] >= 0, part + " wall, line " + (i + 1));
                assertTrue(v[head.indexOf(part + "_cpu_ns")] >= 0, part + " CPU, line " + (i + 1));
            }
            assertTrue(v[head.indexOf("sense_ns")] > 0, "every tick reads the telemetry, line " + (i + 1));
            assertTrue(v[head.indexOf("act_ns")] > 0, "every tick writes (or checks) every policy, line " + (i + 1));
        }
    }

    @Test
    void tickTailNamesAnUnknownArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TickTail.main(new String[] {"cpu=4"}));
        assertTrue(e.getMessage().contains("cpu=4"), e.getMessage());
    }

    @Test
    void tickAbLoadsEachTreeInItsOwnClassLoader() throws Exception {
        // this tree against itself: both sides set up, tick and tear down without sharing a daemon
        TickAB.main(new String[] {"a=.", "b=.", "cpus=2", "warmup=5", "blocks=2", "block=5"});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TickAB.main(new String[] {"a=.", "b=/nonexistent-tree"}));
        assertTrue(e.getMessage().contains("/nonexistent-tree"), e.getMessage());
    }
}
