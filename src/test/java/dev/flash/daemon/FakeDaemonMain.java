package dev.flash.daemon;

import dev.flash.cli.DaemonCommand;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * {@code flash daemon} on the fake node, as a separate JVM for the signal and single-instance
 * tests. The fake stands in for the real node (which needs cpufreq) and the simulated one (built
 * elsewhere). {@code -Dflash.test.marker=FILE}: every restore appends a line to FILE.
 */
public final class FakeDaemonMain {
    private FakeDaemonMain() {
    }

    public static void main(String[] args) {
        FakeNode fake = new FakeNode();
        String marker = System.getProperty("flash.test.marker");
        if (marker != null) {
            fake.restoreMarker = Path.of(marker);
        }
        FakePolicies policies = new FakePolicies();
        DaemonCommand cmd = new DaemonCommand(config -> fake.node(), (config, node) -> policies, System.out, System.err);
        System.exit(new CommandLine(cmd).execute(args));
    }
}
