package dev.flash.cli;

import dev.flash.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code flash}: one CLI for the node daemon, its status, its models, the simulated node and the
 * training/evaluation commands.
 */
@Command(name = "flash",
        mixinStandardHelpOptions = true,
        versionProvider = FlashMain.Version.class,
        description = {
            "FLASH-adapted power management for Linux servers.",
            "",
            "flashd (`flash daemon`) senses CPU utilization, hardware counters and RAPL energy,",
            "decides a frequency per cpufreq policy with a FLASH model (ONNX) that adapts to the",
            "running application from its recent trajectory, and writes cpufreq. On a machine",
            "without cpufreq it runs against the simulated node.",
            ""},
        footer = {"", ExitCodes.HELP},
        subcommands = {
            DaemonCommand.class,
            StatusCommand.class,
            RestoreCommand.class,
            ResumeCommand.class,
            ModelsCommand.class,
            SimCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            ReproduceCommand.class,
            ConfigSearchCommand.class,
            DataCommand.class,
            BenchCommand.class,
            CompletionCommand.class,
            AutoscaleCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class FlashMain implements Runnable {

    /** Columns of every command's --help. */
    static final int USAGE_WIDTH = 100;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FlashMain());
        // The help texts are wrapped by hand to read well; 100 columns keeps picocli from
        // re-wrapping them mid-sentence (its default is 80). Set after the subcommands exist,
        // so it reaches all of them.
        cl.setUsageHelpWidth(USAGE_WIDTH);
        // Bad options and arguments are the user's to fix (2); anything else thrown is a failure (1).
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return cl;
    }

    public static void main(String[] args) {
        StartupTiming.mainEntered();
        // `config-search recommend` with a plain command line answers without picocli's set-up
        ConfigSearchCommand.Recommend plain = ConfigSearchCommand.Recommend.plain(args);
        System.exit(plain != null ? plain.callPlain() : commandLine(args).execute(args));
    }

    /**
     * The command line for {@code args}: the whole tree, or, for the companions' one-shot answers
     * ({@code config-search recommend}, {@code autoscale recommend}), a tree of just the root, the
     * group and that command. Building the whole tree reflects on every command class and the
     * types they name (the daemon, the simulators, the trainers): about a third of the time
     * {@code config-search recommend} took to answer (docs/config-search.md, "Latency"). The
     * short tree parses and answers the same: same names, so the same usage and error texts.
     */
    static CommandLine commandLine(String[] args) {
        Object leaf = null;
        if (args.length >= 2 && args[0].equals("config-search") && args[1].equals("recommend")) {
            leaf = new ConfigSearchCommand.Recommend();
        } else if (args.length >= 2 && args[0].equals("autoscale") && args[1].equals("recommend")) {
            leaf = new AutoscaleCommand.Recommend();
        }
        if (leaf == null) {
            return commandLine();
        }
        CommandLine.Model.CommandSpec root = CommandLine.Model.CommandSpec.create().name("flash");
        CommandLine.Model.CommandSpec group = CommandLine.Model.CommandSpec.create().name(args[0]);
        CommandLine cl = new CommandLine(root);
        CommandLine groupLine = new CommandLine(group);
        groupLine.addSubcommand(args[1], new CommandLine(leaf));
        cl.addSubcommand(args[0], groupLine);
        cl.setUsageHelpWidth(USAGE_WIDTH);
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlashMain.class.getPackage().getImplementationVersion();
            return new String[] {BuildInfo.describe(v == null ? "dev" : v)};
        }
    }
}
