package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flash completion}: the printed script, sourced by a real bash, completes flash's commands. */
class CompletionCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = FlashMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static boolean hasBash() {
        try {
            return new ProcessBuilder("bash", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** What bash offers for the command line {@code words} (the last word is being completed). */
    private List<String> complete(Path script, String... words) throws Exception {
        String array = String.join(" ", Arrays.stream(words).map(w -> "'" + w + "'").toList());
        String line = String.join(" ", words);
        String cmd = "source " + script + "\n"
                + "COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_flash; printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        // compopt complains outside a real completion (stderr); what it would set is not checked.
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        return output.lines().map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
    }

    @Test
    void bashScriptCompletesCommandsOptionsAndShells() throws Exception {
        assumeTrue(hasBash(), "bash is not installed");
        assertEquals(0, run("completion", "bash"), err.toString());
        Path script = dir.resolve("flash.bash");
        Files.writeString(script, out.toString());

        assertEquals(List.of("status"), complete(script, "flash", "sta"));
        assertEquals(List.of("completion"), complete(script, "flash", "comp"));
        assertEquals(List.of("--state-dir"), complete(script, "flash", "restore", "--st"));
        assertEquals(List.of("activate", "digest", "list", "validate"), complete(script, "flash", "models", ""));
        assertEquals(List.of("bash", "zsh"), complete(script, "flash", "completion", ""));
    }

    @Test
    void zshGetsTheScriptThatLoadsBashcompinit() {
        assertEquals(0, run("completion", "zsh"), err.toString());
        String zsh = out.toString();
        assertTrue(zsh.contains("bashcompinit"), "zsh reads the bash script through bashcompinit");
        assertTrue(zsh.contains("complete -F _complete_flash"), zsh.lines().limit(5).toList().toString());
    }

    @Test
    void unknownShellIsAUsageErrorNamingTheChoices() {
        assertEquals(ExitCodes.USAGE, run("completion", "fish"));
        assertTrue(err.toString().contains("fish") && err.toString().contains("bash, zsh"), err.toString());
    }
}
