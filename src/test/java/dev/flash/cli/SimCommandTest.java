package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppPopulation.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = FlashMain.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Test
    void appsWritesTheSampledPopulation() throws Exception {
        Path out = dir.resolve("apps.json");
        assertEquals(0, run("sim", "apps", "--sample", "12", "--seed", "4", "--test-fraction", "0.25", "--out", out.toString()));
        assertEquals(AppPopulation.sample(12, 4, 0.25), AppPopulation.read(out));
        Path steady = dir.resolve("steady.json");
        assertEquals(0, run("sim", "apps", "--sample", "12", "--seed", "4", "--burst-max", "0", "--out", steady.toString()));
        assertEquals(AppPopulation.sample(12, 4, 0.2, Shape.DEFAULT.withBurstMax(0)), AppPopulation.read(steady));
        Path gapped = dir.resolve("gaps.json");
        assertEquals(0, run("sim", "apps", "--sample", "12", "--seed", "4", "--idle-gaps", "0.5", "--out", gapped.toString()));
        assertEquals(AppPopulation.sample(12, 4, 0.2, Shape.DEFAULT.withIdleGaps(0.5)), AppPopulation.read(gapped));
        Path third = dir.resolve("third.json");
        assertEquals(0, run("sim", "apps", "--sample", "12", "--seed", "4", "--idle-gaps", "1/3", "--out", third.toString()));
        assertEquals(AppPopulation.sample(12, 4, 0.2, Shape.DEFAULT.withIdleGaps(1.0 / 3)), AppPopulation.read(third));
        Path hosts = dir.resolve("hosts.json");
        assertEquals(0, run("sim", "apps", "--sample", "12", "--seed", "4", "--idle-gaps", "0", "--idle-hosts", "1/4",
                "--out", hosts.toString()));
        assertEquals(AppPopulation.sample(12, 4, 0.2, Shape.DEFAULT.withIdleGaps(0).withIdleHosts(0.25)), AppPopulation.read(hosts));
    }

    @Test
    void badNumbersExitTwoNamingTheOption() {
        assertEquals(2, run("sim", "apps", "--sample", "x", "--seed", "1"));
        assertTrue(err.toString().contains("--sample"), err.toString());
        assertEquals(2, run("sim", "apps", "--sample", "5", "--seed", "1", "--test-fraction", "1"));
        assertTrue(err.toString().contains("--test-fraction"), err.toString());
        assertEquals(2, run("sim", "apps", "--sample", "5", "--seed", "one"));
        assertTrue(err.toString().contains("--seed"), err.toString());
        assertEquals(2, run("sim", "apps", "--sample", "5", "--seed", "1", "--burst-max", "0.05"));
        assertTrue(err.toString().contains("--burst-max"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("sim", "apps", "--sample", "5", "--seed", "1", "--idle-gaps", "a third"));
        assertTrue(err.toString().contains("--idle-gaps"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("sim", "apps", "--sample", "5", "--seed", "1", "--idle-gaps", "4/3"));
        assertTrue(err.toString().contains("--idle-gaps"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("sim", "apps", "--sample", "5", "--seed", "1", "--idle-hosts", "-1"));
        assertTrue(err.toString().contains("--idle-hosts"), err.toString());
    }

    @Test
    void specCheckValidatesAFile() throws Exception {
        Path bad = dir.resolve("bad.toml");
        java.nio.file.Files.writeString(bad, "[node]\nwatts = 3\n[workload]\n");
        assertEquals(ExitCodes.CONFIG, run("sim", "spec", "--check", bad.toString()));
        assertTrue(err.toString().contains("unknown key 'watts'"), err.toString());
    }
}
