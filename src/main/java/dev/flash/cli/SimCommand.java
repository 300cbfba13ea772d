package dev.flash.cli;

import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.SimSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flash sim}: the simulated node's application population and spec file. */
@Command(name = "sim",
        mixinStandardHelpOptions = true,
        description = {
            "The simulated node: the machine flashd runs against when the host has no cpufreq, "
                + "and the environment DVFS models train on. See docs/simulated-node.md.",
            ""},
        footer = {"", ExitCodes.HELP},
        subcommands = {SimCommand.Apps.class, SimCommand.Spec.class})
public final class SimCommand extends GroupCommand {

    /** {@code flash sim apps}: sample a population of synthetic applications. */
    @Command(name = "apps",
            mixinStandardHelpOptions = true,
            description = {
                "Samples a population of synthetic applications (CPU-bound, memory-bound and mixed "
                    + "phases, load levels, parallelism, steady and bursty load, near-idle gaps, idle hosts, "
                    + "hidden per-application parameters) and writes it as JSON: the input of DVFS training "
                    + "and evaluation. The same --sample, --seed, --test-fraction, --burst-max, --idle-gaps "
                    + "and --idle-hosts always give the same file.",
                "",
                "Example:",
                "  flash sim apps --sample 1000 --seed 7 --test-fraction 0.2 --out apps.json",
                ""},
            footer = {"", ExitCodes.HELP})
    static final class Apps implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        // Numbers are parsed here, not by picocli, so a bad one exits 2 naming the option.
        @Option(names = "--sample", required = true, paramLabel = "N",
                description = "Number of applications, 1 to 1000000.")
        String sampleText;

        @Option(names = "--seed", required = true, paramLabel = "S", description = "Random seed (an integer).")
        String seedText;

        @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2",
                description = "Share held out as the \"test\" split, in [0, 1) (default: ${DEFAULT-VALUE}).")
        String testFractionText;

        @Option(names = "--burst-max", paramLabel = "X", defaultValue = "" + AppPopulation.DEFAULT_BURST_MAX,
                description = "Highest per-second load noise of the bursty third of the phases, in [0.08, 0.5]; "
                        + "0 for none, the population models were trained on before 2026-11-29 "
                        + "(default: ${DEFAULT-VALUE}).")
        String burstMaxText;

        @Option(names = "--idle-gaps", paramLabel = "SHARE", defaultValue = AppPopulation.DEFAULT_IDLE_GAP_SHARE_TEXT,
                description = "Share of applications whose phase cycle ends with a near-idle gap (load 1-10%%, "
                        + "3-300 s), a number or a fraction in [0, 1]; 0 for none, the population of the "
                        + "models shipped before idle hosts (default: ${DEFAULT-VALUE}).")
        String idleGapsText;

        @Option(names = "--idle-hosts", paramLabel = "SHARE", defaultValue = AppPopulation.DEFAULT_IDLE_HOST_SHARE_TEXT,
                description = "Share of applications that are idle hosts (one near-idle phase, load 0.5-10%%, "
                        + "named idle-NNNN), a number or a fraction in [0, 1]; 0 for none (default: ${DEFAULT-VALUE}).")
        String idleHostsText;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Write here instead of standard output.")
        Path out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            int sample;
            long seed;
            double testFraction;
            try {
                sample = Integer.parseInt(sampleText.trim());
            } catch (NumberFormatException e) {
                sample = -1;
            }
            if (sample < 1 || sample > 1_000_000) {
                err.println("flash sim apps: --sample must be an integer in [1, 1000000], got '" + sampleText + "'");
                return ExitCodes.USAGE;
            }
            try {
                seed = Long.parseLong(seedText.trim());
            } catch (NumberFormatException e) {
                err.println("flash sim apps: --seed must be an integer, got '" + seedText + "'");
                return ExitCodes.USAGE;
            }
            try {
                testFraction = Double.parseDouble(testFractionText.trim());
            } catch (NumberFormatException e) {
                testFraction = Double.NaN;
            }
            if (!(testFraction >= 0 && testFraction < 1)) {
                err.println("flash sim apps: --test-fraction must be a number in [0, 1), got '" + testFractionText + "'");
                return ExitCodes.USAGE;
            }
            double burstMax;
            try {
                burstMax = Double.parseDouble(burstMaxText.trim());
            } catch (NumberFormatException e) {
                burstMax = Double.NaN;
            }
            if (!AppPopulation.isValidBurstMax(burstMax)) {
                err.println("flash sim apps: --burst-max must be " + AppPopulation.BURST_MAX_RANGE + ", got '"
                        + burstMaxText + "'");
                return ExitCodes.USAGE;
            }
            double idleGaps = AppPopulation.parseShare(idleGapsText);
            if (!AppPopulation.isValidShare(idleGaps)) {
                err.println("flash sim apps: --idle-gaps must be a number in [0, 1], got '" + idleGapsText + "'");
                return ExitCodes.USAGE;
            }
            double idleHosts = AppPopulation.parseShare(idleHostsText);
            if (!AppPopulation.isValidShare(idleHosts)) {
                err.println("flash sim apps: --idle-hosts must be a number in [0, 1], got '" + idleHostsText + "'");
                return ExitCodes.USAGE;
            }
            List<AppSpec> apps = AppPopulation.sample(sample, seed, testFraction,
                    new AppPopulation.Shape(burstMax, idleGaps, idleHosts));
            long test = apps.stream().filter(AppSpec::isTest).count();
            if (out == null) {
                spec.commandLine().getOut().print(AppPopulation.toJson(apps));
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
            try {
                AppPopulation.write(out, apps);
            } catch (IOException e) {
                err.println("flash sim apps: cannot write " + out + ": " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            err.printf("wrote %d applications (%d train, %d test) to %s%n", apps.size(), apps.size() - test, test, out);
            return ExitCodes.OK;
        }
    }

    /** {@code flash sim spec}: print the embedded spec, or check a spec file. */
    @Command(name = "spec",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the embedded default spec (a documented TOML file to copy and edit), or with "
                    + "--check validates a spec file and summarises it.",
                "",
                "A spec that does not validate exits 3 (invalid configuration), as `flash daemon "
                    + "--simulate=SPEC` does with it; a file that cannot be read exits 2.",
                ""},
            footer = {"", ExitCodes.HELP})
    static final class Spec implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--check", paramLabel = "FILE", description = "Validate this spec file.")
        Path check;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (check == null) {
                out.print(SimSpec.embeddedText());
                out.flush();
                return ExitCodes.OK;
            }
            try {
                SimSpec s = SimSpec.load(check);
                out.printf("%s: ok: %d CPUs in %d policies, %d-%d MHz, %d applications, reference %.1f W%n",
                        check, s.node().cpus(), s.node().policyCount(), s.node().minKhz() / 1000,
                        s.node().maxKhz() / 1000, s.apps().size(), s.node().referenceWatts());
                out.flush();
                return ExitCodes.OK;
            } catch (IOException e) {
                spec.commandLine().getErr().println("flash sim spec: cannot read " + check + ": " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("flash sim spec: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
        }
    }
}
