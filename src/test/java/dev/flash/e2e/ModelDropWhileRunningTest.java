package dev.flash.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.cli.FlashMain;
import dev.flash.daemon.StatusServer;
import dev.flash.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        Thread daemon = new Thread(() -> FlashMain.commandLine().execute("daemon", "--simulate",
                "--config", config.toString(), "--models-dir", models.toString(), "--state-dir", state.toString(),
                "--socket", socket.toString(), "--period", "100", "--duration", "9", "--quiet"));
        daemon.start();
        try {
            awaitStatus(socket, s -> s.has("ticks") && s.get("ticks").getAsInt() > 2);

            drop(models, "good.onnx", TestModels.validDvfs());
            JsonObject active = awaitStatus(socket, s -> modelName(s).equals("good.onnx"));
            assertEquals("running", active.get("state").getAsString());

            drop(models, "broken.onnx", TestModels.truncated());
            Thread.sleep(2500); // more than one poll period
            JsonObject after = awaitStatus(socket, s -> true);
            assertEquals("good.onnx", modelName(after), "the last good model keeps running");
            assertEquals("running", after.get("state").getAsString());
            long modelDecisions = after.getAsJsonObject("counts").get("modelDecisions").getAsLong();
            assertTrue(modelDecisions > 0, "the model decides");

            // The operator sees why the file was refused.
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            picocli.CommandLine cl = FlashMain.commandLine();
            cl.setOut(new java.io.PrintWriter(out, true));
            assertEquals(0, cl.execute("models", "list", "--dir", models.toString(), "--json"));
            assertTrue(out.toString().contains("broken.onnx"), out.toString());
            assertTrue(out.toString().contains("good.onnx"), out.toString());
        } finally {
            daemon.join(TimeUnit.SECONDS.toMillis(30)); // --duration stops it cleanly
        }
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

    private static JsonObject awaitStatus(Path socket, Predicate<JsonObject> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = JsonParser.parseString(StatusServer.request(socket, "status", 1000)).getAsJsonObject();
                if (until.test(last)) {
                    return last;
                }
            } catch (IOException notYet) {
                // the daemon is still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("status never matched; last: " + last);
    }
}
