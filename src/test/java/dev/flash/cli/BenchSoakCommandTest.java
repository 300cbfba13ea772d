package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flash bench soak}: a few hundred ticks through the command line. */
class BenchSoakCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = FlashMain.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void jsonReportsTheFaultsAndTheVerdict() {
        Path work = dir.resolve("work");
        int code = run("bench", "soak", "--ticks", "600", "--seed", "4", "--fault-rate", "0.1",
                "--faults", "sigkill,unplug,write-ebusy", "--work-dir", work.toString(), "--json");
        JsonObject r = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertEquals(0, code, out + "\n" + err);
        assertTrue(r.get("passed").getAsBoolean());
        assertEquals(600, r.get("ticks").getAsLong());
        JsonObject faults = r.getAsJsonObject("faults");
        assertEquals(3, faults.size(), "only the classes asked for: " + faults);
        long total = 0;
        for (String k : new String[] {"sigkill", "unplug", "write-ebusy"}) {
            assertTrue(faults.get(k).getAsLong() > 0, k + " injected: " + faults);
            total += faults.get(k).getAsLong();
        }
        assertEquals(total, r.get("faults_total").getAsLong());
        assertTrue(r.getAsJsonObject("daemon").get("starts").getAsLong() > 1, "restarted after SIGKILL");
        assertEquals(0, r.get("cpus_left_changed").getAsInt());
        assertTrue(Files.isDirectory(work.resolve("machine")), "a given --work-dir is kept");
    }

    @Test
    void badArgumentsExit2NamingThem() {
        assertEquals(2, run("bench", "soak", "--ticks", "many"));
        assertTrue(err.toString().contains("--ticks"), err.toString());
        assertEquals(2, run("bench", "soak", "--faults", "sigkil"));
        assertTrue(err.toString().contains("unknown fault class 'sigkil'"), err.toString());
        assertEquals(2, run("bench", "soak", "--fault-rate", "2"));
        assertFalse(out.toString().contains("passed"));
    }
}
