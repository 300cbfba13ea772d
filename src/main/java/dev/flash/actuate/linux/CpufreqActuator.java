package dev.flash.actuate.linux;

import dev.flash.actuate.ActuationException;
import dev.flash.actuate.ActuationMode;
import dev.flash.actuate.FrequencyActuator;
import dev.flash.actuate.RestoreReport;
import dev.flash.actuate.SavedPolicy;
import dev.flash.actuate.StateStore;
import dev.flash.sysfs.KeptOpenFile;
import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.sysfs.SysfsWriter;
import dev.flash.telemetry.PolicySample;
import java.nio.file.Path;
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
 */
public final class CpufreqActuator implements FrequencyActuator {
    /** An unchanged target is written again after this many calls (re-asserts against peers). */
    static final int REASSERT_TICKS = 10;
    private static final String USERSPACE = "userspace";

    private final SysfsRoot root;
    private final StateStore store;
    private final boolean dryRun;
    private final Map<Integer, Control> controls = new TreeMap<>();
    /** The same controls indexed by policy id, so a tick's 256 look-ups box no Integer. */
    private Control[] byId = new Control[0];

    public CpufreqActuator(SysfsRoot root, StateStore store, boolean dryRun) {
        this.root = root;
        this.store = store;
        this.dryRun = dryRun;
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
     * {@code scaling_max_freq} in CAP mode, and the would-be target in OBSERVE mode.
     */
    @Override
    public synchronized long apply(PolicySample policy, long targetKhz) throws ActuationException {
        Control c = control(policy.id());
        long target = c.target(targetKhz);
        switch (c.mode) {
            case OBSERVE:
                return target;
            case SETSPEED:
                return applySetspeed(c, policy, target);
            case CAP:
                return applyCap(c, target);
            default:
                throw new IllegalStateException("unknown mode " + c.mode);
        }
    }

    private long applySetspeed(Control c, PolicySample policy, long target) throws ActuationException {
        saveOnce(c);
        // When this tick's telemetry shows another governor, a peer took the policy: write (and
        // fail loudly with EINVAL, naming it) rather than skip as if nothing happened.
        boolean peerTookIt = c.userspaceAttached && !USERSPACE.equals(policy.governor());
        if (!peerTookIt && c.unchanged(target)) {
            return c.lastApplied;
        }
        if (!c.userspaceAttached) {
            write(c.file("scaling_governor"), USERSPACE);
            c.userspaceAttached = true;
        }
        try {
            writeControl(c.setspeed, Long.toString(target));
        } catch (SysfsException e) {
            c.lastApplied = -1;
            String governor = SysfsRoot.readLine(c.file("scaling_governor")).orElse("?");
            String hint = USERSPACE.equals(governor) ? ""
                    : " (scaling_governor is now '" + governor + "': another tool changed it?)";
            throw new ActuationException(e.getMessage() + hint, e);
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

    private long applyCap(Control c, long target) throws ActuationException {
        saveOnce(c);
        if (c.unchanged(target)) {
            return c.lastApplied;
        }
        // never below the policy's lower limit: the kernel would reject max < min with EINVAL
        long currentMin = readBack(c.min);
        long cap = Math.max(target, currentMin > 0 ? currentMin : c.foundMin);
        try {
            writeControl(c.max, Long.toString(cap));
        } catch (SysfsException e) {
            c.lastApplied = -1;
            throw new ActuationException(e.getMessage(), e);
        }
        long back = readBack(c.max);
        if (back < 0) {
            throw new ActuationException(c.file("scaling_max_freq") + ": wrote " + cap + " but it reads back no number");
        }
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

            Optional<SavedPolicy> earlier = dryRun ? Optional.empty() : store.saved(root, id);
            if (earlier.isPresent()) {
                c.original = earlier.get();
                c.saved = true;
            } else {
                String governor = SysfsRoot.requireLine(dir.resolve("scaling_governor"));
                long setspeed = USERSPACE.equals(governor)
                        ? SysfsRoot.readLong(dir.resolve("scaling_setspeed"), -1) : -1;
                c.original = new SavedPolicy(id, governor,
                        SysfsRoot.requireLong(dir.resolve("scaling_min_freq")),
                        SysfsRoot.requireLong(dir.resolve("scaling_max_freq")), setspeed);
            }
            // Policies met in the same tick would all re-assert in the same later tick (256 writes
            // at once, every REASSERT_TICKS ticks: the tick's worst case). Their first cycle is
            // shortened by 0..REASSERT_TICKS-1 calls, in the order they were met, so the
            // re-assertions spread over the ticks; each still comes within REASSERT_TICKS calls.
            c.reassertPhase = controls.size() % REASSERT_TICKS;
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
        /** What was last written and read back; -1 after an error or a peer's change. */
        long lastApplied = -1;
        long lastWritten = -1;
        int unchangedTicks;
        /** Head start of the first re-assertion cycle (see firstContact). */
        int reassertPhase;
        boolean firstWrite = true;

        Control(int id, Path dir) {
            this.id = id;
            this.dir = dir;
            java.nio.ByteBuffer scratch = KeptOpenFile.newScratch();
            this.setspeed = new KeptOpenFile(dir.resolve("scaling_setspeed"), scratch);
            this.max = new KeptOpenFile(dir.resolve("scaling_max_freq"), scratch);
            this.min = new KeptOpenFile(dir.resolve("scaling_min_freq"), scratch);
        }

        /**
         * True when the value was written and read back within the last {@link #REASSERT_TICKS}
         * calls: the write is skipped. Every so often it is written anyway, so a peer that wrote
         * the same file is corrected within seconds.
         */
        boolean unchanged(long value) {
            if (lastApplied >= 0 && value == lastWritten && unchangedTicks < REASSERT_TICKS) {
                unchangedTicks++;
                return true;
            }
            return false;
        }

        long applied(long written, long back) {
            lastWritten = written;
            lastApplied = back;
            unchangedTicks = firstWrite ? reassertPhase : 0;
            firstWrite = false;
            return back;
        }

        void close() {
            setspeed.close();
            max.close();
            min.close();
        }

        Path file(String name) {
            return dir.resolve(name);
        }

        long target(long requested) {
            return snap(clamp(requested, lo, hi), table, lo, hi);
        }
    }
}
