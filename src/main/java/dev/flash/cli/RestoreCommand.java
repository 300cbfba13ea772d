package dev.flash.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.actuate.ActuationException;
import dev.flash.actuate.RestoreReport;
import dev.flash.actuate.StateStore;
import dev.flash.sysfs.SysfsRoot;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 */
@Command(name = "restore",
        description = {
            "Restore the cpufreq settings flashd changed, from its state file.",
            "",
            "The settings: governor, scaling_min_freq, scaling_max_freq, scaling_setspeed.",
            "",
            "flashd saves each policy's original values to DIR/state.json before it",
            "first writes to the policy; the file records the sysfs root it was written for.",
            "This command writes them back (limits first, in an order that keeps min <= max,",
            "then the governor, then the speed) and deletes the file once all are back.",
            "Policies whose CPUs were removed meanwhile are reported and dropped.",
            "Run by the systemd unit as ExecStopPost; safe to run by hand at any time.",
            ""},
        footer = {"", "Exit codes:%n"
                + "  0  restored, or nothing to restore%n"
                + "  1  some values could not be restored (named; they stay in the state file)%n"
                + "  4  permission denied (run as root)"})
public final class RestoreCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where flashd keeps state.json (default: ${DEFAULT-VALUE}).")
    Path stateDir = dev.flash.daemon.DaemonConfig.defaultRuntimeDir();

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
        RestoreReport report;
        try {
            report = StateStore.restoreLeftover(stateDir, roots);
        } catch (ActuationException e) {
            boolean denied = e.getMessage() != null && e.getMessage().contains("EACCES");
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("status", denied ? "permission-denied" : "error");
                o.addProperty("stateFile", stateDir.resolve(StateStore.FILE_NAME).toString());
                o.addProperty("error", e.getMessage());
                out.println(o);
            } else {
                err.println("flash restore: " + e.getMessage());
            }
            if (verbose) {
                e.printStackTrace(err);
            }
            out.flush();
            err.flush();
            return denied ? ExitCodes.PERMISSION : ExitCodes.FAILURE;
        }
        int code = !report.hadState() || report.complete() ? ExitCodes.OK
                : report.permissionDenied() ? ExitCodes.PERMISSION : ExitCodes.FAILURE;
        if (json) {
            out.println(toJson(report));
        } else {
            printHuman(report, out, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    private static void printHuman(RestoreReport r, PrintWriter out, PrintWriter err) {
        if (!r.hadState()) {
            out.println("Nothing to restore: no saved state in " + r.stateFile() + ".");
            return;
        }
        if (r.complete()) {
            out.println("Restored " + r.restoredFiles().size() + " cpufreq values under "
                    + r.sysfsRoot() + "; removed " + r.stateFile() + ".");
        } else {
            out.println("Restored " + r.restoredFiles().size() + " cpufreq values under "
                    + r.sysfsRoot() + "; " + r.failures().size() + " could not be restored:");
        }
        if (!r.vanishedPolicies().isEmpty()) {
            out.println("Policies gone since they were saved (the kernel dropped their settings): "
                    + r.vanishedPolicies());
        }
        for (RestoreReport.Failure f : r.failures()) {
            err.println("  " + f.reason());
        }
        if (!r.complete()) {
            err.println(r.permissionDenied()
                    ? "Run as root. The unrestored values stay in " + r.stateFile() + "."
                    : "The unrestored values stay in " + r.stateFile() + "; run `flash restore` again.");
        }
    }

    private static String toJson(RestoreReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("status", !r.hadState() ? "nothing-to-restore"
                : r.complete() ? "restored" : r.permissionDenied() ? "permission-denied" : "partial");
        o.addProperty("stateFile", r.stateFile().toString());
        o.addProperty("sysfsRoot", r.sysfsRoot());
        JsonArray restored = new JsonArray();
        r.restoredFiles().forEach(restored::add);
        o.add("restored", restored);
        JsonArray vanished = new JsonArray();
        r.vanishedPolicies().forEach(vanished::add);
        o.add("vanishedPolicies", vanished);
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
