package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "evaluate", description = "(not built yet)")
public final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash evaluate: not built yet");
        return ExitCodes.FAILURE;
    }
}
