package dev.flash.actuate;

import java.nio.file.Path;
import java.util.List;

/**
 * What a restore did.
 *
 * @param stateFile         the state file read
 * @param sysfsRoot         the root the state was saved for; null when there was no state
 * @param hadState          false when there was nothing to restore
 * @param restoredFiles     files written back, in order
 * @param vanishedPolicies  saved policies whose directory is gone (the CPU was removed or the
 *                          driver re-registered: the kernel dropped our settings with it)
 * @param failures          files that could not be written back; they stay in the state file
 * @param damage            what was wrong with a damaged state file (the values it lost); null
 *                          when the file was sound
 * @param keptAside         where the damaged file was moved; null when it was not
 * @param leftToOthers      files that hold neither the saved value nor one flash wrote there:
 *                          another tool (or the kernel) set them after flash's last write, and
 *                          the restore left them as they are
 */
public record RestoreReport(
        Path stateFile,
        String sysfsRoot,
        boolean hadState,
        List<String> restoredFiles,
        List<Integer> vanishedPolicies,
        List<Failure> failures,
        String damage,
        Path keptAside,
        List<Left> leftToOthers) {

    /** One file that could not be restored. */
    public record Failure(String file, String reason, boolean permissionDenied) {
    }

    /**
     * A file another tool changed after flash's last write: left as it is.
     *
     * @param file  the file
     * @param found what it holds (the other tool's value)
     * @param saved what flash had saved as its original (not written back)
     */
    public record Left(String file, String found, String saved) {
    }

    public RestoreReport {
        leftToOthers = List.copyOf(leftToOthers);
        restoredFiles = List.copyOf(restoredFiles);
        vanishedPolicies = List.copyOf(vanishedPolicies);
        failures = List.copyOf(failures);
    }

    /** Nothing to restore (no state file or an empty one). */
    public static RestoreReport nothing(Path stateFile) {
        return new RestoreReport(stateFile, null, false, List.of(), List.of(), List.of(), null, null, List.of());
    }

    /**
     * True when every saved value was written back, had nothing left to restore, or was left
     * to another tool that changed it after flash's last write (that is the outcome wanted).
     */
    public boolean complete() {
        return failures.isEmpty() && damage == null;
    }

    /** True when the state file was damaged: only what could be read went back. */
    public boolean damaged() {
        return damage != null;
    }

    /** True when at least one failure was EACCES: the caller needs root. */
    public boolean permissionDenied() {
        return failures.stream().anyMatch(Failure::permissionDenied);
    }

    /** One line for logs and exceptions. */
    public String summary() {
        if (!hadState) {
            return "nothing to restore (no state in " + stateFile + ")";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(complete() ? "restored " : "partially restored: ")
                .append(restoredFiles.size()).append(" files under ").append(sysfsRoot);
        if (damage != null) {
            sb.append("; the state file was damaged (").append(damage).append(")")
                    .append(keptAside == null ? "" : ", kept aside as " + keptAside);
        }
        if (!vanishedPolicies.isEmpty()) {
            sb.append("; policies gone (nothing left to restore): ").append(vanishedPolicies);
        }
        for (Left l : leftToOthers) {
            sb.append("; left to another tool: ").append(l.file()).append(' ').append(l.found())
                    .append(" (saved ").append(l.saved()).append(')');
        }
        for (Failure f : failures) {
            sb.append("; FAILED ").append(f.reason());
        }
        return sb.toString();
    }
}
