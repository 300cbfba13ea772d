package dev.flash.testing;

import dev.flash.cli.DaemonCommand;
import dev.flash.daemon.DaemonWiring;
import dev.flash.sysfs.SysfsRoot;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * {@code flash daemon} as the jar runs it (the real node, actuator, state store and models),
 * except that every sysfs write goes through a {@link FakeKernel}: the crash tests' child JVM, so
 * what it leaves behind is what a kernel would have accepted. Arguments: those of
 * {@code flash daemon}.
 */
public final class FakeKernelDaemonMain {
    private FakeKernelDaemonMain() {
    }

    /** The daemon command whose node and start-up restore write through {@code kernel}. */
    public static DaemonCommand command(FakeKernel kernel, java.io.PrintStream out, java.io.PrintStream err) {
        Function<Path, SysfsRoot> roots = root -> new SysfsRoot(root).withWriter(kernel);
        return new DaemonCommand(DaemonWiring.nodeFactory(roots), DaemonWiring.policyProvider(), out, err, roots);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(command(new FakeKernel(), System.out, System.err)).execute(args));
    }
}
