package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.policy.ModelContract;
import dev.flash.policy.ModelDirectory;
import dev.flash.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelsCommandTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run flash(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = FlashMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void validateReportsValidRejectedAndMissing() throws Exception {
        Path good = TestModels.spec().write(dir, "good.onnx");
        Run ok = flash("models", "validate", good.toString());
        assertEquals(ExitCodes.OK, ok.exit(), ok.err());
        assertTrue(ok.out().contains("good.onnx: valid"), ok.out());

        Run okJson = flash("models", "validate", good.toString(), "--json");
        JsonObject o = JsonParser.parseString(okJson.out()).getAsJsonObject();
        assertTrue(o.get("valid").getAsBoolean());
        assertEquals(ModelContract.AGENT_DVFS, o.get("agent").getAsString());
        assertEquals(TestModels.CONTEXT_LENGTH, o.get("context_length").getAsInt());

        Path bad = TestModels.spec().without(ModelContract.META_REWARD).write(dir, "bad.onnx");
        Run rejected = flash("models", "validate", bad.toString());
        assertEquals(ExitCodes.INVALID_MODEL, rejected.exit());
        assertTrue(rejected.err().contains("missing metadata key " + ModelContract.META_REWARD), rejected.err());

        Run rejectedJson = flash("models", "validate", bad.toString(), "--json");
        assertEquals(ExitCodes.INVALID_MODEL, rejectedJson.exit());
        JsonObject r = JsonParser.parseString(rejectedJson.out()).getAsJsonObject();
        assertTrue(r.get("reason").getAsString().contains(ModelContract.META_REWARD));

        Run missing = flash("models", "validate", dir.resolve("nope.onnx").toString());
        assertEquals(ExitCodes.USAGE, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void listShowsValidRejectedAndActive() throws Exception {
        TestModels.spec().write(dir, "good.onnx");
        TestModels.write(dir, "junk.onnx", TestModels.garbage());
        Run text = flash("models", "list", "--dir", dir.toString());
        assertEquals(ExitCodes.OK, text.exit(), text.err());
        assertTrue(text.out().contains("good.onnx") && text.out().contains("rejected"), text.out());

        Run json = flash("models", "list", "--dir", dir.toString(), "--json");
        var models = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("models");
        assertEquals(2, models.size());
        JsonObject good = models.get(0).getAsJsonObject();
        JsonObject junk = models.get(1).getAsJsonObject();
        assertEquals("good.onnx", good.get("name").getAsString());
        assertTrue(good.get("valid").getAsBoolean());
        assertTrue(good.get("active").getAsBoolean());
        assertTrue(junk.get("reason").getAsString().contains("not a loadable ONNX model"));

        assertEquals(ExitCodes.USAGE, flash("models", "list", "--dir", dir.resolve("none").toString()).exit());
    }

    @Test
    void activateWritesActiveAndMapsFailuresToExitCodes() throws Exception {
        TestModels.spec().seed(1).write(dir, "a.onnx");
        dev.flash.testing.Await.nextFileTime(dir); // b.onnx is the newer drop, whatever the clock's grain
        TestModels.spec().seed(2).write(dir, "b.onnx");
        TestModels.write(dir, "junk.onnx", TestModels.garbage());

        Run ok = flash("models", "activate", "a.onnx", "--dir", dir.toString());
        assertEquals(ExitCodes.OK, ok.exit(), ok.err());
        assertEquals(List.of("a.onnx"), Files.readAllLines(dir.resolve(ModelDirectory.ACTIVE_FILE)));
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            assertEquals("a.onnx", d.activeName().orElseThrow());
        }

        assertEquals(ExitCodes.INVALID_MODEL, flash("models", "activate", "junk.onnx", "--dir", dir.toString()).exit());
        assertEquals(ExitCodes.USAGE, flash("models", "activate", "nope.onnx", "--dir", dir.toString()).exit());
        assertEquals(List.of("a.onnx"), Files.readAllLines(dir.resolve(ModelDirectory.ACTIVE_FILE)),
                "failed activations leave ACTIVE alone");
    }

    @Test
    void activateInAnUnwritableDirectoryExitsWithPermission() {
        // Even root cannot create files in sysfs: a real unwritable directory without chmod games.
        Path sys = Path.of("/sys");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(sys), "needs Linux /sys");
        Run denied = flash("models", "activate", "x.onnx", "--dir", sys.toString());
        assertEquals(ExitCodes.PERMISSION, denied.exit(), denied.err());
        assertTrue(denied.err().contains("cannot write"), denied.err());
    }

    @Test
    void digestComparesWeightsNotFiles() throws Exception {
        Path a = TestModels.spec().seed(3).write(dir, "a.onnx");
        Path sameWeightsOtherDay = TestModels.spec().seed(3)
                .metadata(ModelContract.META_PROVENANCE, "{\"date\":\"2026-12-08\"}").write(dir, "b.onnx");
        Path otherSeed = TestModels.spec().seed(4).write(dir, "c.onnx");
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(sameWeightsOtherDay)),
                "the files differ");

        Run text = flash("models", "digest", a.toString(), sameWeightsOtherDay.toString(), otherSeed.toString());
        assertEquals(ExitCodes.OK, text.exit(), text.err());
        List<String> lines = text.out().lines().toList();
        assertEquals(3, lines.size(), text.out());
        String digest = dev.flash.onnx.lite.WeightsDigest.of(a);
        assertEquals(digest + "  " + a, lines.get(0), "the digest the training reports write, then the file");
        assertEquals(digest, lines.get(1).split(" ")[0], "metadata is not part of it");
        assertTrue(!digest.equals(lines.get(2).split(" ")[0]), "other weights, other digest");

        Run json = flash("models", "digest", a.toString(), "--json");
        JsonObject m = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("models").get(0).getAsJsonObject();
        assertEquals(a.toString(), m.get("file").getAsString());
        assertEquals(digest, m.get("weights_sha256").getAsString());
    }

    @Test
    void digestNamesAFileWithoutWeights() throws Exception {
        Run missing = flash("models", "digest", dir.resolve("nope.onnx").toString());
        assertEquals(ExitCodes.USAGE, missing.exit());
        assertTrue(missing.err().contains("no such file: " + dir.resolve("nope.onnx")), missing.err());

        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        Run none = flash("models", "digest", empty.toString());
        assertEquals(ExitCodes.USAGE, none.exit());
        assertTrue(none.err().contains("empty.onnx: no weights"), none.err());

        Path junk = TestModels.write(dir, "junk.onnx", TestModels.garbage());
        Run garbage = flash("models", "digest", junk.toString());
        assertEquals(ExitCodes.USAGE, garbage.exit());
        assertTrue(garbage.err().contains("junk.onnx"), garbage.err());
    }
}
