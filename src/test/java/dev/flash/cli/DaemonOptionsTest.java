package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.NodeFactory;
import dev.flash.daemon.PolicyProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flash daemon}'s options as a user types them: bad values exit 2 naming the option, a
 * named sysfs root without cpufreq is an error instead of a quiet simulated node, and
 * {@code --simulate} takes a keyword or a file. No node is opened here: the factory refuses.
 */
class DaemonOptionsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static final NodeFactory NO_NODE = config -> {
        throw new NodeFactory.NodeException("test: no node is opened here");
    };

    private DaemonCommand command() {
        PolicyProvider.Factory none = (config, node) -> {
            throw new IllegalStateException("not reached");
        };
        return new DaemonCommand(NO_NODE, none, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int run(String... extra) throws Exception {
        Path config = dir.resolve("flashd.toml");
        Files.writeString(config, extra.length > 0 && extra[0].startsWith("toml:") ? extra[0].substring(5) : "");
        String[] rest = extra.length > 0 && extra[0].startsWith("toml:")
                ? java.util.Arrays.copyOfRange(extra, 1, extra.length) : extra;
        String[] base = {"--config", config.toString(), "--state-dir", dir.resolve("run").toString()};
        String[] all = new String[base.length + rest.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(rest, 0, all, base.length, rest.length);
        CommandLine cl = new CommandLine(command());
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        cl.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return cl.execute(all);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPeriodThatIsNotANumberAndOneOutOfRangeBothExitTwo() throws Exception {
        assertEquals(ExitCodes.USAGE, run("--period", "abc"), err());
        assertEquals(ExitCodes.USAGE, run("--period", "0"), err());
        assertTrue(err().contains("--period: 0 ms out of range 50 .. 10000"), err());
        assertEquals(ExitCodes.USAGE, run("--duration", "0"), err());
    }

    @Test
    void aPeriodOutOfRangeInTheFileIsStillAConfigurationError() throws Exception {
        assertEquals(ExitCodes.CONFIG, run("toml:period_ms = 0\n"), err());
        assertTrue(err().contains("key 'period_ms'"), err());
    }

    @Test
    void aNamedSysfsRootWithoutCpufreqIsAnErrorNamingTheOption() throws Exception {
        Path missing = dir.resolve("nonexistent");
        assertEquals(ExitCodes.USAGE, run("--sysfs-root", missing.toString()), err());
        assertTrue(err().contains("sysfs root " + missing) && err().contains("--sysfs-root"), err());
        assertFalse(err().contains("test: no node"), "stopped before opening a node: " + err());
    }

    @Test
    void theSameRootFromTheConfigurationFileExitsThree() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty/sys/devices/system/cpu"));
        assertEquals(ExitCodes.CONFIG, run("toml:sysfs_root = \"" + dir.resolve("empty") + "\"\n"), err());
        assertTrue(err().contains("sysfs_root"), err());
        assertTrue(Files.isDirectory(empty));
    }

    @Test
    void aRootWithCpufreqOrAnExplicitSimulationPassesTheCheck() throws Exception {
        Files.createDirectories(dir.resolve("tree/sys/devices/system/cpu/cpufreq/policy0"));
        assertEquals(ExitCodes.FAILURE, run("--sysfs-root", dir.resolve("tree").toString()), err());
        assertTrue(err().contains("test: no node"), "reached the node: " + err());
        assertEquals(ExitCodes.FAILURE, run("--sysfs-root", dir.resolve("nonexistent").toString(), "--simulate"), err());
    }

    @Test
    void simulateTakesAKeywordOrAFile() throws Exception {
        assertEquals(DaemonConfig.Simulate.NEVER, parse("--simulate=never").simulate());
        assertEquals(DaemonConfig.Simulate.AUTO, parse("--simulate=auto").simulate());
        assertEquals(DaemonConfig.Simulate.ALWAYS, parse("--simulate=always").simulate());
        DaemonConfig bare = parse("--simulate");
        assertEquals(DaemonConfig.Simulate.ALWAYS, bare.simulate());
        assertEquals("", bare.simSpec(), "alone: the embedded node");
        Path spec = Files.writeString(dir.resolve("node.toml"), "");
        DaemonConfig file = parse("--simulate=" + spec);
        assertEquals(DaemonConfig.Simulate.ALWAYS, file.simulate());
        assertEquals(spec.toString(), file.simSpec());
    }

    @Test
    void simulateWithNeitherKeywordNorFileExitsTwo() throws Exception {
        assertEquals(ExitCodes.USAGE, run("--simulate=nevr"), err());
        assertTrue(err().contains("--simulate: 'nevr' is neither always, auto, never nor a node spec file"), err());
    }

    private DaemonConfig parse(String... args) throws Exception {
        DaemonCommand cmd = command();
        new CommandLine(cmd).parseArgs(args);
        return cmd.effectiveConfig();
    }
}
