package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.dvfs.eval.ReproduceJsonFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RescoreCommandTest {

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

    private static final int[] KS = {0, 1};

    private static double[][] points(double k0, double k1) {
        return new double[][] {{k0, k0}, {k1, k1}};
    }

    private Path first() throws Exception {
        return new ReproduceJsonFixture(7, 2)
                .app("calm", KS, points(0.5, 0.9), points(0.2, 1.0))
                .app("bursty", KS, points(0.5, 0.5), points(0.2, 1.0))
                .write(dir.resolve("first.json"));
    }

    @Test
    void jsonGivesOwnAndPooledGapsPerLoadNoiseGroup() throws Exception {
        Path other = new ReproduceJsonFixture(7, 2)
                .app("calm", KS, points(0, 0), points(0, 1.2))
                .app("bursty", KS, points(0, 0), points(0, 2.0))
                .write(dir.resolve("other.json"));
        Path apps = dir.resolve("apps.json");
        Files.writeString(apps, """
                {"format": "flash-apps/1", "apps": [
                 {"name": "calm", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60, "load_noise": 0.05}]},
                 {"name": "bursty", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60, "load_noise": 0.4}]}
                ]}""");
        assertEquals(0, run("reproduce", "rescore", first().toString(), other.toString(), "--apps", apps.toString(),
                "--json"), err.toString());
        JsonObject o = JsonParser.parseString(out.toString()).getAsJsonObject();
        JsonArray gaps = o.getAsJsonArray("gaps");
        assertEquals(6, gaps.size()); // own and pooled x all, calm, bursty
        JsonObject own = gaps.get(0).getAsJsonObject();
        assertEquals("own", own.get("expert").getAsString());
        assertEquals((2.0 - 1.4) / 2.0, own.get("reward_gap_flash").getAsDouble(), 1e-12);
        JsonObject pooledBursty = gaps.get(5).getAsJsonObject();
        assertEquals("pooled over 2 runs", pooledBursty.get("expert").getAsString());
        assertTrue(pooledBursty.get("group").getAsString().startsWith("load noise >"), pooledBursty.toString());
        assertEquals(1, pooledBursty.get("apps").getAsInt());
        assertEquals((2.0 - 0.5) / 2.0, pooledBursty.get("reward_gap_flash").getAsDouble(), 1e-12);
    }

    @Test
    void theTableNamesThePaperBeside() throws Exception {
        assertEquals(0, run("reproduce", "rescore", first().toString()), err.toString());
        assertTrue(out.toString().contains("FLASH gap") && out.toString().contains("paper: FLASH 7.1%"), out.toString());
    }

    @Test
    void badInputExitsTwoNamingTheFileOrApplication() throws Exception {
        assertEquals(2, run("reproduce", "rescore", dir.resolve("nope.json").toString()));
        assertTrue(err.toString().contains("nope.json"), err.toString());
        Path apps = dir.resolve("apps.json");
        Files.writeString(apps, """
                {"format": "flash-apps/1", "apps": [
                 {"name": "calm", "split": "test", "mlp": 2, "base_ipc": 1, "power_intensity": 1,
                  "phases": [{"memory_boundness": 0.2, "load": 0.5, "parallelism": 1, "duration_s": 60}]}
                ]}""");
        assertEquals(2, run("reproduce", "rescore", first().toString(), "--apps", apps.toString()));
        assertTrue(err.toString().contains("no application bursty"), err.toString());
        assertEquals(2, run("reproduce", "rescore", first().toString(), "--noise-split", "2"));
        assertTrue(err.toString().contains("--noise-split"), err.toString());
        assertEquals(2, run("reproduce", "rescore"));
    }
}
