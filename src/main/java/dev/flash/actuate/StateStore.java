package dev.flash.actuate;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * <p>A leftover file from a crashed run is never overwritten: its values are the true originals
 * (the current ones are what the crashed run wrote). The daemon restores it at start, before
 * anything else; an actuator that meets one anyway adopts it.
 *
 * <p>A damaged file (truncated, malformed, empty, an entry missing a field) is read as far as it
 * can be: every value that can be read is restored, and the file is kept aside as
 * {@code state.json.damaged-TIME}, never deleted, for the operator to read; the report says so.
 *
 * <p>Sharing the node: next to each original the file records, per setting flash writes
 * ({@code scaling_governor}, {@code scaling_min_freq}, {@code scaling_max_freq}), the values flash
 * itself may have left there ({@code written_by_flash}). A restore writes the original back only
 * where the file holds the original or one of those values; any other value was set by another
 * tool (or the kernel) after flash's last write, and is left as it is and reported
 * ({@link RestoreReport#leftToOthers()}). A file written by an older flash, without the record,
 * is restored everywhere, as before. {@code scaling_setspeed} is not compared (the kernel shows
 * the current frequency there): it is written back when the governor is.
 *
 * <p>Why the record is written ahead, and holds two values. Flash calls
 * {@link #ours(SysfsRoot, int, String, String...)} with what the file holds now (as flash knows
 * it: found there or its own last write read back) and the value it is about to write, and the
 * record is durable before the write. So whatever instant a SIGKILL comes, the file holds a value
 * of the record: before the record is rewritten, the old record named what the file holds; after
 * it and before the write, the file still holds the first value; after the write, the second.
 * Recording after the write instead would leave a window (written, not yet recorded) in which a
 * crash makes flash's own cap look like another tool's, and the CPU would stay capped: the worse
 * error. Once the write is read back, the record may narrow to that one value (flash does so for
 * the governor, written once, so another tool's later choice of the first value is not taken for
 * flash's). A value that another tool sets equal to one in the record cannot be told from flash's
 * and is restored over: the record is kept to at most the two (or three) values that can be in
 * the file, and an unchanged set is not rewritten, so the file is rewritten only when a cap moves
 * to a value other than the last two.
 */
public final class StateStore {
    public static final Path DEFAULT_DIR = Path.of("/run/flash");
    public static final String FILE_NAME = "state.json";
    /** The settings whose values flash writes and records ({@link #ours}). */
    public static final List<String> TRACKED = List.of("scaling_governor", "scaling_min_freq", "scaling_max_freq");
    private static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final Path dir;
    private final Path file;
    private StateFile state; // null until loaded from disk (lazily, on first use)
    /** What is wrong with the file on disk when only part of it could be read; null when sound. */
    private String damage;

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
        requireSound();
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

    /** A damaged file must be restored (and kept aside) before anything is added to it. */
    private void requireSound() throws ActuationException {
        if (damage != null) {
            throw new ActuationException(file + ": damaged (" + damage + "); run `flash restore --state-dir "
                    + dir + "` to put back what can be read");
        }
    }

    /** Every saved policy, in the order saved. */
    public synchronized List<SavedPolicy> savedPolicies() throws ActuationException {
        load();
        requireSound();
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
        requireSound();
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
     * Records that {@code file} of a saved policy may hold only {@code values} (besides the saved
     * original) as far as flash is concerned, durable before it returns: call it with what the
     * file holds now and what flash is about to write, before the write (see the class comment
     * for why). A set equal to the one recorded is not rewritten. Nothing is recorded for a
     * policy that is not saved.
     *
     * @throws ActuationException when the state file cannot be written
     */
    public synchronized void ours(SysfsRoot root, int policyId, String file, String... values)
            throws ActuationException {
        record(root, policyId, file, false, values);
    }

    /**
     * Adds a value flash may have left in {@code file} (read back after its write, when the kernel
     * showed another value than the one written; or found when it met a saved policy again, e.g.
     * replugged with the kernel's defaults) to the record, durable before it returns.
     */
    public synchronized void alsoOurs(SysfsRoot root, int policyId, String file, String value)
            throws ActuationException {
        record(root, policyId, file, true, value);
    }

    private void record(SysfsRoot root, int policyId, String file, boolean add, String... values)
            throws ActuationException {
        if (!TRACKED.contains(file)) {
            throw new IllegalArgumentException("not a tracked setting: " + file);
        }
        load();
        requireSound();
        requireSameRoot(root);
        for (PolicyEntry e : state.policies) {
            if (e.id == policyId) {
                if (e.written_by_flash == null) {
                    return; // saved by an older flash: unknown, every value goes back at restore
                }
                String original = e.original(file);
                List<String> next = new ArrayList<>();
                List<String> now = e.written_by_flash.get(file);
                if (add && now != null) {
                    next.addAll(now);
                }
                for (String v : values) {
                    String t = v == null ? null : v.strip();
                    if (t != null && !t.isEmpty() && !sameValue(t, original) && !containsValue(next, t)) {
                        next.add(t);
                    }
                }
                if (now != null && now.size() == next.size() && next.stream().allMatch(v -> containsValue(now, v))) {
                    return; // unchanged: not rewritten
                }
                e.written_by_flash.put(file, next);
                persist();
                return;
            }
        }
    }

    /**
     * A saved policy met again (its CPUs replugged, or a crashed run's file adopted): each setting
     * that holds neither its saved original nor a value flash recorded as its own was reset by the
     * kernel or set by another tool since flash's last write, so its original becomes what it
     * holds now (and its record is emptied); durable before it returns. Settings that still hold
     * flash's values keep their originals. A file of an older flash (no record) is left as it is.
     *
     * @return the policy's originals after the change
     * @throws ActuationException when the policy is not saved or the file cannot be written
     */
    public synchronized SavedPolicy meetAgain(SysfsRoot root, int policyId, String governor, long minKhz,
            long maxKhz) throws ActuationException {
        load();
        requireSound();
        requireSameRoot(root);
        for (PolicyEntry e : state.policies) {
            if (e.id != policyId) {
                continue;
            }
            if (e.written_by_flash != null) {
                boolean changed = false;
                String[] now = {governor, Long.toString(minKhz), Long.toString(maxKhz)};
                for (int i = 0; i < TRACKED.size(); i++) {
                    String f = TRACKED.get(i);
                    List<String> ours = e.written_by_flash.get(f);
                    if (sameValue(now[i], e.original(f)) || containsValue(ours, now[i])) {
                        continue;
                    }
                    switch (f) {
                        case "scaling_governor" -> {
                            e.scaling_governor = governor;
                            e.scaling_setspeed = null; // a speed belonged to the governor that went
                        }
                        case "scaling_min_freq" -> e.scaling_min_freq = minKhz;
                        default -> e.scaling_max_freq = maxKhz;
                    }
                    ours.clear();
                    changed = true;
                }
                if (changed) {
                    persist();
                }
            }
            return e.toSaved();
        }
        throw new ActuationException(file + ": policy" + policyId + " is not saved");
    }

    /** The values flash recorded as its own for a file of a saved policy; empty when none or unknown. */
    public synchronized List<String> recordedOurs(int policyId, String file) throws ActuationException {
        load();
        for (PolicyEntry e : state.policies) {
            if (e.id == policyId && e.written_by_flash != null) {
                List<String> v = e.written_by_flash.get(file);
                return v == null ? List.of() : List.copyOf(v);
            }
        }
        return List.of();
    }

    /** Two sysfs values are the same: equal text, or equal numbers ("2000000" and "2000000 "). */
    static boolean sameValue(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        String x = a.strip();
        String y = b.strip();
        if (x.equals(y)) {
            return true;
        }
        try {
            return Long.parseLong(x) == Long.parseLong(y);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isNumber(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean containsValue(List<String> values, String v) {
        for (String x : values) {
            if (sameValue(x, v)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes every saved value back under {@code root}, per policy in a safe order: the limits
     * so that min <= max holds after each write, then the governor, then the setspeed. A policy
     * whose directory is gone is reported and dropped. The file is deleted when nothing is left
     * to restore; otherwise it keeps exactly the policies that failed. A damaged file is kept
     * aside under a new name once every readable value was tried.
     *
     * @throws ActuationException when the state file cannot be read or rewritten, or holds
     *                            state for another root
     */
    public synchronized RestoreReport restore(SysfsRoot root) throws ActuationException {
        return restore(root, false);
    }

    /**
     * {@link #restore(SysfsRoot)}; with {@code keepFile} the file is left exactly as it is (a
     * forced restore while a daemon that relies on it still runs). {@code root} may be null
     * only when the file names no root (a damaged one): nothing can be written then.
     */
    public synchronized RestoreReport restore(SysfsRoot root, boolean keepFile) throws ActuationException {
        load();
        if (root != null) {
            requireSameRoot(root);
        }
        if (state.policies.isEmpty() && damage == null) {
            if (!keepFile) {
                deleteFile();
            }
            return RestoreReport.nothing(file);
        }
        if (root == null || state.sysfsRoot == null || state.sysfsRoot.isBlank()) {
            // without the root there is no knowing which CPUs the values belong to
            state.policies.clear();
        }
        List<String> restored = new ArrayList<>();
        List<Integer> vanished = new ArrayList<>();
        List<RestoreReport.Failure> failures = new ArrayList<>();
        List<RestoreReport.Left> left = new ArrayList<>();
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
            restorePolicy(root, policyDir, e, restored, failures, left);
            if (failures.size() == failedBefore) {
                it.remove();
            } else if (!Files.isDirectory(policyDir)) {
                // it went away while we wrote (hotplug): nothing of ours is left there
                failures.subList(failedBefore, failures.size()).clear();
                left.removeIf(l -> l.file().startsWith(policyDir.toString() + "/"));
                vanished.add(e.id);
                it.remove();
            }
        }
        String rootText = state.sysfsRoot;
        String damaged = damage;
        Path keptAside = null;
        if (!keepFile) {
            if (damaged != null) {
                keptAside = moveAside();
                damage = null;
            }
            if (state.policies.isEmpty()) {
                deleteFile();
            } else {
                persist();
            }
        }
        return new RestoreReport(file, rootText, true, restored, vanished, failures, damaged, keptAside, left);
    }

    /** Restores under the sysfs root recorded in the file (plain file writes). */
    public synchronized RestoreReport restore() throws ActuationException {
        load();
        if (state.policies.isEmpty() || state.sysfsRoot == null) {
            return restore(state.policies.isEmpty() ? SysfsRoot.system() : null, false);
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
        return restoreLeftover(stateDir, roots, false);
    }

    /**
     * {@link #restoreLeftover(Path, Function)}; with {@code keepFile} the state file is left as
     * it is (see {@link #restore(SysfsRoot, boolean)}).
     */
    public static RestoreReport restoreLeftover(Path stateDir, Function<Path, SysfsRoot> roots, boolean keepFile)
            throws ActuationException {
        StateStore store = new StateStore(stateDir);
        store.load();
        String recorded = store.state.sysfsRoot;
        SysfsRoot root = recorded == null || recorded.isBlank() ? null : roots.apply(Path.of(recorded));
        return store.restore(root, keepFile);
    }

    /** {@link #restoreLeftover(Path, Function)} with plain file writes. */
    public static RestoreReport restoreLeftover(Path stateDir) throws ActuationException {
        return restoreLeftover(stateDir, SysfsRoot::new);
    }

    /**
     * The values a damaged entry lacks are skipped; the others still go back. A setting that holds
     * neither its original nor a value flash recorded as its own was set by another tool after
     * flash's last write: it is left, and so is the speed when the governor is.
     */
    private static void restorePolicy(SysfsRoot root, Path policyDir, PolicyEntry saved,
            List<String> restored, List<RestoreReport.Failure> failures, List<RestoreReport.Left> left) {
        Path minFile = policyDir.resolve("scaling_min_freq");
        Path maxFile = policyDir.resolve("scaling_max_freq");
        Path governorFile = policyDir.resolve("scaling_governor");
        Long min = ownedOrLeft(saved, minFile, saved.scaling_min_freq, left);
        Long max = ownedOrLeft(saved, maxFile, saved.scaling_max_freq, left);
        String governor = ownedOrLeft(saved, governorFile, saved.scaling_governor, left);
        long currentMax = SysfsRoot.readLong(maxFile, -1);
        // Raising min above the current max (or lowering max below the current min) is EINVAL on
        // older kernels and clamped on newer ones: when the saved min is above the current max,
        // the max has to move first.
        boolean maxFirst = min != null && currentMax >= 0 && min > currentMax;
        Long first = maxFirst ? max : min;
        Long second = maxFirst ? min : max;
        if (first != null) {
            put(root, maxFirst ? maxFile : minFile, first, restored, failures);
        }
        if (second != null) {
            put(root, maxFirst ? minFile : maxFile, second, restored, failures);
        }
        boolean governorBack = governor != null && put(root, governorFile, governor, restored, failures);
        if (saved.scaling_setspeed != null && saved.scaling_setspeed >= 0 && governorBack) {
            put(root, policyDir.resolve("scaling_setspeed"), saved.scaling_setspeed, restored, failures);
        }
    }

    /**
     * The saved value when it is to be written back; null (and the file in {@code left}) when the
     * file holds another tool's value. Written back: no record (a file of an older flash), an
     * unreadable, empty or non-numeric limit (the write names why; a write cut short by a kill
     * leaves a file empty), the original itself, or a value flash recorded.
     */
    private static <T> T ownedOrLeft(PolicyEntry saved, Path file, T original, List<RestoreReport.Left> left) {
        if (original == null || saved.written_by_flash == null) {
            return original;
        }
        String found = SysfsRoot.readLine(file).orElse("").strip();
        if (found.isEmpty() || (original instanceof Long && !isNumber(found))) {
            return original; // unreadable, empty (cut short by a kill mid-write): not another tool's value
        }
        List<String> ours = saved.written_by_flash.get(file.getFileName().toString());
        if (sameValue(found, String.valueOf(original)) || (ours != null && containsValue(ours, found))) {
            return original;
        }
        left.add(new RestoreReport.Left(file.toString(), found, String.valueOf(original)));
        return null;
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
        boolean notUtf8;
        try {
            // Decoded by hand, not with Files.readString: one byte that is not UTF-8 (a disk error,
            // a stray editor) must damage only the value it sits in, not hide every saved policy.
            byte[] bytes = Files.readAllBytes(file);
            text = new String(bytes, StandardCharsets.UTF_8);
            notUtf8 = !java.util.Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            state = new StateFile();
            return;
        } catch (AccessDeniedException e) {
            throw new ActuationException(file + ": permission denied (EACCES); run as root", e);
        } catch (IOException e) {
            throw new ActuationException(file + ": cannot read: " + e.getMessage(), e);
        }
        Salvage read = Salvage.of(text);
        if (read.version != null && read.version != VERSION) {
            throw new ActuationException(file + ": unsupported state file version " + read.version
                    + " (expected " + VERSION + ")");
        }
        if (notUtf8) {
            read.problems.add(0, "bytes that are not UTF-8 (read as U+FFFD)");
        }
        state = read.file;
        damage = read.problems.isEmpty() ? null : String.join("; ", read.problems);
    }

    /** Moves a damaged file aside under a name no other file has, for the operator to read. */
    private Path moveAside() throws ActuationException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path aside = dir.resolve(FILE_NAME + ".damaged-" + stamp);
        for (int n = 1; Files.exists(aside); n++) {
            aside = dir.resolve(FILE_NAME + ".damaged-" + stamp + "-" + n);
        }
        try {
            Files.move(file, aside);
            syncDirectory();
            return aside;
        } catch (IOException e) {
            throw new ActuationException(file + ": damaged, and cannot be kept aside as " + aside + ": " + e, e);
        }
    }

    /**
     * Reads what it can of a state file, never throwing: a truncated or malformed file yields
     * the entries before the damage, an entry without a field yields its other fields, and
     * {@link #problems} says what was lost.
     */
    private static final class Salvage {
        final StateFile file = new StateFile();
        Integer version;
        final List<String> problems = new ArrayList<>();

        static Salvage of(String text) {
            Salvage s = new Salvage();
            if (text.isBlank()) {
                s.problems.add("the file is empty");
                return s;
            }
            try (JsonReader in = new JsonReader(new StringReader(text))) {
                in.beginObject();
                while (in.hasNext()) {
                    switch (in.nextName()) {
                        case "version" -> s.version = in.nextInt();
                        case "sysfsRoot" -> s.file.sysfsRoot = in.nextString();
                        case "policies" -> s.readPolicies(in);
                        default -> in.skipValue();
                    }
                }
                in.endObject();
                if (in.peek() != JsonToken.END_DOCUMENT) {
                    s.problems.add("text after the JSON object");
                }
            } catch (IOException | RuntimeException e) {
                // MalformedJsonException, EOFException (truncated), IllegalStateException (wrong type)
                s.problems.add("not valid JSON (" + firstLine(e) + ")");
            }
            if (s.version == null) {
                s.problems.add("no version");
            }
            if (!s.file.policies.isEmpty() && (s.file.sysfsRoot == null || s.file.sysfsRoot.isBlank())) {
                s.problems.add("no sysfsRoot: the " + s.file.policies.size()
                        + " saved policies cannot be put back");
            }
            return s;
        }

        /** Gson's message without its class name and the trouble-shooting link on later lines. */
        private static String firstLine(Exception e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            m = m.lines().findFirst().orElse("").replaceFirst("^[\\w.]+Exception: ", "");
            return m.isBlank() ? e.getClass().getSimpleName() : m;
        }

        private void readPolicies(JsonReader in) throws IOException {
            in.beginArray();
            for (int index = 0; in.hasNext(); index++) {
                PolicyEntry e = PolicyEntry.read(JsonParser.parseReader(in), index, problems);
                if (e != null) {
                    file.policies.add(e);
                }
            }
            in.endArray();
        }
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
        Long scaling_min_freq;
        Long scaling_max_freq;
        Long scaling_setspeed;
        /**
         * Per tracked setting, the values flash may have left there besides the original (see
         * the class comment); null in a file of an older flash (then everything is written back).
         */
        java.util.Map<String, List<String>> written_by_flash;

        static java.util.Map<String, List<String>> emptyRecord() {
            java.util.Map<String, List<String>> m = new java.util.LinkedHashMap<>();
            for (String f : TRACKED) {
                m.put(f, new ArrayList<>());
            }
            return m;
        }

        String original(String file) {
            return switch (file) {
                case "scaling_governor" -> scaling_governor;
                case "scaling_min_freq" -> scaling_min_freq == null ? null : scaling_min_freq.toString();
                case "scaling_max_freq" -> scaling_max_freq == null ? null : scaling_max_freq.toString();
                default -> null;
            };
        }

        static PolicyEntry of(SavedPolicy p) {
            PolicyEntry e = new PolicyEntry();
            e.id = p.id();
            e.scaling_governor = p.governor();
            e.scaling_min_freq = p.scalingMinKhz();
            e.scaling_max_freq = p.scalingMaxKhz();
            e.scaling_setspeed = p.hasSetspeed() ? p.setspeedKhz() : null;
            e.written_by_flash = emptyRecord();
            return e;
        }

        /** Only for a sound file, where every entry has every field. */
        SavedPolicy toSaved() {
            return new SavedPolicy(id, scaling_governor, scaling_min_freq, scaling_max_freq,
                    scaling_setspeed == null ? -1 : scaling_setspeed);
        }

        /** One entry of a file being salvaged; null (and a problem) when it has no usable id. */
        static PolicyEntry read(JsonElement element, int index, List<String> problems) {
            if (!element.isJsonObject()) {
                problems.add("policies[" + index + "]: not an object, skipped");
                return null;
            }
            JsonObject o = element.getAsJsonObject();
            Long id = number(o, "id");
            if (id == null || id > Integer.MAX_VALUE) {
                problems.add("policies[" + index + "]: no policy id, skipped");
                return null;
            }
            PolicyEntry e = new PolicyEntry();
            e.id = id.intValue();
            JsonElement governor = o.get("scaling_governor");
            if (governor != null && governor.isJsonPrimitive() && governor.getAsJsonPrimitive().isString()
                    && !governor.getAsString().isBlank()) {
                e.scaling_governor = governor.getAsString().strip();
            } else {
                problems.add("policy " + e.id + ": no scaling_governor");
            }
            e.scaling_min_freq = number(o, "scaling_min_freq");
            if (e.scaling_min_freq == null) {
                problems.add("policy " + e.id + ": no scaling_min_freq");
            }
            e.scaling_max_freq = number(o, "scaling_max_freq");
            if (e.scaling_max_freq == null) {
                problems.add("policy " + e.id + ": no scaling_max_freq");
            }
            JsonElement setspeed = o.get("scaling_setspeed");
            if (setspeed != null && !setspeed.isJsonNull()) {
                e.scaling_setspeed = number(o, "scaling_setspeed");
                if (e.scaling_setspeed == null) {
                    problems.add("policy " + e.id + ": scaling_setspeed is not a frequency");
                }
            }
            JsonElement record = o.get("written_by_flash");
            if (record != null && !record.isJsonNull()) {
                e.written_by_flash = readRecord(record);
                if (e.written_by_flash == null) {
                    // unknown: every value goes back, as from a file without the record
                    problems.add("policy " + e.id + ": written_by_flash unreadable");
                }
            }
            return e;
        }

        /** The record, or null when it is not an object of string or number arrays. */
        private static java.util.Map<String, List<String>> readRecord(JsonElement record) {
            if (!record.isJsonObject()) {
                return null;
            }
            java.util.Map<String, List<String>> m = new java.util.LinkedHashMap<>();
            for (var entry : record.getAsJsonObject().entrySet()) {
                if (!entry.getValue().isJsonArray()) {
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (JsonElement v : entry.getValue().getAsJsonArray()) {
                    if (!v.isJsonPrimitive()) {
                        return null;
                    }
                    values.add(v.getAsString().strip());
                }
                m.put(entry.getKey(), values);
            }
            for (String f : TRACKED) {
                if (!m.containsKey(f)) {
                    return null;
                }
            }
            return m;
        }

        /** A non-negative integer, or null when the key is missing or holds anything else. */
        private static Long number(JsonObject o, String key) {
            JsonElement v = o.get(key);
            if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                return null;
            }
            try {
                long n = v.getAsBigDecimal().longValueExact();
                return n < 0 ? null : n;
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
    }
}
