package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code flash train}: produces models. One subcommand per FLASH case; {@code dvfs} (case III)
 * trains the model {@code flash daemon} serves.
 */
@Command(name = "train",
        description = {
            "Train a FLASH model (needs the training stack: DJL + PyTorch in train-lib/ beside flash.jar).",
            "",
            "  dvfs   case III: CPU frequency scaling, the model flash daemon runs",
            ""},
        footer = {"", ExitCodes.HELP},
        subcommands = {TrainDvfsCommand.class})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    boolean help;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        System.err.println("flash train: name what to train, e.g. `flash train dvfs`");
        return ExitCodes.USAGE;
    }
}
