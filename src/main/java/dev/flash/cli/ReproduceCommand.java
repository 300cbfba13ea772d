package dev.flash.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder: replaced by its owner. */
@Command(name = "reproduce", description = "(not built yet)")
public final class ReproduceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("flash reproduce: not built yet");
        return ExitCodes.FAILURE;
    }
}
