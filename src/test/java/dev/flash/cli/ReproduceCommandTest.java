package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to `flash reproduce dvfs` is refused before anything is trained or written. */
class ReproduceCommandTest {

    static EvaluateCommandTest.Run run(String... args) {
        return EvaluateCommandTest.run(args);
    }

    @Test
    void badInputsExitTwoAndWriteNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path apps = dir.resolve("apps.json");
        AppPopulation.write(apps, AppPopulation.sample(6, 5, 0.34));

        EvaluateCommandTest.Run seed = run("reproduce", "dvfs", "--quick", "--seed", "seven", "--out", out.toString());
        assertEquals(ExitCodes.USAGE, seed.code());
        assertTrue(seed.err().contains("--seed"), seed.err());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(apps).replaceFirst("\"load\": [0-9.]+", "\"load\": -3"));
        EvaluateCommandTest.Run range = run("reproduce", "dvfs", "--quick", "--apps", bad.toString(), "--out",
                out.toString());
        assertEquals(ExitCodes.USAGE, range.code());
        assertTrue(range.err().contains("load"), range.err());

        Path noTest = dir.resolve("train-only.json");
        List<AppSpec> trainOnly = AppPopulation.sample(4, 5, 0.0);
        AppPopulation.write(noTest, trainOnly);
        EvaluateCommandTest.Run none = run("reproduce", "dvfs", "--quick", "--apps", noTest.toString(), "--out",
                out.toString());
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().contains("test"), none.err());

        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"format\": \"flash-apps/1\", \"apps\": []}");
        EvaluateCommandTest.Run emptyRun = run("reproduce", "dvfs", "--apps", empty.toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, emptyRun.code());
        assertTrue(emptyRun.err().contains("empty"), emptyRun.err());

        // --held-out: a bad file is named as --held-out; a name that is also a training app is refused
        EvaluateCommandTest.Run badHeldOut = run("reproduce", "dvfs", "--quick", "--apps", apps.toString(),
                "--held-out", bad.toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, badHeldOut.code());
        assertTrue(badHeldOut.err().contains("--held-out") && badHeldOut.err().contains("load"), badHeldOut.err());
        EvaluateCommandTest.Run clash = run("reproduce", "dvfs", "--quick", "--apps", apps.toString(),
                "--held-out", apps.toString(), "--out", out.toString());
        assertEquals(ExitCodes.USAGE, clash.code());
        assertTrue(clash.err().contains("also a training application"), clash.err());

        Path notADir = dir.resolve("experts-file");
        Files.writeString(notADir, "x");
        EvaluateCommandTest.Run experts = run("reproduce", "dvfs", "--quick", "--experts", notADir.toString(),
                "--out", out.toString());
        assertEquals(ExitCodes.USAGE, experts.code());
        assertTrue(experts.err().contains("--experts"), experts.err());

        for (String[] opt : new String[][] {{"--context-windows", "1,,2"}, {"--iterations", "0"},
                {"--test-apps", "0"}}) {
            EvaluateCommandTest.Run r = run("reproduce", "dvfs", "--quick", opt[0], opt[1], "--out", out.toString());
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", opt) + "\n" + r.err());
            assertTrue(r.err().contains(opt[0]), r.err());
        }

        assertFalse(Files.exists(out), "nothing written on bad input");
    }

    /**
     * An apps file cut short (a copy interrupted half way) gives one line naming the file and the
     * position, exit 2, through every command that reads one; no EOFException leaks through.
     */
    @Test
    void anAppsFileCutShortIsOneLineNamingFileAndPosition(@TempDir Path dir) throws Exception {
        Path apps = dir.resolve("apps.json");
        AppPopulation.write(apps, AppPopulation.sample(6, 5, 0.34));
        String text = Files.readString(apps);
        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, text.substring(0, text.length() / 2));
        Path model = dev.flash.testing.TestModels.spec().write(dir, "tiny.onnx");
        Path out = dir.resolve("out");
        List<String[]> commands = List.of(
                new String[] {"evaluate", "dvfs", "--model", model.toString(), "--apps", cut.toString()},
                new String[] {"reproduce", "dvfs", "--quick", "--apps", cut.toString(), "--out", out.toString()},
                new String[] {"reproduce", "dvfs", "--quick", "--apps", apps.toString(), "--held-out", cut.toString(),
                    "--out", out.toString()});
        for (String[] args : commands) {
            EvaluateCommandTest.Run r = run(args);
            String cmd = String.join(" ", args);
            assertEquals(ExitCodes.USAGE, r.code(), cmd + "\n" + r.err());
            List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), cmd + ": one line, not a stack trace:\n" + r.err());
            assertTrue(lines.get(0).matches(".*cut\\.json line \\d+ column \\d+: not valid JSON: the file ends early.*"),
                    cmd + ": " + lines.get(0));
            assertFalse(r.err().contains("EOFException"), r.err());
        }
        assertFalse(Files.exists(out), "nothing written on bad input");
    }

    @Test
    void heldOutFileReplacesThePopulationsTestSplit(@TempDir Path dir) throws Exception {
        List<AppSpec> population = AppPopulation.sample(10, 5, 0.3);
        Path foreign = dir.resolve("foreign.json");
        List<AppSpec> written = AppPopulation.sample(3, 99, 0.0).stream() // all "train" in the file
                .map(a -> new AppSpec("foreign-" + a.name(), a.phases(), a.hidden(), AppSpec.TRAIN)).toList();
        AppPopulation.write(foreign, written);
        List<AppSpec> merged = dev.flash.dvfs.eval.EvalApps.withHeldOut(population, null, foreign);
        assertEquals(AppPopulation.split(population, AppSpec.TRAIN), AppPopulation.split(merged, AppSpec.TRAIN));
        List<AppSpec> test = AppPopulation.split(merged, AppSpec.TEST);
        assertEquals(written.stream().map(AppSpec::name).toList(), test.stream().map(AppSpec::name).toList(),
                "every application of the file, in its order, held out whatever its split said");
    }

    @Test
    void helpStatesTheDefinitions() {
        EvaluateCommandTest.Run help = run("reproduce", "dvfs", "--help");
        assertEquals(ExitCodes.OK, help.code());
        assertTrue(help.out().contains("reward gap") && help.out().contains("adaptation cost")
                && help.out().contains("39%") && help.out().contains("9.2x"), help.out());
    }
}
