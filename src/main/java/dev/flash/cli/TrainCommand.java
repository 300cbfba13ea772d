package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "train", description = "(not built yet)")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash train: not built yet");
        return ExitCodes.FAILURE;
    }
}
