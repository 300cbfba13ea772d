package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "daemon", description = "(not built yet)")
public final class DaemonCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash daemon: not built yet");
        return ExitCodes.FAILURE;
    }
}
