package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "restore", description = "(not built yet)")
public final class RestoreCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash restore: not built yet");
        return ExitCodes.FAILURE;
    }
}
