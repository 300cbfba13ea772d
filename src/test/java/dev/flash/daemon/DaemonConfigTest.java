package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonConfigTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("flashd.toml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void readsEveryKey() throws Exception {
        Path f = write("""
                period_ms = 250
                dry_run = true
                sysfs_root = "/tmp/fake"
                models_dir = "/srv/models"
                state_dir = "/tmp/state"
                socket = "/tmp/state/s.sock"
                simulate = "always"
                sim_spec = "/etc/flash/node.toml"
                max_write_errors = 5
                stale_after_periods = 4
                model_poll_seconds = 30
                slowdown_budget = 0.1
                log_level = "debug"
                recover_after_ticks = 7
                metrics_address = "127.0.0.1:9877"
                model_max_bytes = 1048576
                """);
        DaemonConfig c = DaemonConfig.load(f, true);
        assertEquals(new DaemonConfig(250, true, Path.of("/tmp/fake"), Path.of("/srv/models"), Path.of("/tmp/state"),
                Path.of("/tmp/state/s.sock"), DaemonConfig.Simulate.ALWAYS, "/etc/flash/node.toml", 5, 4, 30, 0.1,
                DaemonConfig.LogLevel.DEBUG, 7, "127.0.0.1:9877", 1_048_576L), c);
    }

    @Test
    void shippedDefaultFileEqualsBuiltInDefaults() throws Exception {
        Path shipped = Path.of("systemd/flashd.toml");
        assertEquals(DaemonConfig.defaults(), DaemonConfig.load(shipped, true));
    }

    @Test
    void missingDefaultFileMeansDefaultsButMissingNamedFileIsAnError() throws Exception {
        assertEquals(DaemonConfig.defaults(), DaemonConfig.load(dir.resolve("absent.toml"), false));
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(dir.resolve("absent.toml"), true));
        assertTrue(e.getMessage().contains("absent.toml"), e.getMessage());
    }

    @Test
    void unknownKeyNamesFileLineAndKey() throws Exception {
        Path f = write("period_ms = 500\n\nperiod = 100\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, true));
        assertTrue(e.getMessage().startsWith(f + ":3: key 'period': unknown key"), e.getMessage());
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws Exception {
        Path f = write("dry_run = false\nperiod_ms = \"fast\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, true));
        assertTrue(e.getMessage().startsWith(f + ":2: key 'period_ms': expected an integer"), e.getMessage());
    }

    @Test
    void modelSizeLimitIsAKeyWithARange() throws Exception {
        assertEquals(16L << 20, DaemonConfig.defaults().modelMaxBytes(), "16 MiB unless configured");
        Path f = write("model_max_bytes = 100\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, true));
        assertTrue(e.getMessage().startsWith(f + ":1: key 'model_max_bytes': value 100 out of range 1024 .. 1073741824"),
                e.getMessage());
    }

    @Test
    void outOfRangePeriodNamesFileLineAndKey() throws Exception {
        Path f = write("period_ms = 20\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, true));
        assertTrue(e.getMessage().startsWith(f + ":1: key 'period_ms': value 20 out of range 50 .. 10000"),
                e.getMessage());
    }

    @Test
    void badChoiceAndSyntaxAreReported() throws Exception {
        Path f = write("simulate = \"sometimes\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, true));
        assertTrue(e.getMessage().contains(":1: key 'simulate': 'sometimes' is not one of \"auto\", \"never\", \"always\""),
                e.getMessage());
        Path g = write("period_ms = \n");
        ConfigException s = assertThrows(ConfigException.class, () -> DaemonConfig.load(g, true));
        assertTrue(s.getMessage().contains(":1: TOML syntax error"), s.getMessage());
    }

    @Test
    void commandLineOverridesAreRangeChecked() throws Exception {
        assertThrows(ConfigException.class, () -> DaemonConfig.defaults().withPeriodMs(10_001));
        DaemonConfig c = DaemonConfig.defaults().withStateDir(Path.of("/tmp/x"));
        assertEquals(Path.of("/tmp/x/flashd.sock"), c.socket(), "socket follows the state dir");
        assertEquals(Path.of("/tmp/x/flashd.lock"), c.lockFile());
    }
}
