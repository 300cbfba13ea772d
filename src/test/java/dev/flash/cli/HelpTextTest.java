package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help as users see it: picocli renders it without complaint (a bare '%' in a
 * description is a format error it reports on stderr and then prints the text unformatted), no
 * line is cut at the usage width, and the one-line summaries in a group's command list are whole
 * sentences rather than the first physical line of a longer paragraph.
 */
class HelpTextTest {

    private static List<CommandLine> allCommands() {
        List<CommandLine> out = new ArrayList<>();
        collect(FlashMain.commandLine(), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub)) {
                collect(sub, out);
            }
        }
    }

    /** Defaults in help texts come from the constants training uses, not from memory. */
    @Test
    void trainDvfsHelpStatesTheTrainingDefaults() {
        String help = FlashMain.commandLine().getSubcommands().get("train").getSubcommands().get("dvfs")
                .getUsageMessage().replaceAll("\\s+", " ");
        var d = dev.flash.dvfs.train.DvfsTrainer.Settings.defaults(7);
        assertTrue(help.contains("PPO iterations, each " + d.numEnvs() + " applications x " + d.rolloutSteps()
                + " steps (default: " + d.iterations() + ";"), help);
        assertTrue(help.contains("sees; 0 trains plain PPO without FLASH (default: " + d.contextLength() + ";"), help);
        assertTrue(help.contains("check idle_host"), help);
    }

    @Test
    void everyHelpRendersWithoutPicocliWarnings() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (CommandLine cl : allCommands()) {
                cl.getUsageMessage();
                names.add(cl.getCommandSpec().qualifiedName());
            }
        } finally {
            System.setErr(err);
        }
        assertTrue(names.size() > 10, "the hierarchy was walked: " + names);
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    /** `flash models --help` and friends used to exit 2 with "Unknown option: '--help'". */
    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        List<String> failed = new ArrayList<>();
        for (CommandLine cl : allCommands()) {
            String[] path = cl.getCommandSpec().qualifiedName().split(" ");
            String[] args = java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(path, 1, path.length), path.length);
            args[path.length - 1] = "--help";
            CommandLine fresh = FlashMain.commandLine();
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            fresh.setOut(new java.io.PrintWriter(out));
            fresh.setErr(new java.io.PrintWriter(err));
            int code = fresh.execute(args);
            if (code != ExitCodes.OK || !out.toString().contains("Usage: " + String.join(" ", path))) {
                failed.add(String.join(" ", args) + " -> exit " + code + ": " + err.toString().lines().findFirst().orElse(""));
            }
        }
        assertTrue(failed.isEmpty(), String.join("\n", failed));
    }

    @Test
    void handWrappedTextFitsTheUsageWidth() {
        // Descriptions and footers are mostly wrapped by hand, a line per entry; one wider than the
        // usage width is re-wrapped by picocli into a long line and a stub. An entry followed by a
        // blank one (or by nothing) is a paragraph of its own that picocli wraps, and may be long.
        List<String> tooWide = new ArrayList<>();
        for (CommandLine cl : allCommands()) {
            assertEquals(FlashMain.USAGE_WIDTH, cl.getUsageHelpWidth(), cl.getCommandSpec().qualifiedName());
            var usage = cl.getCommandSpec().usageMessage();
            for (String[] text : List.of(usage.description(), usage.footer())) {
                for (int i = 0; i + 1 < text.length; i++) {
                    boolean continued = !text[i + 1].isBlank();
                    for (String line : text[i].split("%n|\\n")) {
                        if (continued && line.replace("%%", "%").length() > FlashMain.USAGE_WIDTH) {
                            tooWide.add(cl.getCommandSpec().qualifiedName() + ": " + line);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), tooWide);
    }

    @Test
    void commandListSummariesAreWholeSentences() {
        List<String> cut = new ArrayList<>();
        for (CommandLine cl : allCommands()) {
            if (cl.getSubcommands().isEmpty()) {
                continue;
            }
            for (CommandLine sub : cl.getSubcommands().values()) {
                var usage = sub.getCommandSpec().usageMessage();
                String[] source = usage.header().length > 0 ? usage.header() : usage.description();
                String summary = source.length == 0 ? "" : source[0].strip();
                if (!(summary.endsWith(".") || summary.endsWith(")"))) {
                    cut.add(sub.getCommandSpec().qualifiedName() + ": '" + summary + "'");
                }
            }
        }
        assertEquals(List.of(), cut);
    }
}
