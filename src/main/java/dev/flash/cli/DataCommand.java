package dev.flash.cli;

import dev.flash.configsearch.SyntheticData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flash data}: data sets for the training and evaluation commands. */
@Command(name = "data",
        description = {"Write data sets for the training and evaluation commands.", ""},
        subcommands = {DataCommand.Synth.class},
        footer = {"", ExitCodes.HELP})
public final class DataCommand extends GroupCommand {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    /** {@code flash data synth}. */
    @Command(name = "synth",
            sortOptions = false,
            description = {
                "Write a synthetic configuration-search set as long CSV (seedable).",
                "",
                "  sizeless   serverless functions built from segments (CPU work, memory allocation,",
                "             file and network I/O, sleeps) at 6 memory sizes (128-3008 MB), with",
                "             Sizeless-style monitoring metrics (CPU seconds, RSS, context switches, bytes)",
                "  openwhisk  applications over 6 CPU limits x 6 memory sizes (36 configurations)",
                "",
                "Runs that would run out of memory are written as failed (status text), as in the",
                "multi-cloud data. The model behind each set is documented in docs/config-search.md.",
                ""},
            footer = {
                "",
                "Examples:",
                "  flash data synth sizeless --count 2000 --seed 1 --out sizeless.csv",
                "  flash data synth openwhisk --count 1000 --out openwhisk.csv",
                "  flash evaluate config-search --dataset sizeless.csv --format long",
                "", ExitCodes.HELP})
    static final class Synth implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "sizeless|openwhisk", description = "Which set.")
        String kind;

        @Option(names = "--count", paramLabel = "N", defaultValue = "1000",
                description = "Workloads (functions or applications) (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "CSV file to write.")
        Path out;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Override
        public Integer call() {
            SyntheticData.Kind k;
            try {
                k = SyntheticData.Kind.parse(kind);
            } catch (IllegalArgumentException e) {
                System.err.println("flash data synth: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            if (count < 2) {
                System.err.println("flash data synth: --count must be >= 2, got " + count);
                return ExitCodes.USAGE;
            }
            try {
                int rows = SyntheticData.write(k, count, seed, out);
                System.out.printf("wrote %s: %d %s workloads, %d rows (seed %d)%n", out, count, k.label(), rows, seed);
                return ExitCodes.OK;
            } catch (IOException e) {
                System.err.println("flash data synth: " + e);
                return ExitCodes.FAILURE;
            }
        }
    }
}
