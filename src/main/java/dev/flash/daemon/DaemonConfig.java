package dev.flash.daemon;

import dev.flash.policy.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;

/**
 * Everything flashd can be told, in one record (see {@code docs/config.md}). Read from TOML
 * ({@code /etc/flash/flashd.toml} by default); command-line options then override single keys
 * through the {@code with*} methods.
 *
 * <p>Validation is strict: an unknown key, a value of the wrong type or out of range is a
 * {@link ConfigException} naming the file, the line and the key. A silently ignored typo in a
 * power-management daemon's configuration is a CPU left at the wrong frequency.
 *
 * @param periodMs          control period in milliseconds, 50 .. 10000
 * @param dryRun            decide and report, never write cpufreq (mode "observe")
 * @param sysfsRoot         root under which sys/ and proc/ are read ("/" on a real node)
 * @param modelsDir         where the ONNX models live
 * @param stateDir          lock file and saved cpufreq state
 * @param socket            status socket path
 * @param simulate          when to run against the simulated node
 * @param simSpec           simulated node spec file; empty = the embedded default
 * @param maxWriteErrors    consecutive failed writes on one policy before hands-off, 1 .. 100
 * @param staleAfterPeriods consecutive failed samples (or a record older than this many periods)
 *                          before the telemetry counts as stale, 1 .. 100
 * @param modelPollSeconds  how often the models directory is re-checked, 1 .. 3600
 * @param slowdownBudget    allowed slowdown versus maximum frequency, 0 .. 1
 * @param logLevel          error, warn, info or debug
 * @param recoverAfterTicks healthy ticks needed before leaving fallback/hands-off, 1 .. 1000
 * @param metricsAddress    where {@code /metrics} listens ({@code HOST:PORT}); empty = no endpoint
 * @param modelMaxBytes     largest model file read, 1 KiB .. 1 GiB (checked before reading)
 */
public record DaemonConfig(
        int periodMs,
        boolean dryRun,
        Path sysfsRoot,
        Path modelsDir,
        Path stateDir,
        Path socket,
        Simulate simulate,
        String simSpec,
        int maxWriteErrors,
        int staleAfterPeriods,
        int modelPollSeconds,
        double slowdownBudget,
        LogLevel logLevel,
        int recoverAfterTicks,
        String metricsAddress,
        long modelMaxBytes) {

    public static final Path DEFAULT_FILE = Path.of("/etc/flash/flashd.toml");
    public static final int MIN_PERIOD_MS = 50;
    public static final int MAX_PERIOD_MS = 10_000;

    /** When flashd runs against the simulated node instead of the machine. */
    public enum Simulate {
        /** simulate only when the machine has no cpufreq */
        AUTO,
        NEVER,
        ALWAYS;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum LogLevel {
        ERROR, WARN, INFO, DEBUG;

        public boolean allows(LogLevel message) {
            return message.ordinal() <= ordinal();
        }
    }

    /** The keys a file may contain, in the order docs/config.md lists them. */
    public static final Set<String> KEYS = Set.of("period_ms", "dry_run", "sysfs_root", "models_dir",
            "state_dir", "socket", "simulate", "sim_spec", "max_write_errors", "stale_after_periods",
            "model_poll_seconds", "slowdown_budget", "log_level", "recover_after_ticks", "metrics_address",
            "model_max_bytes");

    /**
     * Where the lock, the saved cpufreq state and the status socket live by default:
     * {@code /run/flash} for root (systemd's RuntimeDirectory), and for a user trying flash out
     * without root (the README's quick start) {@code $XDG_RUNTIME_DIR/flash}, else
     * {@code /tmp/flash-USER}, so the daemon and {@code flash status} find each other either way.
     */
    public static Path defaultRuntimeDir() {
        Path system = Path.of("/run/flash");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root || java.nio.file.Files.isWritable(system)) {
            return system;
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && java.nio.file.Files.isWritable(Path.of(xdg))) {
            return Path.of(xdg, "flash");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "flash-" + System.getProperty("user.name"));
    }

    public static DaemonConfig defaults() {
        Path run = defaultRuntimeDir();
        return new DaemonConfig(1000, false, Path.of("/"), ModelDirectory.DEFAULT_DIR,
                run, run.resolve("flashd.sock"), Simulate.AUTO, "",
                3, 3, 10, 0.05, LogLevel.INFO, 5, "", dev.flash.policy.onnx.OnnxModel.DEFAULT_MAX_BYTES);
    }

    /**
     * Loads a configuration file. {@code explicit} says whether the operator named it: a missing
     * default file means "all defaults", a missing named file is an error.
     */
    public static DaemonConfig load(Path file, boolean explicit) throws ConfigException {
        if (!Files.exists(file)) {
            if (explicit) {
                throw new ConfigException(file + ": no such configuration file");
            }
            return defaults();
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such configuration file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return fromToml(toml, file.toString());
    }

    /** Parses TOML text; {@code source} names it in messages (a path or "<string>"). */
    public static DaemonConfig parse(String text, String source) throws ConfigException {
        return fromToml(Toml.parse(text), source);
    }

    private static DaemonConfig fromToml(TomlParseResult toml, String source) throws ConfigException {
        if (toml.hasErrors()) {
            TomlParseError e = toml.errors().get(0);
            throw new ConfigException(source + ":" + e.position().line() + ": TOML syntax error: "
                    + e.getMessage());
        }
        for (String key : toml.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException(where(toml, source, key) + ": unknown key '" + key
                        + "' (known keys: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        Reader r = new Reader(toml, source);
        DaemonConfig d = defaults();
        return new DaemonConfig(
                (int) r.integer("period_ms", d.periodMs, MIN_PERIOD_MS, MAX_PERIOD_MS),
                r.bool("dry_run", d.dryRun),
                r.path("sysfs_root", d.sysfsRoot),
                r.path("models_dir", d.modelsDir),
                r.path("state_dir", d.stateDir),
                r.path("socket", d.socket),
                r.choice("simulate", Simulate.class, d.simulate),
                r.string("sim_spec", d.simSpec),
                (int) r.integer("max_write_errors", d.maxWriteErrors, 1, 100),
                (int) r.integer("stale_after_periods", d.staleAfterPeriods, 1, 100),
                (int) r.integer("model_poll_seconds", d.modelPollSeconds, 1, 3600),
                r.real("slowdown_budget", d.slowdownBudget, 0, 1),
                r.choice("log_level", LogLevel.class, d.logLevel),
                (int) r.integer("recover_after_ticks", d.recoverAfterTicks, 1, 1000),
                r.metricsAddress("metrics_address", d.metricsAddress),
                r.integer("model_max_bytes", d.modelMaxBytes, 1L << 10, 1L << 30));
    }

    private static String where(TomlParseResult toml, String source, String key) {
        TomlPosition pos = toml.inputPositionOf(key);
        return source + (pos == null ? "" : ":" + pos.line()) + ": key '" + key + "'";
    }

    /** Typed reads that name file, line and key on every failure. */
    private record Reader(TomlParseResult toml, String source) {
        private ConfigException bad(String key, String problem) {
            return new ConfigException(where(toml, source, key) + ": " + problem);
        }

        long integer(String key, long dflt, long min, long max) throws ConfigException {
            Object v = toml.get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Long l)) {
                throw bad(key, "expected an integer, found " + describe(v));
            }
            if (l < min || l > max) {
                throw bad(key, "value " + l + " out of range " + min + " .. " + max);
            }
            return l;
        }

        double real(String key, double dflt, double min, double max) throws ConfigException {
            Object v = toml.get(key);
            if (v == null) {
                return dflt;
            }
            double d;
            if (v instanceof Double x) {
                d = x;
            } else if (v instanceof Long l) {
                d = l;
            } else {
                throw bad(key, "expected a number, found " + describe(v));
            }
            if (!(d >= min && d <= max)) {
                throw bad(key, "value " + d + " out of range " + min + " .. " + max);
            }
            return d;
        }

        boolean bool(String key, boolean dflt) throws ConfigException {
            Object v = toml.get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof Boolean b)) {
                throw bad(key, "expected true or false, found " + describe(v));
            }
            return b;
        }

        String string(String key, String dflt) throws ConfigException {
            Object v = toml.get(key);
            if (v == null) {
                return dflt;
            }
            if (!(v instanceof String s)) {
                throw bad(key, "expected a string, found " + describe(v));
            }
            return s;
        }

        Path path(String key, Path dflt) throws ConfigException {
            String s = string(key, null);
            if (s == null) {
                return dflt;
            }
            if (s.isBlank()) {
                throw bad(key, "expected a path, found an empty string");
            }
            return Path.of(s);
        }

        /** An address {@code /metrics} can listen on; checked here so a typo stops the start, not a scrape. */
        String metricsAddress(String key, String dflt) throws ConfigException {
            String s = string(key, null);
            if (s == null || s.isBlank()) {
                return s == null ? dflt : "";
            }
            try {
                MetricsExporter.Address.parse(s);
            } catch (IllegalArgumentException e) {
                throw bad(key, e.getMessage());
            }
            return s.strip();
        }

        <E extends Enum<E>> E choice(String key, Class<E> type, E dflt) throws ConfigException {
            String s = string(key, null);
            if (s == null) {
                return dflt;
            }
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s)) {
                    return e;
                }
            }
            StringBuilder allowed = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append('"')
                        .append(e.name().toLowerCase(Locale.ROOT)).append('"');
            }
            throw bad(key, "'" + s + "' is not one of " + allowed);
        }

        private static String describe(Object v) {
            if (v instanceof String s) {
                return "the string \"" + s + "\"";
            }
            if (v instanceof Long || v instanceof Double) {
                return "the number " + v;
            }
            if (v instanceof Boolean) {
                return "the boolean " + v;
            }
            return "a " + v.getClass().getSimpleName().replace("Toml", "").toLowerCase(Locale.ROOT);
        }
    }

    // ---- command-line overrides -----------------------------------------------------------

    public DaemonConfig withPeriodMs(int v) throws ConfigException {
        if (v < MIN_PERIOD_MS || v > MAX_PERIOD_MS) {
            throw new ConfigException("--period: " + v + " ms out of range " + MIN_PERIOD_MS + " .. "
                    + MAX_PERIOD_MS);
        }
        return new DaemonConfig(v, dryRun, sysfsRoot, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    /** A budget of 1 switches the slowdown guard off. */
    public DaemonConfig withSlowdownBudget(double v) throws ConfigException {
        if (!(v >= 0 && v <= 1)) {
            throw new ConfigException("slowdown_budget: " + v + " out of range 0 .. 1");
        }
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, v, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withDryRun(boolean v) {
        return new DaemonConfig(periodMs, v, sysfsRoot, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withSysfsRoot(Path v) {
        return new DaemonConfig(periodMs, dryRun, v, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withModelsDir(Path v) {
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, v, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    /** Moves the state directory; the socket follows it unless it was set on its own. */
    public DaemonConfig withStateDir(Path v) {
        Path sock = socket.equals(stateDir.resolve("flashd.sock")) ? v.resolve("flashd.sock") : socket;
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, v, sock, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withSocket(Path v) {
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, stateDir, v, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withSimulate(Simulate v, String spec) {
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, stateDir, socket, v, spec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withLogLevel(LogLevel v) {
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, v, recoverAfterTicks, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withRecoverAfterTicks(int v) {
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, v, metricsAddress, modelMaxBytes);
    }

    public DaemonConfig withMetricsAddress(String v) throws ConfigException {
        try {
            MetricsExporter.Address.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--metrics: " + e.getMessage());
        }
        return new DaemonConfig(periodMs, dryRun, sysfsRoot, modelsDir, stateDir, socket, simulate, simSpec,
                maxWriteErrors, staleAfterPeriods, modelPollSeconds, slowdownBudget, logLevel, recoverAfterTicks, v.strip(),
                modelMaxBytes);
    }

    public long periodNanos() {
        return periodMs * 1_000_000L;
    }

    public Path lockFile() {
        return stateDir.resolve(InstanceLock.STATE_DIR_FILE);
    }
}
