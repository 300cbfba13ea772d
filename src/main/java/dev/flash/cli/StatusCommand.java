package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "status", description = "(not built yet)")
public final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash status: not built yet");
        return ExitCodes.FAILURE;
    }
}
