package dev.flash.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash reproduce all}: every case's reproduction, one after the other. */
@Command(name = "all",
        header = "Every case of the paper that exists here, one after the other.",
        sortOptions = false,
        description = {
            "Runs `flash reproduce <case>` for every case (today: dvfs, config-search, autoscale) with their",
            "default output places, passing --quick and --seed on; stops at the first that fails",
            "and exits with its code.",
            ""},
        footer = {
            "",
            "Examples:",
            "  flash reproduce all --quick",
            "", ExitCodes.HELP})
public final class ReproduceAllCommand implements Callable<Integer> {

    /** The cases, in the order they run. */
    static final List<String> CASES = List.of("dvfs", "config-search", "autoscale");

    @Option(names = "--quick", description = "Each case's --quick.")
    boolean quick;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Override
    public Integer call() {
        for (String c : CASES) {
            List<String> args = new ArrayList<>(List.of("reproduce", c, "--seed", Long.toString(seed)));
            if (quick) {
                args.add("--quick");
            }
            System.err.println("flash reproduce all: flash " + String.join(" ", args));
            int code = FlashMain.commandLine().execute(args.toArray(new String[0]));
            if (code != ExitCodes.OK) {
                return code;
            }
        }
        return ExitCodes.OK;
    }
}
