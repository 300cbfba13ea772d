package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.bench.GovernorComparison;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.SimSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash bench}: measurements on the simulated node (docs/benchmarks.md). */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks on the simulated node.",
            "",
            "Figures come from the simulator's ground truth, not from hardware.",
            "See docs/benchmarks.md.",
            ""},
        footer = {"", ExitCodes.HELP},
        subcommands = {BenchCommand.Governors.class, BenchSoakCommand.class})
public final class BenchCommand extends GroupCommand {

    /** {@code flash bench governors}: the fallback controller against the kernel's governors. */
    @Command(name = "governors",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Compare flashd's fallback controller with the governors and the oracle.",
                "",
                "Runs the fallback controller, the governors the simulated node models",
                "(performance, powersave, ondemand, conservative, schedutil) and the oracle",
                "(lowest frequency within the slowdown budget, from hidden state) on the same",
                "applications, each alone on the node for --seconds, and prints per decider:",
                "  energy (J)        true energy over all applications",
                "  saving (%%)        energy saved against the performance governor",
                "  slowdown (%%)      1 - work done / work the same load does at fmax",
                "  budget held (%%)   share of time each interval's slowdown stayed within --budget",
                "",
                "Applications: the held-out (\"test\") ones of --apps FILE (from `flash sim apps`),",
                "or without --apps the applications of the node spec.",
                "",
                "Examples:",
                "  flash bench governors",
                "  flash sim apps --sample 200 --seed 7 --out apps.json",
                "  flash bench governors --apps apps.json --seconds 120 --json",
                ""},
            footer = {"", ExitCodes.HELP})
    static final class Governors implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--apps", paramLabel = "FILE",
                description = "Application population (JSON); its \"test\" split is run.")
        Path apps;

        @Option(names = "--spec", paramLabel = "FILE",
                description = "Simulated node spec (TOML; default: the embedded one).")
        Path specFile;

        // Numbers are parsed here, not by picocli, so a bad one exits 2 naming the option.
        @Option(names = "--seconds", paramLabel = "N", defaultValue = "300",
                description = "Simulated seconds per application (default: ${DEFAULT-VALUE}).")
        String secondsText;

        @Option(names = "--period-ms", paramLabel = "MS", defaultValue = "1000",
                description = "Decision period (default: ${DEFAULT-VALUE}, flashd's default).")
        String periodText;

        @Option(names = "--budget", paramLabel = "F", defaultValue = "0.05",
                description = "Slowdown budget, in [0, 1) (default: ${DEFAULT-VALUE}).")
        String budgetText;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            double seconds = number(secondsText);
            if (!(seconds > 0 && seconds <= 86_400)) {
                err.println("flash bench governors: --seconds must be a number in (0, 86400], got '" + secondsText + "'");
                return ExitCodes.USAGE;
            }
            double periodMs = number(periodText);
            if (!(periodMs >= 10 && periodMs <= seconds * 1000)) {
                err.println("flash bench governors: --period-ms must be a number from 10 to --seconds, got '"
                        + periodText + "'");
                return ExitCodes.USAGE;
            }
            double budget = number(budgetText);
            if (!(budget >= 0 && budget < 1)) {
                err.println("flash bench governors: --budget must be a number in [0, 1), got '" + budgetText + "'");
                return ExitCodes.USAGE;
            }
            SimSpec sim;
            try {
                sim = specFile == null ? SimSpec.embeddedDefault() : SimSpec.load(specFile);
            } catch (IOException e) {
                err.println("flash bench governors: cannot read " + specFile + ": " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IllegalArgumentException e) {
                err.println("flash bench governors: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            List<AppSpec> run;
            String source;
            if (apps == null) {
                run = sim.apps();
                source = "the applications of " + sim.source();
            } else {
                try {
                    run = AppPopulation.split(AppPopulation.read(apps), AppSpec.TEST);
                } catch (IOException e) {
                    err.println("flash bench governors: cannot read " + apps + ": " + e.getMessage());
                    return ExitCodes.USAGE;
                } catch (IllegalArgumentException e) {
                    err.println("flash bench governors: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
                if (run.isEmpty()) {
                    err.println("flash bench governors: " + apps + " has no held-out (\"test\") applications");
                    return ExitCodes.USAGE;
                }
                source = "the " + run.size() + " held-out applications of " + apps;
            }
            GovernorComparison.Setup setup = new GovernorComparison.Setup(sim.node(), run, seconds,
                    periodMs / 1000.0, budget, sim.seed());
            List<GovernorComparison.Row> rows = GovernorComparison.run(setup);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(setup, source, rows));
            } else {
                printTable(out, setup, source, rows);
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static double number(String text) {
            try {
                return Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        private static GovernorComparison.Row performance(List<GovernorComparison.Row> rows) {
            return rows.stream().filter(r -> r.decider().equals("performance")).findFirst().orElseThrow();
        }

        static void printTable(PrintWriter out, GovernorComparison.Setup setup, String source,
                               List<GovernorComparison.Row> rows) {
            out.printf(Locale.ROOT, "simulated node: %d CPUs in %d policies, %d-%d MHz (ground truth, not hardware)%n",
                    setup.node().cpus(), setup.node().policyCount(), setup.node().minKhz() / 1000,
                    setup.node().maxKhz() / 1000);
            out.printf(Locale.ROOT, "%s, %.0f s each, period %.0f ms, budget %.0f%%%n%n", source, setup.seconds(),
                    setup.periodSeconds() * 1000, setup.slowdownBudget() * 100);
            out.printf(Locale.ROOT, "%-13s %12s %10s %12s %15s%n", "decider", "energy (J)", "saving %",
                    "slowdown %", "budget held %");
            GovernorComparison.Row perf = performance(rows);
            for (GovernorComparison.Row r : rows) {
                out.printf(Locale.ROOT, "%-13s %12.1f %10.1f %12.1f %15.1f%n", r.decider(), r.total().energyJoules,
                        100 * r.savingVs(perf), 100 * r.total().slowdown(), 100 * r.total().budgetHeld());
            }
        }

        static String toJson(GovernorComparison.Setup setup, String source, List<GovernorComparison.Row> rows) {
            JsonObject root = new JsonObject();
            root.addProperty("ground_truth", "simulated node (IntervalTruth), not hardware");
            root.addProperty("applications", source);
            root.addProperty("application_count", setup.apps().size());
            root.addProperty("cpus", setup.node().cpus());
            root.addProperty("policies", setup.node().policyCount());
            root.addProperty("seconds_per_application", setup.seconds());
            root.addProperty("period_ms", setup.periodSeconds() * 1000);
            root.addProperty("slowdown_budget", setup.slowdownBudget());
            GovernorComparison.Row perf = performance(rows);
            JsonArray deciders = new JsonArray();
            for (GovernorComparison.Row r : rows) {
                JsonObject o = new JsonObject();
                o.addProperty("decider", r.decider());
                o.addProperty("energy_joules", round(r.total().energyJoules));
                o.addProperty("energy_saving_vs_performance", round(r.savingVs(perf)));
                o.addProperty("slowdown", round(r.total().slowdown()));
                o.addProperty("budget_held", round(r.total().budgetHeld()));
                JsonObject apps = new JsonObject();
                for (Map.Entry<String, GovernorComparison.Totals> e : r.perApp().entrySet()) {
                    JsonObject a = new JsonObject();
                    a.addProperty("energy_joules", round(e.getValue().energyJoules));
                    a.addProperty("slowdown", round(e.getValue().slowdown()));
                    a.addProperty("budget_held", round(e.getValue().budgetHeld()));
                    apps.add(e.getKey(), a);
                }
                o.add("per_application", apps);
                deciders.add(o);
            }
            root.add("deciders", deciders);
            return new GsonBuilder().setPrettyPrinting().create().toJson(root);
        }

        private static double round(double v) {
            return Math.rint(v * 1e6) / 1e6;
        }
    }
}
