package dev.flash.actuate;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The saved originals of every cpufreq control flash touched, in {@code state.json} under a state
 * directory ({@code /run/flash} by default), after GEOPM's save-control/restore-control.
 *
 * <p>The file is written before the first write to a policy and rewritten (temp file, fsync,
 * rename) whenever another policy is added, so a crash at any moment leaves either the previous
 * or the new complete file: {@code flash restore} (the unit's ExecStopPost) puts everything back
 * after a SIGKILL. It records the sysfs root, so a restore needs no other argument.
 *
 * <p>A leftover file from a crashed run is adopted, not overwritten: its values are the true
 * originals (the current ones are what the crashed run wrote).
 */
public final class StateStore {
    public static final Path DEFAULT_DIR = Path.of("/run/flash");
    public static final String FILE_NAME = "state.json";
    private static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Path dir;
    private final Path file;
    private StateFile state; // null until loaded from disk (lazily, on first use)

    public StateStore(Path stateDir) {
        this.dir = stateDir.toAbsolutePath().normalize();
        this.file = dir.resolve(FILE_NAME);
    }

    /** The store in {@link #DEFAULT_DIR}. */
    public static StateStore atDefaultDir() {
        return new StateStore(DEFAULT_DIR);
    }

    public Path stateDir() {
        return dir;
    }

    public Path stateFile() {
        return file;
    }

    /** The saved originals of a policy, if saved (in this run or by a crashed one). */
    public synchronized Optional<SavedPolicy> saved(int policyId) throws ActuationException {
        load();
        for (PolicyEntry e : state.policies) {
            if (e.id == policyId) {
                return Optional.of(e.toSaved());
            }
        }
        return Optional.empty();
    }

    /**
     * The saved originals of a policy under {@code root}, if saved.
     *
     * @throws ActuationException when the file holds state for another sysfs root (it must be
     *                            restored before anything is written under this one)
     */
    public synchronized Optional<SavedPolicy> saved(SysfsRoot root, int policyId) throws ActuationException {
        load();
        requireSameRoot(root);
        return saved(policyId);
    }

    private void requireSameRoot(SysfsRoot root) throws ActuationException {
        String rootText = root.root().toString();
        if (!state.policies.isEmpty() && state.sysfsRoot != null && !state.sysfsRoot.equals(rootText)) {
            throw new ActuationException(file + ": holds saved state for sysfs root "
                    + state.sysfsRoot + ", not " + rootText + "; run `flash restore --state-dir "
                    + dir + "` first");
        }
    }

    /** Every saved policy, in the order saved. */
    public synchronized List<SavedPolicy> savedPolicies() throws ActuationException {
        load();
        List<SavedPolicy> out = new ArrayList<>();
        for (PolicyEntry e : state.policies) {
            out.add(e.toSaved());
        }
        return out;
    }

    /** The sysfs root the saved state belongs to, if any state is saved. */
    public synchronized Optional<Path> sysfsRoot() throws ActuationException {
        load();
        return state.policies.isEmpty() || state.sysfsRoot == null
                ? Optional.empty() : Optional.of(Path.of(state.sysfsRoot));
    }

    /**
     * Saves a policy's originals and makes the file durable before returning; call it before
     * the first write to the policy. A policy already saved keeps its first (original) values.
     *
     * @throws ActuationException naming the state file when it cannot be written, or when it
     *                            holds state for a different sysfs root
     */
    public synchronized void save(SysfsRoot root, SavedPolicy policy) throws ActuationException {
        load();
        requireSameRoot(root);
        for (PolicyEntry e : state.policies) {
            if (e.id == policy.id()) {
                return;
            }
        }
        state.sysfsRoot = root.root().toString();
        state.policies.add(PolicyEntry.of(policy));
        persist();
    }

    /**
     * Drops a policy's saved originals without writing them: flash handed the policy to another
     * tool, and a later restore must not put the originals back over that tool's values. The
     * file is deleted when no policy is left in it.
     */
    public synchronized void forget(SysfsRoot root, int policyId) throws ActuationException {
        load();
        requireSameRoot(root);
        if (!state.policies.removeIf(e -> e.id == policyId)) {
            return;
        }
        if (state.policies.isEmpty()) {
            deleteFile();
        } else {
            persist();
        }
    }

    /**
     * Writes every saved value back under {@code root}, per policy in a safe order: the limits
     * so that min <= max holds after each write, then the governor, then the setspeed. A policy
     * whose directory is gone is reported and dropped. The file is deleted when nothing is left
     * to restore; otherwise it keeps exactly the policies that failed.
     *
     * @throws ActuationException when the state file cannot be read or rewritten, or holds
     *                            state for another root
     */
    public synchronized RestoreReport restore(SysfsRoot root) throws ActuationException {
        load();
        requireSameRoot(root);
        if (state.policies.isEmpty()) {
            deleteFile();
            return RestoreReport.nothing(file);
        }
        List<String> restored = new ArrayList<>();
        List<Integer> vanished = new ArrayList<>();
        List<RestoreReport.Failure> failures = new ArrayList<>();
        Iterator<PolicyEntry> it = state.policies.iterator();
        while (it.hasNext()) {
            PolicyEntry e = it.next();
            Path policyDir = root.resolve(SysfsRoot.CPUFREQ + "/policy" + e.id);
            if (!Files.isDirectory(policyDir)) {
                vanished.add(e.id);
                it.remove();
                continue;
            }
            int failedBefore = failures.size();
            restorePolicy(root, policyDir, e.toSaved(), restored, failures);
            if (failures.size() == failedBefore) {
                it.remove();
            } else if (!Files.isDirectory(policyDir)) {
                // it went away while we wrote (hotplug): nothing of ours is left there
                failures.subList(failedBefore, failures.size()).clear();
                vanished.add(e.id);
                it.remove();
            }
        }
        String rootText = state.sysfsRoot;
        if (state.policies.isEmpty()) {
            deleteFile();
        } else {
            persist();
        }
        return new RestoreReport(file, rootText, true, restored, vanished, failures);
    }

    /** Restores under the sysfs root recorded in the file (plain file writes). */
    public synchronized RestoreReport restore() throws ActuationException {
        load();
        if (state.policies.isEmpty() || state.sysfsRoot == null) {
            return restore(SysfsRoot.system());
        }
        return restore(new SysfsRoot(Path.of(state.sysfsRoot)));
    }

    /**
     * Restores a state file left by a run that did not stop cleanly (the daemon calls this at
     * start, {@code flash restore} at stop). {@code roots} turns the recorded root into a
     * {@link SysfsRoot} (tests plug their fake kernel in here).
     */
    public static RestoreReport restoreLeftover(Path stateDir, Function<Path, SysfsRoot> roots)
            throws ActuationException {
        StateStore store = new StateStore(stateDir);
        Optional<Path> root = store.sysfsRoot();
        if (root.isEmpty()) {
            store.deleteFile();
            return RestoreReport.nothing(store.stateFile());
        }
        return store.restore(roots.apply(root.get()));
    }

    /** {@link #restoreLeftover(Path, Function)} with plain file writes. */
    public static RestoreReport restoreLeftover(Path stateDir) throws ActuationException {
        return restoreLeftover(stateDir, SysfsRoot::new);
    }

    private static void restorePolicy(SysfsRoot root, Path policyDir, SavedPolicy saved,
            List<String> restored, List<RestoreReport.Failure> failures) {
        Path minFile = policyDir.resolve("scaling_min_freq");
        Path maxFile = policyDir.resolve("scaling_max_freq");
        long currentMax = SysfsRoot.readLong(maxFile, -1);
        // Raising min above the current max (or lowering max below the current min) is EINVAL:
        // when the saved min is above the current max, the max has to move first.
        boolean maxFirst = currentMax >= 0 && saved.scalingMinKhz() > currentMax;
        if (maxFirst) {
            put(root, maxFile, saved.scalingMaxKhz(), restored, failures);
            put(root, minFile, saved.scalingMinKhz(), restored, failures);
        } else {
            put(root, minFile, saved.scalingMinKhz(), restored, failures);
            put(root, maxFile, saved.scalingMaxKhz(), restored, failures);
        }
        boolean governorBack = put(root, policyDir.resolve("scaling_governor"), saved.governor(),
                restored, failures);
        if (saved.hasSetspeed() && governorBack) {
            put(root, policyDir.resolve("scaling_setspeed"), saved.setspeedKhz(), restored, failures);
        }
    }

    private static boolean put(SysfsRoot root, Path file, Object value, List<String> restored,
            List<RestoreReport.Failure> failures) {
        try {
            root.writeFile(file, String.valueOf(value));
            restored.add(file.toString());
            return true;
        } catch (SysfsException e) {
            failures.add(new RestoreReport.Failure(file.toString(), e.getMessage(),
                    SysfsRoot.isPermissionDenied(e)));
            return false;
        }
    }

    // ---- the file -----------------------------------------------------------------------

    private void load() throws ActuationException {
        if (state != null) {
            return;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            state = new StateFile();
            return;
        } catch (AccessDeniedException e) {
            throw new ActuationException(file + ": permission denied (EACCES); run as root", e);
        } catch (IOException e) {
            throw new ActuationException(file + ": cannot read: " + e.getMessage(), e);
        }
        StateFile parsed;
        try {
            parsed = GSON.fromJson(text, StateFile.class);
        } catch (JsonParseException e) {
            throw new ActuationException(file + ": not a valid flash state file: " + e.getMessage(), e);
        }
        if (parsed == null) {
            parsed = new StateFile();
        }
        if (parsed.policies == null) {
            parsed.policies = new ArrayList<>();
        }
        if (parsed.version != VERSION) {
            throw new ActuationException(file + ": unsupported state file version " + parsed.version
                    + " (expected " + VERSION + ")");
        }
        if (!parsed.policies.isEmpty() && (parsed.sysfsRoot == null || parsed.sysfsRoot.isBlank())) {
            throw new ActuationException(file + ": saved policies but no sysfsRoot");
        }
        for (PolicyEntry e : parsed.policies) {
            if (e.scaling_governor == null || e.scaling_governor.isBlank()) {
                throw new ActuationException(file + ": policy " + e.id + " has no scaling_governor");
            }
        }
        state = parsed;
    }

    /** Temp file in the same directory, fsync, atomic rename, fsync the directory. */
    private void persist() throws ActuationException {
        state.version = VERSION;
        state.savedAtEpochMillis = System.currentTimeMillis();
        state.pid = ProcessHandle.current().pid();
        byte[] bytes = GSON.toJson(state).getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(FILE_NAME + "." + state.pid + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (AccessDeniedException e) {
            throw new ActuationException(file + ": permission denied (EACCES) saving state; run as root", e);
        } catch (IOException e) {
            throw new ActuationException(file + ": cannot save state: " + e, e);
        }
    }

    private void deleteFile() throws ActuationException {
        try {
            if (Files.deleteIfExists(file)) {
                syncDirectory();
            }
        } catch (IOException e) {
            throw new ActuationException(file + ": restored, but cannot delete the state file: " + e, e);
        }
    }

    /** Makes the rename or delete itself durable. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some filesystems refuse fsync on a directory; the rename is still atomic
        }
    }

    /** The JSON layout; field names are the kernel's file names so people can read it. */
    private static final class StateFile {
        int version = VERSION;
        String sysfsRoot;
        long savedAtEpochMillis;
        long pid;
        List<PolicyEntry> policies = new ArrayList<>();
    }

    @SuppressWarnings("checkstyle:MemberName")
    private static final class PolicyEntry {
        int id;
        String scaling_governor;
        long scaling_min_freq;
        long scaling_max_freq;
        Long scaling_setspeed;

        static PolicyEntry of(SavedPolicy p) {
            PolicyEntry e = new PolicyEntry();
            e.id = p.id();
            e.scaling_governor = p.governor();
            e.scaling_min_freq = p.scalingMinKhz();
            e.scaling_max_freq = p.scalingMaxKhz();
            e.scaling_setspeed = p.hasSetspeed() ? p.setspeedKhz() : null;
            return e;
        }

        SavedPolicy toSaved() {
            return new SavedPolicy(id, scaling_governor, scaling_min_freq, scaling_max_freq,
                    scaling_setspeed == null ? -1 : scaling_setspeed);
        }
    }
}
