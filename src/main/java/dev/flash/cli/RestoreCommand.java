package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.actuate.ActuationException;
import dev.flash.actuate.RestoreReport;
import dev.flash.actuate.StateStore;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.daemon.ConfigException;
import dev.flash.daemon.DaemonConfig;
import dev.flash.daemon.InstanceLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flash restore}: puts back every cpufreq value flashd changed, from the state file it
 * saved before its first write. The systemd unit runs it as ExecStopPost, so a daemon killed
 * with SIGKILL still leaves the CPUs as it found them.
 *
 * <p>It finds the state file where the daemon keeps it: {@code state_dir} of the daemon's
 * configuration ({@code /etc/flash/flashd.toml} or {@code --config}), unless {@code --state-dir}
 * names it. It writes nothing while a daemon holds that directory's lock or the lock of the
 * CPUs the file names: the running daemon relies on the file to hand the CPUs back.
 */
@Command(name = "restore",
        description = {
            "Restore the cpufreq settings flashd changed, from its state file.",
            "",
            "The settings: governor, scaling_min_freq, scaling_max_freq, scaling_setspeed.",
            "",
            "flashd saves each policy's original values to STATE_DIR/state.json before it",
            "first writes to the policy; the file records the sysfs root it was written for.",
            "This command writes them back (limits first, in an order that keeps min <= max,",
            "then the governor, then the speed) and deletes the file once all are back.",
            "Policies whose CPUs were removed meanwhile are reported and dropped.",
            "A setting that holds neither its saved value nor one flashd wrote there was",
            "changed by another tool after flashd's last write (the file records flashd's",
            "writes): it is left as it is and named (\"left to another tool\"); exit 0.",
            "STATE_DIR is state_dir from the daemon's configuration (--config, default",
            "/etc/flash/flashd.toml when it exists), unless --state-dir names it; a file the",
            "daemon would refuse for another key still gives its state_dir (with a warning).",
            "",
            "Run by the systemd unit as ExecStopPost, after the daemon has stopped. While a",
            "flashd runs (it holds the lock of STATE_DIR or of the CPUs), it refuses and writes",
            "nothing (exit 6): stop the service instead (`systemctl stop flashd` restores).",
            "--force restores anyway but keeps the state file, which the daemon still needs.",
            "",
            "A damaged state file (truncated, malformed, empty, an entry missing a field):",
            "every value that can be read is restored, the file is kept aside as",
            "state.json.damaged-TIME (never deleted), and the exit code is 8.",
            ""},
        footer = {"",
            "Examples:",
            "  flash restore                       what the unit's ExecStopPost runs",
            "  flash restore --config /etc/flash/other.toml --json",
            "  flash restore --state-dir /tmp/flash --force",
            "",
            "Exit codes:%n"
                + "  0  restored, or nothing to restore%n"
                + "  1  some values could not be restored (named; they stay in the state file)%n"
                + "  3  the configuration gives no readable state_dir (the message names the line)%n"
                + "  4  permission denied (run as root)%n"
                + "  6  a flashd is running: nothing written (stop it, or --force)%n"
                + "  8  partial restore: the state file was damaged; what could be read was restored"
                + " and the file kept aside"})
public final class RestoreCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The daemon's configuration, read for state_dir (default /etc/flash/flashd.toml, if it exists).")
    Path configFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where flashd keeps state.json (default: state_dir of the configuration, whose"
                    + " default is /run/flash, or for a user without root $XDG_RUNTIME_DIR/flash).")
    Path stateDir;

    @Option(names = "--force",
            description = "Restore even while a flashd runs; the state file is kept (the daemon will go on writing).")
    boolean force;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final Function<Path, SysfsRoot> roots;

    public RestoreCommand() {
        this(SysfsRoot::new);
    }

    /**
     * @param roots turns the sysfs root recorded in the state file into a {@link SysfsRoot};
     *              tests give it a fake kernel's writer
     */
    public RestoreCommand(Function<Path, SysfsRoot> roots) {
        this.roots = roots;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return restore(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int restore(PrintWriter out, PrintWriter err) {
        Path dir;
        try {
            dir = stateDir != null ? stateDir : stateDirOfTheDaemon(err);
        } catch (ConfigException e) {
            return fail(out, err, "invalid-configuration", null, e.getMessage(), ExitCodes.CONFIG, e);
        }
        Path stateFile = dir.resolve(StateStore.FILE_NAME);
        List<InstanceLock> held = new ArrayList<>();
        try {
            // The state directory's lock first (a daemon using this file), then the lock of the
            // CPUs the file names (a daemon on the same machine with another state directory).
            String running = lockOrName(dir.resolve(InstanceLock.STATE_DIR_FILE), held);
            if (running == null) {
                Optional<Path> root = new StateStore(dir).sysfsRoot();
                if (root.isPresent()) {
                    running = lockOrName(InstanceLock.machineFile(root.get()), held);
                }
            }
            boolean keepFile = false;
            if (running != null) {
                if (!force) {
                    return fail(out, err, "daemon-running", stateFile, running + "; nothing restored. It relies on "
                            + stateFile + " to hand the CPUs back: stop it instead (systemctl stop flashd, or"
                            + " Ctrl-C), which restores; or run `flash restore --force` to restore now and"
                            + " keep the file", ExitCodes.ALREADY_RUNNING, null);
                }
                keepFile = true;
                err.println("flash restore: --force: " + running + "; restoring anyway and keeping " + stateFile);
            }
            RestoreReport report = StateStore.restoreLeftover(dir, roots, keepFile);
            if (json) {
                out.println(toJson(report, keepFile));
            } else {
                printHuman(report, keepFile, out, err);
            }
            return !report.hadState() ? ExitCodes.OK
                    : report.permissionDenied() ? ExitCodes.PERMISSION
                    : !report.failures().isEmpty() ? ExitCodes.FAILURE
                    : report.damaged() ? ExitCodes.PARTIAL_RESTORE
                    : ExitCodes.OK;
        } catch (ActuationException e) {
            boolean denied = e.getMessage() != null && e.getMessage().contains("EACCES");
            return fail(out, err, denied ? "permission-denied" : "error", stateFile, e.getMessage(),
                    denied ? ExitCodes.PERMISSION : ExitCodes.FAILURE, e);
        } catch (java.nio.file.AccessDeniedException e) {
            return fail(out, err, "permission-denied", stateFile, e.getFile() + ": permission denied (run as root)",
                    ExitCodes.PERMISSION, e);
        } catch (IOException e) {
            return fail(out, err, "error", stateFile, "cannot check the lock: " + e, ExitCodes.FAILURE, e);
        } finally {
            for (InstanceLock lock : held) {
                try {
                    lock.close();
                } catch (IOException ignored) {
                    // the kernel drops it when we exit anyway
                }
            }
        }
    }

    /**
     * {@code state_dir} of the daemon's configuration. When another key is wrong (edited while
     * the daemon ran: it would not start again with it) the CPUs must still come back, so
     * {@code state_dir} alone is read then, with a warning; only a file where it cannot be read
     * (TOML syntax, the key itself) stops the restore.
     */
    private Path stateDirOfTheDaemon(PrintWriter err) throws ConfigException {
        Path file = configFile == null ? DaemonConfig.DEFAULT_FILE : configFile;
        try {
            return DaemonConfig.load(file, configFile != null).stateDir();
        } catch (ConfigException e) {
            TomlParseResult toml;
            try {
                toml = Toml.parse(file);
            } catch (IOException unreadable) {
                throw e;
            }
            Object value = toml.hasErrors() ? null : toml.get("state_dir");
            Path dir;
            if (value == null && !toml.hasErrors()) {
                dir = DaemonConfig.defaults().stateDir();
            } else if (value instanceof String s && !s.isBlank()) {
                dir = Path.of(s);
            } else {
                throw e;
            }
            err.println("flash restore: warning: " + e.getMessage() + " (flash daemon will refuse this file);"
                    + " restoring from state_dir " + dir);
            return dir;
        }
    }

    /**
     * Takes a lock (when its file exists) for the time of the restore, so no daemon starts
     * meanwhile; returns null when taken, or what holds it.
     */
    private static String lockOrName(Path lockFile, List<InstanceLock> held) throws IOException {
        try {
            InstanceLock.acquireIfPresent(lockFile).ifPresent(held::add);
            return null;
        } catch (InstanceLock.AlreadyRunningException e) {
            return e.getMessage();
        }
    }

    private int fail(PrintWriter out, PrintWriter err, String status, Path stateFile, String message, int code,
            Exception e) {
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("status", status);
            o.addProperty("stateFile", stateFile == null ? null : stateFile.toString());
            o.addProperty("error", message);
            out.println(new GsonBuilder().serializeNulls().create().toJson(o));
        } else {
            err.println("flash restore: " + message);
        }
        if (verbose && e != null) {
            e.printStackTrace(err);
        }
        return code;
    }

    private static void printHuman(RestoreReport r, boolean keepFile, PrintWriter out, PrintWriter err) {
        if (!r.hadState()) {
            out.println("Nothing to restore: no saved state in " + r.stateFile() + ".");
            return;
        }
        if (r.damaged()) {
            err.println("The state file " + r.stateFile() + " was damaged: " + r.damage() + ".");
            if (r.keptAside() != null) {
                err.println("It is kept aside as " + r.keptAside() + "; the values it lost were not restored:"
                        + " check the governor and limits of every policy by hand.");
            }
        }
        if (r.failures().isEmpty()) {
            out.println("Restored " + r.restoredFiles().size() + " cpufreq values under "
                    + r.sysfsRoot() + (keepFile ? "; kept " + r.stateFile() + " for the running daemon."
                    : r.damaged() ? "." : "; removed " + r.stateFile() + "."));
        } else {
            out.println("Restored " + r.restoredFiles().size() + " cpufreq values under "
                    + r.sysfsRoot() + "; " + r.failures().size() + " could not be restored:");
        }
        for (RestoreReport.Left l : r.leftToOthers()) {
            out.println("Left to another tool (changed after flashd's last write): " + l.file() + " = " + l.found()
                    + " (flashd had saved " + l.saved() + ")");
        }
        if (!r.vanishedPolicies().isEmpty()) {
            out.println("Policies gone since they were saved (the kernel dropped their settings): "
                    + r.vanishedPolicies());
        }
        for (RestoreReport.Failure f : r.failures()) {
            err.println("  " + f.reason());
        }
        if (!r.failures().isEmpty()) {
            err.println(r.permissionDenied()
                    ? "Run as root. The unrestored values stay in " + r.stateFile() + "."
                    : "The unrestored values stay in " + r.stateFile() + "; run `flash restore` again.");
        }
    }

    private static String toJson(RestoreReport r, boolean keepFile) {
        JsonObject o = new JsonObject();
        o.addProperty("status", !r.hadState() ? "nothing-to-restore"
                : r.complete() ? "restored" : r.permissionDenied() ? "permission-denied"
                : r.failures().isEmpty() ? "damaged" : "partial");
        o.addProperty("damage", r.damage());
        o.addProperty("keptAside", r.keptAside() == null ? null : r.keptAside().toString());
        o.addProperty("stateFileKept", keepFile);
        o.addProperty("stateFile", r.stateFile().toString());
        o.addProperty("sysfsRoot", r.sysfsRoot());
        JsonArray restored = new JsonArray();
        r.restoredFiles().forEach(restored::add);
        o.add("restored", restored);
        JsonArray vanished = new JsonArray();
        r.vanishedPolicies().forEach(vanished::add);
        o.add("vanishedPolicies", vanished);
        JsonArray left = new JsonArray();
        for (RestoreReport.Left l : r.leftToOthers()) {
            JsonObject lo = new JsonObject();
            lo.addProperty("file", l.file());
            lo.addProperty("found", l.found());
            lo.addProperty("saved", l.saved());
            left.add(lo);
        }
        o.add("leftToOtherTools", left);
        JsonArray failures = new JsonArray();
        for (RestoreReport.Failure f : r.failures()) {
            JsonObject fo = new JsonObject();
            fo.addProperty("file", f.file());
            fo.addProperty("reason", f.reason());
            fo.addProperty("permissionDenied", f.permissionDenied());
            failures.add(fo);
        }
        o.add("failures", failures);
        return new GsonBuilder().serializeNulls().create().toJson(o);
    }
}
