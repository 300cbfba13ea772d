package dev.flash.telemetry.linux;

import dev.flash.sysfs.KeptOpenFile;
import dev.flash.sysfs.LimitReadings;
import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads every cpufreq policy ({@code sys/devices/system/cpu/cpufreq/policyN}) once per tick.
 *
 * <p>Cost per tick matters (the goal is p99 under 2 ms with 256 policies, as intel_pstate gives
 * a 256-CPU node), so the reader works like OSHI's memoized suppliers:
 * <ul>
 *   <li>static values (driver, cpuinfo min/max, available governors and frequencies, CPUs) are
 *       read when a policy is (re)scanned and kept;</li>
 *   <li>{@code scaling_cur_freq} is read every tick, and {@code scaling_governor},
 *       {@code scaling_min_freq}, {@code scaling_max_freq} for 1/{@code slowEvery} of the
 *       policies per tick (round robin, so no tick pays for all of them), all through files
 *       kept open and re-read at offset 0;</li>
 *   <li>a rescan happens when the cpufreq directory's policies change or
 *       {@code sys/devices/system/cpu/online} changes (the kernel's hotplug), and a policy
 *       that failed a read is reopened a few ticks later.</li>
 * </ul>
 * Hotplug never raises: a policy whose files vanish or whose {@code affected_cpus} is empty is
 * left out of the tick. Counter-derived fields of the samples are NaN; other code fills them
 * with {@link PolicySample#withCounters}. Not thread-safe: one loop owns a reader.
 *
 * <p>The slow group's readings are also {@link LimitReadings} for the actuator, which would
 * otherwise read the same three files again to notice another tool.
 */
public final class CpufreqReader implements AutoCloseable, LimitReadings {
    /** Dynamic limits and the governor are re-read for every policy once per this many ticks. */
    public static final int DEFAULT_SLOW_EVERY = 8;
    /**
     * Ticks between safety-net listings of the policy directory. Rare enough to stay out of the
     * tick's p99 (a listing of 256 policies costs a readdir and 256 names), often enough that a
     * policy directory appearing without any change of cpu/online is seen within two minutes at
     * the default period.
     */
    public static final int RELIST_EVERY = 128;

    private final SysfsRoot root;
    private final Path cpufreqDir;
    private final int slowEvery;
    private final ByteBuffer scratch = KeptOpenFile.newScratch();
    private final KeptOpenFile onlineCpus;
    private final TreeMap<Integer, PolicyHandle> handles = new TreeMap<>();
    /** The same handles by policy id, so the actuator's look-ups box no Integer. */
    private PolicyHandle[] byId = new PolicyHandle[0];
    private String lastOnline;
    private long tick;
    /** Policy ids from the last directory listing (ascending); null before the first. */
    private int[] policyIds;
    /** Set when a policy failed to read or open, so the next tick lists the directory again. */
    private boolean relist;

    public CpufreqReader(SysfsRoot root) {
        this(root, DEFAULT_SLOW_EVERY);
    }

    /**
     * @param slowEvery re-read governor and scaling limits of each policy once per this many
     *                  ticks (1 = every tick)
     */
    public CpufreqReader(SysfsRoot root, int slowEvery) {
        if (slowEvery < 1) {
            throw new IllegalArgumentException("slowEvery must be >= 1, was " + slowEvery);
        }
        this.root = root;
        this.cpufreqDir = root.resolve(SysfsRoot.CPUFREQ);
        this.slowEvery = slowEvery;
        this.onlineCpus = new KeptOpenFile(root.resolve(SysfsRoot.CPU + "/online"), scratch);
    }

    /** True when the kernel exposes at least one cpufreq policy (false in most VMs). */
    public boolean present() {
        String[] names = cpufreqDir.toFile().list();
        if (names == null) {
            return false;
        }
        for (String name : names) {
            if (policyId(name) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * One sample per active policy, ascending by id. Utilization, IPC, MPKI and IPS are NaN.
     * The arrays in the samples ({@code cpus}, {@code availableKhz}) are shared between ticks
     * until the next rescan: do not modify them.
     *
     * @throws TelemetryException when the cpufreq directory itself is missing
     */
    public List<PolicySample> read() throws TelemetryException {
        tick++;
        boolean onlineChanged = onlineChanged();
        if (onlineChanged) {
            closeAll();
        }
        // Listing 256 policy directories costs a readdir and 256 strings per tick, and the set
        // changes only with hotplug (seen in cpu/online at once) or a driver change: list on the
        // first tick, on a hotplug, after a policy failed to read, and once per RELIST_EVERY
        // ticks as a safety net (every tick in a tree without cpu/online, where the listing is
        // all there is). A driver change is seen at once anyway: its removed files fail reads.
        if (policyIds == null || onlineChanged || relist || lastOnline == null || tick % RELIST_EVERY == 0) {
            policyIds = listPolicies();
            relist = false;
        }
        int[] ids = policyIds;
        syncHandles(ids);

        List<PolicySample> out = new ArrayList<>(handles.size());
        for (PolicyHandle h : handles.values()) {
            if (h.broken) {
                if (tick < h.retryAtTick) {
                    continue;
                }
                if (!h.open()) {
                    h.retryAtTick = tick + slowEvery;
                    relist = true;
                    continue;
                }
            }
            boolean slow = h.needsSlowRead || (h.id + tick) % slowEvery == 0;
            if (!h.readDynamic(slow)) {
                h.retryAtTick = tick + slowEvery;
                relist = true;
                continue;
            }
            if (h.cpus.length == 0) {
                continue; // every CPU of the policy is offline
            }
            out.add(h.sample());
        }
        return out;
    }

    /** e.g. {@code "intel_pstate (status active): 256 policies"}; says when there is none. */
    public String driverSummary() {
        if (!present()) {
            return "no cpufreq (" + cpufreqDir + " has no policies)";
        }
        Map<String, Integer> drivers = new TreeMap<>();
        if (handles.isEmpty()) {
            for (int id : listPoliciesQuietly()) {
                String d = SysfsRoot.readLine(cpufreqDir.resolve("policy" + id + "/scaling_driver"))
                        .orElse("unknown");
                drivers.merge(d, 1, Integer::sum);
            }
        } else {
            for (PolicyHandle h : handles.values()) {
                drivers.merge(h.driver == null ? "unknown" : h.driver, 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : drivers.entrySet()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(e.getKey());
            String status = driverStatus(e.getKey());
            if (status != null) {
                sb.append(" (status ").append(status).append(')');
            }
            sb.append(": ").append(e.getValue()).append(e.getValue() == 1 ? " policy" : " policies");
        }
        return sb.toString();
    }

    /** intel_pstate and amd-pstate report their operating mode in a global status file. */
    private String driverStatus(String driver) {
        String dir = null;
        if (driver.startsWith("intel_pstate") || driver.startsWith("intel_cpufreq")) {
            dir = "intel_pstate";
        } else if (driver.startsWith("amd-pstate")) {
            dir = "amd_pstate";
        }
        if (dir == null) {
            return null;
        }
        return SysfsRoot.readLine(root.resolve(SysfsRoot.CPU + "/" + dir + "/status")).orElse(null);
    }

    @Override
    public void close() {
        closeAll();
        onlineCpus.close();
    }

    // ---- scanning -------------------------------------------------------------------------

    private int[] listPolicies() throws TelemetryException {
        String[] names = cpufreqDir.toFile().list();
        if (names == null) {
            throw new TelemetryException(cpufreqDir + ": missing (no cpufreq on this node?)");
        }
        return policyIds(names);
    }

    private int[] listPoliciesQuietly() {
        String[] names = cpufreqDir.toFile().list();
        return names == null ? new int[0] : policyIds(names);
    }

    private static int[] policyIds(String[] names) {
        int[] ids = new int[names.length];
        int n = 0;
        for (String name : names) {
            int id = policyId(name);
            if (id >= 0) {
                ids[n++] = id;
            }
        }
        int[] out = Arrays.copyOf(ids, n);
        Arrays.sort(out);
        return out;
    }

    /** N for "policyN", else -1. */
    static int policyId(String name) {
        if (!name.startsWith("policy") || name.length() == 6) {
            return -1;
        }
        int id = 0;
        for (int i = 6; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || id > 1_000_000) {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }

    /** A change in the online CPU list means hotplug: every policy's CPUs may have changed. */
    private boolean onlineChanged() {
        String now;
        try {
            now = onlineCpus.readText();
        } catch (IOException e) {
            now = null; // no such file in a minimal tree: rely on the directory listing
        }
        boolean changed = lastOnline != null && !lastOnline.equals(now);
        lastOnline = now;
        return changed;
    }

    /** Opens handles for new policies and closes those of policies that went away. */
    private void syncHandles(int[] ids) {
        if (ids.length == handles.size()) {
            int i = 0;
            boolean same = true;
            for (Integer key : handles.keySet()) {
                if (key != ids[i++]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return;
            }
        }
        Iterator<Map.Entry<Integer, PolicyHandle>> it = handles.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, PolicyHandle> e = it.next();
            if (Arrays.binarySearch(ids, e.getKey()) < 0) {
                e.getValue().close();
                it.remove();
            }
        }
        for (int id : ids) {
            if (!handles.containsKey(id)) {
                PolicyHandle h = new PolicyHandle(id, cpufreqDir.resolve("policy" + id), scratch);
                if (!h.open()) {
                    h.retryAtTick = tick + slowEvery;
                }
                handles.put(id, h);
            }
        }
        indexHandles();
    }

    private void indexHandles() {
        int size = handles.isEmpty() ? 0 : Math.min(handles.lastKey(), 1 << 16) + 1;
        byId = new PolicyHandle[size];
        for (PolicyHandle h : handles.values()) {
            if (h.id < size) {
                byId[h.id] = h;
            }
        }
    }

    private PolicyHandle handle(int policyId) {
        return policyId >= 0 && policyId < byId.length ? byId[policyId] : null;
    }

    @Override
    public long readNanos(int policyId) {
        PolicyHandle h = handle(policyId);
        return h == null || h.broken ? NEVER : h.limitsReadNanos;
    }

    @Override
    public String governor(int policyId) {
        PolicyHandle h = handle(policyId);
        return h == null ? "" : h.governor;
    }

    @Override
    public long minKhz(int policyId) {
        PolicyHandle h = handle(policyId);
        return h == null ? -1 : h.scalingMin;
    }

    @Override
    public long maxKhz(int policyId) {
        PolicyHandle h = handle(policyId);
        return h == null ? -1 : h.scalingMax;
    }

    private void closeAll() {
        for (PolicyHandle h : handles.values()) {
            h.close();
        }
        handles.clear();
        byId = new PolicyHandle[0];
    }

    /** One policy: memoized static values plus kept-open files for the dynamic ones. */
    private static final class PolicyHandle implements AutoCloseable {
        final int id;
        final Path dir;
        final KeptOpenFile cur;
        final KeptOpenFile governorFile;
        final KeptOpenFile minFile;
        final KeptOpenFile maxFile;

        boolean broken = true;
        long retryAtTick;
        boolean needsSlowRead = true;

        String driver;
        int[] cpus = new int[0];
        List<String> availableGovernors = List.of();
        long cpuinfoMin;
        long cpuinfoMax;
        long[] availableKhz = new long[0];

        String governor = "";
        long scalingMin = -1;
        long scalingMax = -1;
        long curKhz = -1;
        /** When governor and both limits were last read together ({@link LimitReadings#readNanos}). */
        long limitsReadNanos = LimitReadings.NEVER;
        /** The last sample handed out; handed out again while nothing in it changed. */
        PolicySample last;

        PolicyHandle(int id, Path dir, ByteBuffer scratch) {
            this.id = id;
            this.dir = dir;
            this.cur = new KeptOpenFile(dir.resolve("scaling_cur_freq"), scratch);
            this.governorFile = new KeptOpenFile(dir.resolve("scaling_governor"), scratch);
            this.minFile = new KeptOpenFile(dir.resolve("scaling_min_freq"), scratch);
            this.maxFile = new KeptOpenFile(dir.resolve("scaling_max_freq"), scratch);
        }

        /** (Re)reads the static values; false (policy skipped for now) if any is missing. */
        boolean open() {
            close();
            try {
                driver = SysfsRoot.requireLine(dir.resolve("scaling_driver"));
                cpuinfoMin = SysfsRoot.requireLong(dir.resolve("cpuinfo_min_freq"));
                cpuinfoMax = SysfsRoot.requireLong(dir.resolve("cpuinfo_max_freq"));
                cpus = SysfsRoot.parseCpuList(SysfsRoot.requireLine(dir.resolve("affected_cpus")));
            } catch (SysfsException e) {
                broken = true;
                return false;
            }
            availableGovernors = List.copyOf(
                    SysfsRoot.readWords(dir.resolve("scaling_available_governors")));
            availableKhz = SysfsRoot.readLongs(dir.resolve("scaling_available_frequencies"));
            last = null; // static values may have changed: the next sample is built afresh
            limitsReadNanos = LimitReadings.NEVER;
            broken = false;
            needsSlowRead = true;
            return true;
        }

        /** Reads cur (and the slow group when asked); false and closed on any read error. */
        boolean readDynamic(boolean slow) {
            try {
                curKhz = cur.readLong();
                if (slow) {
                    limitsReadNanos = LimitReadings.NEVER; // until all three are read
                    governor = governorFile.readText();
                    scalingMin = minFile.readLong();
                    scalingMax = maxFile.readLong();
                    limitsReadNanos = System.nanoTime();
                    needsSlowRead = false;
                }
                return true;
            } catch (IOException e) {
                // ENOENT/ENODEV after hotplug, EBUSY on an inactive policy: skip, reopen later
                close();
                broken = true;
                return false;
            }
        }

        /**
         * This tick's sample: the previous one again when no value read since changed (samples
         * are immutable, and at 256 policies a new one per policy per tick is garbage that the
         * daemon's small heap collects during ticks).
         */
        PolicySample sample() {
            PolicySample p = last;
            if (p != null && p.curKhz() == curKhz && p.scalingMinKhz() == scalingMin
                    && p.scalingMaxKhz() == scalingMax && p.governor().equals(governor)) {
                return p;
            }
            last = new PolicySample(id, cpus, driver, governor, availableGovernors, cpuinfoMin,
                    cpuinfoMax, scalingMin, scalingMax, curKhz, availableKhz,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            return last;
        }

        @Override
        public void close() {
            cur.close();
            governorFile.close();
            minFile.close();
            maxFile.close();
        }
    }
}
