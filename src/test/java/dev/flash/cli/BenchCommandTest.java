package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.bench.GovernorComparison;
import dev.flash.sim.AppPopulation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flash bench governors} on a few simulated seconds. */
class BenchCommandTest {

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

    private Map<String, JsonObject> deciders(JsonObject root) {
        Map<String, JsonObject> byName = new HashMap<>();
        JsonArray arr = root.getAsJsonArray("deciders");
        arr.forEach(e -> byName.put(e.getAsJsonObject().get("decider").getAsString(), e.getAsJsonObject()));
        return byName;
    }

    @Test
    void jsonComparesEveryDeciderOnTheEmbeddedApps() {
        assertEquals(0, run("bench", "governors", "--seconds", "8", "--json"), err.toString());
        JsonObject root = JsonParser.parseString(out.toString()).getAsJsonObject();
        Map<String, JsonObject> d = deciders(root);
        assertEquals(GovernorComparison.DECIDERS.size(), d.size());
        assertTrue(d.keySet().containsAll(GovernorComparison.DECIDERS));

        JsonObject perf = d.get("performance");
        JsonObject save = d.get("powersave");
        assertEquals(0.0, perf.get("energy_saving_vs_performance").getAsDouble(), 1e-9);
        assertTrue(perf.get("slowdown").getAsDouble() < 1e-6, "fmax never slows down");
        assertEquals(1.0, perf.get("budget_held").getAsDouble(), 1e-9);
        assertTrue(save.get("energy_joules").getAsDouble() < perf.get("energy_joules").getAsDouble(),
                "fmin spends less energy than fmax");
        assertTrue(save.get("slowdown").getAsDouble() > d.get("oracle").get("slowdown").getAsDouble(),
                "fmin slows down more than the oracle");
        assertTrue(d.get("oracle").get("energy_saving_vs_performance").getAsDouble() > 0, "oracle saves energy");
        assertEquals(root.get("application_count").getAsInt(),
                perf.getAsJsonObject("per_application").size(), "one entry per application");
    }

    @Test
    void tableRunsTheHeldOutAppsOfAPopulation() throws Exception {
        Path apps = dir.resolve("apps.json");
        AppPopulation.write(apps, AppPopulation.sample(10, 3, 0.2));
        assertEquals(0, run("bench", "governors", "--apps", apps.toString(), "--seconds", "5"), err.toString());
        String text = out.toString();
        assertTrue(text.contains("the 2 held-out applications"), text);
        for (String name : GovernorComparison.DECIDERS) {
            assertTrue(text.contains("\n" + name + " "), name + " missing from\n" + text);
        }
    }

    @Test
    void badInputExitsTwoNamingTheOption() throws Exception {
        assertEquals(2, run("bench", "governors", "--seconds", "0"));
        assertTrue(err.toString().contains("--seconds"), err.toString());
        assertEquals(2, run("bench", "governors", "--budget", "1.5"));
        assertTrue(err.toString().contains("--budget"), err.toString());
        Path trainOnly = dir.resolve("train.json");
        AppPopulation.write(trainOnly, AppPopulation.sample(3, 1, 0.0));
        assertEquals(2, run("bench", "governors", "--apps", trainOnly.toString(), "--seconds", "2"));
        assertTrue(err.toString().contains("held-out"), err.toString());
    }
}
