package dev.flash.bench.soak;

import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.sysfs.SysfsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak's machine: a cpufreq tree on disk and the kernel's write semantics for it, as current
 * kernels behave (drivers/cpufreq/cpufreq.c with frequency QoS, cpufreq_userspace.c). It lives in
 * main code because {@code flash bench soak} runs it; the unit tests keep their own fakes.
 *
 * <p>Two kinds of policy, alternating, so one run drives both of flashd's ways to act:
 * <ul>
 *   <li>acpi-cpufreq: a frequency table, the generic governors including userspace (flashd
 *       attaches userspace and writes {@code scaling_setspeed});</li>
 *   <li>intel_pstate active: only performance and powersave, no table (flashd caps
 *       {@code scaling_max_freq}).</li>
 * </ul>
 *
 * <p>Semantics copied from the kernel where flashd depends on them:
 * <ul>
 *   <li>{@code scaling_min_freq}/{@code scaling_max_freq} are requests: each is clamped to the
 *       cpuinfo range and remembered; the visible limits are max = the max request and min =
 *       the min request, lowered to max when above it (no EINVAL, as since frequency QoS);</li>
 *   <li>{@code scaling_governor} must be one of {@code scaling_available_governors} (EINVAL);
 *       userspace starts at the current frequency, performance/powersave move it to a limit;</li>
 *   <li>{@code scaling_setspeed}: EINVAL unless the governor is userspace; clamped to the limits,
 *       then the lowest table entry at or above it (CPUFREQ_RELATION_L);</li>
 *   <li>a policy that is unplugged and replugged comes back with the kernel's defaults (default
 *       governor, the full cpuinfo range), not with what anyone wrote before.</li>
 * </ul>
 *
 * <p>Faults: {@link #failNextWrite} makes the next write to a file fail with EIO, EBUSY or
 * EINVAL. Every frequency flashd asks for is checked against the hardware limits
 * ({@link #limitViolations()}), before the kernel clamps it: a request outside them is flashd's
 * bug even though the kernel would forgive it. {@link #foreignWrite} is another tool's write.
 */
public final class SoakKernel implements SysfsWriter {
    static final String ACPI = "acpi-cpufreq";
    static final String PSTATE = "intel_pstate";
    static final String GENERIC_GOVERNORS = "conservative ondemand userspace powersave performance schedutil";
    static final String PSTATE_GOVERNORS = "performance powersave";
    static final String UNSUPPORTED = "<unsupported>";
    /** The files that are settings (what must be as found), as opposed to readings. */
    static final List<String> SETTINGS = List.of("scaling_governor", "scaling_min_freq", "scaling_max_freq");

    /** A policy's settings: what an operator (or a restore) sets, and what a stop must leave. */
    public record Settings(String governor, long minKhz, long maxKhz) {
        @Override
        public String toString() {
            return "governor " + governor + ", min " + minKhz + ", max " + maxKhz;
        }
    }

    private final Path root;
    private final int cpus;
    private final int cpusPerPolicy;
    private final long cpuinfoMin;
    private final long cpuinfoMax;
    private final long[] table;
    /** Per policy directory: the remembered min and max requests (frequency QoS). */
    private final Map<Path, long[]> requests = new HashMap<>();
    private final Map<Path, String> pendingFaults = new HashMap<>();
    private final java.util.Set<Integer> unplugged = new java.util.HashSet<>();
    private final List<String> limitViolations = new ArrayList<>();
    private long writes;

    /**
     * Lays the tree out under {@code root}: {@code cpus} CPUs in policies of {@code cpusPerPolicy},
     * cpuinfo range {@code minKhz..maxKhz}, acpi-cpufreq table every {@code stepKhz}.
     */
    public SoakKernel(Path root, int cpus, int cpusPerPolicy, long minKhz, long maxKhz, long stepKhz) {
        this.root = root.toAbsolutePath().normalize();
        this.cpus = cpus;
        this.cpusPerPolicy = cpusPerPolicy;
        this.cpuinfoMin = minKhz;
        this.cpuinfoMax = maxKhz;
        List<Long> t = new ArrayList<>();
        for (long f = minKhz; f <= maxKhz; f += stepKhz) {
            t.add(f);
        }
        this.table = t.stream().mapToLong(Long::longValue).toArray();
        String all = cpus == 1 ? "0" : "0-" + (cpus - 1);
        put(cpuDir(), "online", all);
        put(cpuDir(), "possible", all);
        put(cpuDir(), "present", all);
        for (int id : policyIds()) {
            build(id);
        }
    }

    // ---- layout ------------------------------------------------------------------------------

    public Path root() {
        return root;
    }

    /** A {@link SysfsRoot} over the tree whose writes go through this kernel. */
    public SysfsRoot sysfs() {
        return new SysfsRoot(root).withWriter(this);
    }

    public int cpus() {
        return cpus;
    }

    /** Policy ids, as the kernel names them: the first CPU of each policy. */
    public List<Integer> policyIds() {
        List<Integer> ids = new ArrayList<>();
        for (int first = 0; first < cpus; first += cpusPerPolicy) {
            ids.add(first);
        }
        return ids;
    }

    public int[] cpusOf(int policyId) {
        int[] out = new int[cpusPerPolicy];
        for (int i = 0; i < out.length; i++) {
            out[i] = policyId + i;
        }
        return out;
    }

    public boolean capping(int policyId) {
        return (policyId / cpusPerPolicy) % 2 == 1;
    }

    public long cpuinfoMinKhz() {
        return cpuinfoMin;
    }

    public long cpuinfoMaxKhz() {
        return cpuinfoMax;
    }

    public long[] table() {
        return table.clone();
    }

    public List<String> governors(int policyId) {
        return List.of((capping(policyId) ? PSTATE_GOVERNORS : GENERIC_GOVERNORS).split(" "));
    }

    Path cpuDir() {
        return root.resolve(SysfsRoot.CPU);
    }

    public Path policyDir(int id) {
        return root.resolve(SysfsRoot.CPUFREQ).resolve("policy" + id);
    }

    /** What the kernel sets up when the policy (re)appears. */
    public Settings defaults(int policyId) {
        return new Settings(capping(policyId) ? "powersave" : "schedutil", cpuinfoMin, cpuinfoMax);
    }

    private void build(int id) {
        Path d = policyDir(id);
        boolean cap = capping(id);
        String cpuList = java.util.Arrays.stream(cpusOf(id)).mapToObj(Integer::toString)
                .reduce((a, b) -> a + " " + b).orElse("");
        put(d, "affected_cpus", cpuList);
        put(d, "related_cpus", cpuList);
        put(d, "scaling_driver", cap ? PSTATE : ACPI);
        put(d, "scaling_available_governors", cap ? PSTATE_GOVERNORS : GENERIC_GOVERNORS);
        put(d, "cpuinfo_min_freq", Long.toString(cpuinfoMin));
        put(d, "cpuinfo_max_freq", Long.toString(cpuinfoMax));
        put(d, "cpuinfo_transition_latency", cap ? "0" : "10000");
        if (!cap) {
            StringBuilder desc = new StringBuilder();
            for (int i = table.length - 1; i >= 0; i--) {
                desc.append(desc.length() == 0 ? "" : " ").append(table[i]);
            }
            put(d, "scaling_available_frequencies", desc.toString());
        }
        Settings s = defaults(id);
        requests.put(d, new long[] {s.minKhz(), s.maxKhz()});
        put(d, "scaling_min_freq", Long.toString(s.minKhz()));
        put(d, "scaling_max_freq", Long.toString(s.maxKhz()));
        put(d, "scaling_cur_freq", Long.toString(s.maxKhz()));
        put(d, "scaling_governor", s.governor());
        put(d, "scaling_setspeed", UNSUPPORTED);
        for (int c : cpusOf(id)) {
            Path link = cpuDir().resolve("cpu" + c).resolve("cpufreq");
            try {
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, Path.of("../cpufreq/policy" + id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ---- what people and tools do ------------------------------------------------------------

    /** The operator's settings before flashd starts (no checks: this is the starting point). */
    public void configure(int policyId, Settings s) {
        Path d = policyDir(policyId);
        requests.put(d, new long[] {s.minKhz(), s.maxKhz()});
        put(d, "scaling_min_freq", Long.toString(s.minKhz()));
        put(d, "scaling_max_freq", Long.toString(s.maxKhz()));
        put(d, "scaling_governor", s.governor());
        put(d, "scaling_cur_freq", Long.toString(s.maxKhz()));
    }

    /** The policy's settings as the files show them now. */
    public Settings settings(int policyId) {
        Path d = policyDir(policyId);
        return new Settings(SysfsRoot.readLine(d.resolve("scaling_governor")).orElse("?"),
                SysfsRoot.readLong(d.resolve("scaling_min_freq"), -1),
                SysfsRoot.readLong(d.resolve("scaling_max_freq"), -1));
    }

    public long curKhz(int policyId) {
        return SysfsRoot.readLong(policyDir(policyId).resolve("scaling_cur_freq"), -1);
    }

    public synchronized boolean present(int policyId) {
        return !unplugged.contains(policyId);
    }

    /** Another tool's write (cpupower, tuned, an operator's echo): the same semantics, unchecked. */
    public synchronized void foreignWrite(int policyId, String file, String value) throws SysfsException {
        store(policyDir(policyId).resolve(file), value);
    }

    /** The hardware (or HWP) moving the frequency under the limits, as a capping driver does. */
    public synchronized void setCur(int policyId, long khz) {
        Path d = policyDir(policyId);
        long min = SysfsRoot.readLong(d.resolve("scaling_min_freq"), cpuinfoMin);
        long max = SysfsRoot.readLong(d.resolve("scaling_max_freq"), cpuinfoMax);
        put(d, "scaling_cur_freq", Long.toString(Math.max(min, Math.min(max, khz))));
    }

    /** The CPUs of the policy are hot-removed: the directory and the CPUs' links go. */
    public synchronized void unplug(int policyId) {
        try {
            Path d = policyDir(policyId);
            try (var files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(d);
            requests.remove(d);
            unplugged.add(policyId);
            for (int c : cpusOf(policyId)) {
                Files.deleteIfExists(cpuDir().resolve("cpu" + c).resolve("cpufreq"));
            }
            put(cpuDir(), "online", onlineList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CPUs come back: a new policy with the kernel's defaults. */
    public synchronized void replug(int policyId) {
        unplugged.remove(policyId);
        build(policyId);
        put(cpuDir(), "online", onlineList());
    }

    private String onlineList() {
        StringBuilder b = new StringBuilder();
        for (int id : policyIds()) {
            if (present(id)) {
                for (int c : cpusOf(id)) {
                    b.append(b.length() == 0 ? "" : ",").append(c);
                }
            }
        }
        return b.toString();
    }

    // ---- faults and checks -------------------------------------------------------------------

    /** The next write to {@code file} of the policy fails with {@code errno} (EIO, EBUSY, EINVAL). */
    public synchronized void failNextWrite(int policyId, String file, String errno) {
        pendingFaults.put(policyDir(policyId).resolve(file), errno);
    }

    public synchronized void clearFaults() {
        pendingFaults.clear();
    }

    /** Frequencies flashd asked for outside the hardware's cpuinfo range (file=value). */
    public synchronized List<String> limitViolations() {
        return List.copyOf(limitViolations);
    }

    public synchronized long writes() {
        return writes;
    }

    // ---- the write path ----------------------------------------------------------------------

    @Override
    public synchronized void write(Path file, String value) throws SysfsException {
        Path f = file.toAbsolutePath().normalize();
        writes++;
        String errno = pendingFaults.remove(f);
        if (errno != null) {
            throw fail(f, errno, value);
        }
        String name = f.getFileName().toString();
        if (name.endsWith("_freq") || name.equals("scaling_setspeed")) {
            try {
                long khz = Long.parseLong(value.trim());
                if (khz < cpuinfoMin || khz > cpuinfoMax) {
                    limitViolations.add(f + "=" + value.trim());
                }
            } catch (NumberFormatException e) {
                limitViolations.add(f + "=" + value.trim() + " (not a number)");
            }
        }
        store(f, value);
    }

    private void store(Path f, String value) throws SysfsException {
        if (!Files.isRegularFile(f)) {
            throw new SysfsException(f, "missing (policy gone? hotplug?)", new NoSuchFileException(f.toString()));
        }
        Path dir = f.getParent();
        String v = value.trim();
        switch (f.getFileName().toString()) {
            case "scaling_governor" -> storeGovernor(dir, f, v);
            case "scaling_setspeed" -> storeSetspeed(dir, f, v);
            case "scaling_min_freq" -> storeLimit(dir, f, v, 0);
            case "scaling_max_freq" -> storeLimit(dir, f, v, 1);
            default -> throw fail(f, "EACCES", v);
        }
    }

    private void storeGovernor(Path dir, Path f, String governor) throws SysfsException {
        if (!SysfsRoot.readWords(dir.resolve("scaling_available_governors")).contains(governor)) {
            throw fail(f, "EINVAL", governor);
        }
        put(dir, "scaling_governor", governor);
        long cur = num(dir, "scaling_cur_freq");
        switch (governor) {
            case "performance" -> put(dir, "scaling_cur_freq", Long.toString(num(dir, "scaling_max_freq")));
            case "powersave" -> put(dir, "scaling_cur_freq", Long.toString(num(dir, "scaling_min_freq")));
            default -> { }
        }
        put(dir, "scaling_setspeed", "userspace".equals(governor) ? Long.toString(cur) : UNSUPPORTED);
    }

    private void storeSetspeed(Path dir, Path f, String v) throws SysfsException {
        long khz = parse(f, v);
        if (!"userspace".equals(SysfsRoot.readLine(dir.resolve("scaling_governor")).orElse(""))) {
            throw fail(f, "EINVAL", v);
        }
        long clamped = Math.max(num(dir, "scaling_min_freq"), Math.min(num(dir, "scaling_max_freq"), khz));
        long applied = clamped;
        if (Files.exists(dir.resolve("scaling_available_frequencies"))) {
            applied = table[table.length - 1];
            for (long entry : table) { // ascending: the first entry at or above (RELATION_L)
                if (entry >= clamped) {
                    applied = entry;
                    break;
                }
            }
        }
        put(dir, "scaling_cur_freq", Long.toString(applied));
        put(dir, "scaling_setspeed", Long.toString(applied));
    }

    private void storeLimit(Path dir, Path f, String v, int which) throws SysfsException {
        long khz = Math.max(cpuinfoMin, Math.min(cpuinfoMax, parse(f, v)));
        long[] req = requests.computeIfAbsent(dir, d -> new long[] {cpuinfoMin, cpuinfoMax});
        req[which] = khz;
        long max = req[1];
        long min = Math.min(req[0], max);
        put(dir, "scaling_min_freq", Long.toString(min));
        put(dir, "scaling_max_freq", Long.toString(max));
        long cur = num(dir, "scaling_cur_freq");
        long pulled = Math.max(min, Math.min(max, cur));
        if (pulled != cur) {
            put(dir, "scaling_cur_freq", Long.toString(pulled));
            if ("userspace".equals(SysfsRoot.readLine(dir.resolve("scaling_governor")).orElse(""))) {
                put(dir, "scaling_setspeed", Long.toString(pulled));
            }
        }
    }

    private static long num(Path dir, String name) {
        return SysfsRoot.readLong(dir.resolve(name), -1);
    }

    private static long parse(Path f, String v) throws SysfsException {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw fail(f, "EINVAL", v);
        }
    }

    /** The exception {@link SysfsRoot#write} raises for the errno, message included. */
    private static SysfsException fail(Path f, String errno, String value) {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("EIO", "Input/output error");
        texts.put("EBUSY", "Device or resource busy");
        texts.put("EINVAL", "Invalid argument");
        if ("EACCES".equals(errno)) {
            return new SysfsException(f, "permission denied (EACCES); run as root", new AccessDeniedException(f.toString()));
        }
        String text = texts.getOrDefault(errno, errno);
        return new SysfsException(f, "write of '" + value + "' failed: " + errno + " (" + text + ")",
                new FileSystemException(f.toString(), null, text));
    }

    /** Rewrites a file in place, as sysfs attributes change (readers holding it open see it). */
    static void put(Path dir, String name, String value) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), value + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
