package dev.flash.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.cli.FlashMain;
import dev.flash.daemon.StatusServer;
import dev.flash.testing.Await;
import dev.flash.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models are swapped by dropping files into the models directory while the daemon runs on the
 * simulated node: a valid model becomes active; a corrupt one is rejected and the last good
 * model keeps deciding; the daemon never stops.
 */
class ModelDropWhileRunningTest {
    @TempDir
    Path dir;

    @Test
    void validDropActivatesCorruptDropIsRejectedAndLastGoodKeepsRunning() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path state = dir.resolve("run");
        Path socket = state.resolve("flashd.sock");
        Path config = dir.resolve("flashd.toml");
        Files.writeString(config, "model_poll_seconds = 1\n");
        CompletableFuture<Integer> daemon = CompletableFuture.supplyAsync(() -> FlashMain.commandLine().execute(
                "daemon", "--simulate", "--config", config.toString(), "--models-dir", models.toString(),
                "--state-dir", state.toString(), "--socket", socket.toString(), "--period", "100", "--quiet"));
        try {
            awaitStatus(socket, "a few ticks", s -> s.has("ticks") && s.get("ticks").getAsInt() > 2);

            drop(models, "good.onnx", TestModels.validDvfs());
            JsonObject active = awaitStatus(socket, "good.onnx active", s -> modelName(s).equals("good.onnx"));
            assertEquals("running", active.get("state").getAsString());

            drop(models, "broken.onnx", TestModels.truncated());
            // the daemon's own poll has seen the file and refused it: not a wait that passes without one
            JsonObject after = awaitStatus(socket, "broken.onnx refused by the daemon", s -> rejected(s).stream()
                    .anyMatch(r -> r.startsWith("broken.onnx: ") && r.contains("not a loadable ONNX model")));
            assertEquals("good.onnx", modelName(after), "the last good model keeps running");
            assertEquals("running", after.get("state").getAsString());
            assertEquals(0, after.getAsJsonObject("counts").get("fallbacks").getAsLong(), after.toString());
            long decisions = after.getAsJsonObject("counts").get("modelDecisions").getAsLong();
            awaitStatus(socket, "the model to keep deciding",
                    s -> s.getAsJsonObject("counts").get("modelDecisions").getAsLong() > decisions
                            && modelName(s).equals("good.onnx"));

            // The operator sees why the file was refused.
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            picocli.CommandLine cl = FlashMain.commandLine();
            cl.setOut(new java.io.PrintWriter(out, true));
            assertEquals(0, cl.execute("models", "list", "--dir", models.toString(), "--json"));
            assertTrue(out.toString().contains("broken.onnx"), out.toString());
            assertTrue(out.toString().contains("good.onnx"), out.toString());
        } finally {
            // The daemon's handler stops the loop. TERM, as systemd sends: a shell that starts the
            // build in the background leaves INT ignored, and the JVM then never sees it.
            sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
        }
        assertEquals(0, daemon.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "stopped cleanly");
    }

    /** Write then rename, as the docs tell operators to do. */
    private static void drop(Path models, String name, byte[] bytes) throws IOException {
        Path tmp = models.resolve("." + name + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, models.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String modelName(JsonObject status) {
        return status.getAsJsonObject("model").get("name").getAsString();
    }

    /** "name: reason" of each model file the daemon's status lists as rejected. */
    private static List<String> rejected(JsonObject status) {
        List<String> out = new ArrayList<>();
        if (status.has("rejectedModels")) {
            status.getAsJsonArray("rejectedModels").forEach(r -> out.add(r.getAsJsonObject().get("name").getAsString()
                    + ": " + r.getAsJsonObject().get("reason").getAsString()));
        }
        return out;
    }

    /** The first status that matches, waiting for it (the daemon may still be starting). */
    private static JsonObject awaitStatus(Path socket, String what, Predicate<JsonObject> until) {
        JsonObject[] last = new JsonObject[1];
        Await.until(what, Await.DEADLINE, () -> {
            try {
                last[0] = JsonParser.parseString(StatusServer.request(socket, "status", 5000)).getAsJsonObject();
                return until.test(last[0]);
            } catch (IOException notYet) {
                return false;
            }
        }, () -> "last status: " + last[0]);
        return last[0];
    }
}
