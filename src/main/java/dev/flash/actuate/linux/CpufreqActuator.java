package dev.flash.actuate.linux;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.ForeignChange;
import dev.flash.actuate.ForeignChangeException;
import dev.flash.actuate.FrequencyActuator;
import dev.flash.actuate.RestoreReport;
import dev.flash.actuate.SavedPolicy;
import dev.flash.actuate.StateStore;
import dev.flash.sysfs.KeptOpenFile;
import dev.flash.sysfs.LimitReadings;
import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.sysfs.SysfsWriter;
import dev.flash.telemetry.PolicySample;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Act on Linux: writes a target frequency to a cpufreq policy through sysfs.
 *
 * <p>Mode per policy, from what the driver offers:
 * <ul>
 *   <li>{@link ActuationMode#SETSPEED} when {@code userspace} is among the available governors
 *       (acpi-cpufreq, intel_cpufreq = intel_pstate passive, amd-pstate passive/guided): the
 *       first write attaches the userspace governor, every write goes to
 *       {@code scaling_setspeed}, and the value read back is returned;</li>
 *   <li>{@link ActuationMode#CAP} when it is not (intel_pstate and amd-pstate-epp in active
 *       mode): the target becomes {@code scaling_max_freq}, never below the current
 *       {@code scaling_min_freq}; the driver picks frequencies under the cap;</li>
 *   <li>{@link ActuationMode#OBSERVE} in dry-run: nothing is written, not even the state file.</li>
 * </ul>
 *
 * <p>Safety: targets stay within the limits found at the first contact with a policy (its
 * saved {@code scaling_min_freq..scaling_max_freq}, inside the cpuinfo range) and snap to the
 * nearest {@code scaling_available_frequencies} entry when the driver has a table. Before the
 * first write to a policy its originals go to the {@link StateStore}; {@link #restore()} puts
 * them back. A failed write raises {@link ActuationException} naming the file; other policies
 * are unaffected. One loop thread drives an actuator; methods are synchronized for the status
 * reader.
 *
 * <p>Sharing the node: every {@link #VERIFY_EVERY} calls the governor and both limits are read
 * and compared with what flash last wrote or found there; in CAP mode the limits also before each
 * write (it would replace another tool's cap), in SETSPEED mode a failed write is checked too
 * (another governor refuses it). A difference is another tool's (or the kernel's) doing: flash hands back its
 * own values that are still in place, leaves the other tool's, drops the policy from the state
 * file (so no restore writes over it), raises {@link ForeignChangeException} once and writes
 * nothing more to the policy until the changed values are back as flash expects them and the
 * others still as flash left them (a tool that took the governor may set a limit next), or until
 * {@link #resume}. Nothing is re-written to win the policy back: that would be a fight.
 * {@code scaling_setspeed} is not compared: the kernel shows the current frequency there, which
 * hardware moves on its own.
 *
 * <p>Given the telemetry's {@link LimitReadings} (the daemon's cpufreq reader reads the governor
 * and both limits of each policy every few ticks), the actuator compares each reading taken
 * after its own last write to the policy instead of reading the files again, and reads them
 * itself only when no such reading came within {@link #VERIFY_EVERY} calls.
 */
public final class CpufreqActuator implements FrequencyActuator {
    /** An unchanged target is not written; the policy is read back after this many calls. */
    static final int VERIFY_EVERY = 10;
    private static final String USERSPACE = "userspace";
    private static final String GOVERNOR = "scaling_governor";
    private static final String MIN = "scaling_min_freq";
    private static final String MAX = "scaling_max_freq";

    private final SysfsRoot root;
    private final StateStore store;
    private final boolean dryRun;
    /** Another reader's readings of the governor and limits; null: the actuator reads them itself. */
    private final LimitReadings readings;
    private final Map<Integer, Control> controls = new TreeMap<>();
    /** The same controls indexed by policy id, so a tick's 256 look-ups box no Integer. */
    private Control[] byId = new Control[0];
    /** Policies left to another tool; they outlive restore() (a hands-off must not retake them). */
    private final Map<Integer, Yield> yields = new TreeMap<>();
    /** Originals of resumed policies whose state-file entry was dropped when they were left. */
    private final Map<Integer, SavedPolicy> carriedOriginals = new HashMap<>();

    public CpufreqActuator(SysfsRoot root, StateStore store, boolean dryRun) {
        this(root, store, dryRun, null);
    }

    /**
     * @param readings the telemetry's readings of the same policies' governor and limits (the
     *                 daemon's {@code CpufreqReader}), used on the loop thread; null to read them here
     */
    public CpufreqActuator(SysfsRoot root, StateStore store, boolean dryRun, LimitReadings readings) {
        this.root = root;
        this.store = store;
        this.dryRun = dryRun;
        this.readings = readings;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public StateStore store() {
        return store;
    }

    @Override
    public synchronized ActuationMode modeFor(PolicySample policy) {
        if (dryRun) {
            return ActuationMode.OBSERVE;
        }
        Control c = controls.get(policy.id());
        if (c != null) {
            return c.mode;
        }
        return policy.offersUserspace() ? ActuationMode.SETSPEED : ActuationMode.CAP;
    }

    /** Modes of the policies written to (or observed) so far, by policy id. */
    public synchronized Map<Integer, ActuationMode> modes() {
        Map<Integer, ActuationMode> out = new TreeMap<>();
        controls.forEach((id, c) -> out.put(id, c.mode));
        return out;
    }

    /**
     * The frequency a target becomes on this policy: clamped to the limits found at first
     * contact and snapped to the frequency table (nearest entry; the lower one on a tie).
     */
    public synchronized long effectiveTarget(int policyId, long targetKhz) throws ActuationException {
        return control(policyId).target(targetKhz);
    }

    /**
     * Applies the target and returns what the kernel reports as applied: the read-back
     * {@code scaling_setspeed} (or {@code scaling_cur_freq}) in SETSPEED mode, the read-back
     * {@code scaling_max_freq} in CAP mode, and the would-be target in OBSERVE mode; -1 without
     * writing while the policy is left to another tool.
     *
     * @throws ForeignChangeException once, when another tool changed the policy
     */
    @Override
    public synchronized long apply(PolicySample policy, long targetKhz) throws ActuationException {
        if (!yields.isEmpty() && stillLeftToOtherTool(policy.id())) {
            return -1;
        }
        Control c = control(policy.id());
        long target = c.target(targetKhz);
        switch (c.mode) {
            case OBSERVE:
                return target;
            case SETSPEED:
                return applySetspeed(c, target);
            case CAP:
                return applyCap(c, target);
            default:
                throw new IllegalStateException("unknown mode " + c.mode);
        }
    }

    /**
     * Writes only {@code scaling_setspeed}: another tool's limit does not make that write wrong
     * (the kernel clamps it), so the policy is read back every {@link #VERIFY_EVERY} calls, not
     * before each write; another governor makes the write fail, and is noticed then.
     */
    private long applySetspeed(Control c, long target) throws ActuationException {
        saveOnce(c);
        verifyWhenDue(c);
        if (c.unchanged(target)) {
            return c.lastApplied;
        }
        if (!c.userspaceAttached) {
            // recorded before the write, narrowed after it (see StateStore on the order)
            store.ours(root, c.id, GOVERNOR, c.expectedGovernor, USERSPACE);
            write(c.file(GOVERNOR), USERSPACE);
            c.userspaceAttached = true;
            c.expectedGovernor = USERSPACE;
            c.expectationsNanos = System.nanoTime(); // older readings show the governor before the write
            store.ours(root, c.id, GOVERNOR, USERSPACE);
        }
        try {
            writeControl(c.setspeed, Long.toString(target));
        } catch (SysfsException e) {
            c.lastApplied = -1;
            checkForeignChanges(c); // EINVAL under another tool's governor: step back, not an error
            throw new ActuationException(e.getMessage(), e);
        }
        long back = readBack(c.setspeed);
        if (back < 0) {
            back = SysfsRoot.readLong(c.file("scaling_cur_freq"), -1);
        }
        if (back < 0) {
            throw new ActuationException(c.setspeed.path() + ": wrote " + target
                    + " but neither it nor scaling_cur_freq reads back a frequency");
        }
        return c.applied(target, back);
    }

    /**
     * Writes {@code scaling_max_freq}, which another tool may have set: both limits are read
     * before each write (one more read than the floor check needs), the governor every
     * {@link #VERIFY_EVERY} calls.
     */
    private long applyCap(Control c, long target) throws ActuationException {
        saveOnce(c);
        verifyWhenDue(c);
        if (c.unchanged(target)) {
            return c.lastApplied;
        }
        long currentMin = readBack(c.min);
        long currentMax = readBack(c.max);
        if ((currentMin >= 0 && currentMin != c.expectedMin) || (currentMax >= 0 && currentMax != c.expectedMax)) {
            checkForeignChanges(c); // throws: the write would replace another tool's value
        }
        // never below the policy's lower limit: the kernel would reject max < min with EINVAL
        long cap = Math.max(target, currentMin > 0 ? currentMin : c.foundMin);
        // Recorded before the write: what the file holds now and the cap (see StateStore on the
        // order); an unchanged pair is not rewritten, so caps moving between two values cost nothing.
        store.ours(root, c.id, MAX, Long.toString(c.expectedMax), Long.toString(cap));
        try {
            writeControl(c.max, Long.toString(cap));
        } catch (SysfsException e) {
            c.lastApplied = -1;
            throw new ActuationException(e.getMessage(), e);
        }
        long back = readBack(c.max);
        if (back < 0) {
            throw new ActuationException(c.file(MAX) + ": wrote " + cap + " but it reads back no number");
        }
        if (back != cap) {
            store.alsoOurs(root, c.id, MAX, Long.toString(back)); // the kernel showed its own value
        }
        c.expectedMax = back;
        c.expectationsNanos = System.nanoTime(); // older readings show the cap before the write
        return c.applied(target, back);
    }

    /**
     * Writes a control through a kept-open file (one pwrite) on a real or plain fake tree; through
     * the root's writer when one is plugged in (tests give fake trees the kernel's semantics so).
     */
    private void writeControl(KeptOpenFile file, String value) throws SysfsException {
        if (root.writer() == SysfsWriter.FILES) {
            file.write(value);
        } else {
            root.writeFile(file.path(), value);
        }
    }

    private static long readBack(KeptOpenFile file) {
        try {
            return file.readLong();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    // ---- sharing the node with other tools -------------------------------------------------

    /**
     * Reads the governor and both limits back; when one is not what flash wrote or found there,
     * steps back from the policy and throws. An unreadable file is not a change (the write that
     * follows names it if it is gone).
     */
    private void checkForeignChanges(Control c) throws ForeignChangeException {
        String governor;
        try {
            governor = c.governor.readText(); // the same String while the file is unchanged
        } catch (java.io.IOException e) {
            governor = ""; // unreadable: not evidence of another tool
        }
        compareWithExpected(c, governor, readBack(c.min), readBack(c.max));
    }

    /**
     * Compares the governor and limits with what flash expects: at each new telemetry reading
     * taken after flash's last write to the policy (no system call; the reader takes one every
     * few ticks), and from the files when {@link #VERIFY_EVERY} calls passed without one.
     */
    private void verifyWhenDue(Control c) throws ForeignChangeException {
        c.callsSinceVerify++;
        if (readings != null) {
            long at = readings.readNanos(c.id);
            // strictly after: a reading from before a write shows the value the write replaced
            if (at != LimitReadings.NEVER && at - c.expectationsNanos > 0 && at != c.comparedReadingNanos) {
                c.comparedReadingNanos = at;
                compareWithExpected(c, readings.governor(c.id), readings.minKhz(c.id), readings.maxKhz(c.id));
                return;
            }
        }
        if (c.callsSinceVerify >= VERIFY_EVERY) {
            checkForeignChanges(c);
        }
    }

    /** Steps back from the policy and throws when a value is not what flash wrote or found there. */
    private void compareWithExpected(Control c, String governor, long min, long max) throws ForeignChangeException {
        c.callsSinceVerify = 0;
        boolean governorChanged = !governor.isEmpty() && !governor.equals(c.expectedGovernor);
        boolean minChanged = min >= 0 && min != c.expectedMin;
        boolean maxChanged = max >= 0 && max != c.expectedMax;
        if (!governorChanged && !minChanged && !maxChanged) {
            return; // the steady state: nothing allocated
        }
        List<ForeignChange> changes = new ArrayList<>(3);
        Instant now = Instant.now();
        if (governorChanged) {
            changes.add(new ForeignChange(c.id, GOVERNOR, c.expectedGovernor, governor, now));
        }
        if (minChanged) {
            changes.add(new ForeignChange(c.id, MIN, Long.toString(c.expectedMin), Long.toString(min), now));
        }
        if (maxChanged) {
            changes.add(new ForeignChange(c.id, MAX, Long.toString(c.expectedMax), Long.toString(max), now));
        }
        throw leaveToOtherTool(c, changes);
    }

    /**
     * Hands back what flash changed and the other tool did not touch, keeps the other tool's
     * values, and drops the policy's saved originals from the state file so that no restore
     * writes them over the other tool's choice. The originals are kept in memory for a resume.
     */
    private ForeignChangeException leaveToOtherTool(Control c, List<ForeignChange> changes) {
        java.util.Set<String> theirs = new java.util.HashSet<>();
        changes.forEach(ch -> theirs.add(ch.file()));
        List<String> handedBack = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        SavedPolicy o = c.original;
        if (c.mode == ActuationMode.SETSPEED && !theirs.contains(GOVERNOR)) {
            // under a governor flash attached, its speed is flash's too: both go back
            if (c.userspaceAttached && !USERSPACE.equals(o.governor())) {
                handBack(c.file(GOVERNOR), o.governor(), handedBack, failed);
            } else if (o.hasSetspeed() && c.lastWritten >= 0) {
                handBack(c.file("scaling_setspeed"), Long.toString(o.setspeedKhz()), handedBack, failed);
            }
        }
        if (c.mode == ActuationMode.CAP && !theirs.contains(MAX) && c.expectedMax != o.scalingMaxKhz()) {
            handBack(c.file(MAX), Long.toString(o.scalingMaxKhz()), handedBack, failed);
        }
        if (failed.isEmpty()) {
            try {
                store.forget(root, c.id);
            } catch (ActuationException e) {
                failed.add(e.getMessage());
            }
        }
        // What the tracked files hold once flash stepped back: the other tool's values and flash's
        // hand-backs. The policy is taken back only when every file is as flash expects again.
        Map<String, String> leftAs = new HashMap<>();
        for (String f : List.of(GOVERNOR, MIN, MAX)) {
            SysfsRoot.readLine(c.file(f)).ifPresent(v -> leftAs.put(f, v));
        }
        // Kept in the state file when a hand-back failed: flash's value must not outlive it.
        yields.put(c.id, new Yield(o, new ArrayList<>(changes), failed.isEmpty(), leftAs));
        drop(c.id);
        StringBuilder m = new StringBuilder("another tool changed ");
        for (int i = 0; i < changes.size(); i++) {
            m.append(i == 0 ? "" : ", ").append(changes.get(i).describe());
        }
        m.append(": flash leaves policy").append(c.id).append(" to it");
        if (!handedBack.isEmpty()) {
            m.append(" (handed back ").append(String.join(", ", handedBack)).append(')');
        }
        if (!failed.isEmpty()) {
            m.append(" (could not hand back: ").append(String.join("; ", failed)).append(')');
        }
        m.append(" until the value returns or `flash resume ").append(c.id).append('`');
        return new ForeignChangeException(m.toString(), changes);
    }

    private void handBack(Path file, String value, List<String> handedBack, List<String> failed) {
        try {
            root.writeFile(file, value);
            handedBack.add(file.getFileName() + " " + value);
        } catch (SysfsException e) {
            failed.add(e.getMessage());
        }
    }

    /**
     * True while a policy left to another tool keeps that tool's values. Every
     * {@link #VERIFY_EVERY} calls the changed files are read again; once all of them are back
     * to what flash expected, the policy is taken back (with its original saved again).
     */
    private boolean stillLeftToOtherTool(int policyId) {
        Yield y = yields.get(policyId);
        if (y == null) {
            return false;
        }
        if (++y.calls < VERIFY_EVERY) {
            return true;
        }
        y.calls = 0;
        Path dir = root.resolve(SysfsRoot.CPUFREQ + "/policy" + policyId);
        for (ForeignChange ch : y.changes) {
            if (!SysfsRoot.readLine(dir.resolve(ch.file())).map(ch.expected()::equals).orElse(false)) {
                return true;
            }
        }
        // A file the other tool did not touch when flash stepped back may have been changed since
        // (its limit after its governor): that is the tool's too, and must come back as well.
        boolean more = false;
        for (Map.Entry<String, String> e : y.leftAs.entrySet()) {
            if (y.changes.stream().anyMatch(ch -> ch.file().equals(e.getKey()))) {
                continue;
            }
            java.util.Optional<String> now = SysfsRoot.readLine(dir.resolve(e.getKey()));
            if (now.isPresent() && !now.get().equals(e.getValue())) {
                y.changes.add(new ForeignChange(policyId, e.getKey(), e.getValue(), now.get(), Instant.now()));
                more = true;
            }
        }
        if (more) {
            return true;
        }
        takeBack(policyId);
        return false;
    }

    @Override
    public synchronized List<ForeignChange> foreignChanges() {
        List<ForeignChange> out = new ArrayList<>();
        yields.values().forEach(y -> out.addAll(y.changes));
        return out;
    }

    /**
     * The operator's word: the policy (every one when {@code policyId < 0}) is taken back; the
     * next write goes ahead, and its original (as first found) is saved again before it.
     */
    @Override
    public synchronized List<Integer> resume(int policyId) {
        List<Integer> ids = new ArrayList<>();
        for (Integer id : yields.keySet()) {
            if (policyId < 0 || id == policyId) {
                ids.add(id);
            }
        }
        ids.forEach(this::takeBack);
        return ids;
    }

    private void takeBack(int policyId) {
        Yield y = yields.remove(policyId);
        if (y != null && y.forgotten) {
            carriedOriginals.put(policyId, y.original);
        }
        drop(policyId);
    }

    @Override
    public synchronized void forget(int policyId) {
        yields.remove(policyId);
        carriedOriginals.remove(policyId);
        drop(policyId);
    }

    private void drop(int policyId) {
        Control c = controls.remove(policyId);
        if (c != null) {
            c.close();
        }
        if (policyId >= 0 && policyId < byId.length) {
            byId[policyId] = null;
        }
    }

    /**
     * Restores every saved policy (limits, governor, setspeed) and forgets the policies, so a
     * later {@link #apply} saves afresh. Idempotent; in dry-run there is nothing to restore.
     *
     * @throws ActuationException when a value could not be restored; the message names the
     *                            files, which stay in the state file for {@code flash restore}
     */
    @Override
    public synchronized void restore() throws ActuationException {
        closeControls();
        if (dryRun) {
            return;
        }
        RestoreReport report = store.restore(root);
        if (!report.complete()) {
            throw new ActuationException(report.summary());
        }
    }

    /** {@link #restore()} returning the report instead of throwing on a partial restore. */
    public synchronized RestoreReport restoreWithReport() throws ActuationException {
        closeControls();
        if (dryRun) {
            return RestoreReport.nothing(store.stateFile());
        }
        return store.restore(root);
    }

    private void closeControls() {
        controls.values().forEach(Control::close);
        controls.clear();
        byId = new Control[0];
    }

    // ---- per policy -----------------------------------------------------------------------

    private Control control(int policyId) throws ActuationException {
        if (policyId >= 0 && policyId < byId.length && byId[policyId] != null) {
            return byId[policyId];
        }
        Control c = controls.get(policyId);
        if (c == null) {
            c = firstContact(policyId);
            controls.put(policyId, c);
        }
        if (policyId >= 0 && policyId < 1 << 16) {
            if (policyId >= byId.length) {
                byId = java.util.Arrays.copyOf(byId, Math.max(policyId + 1, byId.length * 2));
            }
            byId[policyId] = c;
        }
        return c;
    }

    /** Reads what the policy is now (or what a crashed run saved as its originals). */
    private Control firstContact(int id) throws ActuationException {
        Path dir = root.resolve(SysfsRoot.CPUFREQ + "/policy" + id);
        try {
            Control c = new Control(id, dir);
            c.cpuinfoMin = SysfsRoot.requireLong(dir.resolve("cpuinfo_min_freq"));
            c.cpuinfoMax = SysfsRoot.requireLong(dir.resolve("cpuinfo_max_freq"));
            c.table = SysfsRoot.readLongs(dir.resolve("scaling_available_frequencies"));
            boolean userspaceOffered = SysfsRoot.readWords(dir.resolve("scaling_available_governors"))
                    .contains(USERSPACE);
            c.mode = dryRun ? ActuationMode.OBSERVE
                    : userspaceOffered ? ActuationMode.SETSPEED : ActuationMode.CAP;

            // What is there now is what flash expects to find until it writes: compared later to
            // tell another tool's change from its own.
            String governor = SysfsRoot.requireLine(dir.resolve(GOVERNOR));
            c.expectedGovernor = governor;
            c.expectedMin = SysfsRoot.requireLong(dir.resolve(MIN));
            c.expectedMax = SysfsRoot.requireLong(dir.resolve(MAX));
            c.expectationsNanos = System.nanoTime(); // what a reading before this one saw is not expected

            Optional<SavedPolicy> earlier = dryRun ? Optional.empty() : store.saved(root, id);
            SavedPolicy carried = carriedOriginals.remove(id);
            if (earlier.isPresent()) {
                c.saved = true;
                // Met again (replugged, or a crashed run's file adopted): a setting that holds
                // neither its original nor a value flash recorded as its own was reset by the
                // kernel (hotplug) or set by another tool meanwhile; the saved original of that
                // setting no longer says what to put back, what is there now does.
                c.original = store.meetAgain(root, id, governor, c.expectedMin, c.expectedMax);
            } else if (carried != null) {
                c.original = carried; // resumed after another tool had it: still the first-found values
                c.foundIsOurs = true; // the values came back to what flash expected: its own again
            } else {
                long setspeed = USERSPACE.equals(governor)
                        ? SysfsRoot.readLong(dir.resolve("scaling_setspeed"), -1) : -1;
                c.original = new SavedPolicy(id, governor, c.expectedMin, c.expectedMax, setspeed);
            }
            // Policies met in the same tick would all be read back in the same later tick. Their
            // first cycle is shortened by 0..VERIFY_EVERY-1 calls, in the order they were met, so
            // the read-backs spread over the ticks; each still comes within VERIFY_EVERY calls.
            c.callsSinceVerify = controls.size() % VERIFY_EVERY;
            c.foundMin = c.original.scalingMinKhz();
            c.lo = clamp(c.original.scalingMinKhz(), c.cpuinfoMin, c.cpuinfoMax);
            c.hi = Math.max(c.lo, clamp(c.original.scalingMaxKhz(), c.cpuinfoMin, c.cpuinfoMax));
            return c;
        } catch (SysfsException e) {
            throw new ActuationException(e.getMessage(), e);
        }
    }

    private void saveOnce(Control c) throws ActuationException {
        if (!c.saved) {
            store.save(root, c.original);
            c.saved = true;
            if (c.foundIsOurs) {
                store.alsoOurs(root, c.id, GOVERNOR, c.expectedGovernor);
                store.alsoOurs(root, c.id, MIN, Long.toString(c.expectedMin));
                store.alsoOurs(root, c.id, MAX, Long.toString(c.expectedMax));
            }
        }
    }

    private void write(Path file, String value) throws ActuationException {
        try {
            root.writeFile(file, value);
        } catch (SysfsException e) {
            throw new ActuationException(e.getMessage(), e);
        }
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Nearest table entry within [lo, hi] (the lower on a tie); the clamped value if none. */
    static long snap(long clamped, long[] ascendingTable, long lo, long hi) {
        long best = -1;
        long bestDistance = Long.MAX_VALUE;
        for (long f : ascendingTable) {
            if (f < lo || f > hi) {
                continue;
            }
            long d = Math.abs(f - clamped);
            if (d < bestDistance) {
                best = f;
                bestDistance = d;
            }
        }
        return best < 0 ? clamped : best;
    }

    private static final class Control {
        final int id;
        final Path dir;
        ActuationMode mode;
        SavedPolicy original;
        boolean saved;
        /** Resumed: the values found at this contact are flash's (recorded when saved). */
        boolean foundIsOurs;
        boolean userspaceAttached;
        long cpuinfoMin;
        long cpuinfoMax;
        long foundMin;
        long lo;
        long hi;
        long[] table = new long[0];
        /** The controls, kept open: one pwrite and one pread per change instead of two opens. */
        final KeptOpenFile setspeed;
        final KeptOpenFile max;
        final KeptOpenFile min;
        final KeptOpenFile governor;
        /** What was last written and read back; -1 after an error. */
        long lastApplied = -1;
        long lastWritten = -1;
        /** What flash last wrote or found in the files another tool may change. */
        String expectedGovernor;
        long expectedMin;
        long expectedMax;
        /** Calls since the files were last read back (starts with a head start, see firstContact). */
        int callsSinceVerify;
        /** When the expected values were last set (first contact, or a write of the governor or cap). */
        long expectationsNanos;
        /** The {@link LimitReadings} reading last compared, so one reading is compared once. */
        long comparedReadingNanos = LimitReadings.NEVER;

        Control(int id, Path dir) {
            this.id = id;
            this.dir = dir;
            java.nio.ByteBuffer scratch = KeptOpenFile.newScratch();
            this.setspeed = new KeptOpenFile(dir.resolve("scaling_setspeed"), scratch);
            this.max = new KeptOpenFile(dir.resolve(MAX), scratch);
            this.min = new KeptOpenFile(dir.resolve(MIN), scratch);
            this.governor = new KeptOpenFile(dir.resolve(GOVERNOR), scratch);
        }

        /** True when the value was written and read back before: the write is skipped. */
        boolean unchanged(long value) {
            return lastApplied >= 0 && value == lastWritten;
        }

        long applied(long written, long back) {
            lastWritten = written;
            lastApplied = back;
            return back;
        }

        void close() {
            setspeed.close();
            max.close();
            min.close();
            governor.close();
        }

        Path file(String name) {
            return dir.resolve(name);
        }

        long target(long requested) {
            return snap(clamp(requested, lo, hi), table, lo, hi);
        }
    }

    /** A policy left to another tool: what changed, and the originals flash found first. */
    private static final class Yield {
        final SavedPolicy original;
        final List<ForeignChange> changes;
        /** True when the state file no longer holds the policy (so a resume must save it again). */
        final boolean forgotten;
        int calls;

        /** The tracked files as they were once flash stepped back (file name -> value). */
        final Map<String, String> leftAs;

        Yield(SavedPolicy original, List<ForeignChange> changes, boolean forgotten, Map<String, String> leftAs) {
            this.original = original;
            this.changes = changes;
            this.forgotten = forgotten;
            this.leftAs = leftAs;
        }
    }
}
