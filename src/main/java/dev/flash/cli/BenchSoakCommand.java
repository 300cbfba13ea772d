package dev.flash.cli;

import dev.flash.bench.soak.FaultClass;
import dev.flash.bench.soak.SoakReport;
import dev.flash.bench.soak.SoakRun;
import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.DaemonLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash bench soak}: flashd's loop for a long time on a fake machine, with faults (docs/soak.md). */
@Command(name = "soak",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run flashd's loop for many ticks on a fake machine, injecting faults.",
            "",
            "The loop is the daemon's own (model directory, cpufreq telemetry and actuator,",
            "state file), on a fake cpufreq tree with the kernel's write semantics whose load",
            "comes from the simulated node, at an accelerated clock (no sleeping). Each tick",
            "a fault is injected with probability --fault-rate, its class drawn by a seeded",
            "RNG from --faults: write-eio, write-ebusy, write-einval, unplug,",
            "model-corrupt, model-huge, model-half, telemetry-stall, rapl-wrap, rapl-reset,",
            "foreign-governor, foreign-limit, sigkill (the daemon is abandoned without its",
            "shutdown, `flash restore` runs, a new daemon starts).",
            "",
            "Checked all along: every frequency asked of the kernel is within the hardware",
            "range; no exception leaves the loop; after every `flash restore` each CPU is as",
            "found (a replugged CPU: the kernel's defaults; a setting another tool made: the",
            "tool's); file descriptors, threads and heap after GC flat (grown by at most 5%%",
            "from the first tenth to the last). Figures come from a fake machine, not hardware.",
            "",
            "Examples:",
            "  flash bench soak",
            "  flash bench soak --ticks 20000 --seed 3 --json",
            "  flash bench soak --faults sigkill,unplug,write-ebusy --fault-rate 0.05",
            ""},
        footer = {"", "Exit codes:%n"
                + "  0  every invariant held%n"
                + "  1  an invariant broke (the report names it)%n"
                + "  2  invalid command line"})
final class BenchSoakCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--ticks", paramLabel = "N", defaultValue = "1000000",
            description = "Loop iterations, one simulated period each (default: ${DEFAULT-VALUE}).")
    String ticksText;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the faults and the load (default: ${DEFAULT-VALUE}).")
    String seedText;

    @Option(names = "--fault-rate", paramLabel = "P", defaultValue = "0.012",
            description = "Probability of a fault per tick, in [0, 1] (default: ${DEFAULT-VALUE}).")
    String rateText;

    @Option(names = "--faults", paramLabel = "LIST", defaultValue = "all",
            description = "Comma-separated fault classes, or 'all' (default: ${DEFAULT-VALUE}).")
    String faultsText;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the fake machine lives (default: a new directory under /dev/shm or the "
                    + "temporary directory, deleted afterwards).")
    Path workDir;

    @Option(names = "--verbose", description = "Print the daemon's log (info level) on stderr.")
    boolean verbose;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        long ticks;
        long seed;
        double rate;
        Set<FaultClass> faults;
        try {
            ticks = Long.parseLong(ticksText.trim());
            seed = Long.parseLong(seedText.trim());
            rate = Double.parseDouble(rateText.trim());
            faults = FaultClass.parseList(faultsText);
        } catch (NumberFormatException e) {
            err.println("flash bench soak: --ticks and --seed take integers, --fault-rate a number: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("flash bench soak: --faults: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (ticks < 10 || !(rate >= 0 && rate <= 1)) {
            err.println("flash bench soak: --ticks must be at least 10 and --fault-rate in [0, 1]");
            return ExitCodes.USAGE;
        }
        boolean ownDir = workDir == null;
        SoakReport report;
        try {
            Path dir = ownDir ? Files.createTempDirectory(tempParent(), "flash-soak-") : workDir;
            DaemonLog log = verbose ? new DaemonLog(System.err, DaemonConfig.LogLevel.INFO, false) : DaemonLog.silent();
            ProgressBar bar = new ProgressBar(System.err, "soak", ticks, !json || System.console() != null);
            try {
                report = SoakRun.run(new SoakRun.Settings(ticks, seed, rate, faults, dir, log),
                        (tick, n) -> bar.advanceTo(tick, n + " faults"));
            } finally {
                bar.finish();
                if (ownDir) {
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            err.println("flash bench soak: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else {
            report.printText(out);
        }
        out.flush();
        return report.passed() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static Path tempParent() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
