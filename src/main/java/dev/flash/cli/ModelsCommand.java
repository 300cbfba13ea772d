package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "models", description = "(not built yet)")
public final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash models: not built yet");
        return ExitCodes.FAILURE;
    }
}
