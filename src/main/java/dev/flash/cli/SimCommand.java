package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "sim", description = "(not built yet)")
public final class SimCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash sim: not built yet");
        return ExitCodes.FAILURE;
    }
}
