package dev.flash.testing;

import dev.flash.sysfs.SysfsRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Fake cpufreq trees that copy the kernel's layouts (Documentation/admin-guide/pm/cpufreq.rst,
 * intel_pstate.rst, amd-pstate.rst; drivers/cpufreq/cpufreq.c), because this machine has no
 * cpufreq. Files hold what the real ones show, with a trailing newline; {@code cpuN/cpufreq}
 * is a symlink to its policy as in sysfs. Reads need nothing else; for the kernel's write
 * semantics plug a {@link FakeKernel} into the {@link SysfsRoot}.
 *
 * <p>Layouts:
 * <ul>
 *   <li>{@link #acpiCpufreq}: acpi-cpufreq, policies of {@code cpusPerPolicy} CPUs, a frequency
 *       table (descending, first entry the turbo "+1 MHz" marker as acpi-cpufreq shows it),
 *       generic governors incl. userspace, {@code cpuinfo_cur_freq} and {@code bios_limit};</li>
 *   <li>{@link #intelPstateActive}: intel_pstate active with HWP: one policy per CPU, only its
 *       performance/powersave, no table, EPP files, {@code intel_pstate/status=active};</li>
 *   <li>{@link #intelCpufreqPassive}: intel_pstate passive (driver shown as intel_cpufreq),
 *       generic governors incl. userspace, no table, status passive;</li>
 *   <li>{@link #amdPstate}: amd-pstate-epp (active: performance/powersave, EPP) or amd-pstate
 *       (passive/guided: generic governors), no table, {@code amd_pstate/status}.</li>
 * </ul>
 * All files are rewritten in place (never replaced by rename), as sysfs attributes are.
 */
public final class FakeSysfs {
    static final String GENERIC_GOVERNORS = "conservative ondemand userspace powersave performance schedutil";
    public static final String UNSUPPORTED = "<unsupported>";

    private final Path root;
    private final int cpus;
    private final int cpusPerPolicy;
    /** The layout's per-policy files as the kernel creates them (a replugged policy gets these). */
    private PolicyFiles defaults;

    private FakeSysfs(Path root, int cpus, int cpusPerPolicy) {
        this.root = root.toAbsolutePath().normalize();
        this.cpus = cpus;
        this.cpusPerPolicy = cpusPerPolicy;
    }

    // ---- the four layouts -----------------------------------------------------------------

    /** acpi-cpufreq: table 800 MHz..2.6 GHz (+ 2601000 turbo), governor schedutil. */
    public static FakeSysfs acpiCpufreq(Path root, int cpus, int cpusPerPolicy) {
        if (cpusPerPolicy < 1 || cpus % cpusPerPolicy != 0) {
            throw new IllegalArgumentException(cpus + " CPUs do not split into policies of " + cpusPerPolicy);
        }
        FakeSysfs f = new FakeSysfs(root, cpus, cpusPerPolicy);
        String table = "2601000 2600000 2400000 2200000 2000000 1800000 1600000 1400000 1200000 1000000 800000";
        f.build(policyDir -> {
            f.put(policyDir, "scaling_driver", "acpi-cpufreq");
            f.put(policyDir, "scaling_available_governors", GENERIC_GOVERNORS);
            f.put(policyDir, "scaling_governor", "schedutil");
            f.put(policyDir, "cpuinfo_min_freq", "800000");
            f.put(policyDir, "cpuinfo_max_freq", "2601000");
            f.put(policyDir, "scaling_min_freq", "800000");
            f.put(policyDir, "scaling_max_freq", "2601000");
            f.put(policyDir, "scaling_cur_freq", "1800000");
            f.put(policyDir, "cpuinfo_cur_freq", "1800000");
            f.put(policyDir, "scaling_available_frequencies", table);
            f.put(policyDir, "scaling_setspeed", UNSUPPORTED);
            f.put(policyDir, "bios_limit", "2601000");
            f.put(policyDir, "cpuinfo_transition_latency", "10000");
        });
        f.put(f.cpuDir().resolve("cpufreq"), "boost", "1");
        return f;
    }

    /** intel_pstate active (HWP): powersave, 800 MHz..4 GHz, EPP balance_performance. */
    public static FakeSysfs intelPstateActive(Path root, int cpus) {
        FakeSysfs f = new FakeSysfs(root, cpus, 1);
        f.build(policyDir -> {
            f.put(policyDir, "scaling_driver", "intel_pstate");
            f.put(policyDir, "scaling_available_governors", "performance powersave");
            f.put(policyDir, "scaling_governor", "powersave");
            f.intelCommon(policyDir);
            f.put(policyDir, "energy_performance_preference", "balance_performance");
            f.put(policyDir, "energy_performance_available_preferences",
                    "default performance balance_performance balance_power power");
        });
        f.intelGlobal("active");
        return f;
    }

    /** intel_pstate passive: driver intel_cpufreq, generic governors, schedutil, no table. */
    public static FakeSysfs intelCpufreqPassive(Path root, int cpus) {
        FakeSysfs f = new FakeSysfs(root, cpus, 1);
        f.build(policyDir -> {
            f.put(policyDir, "scaling_driver", "intel_cpufreq");
            f.put(policyDir, "scaling_available_governors", GENERIC_GOVERNORS);
            f.put(policyDir, "scaling_governor", "schedutil");
            f.intelCommon(policyDir);
        });
        f.intelGlobal("passive");
        return f;
    }

    /**
     * amd-pstate in {@code mode} active (driver amd-pstate-epp, performance/powersave, EPP),
     * passive or guided (driver amd-pstate, generic governors): 400 MHz..4.5 GHz, no table.
     */
    public static FakeSysfs amdPstate(Path root, int cpus, String mode) {
        boolean active = switch (mode) {
            case "active" -> true;
            case "passive", "guided" -> false;
            default -> throw new IllegalArgumentException("amd-pstate mode must be active, passive or guided: " + mode);
        };
        FakeSysfs f = new FakeSysfs(root, cpus, 1);
        f.build(policyDir -> {
            f.put(policyDir, "scaling_driver", active ? "amd-pstate-epp" : "amd-pstate");
            f.put(policyDir, "scaling_available_governors", active ? "performance powersave" : GENERIC_GOVERNORS);
            f.put(policyDir, "scaling_governor", active ? "powersave" : "schedutil");
            f.put(policyDir, "cpuinfo_min_freq", "400000");
            f.put(policyDir, "cpuinfo_max_freq", "4500000");
            f.put(policyDir, "scaling_min_freq", "400000");
            f.put(policyDir, "scaling_max_freq", "4500000");
            f.put(policyDir, "scaling_cur_freq", "2000000");
            f.put(policyDir, "scaling_setspeed", UNSUPPORTED);
            f.put(policyDir, "cpuinfo_transition_latency", "20000");
            f.put(policyDir, "amd_pstate_highest_perf", "196");
            f.put(policyDir, "amd_pstate_max_freq", "4500000");
            f.put(policyDir, "amd_pstate_lowest_nonlinear_freq", "1100000");
            if (active) {
                f.put(policyDir, "energy_performance_preference", "balance_performance");
                f.put(policyDir, "energy_performance_available_preferences",
                        "default performance balance_performance balance_power power");
            }
        });
        f.put(f.cpuDir().resolve("amd_pstate"), "status", mode);
        return f;
    }

    private void intelCommon(Path policyDir) {
        put(policyDir, "cpuinfo_min_freq", "800000");
        put(policyDir, "cpuinfo_max_freq", "4000000");
        put(policyDir, "scaling_min_freq", "800000");
        put(policyDir, "scaling_max_freq", "4000000");
        put(policyDir, "scaling_cur_freq", "2100000");
        put(policyDir, "scaling_setspeed", UNSUPPORTED);
        put(policyDir, "base_frequency", "2600000");
        put(policyDir, "cpuinfo_transition_latency", "0");
    }

    private void intelGlobal(String status) {
        Path d = cpuDir().resolve("intel_pstate");
        put(d, "status", status);
        put(d, "no_turbo", "0");
        put(d, "max_perf_pct", "100");
        put(d, "min_perf_pct", "20");
        put(d, "num_pstates", "33");
        put(d, "turbo_pct", "35");
        put(d, "hwp_dynamic_boost", "0");
    }

    private interface PolicyFiles {
        void fill(Path policyDir);
    }

    /** The CPU directories, symlinks, CPU lists and one directory per policy. */
    private void build(PolicyFiles files) {
        if (cpus < 1) {
            throw new IllegalArgumentException("need at least one CPU, got " + cpus);
        }
        defaults = files;
        String all = cpus == 1 ? "0" : "0-" + (cpus - 1);
        put(cpuDir(), "online", all);
        put(cpuDir(), "possible", all);
        put(cpuDir(), "present", all);
        put(cpuDir(), "offline", "");
        put(cpuDir(), "kernel_max", "8191");
        for (int p = 0; p < policies(); p++) {
            addPolicy(p * cpusPerPolicy);
        }
    }

    /** A policy as the kernel creates it: its CPUs online, the layout's default settings. */
    private void addPolicy(int first) {
        Path policyDir = policyDir(first);
        put(policyDir, "affected_cpus", spaced(first, first + cpusPerPolicy - 1));
        put(policyDir, "related_cpus", spaced(first, first + cpusPerPolicy - 1));
        defaults.fill(policyDir);
        for (int c = first; c < first + cpusPerPolicy; c++) {
            Path cpu = cpuDir().resolve("cpu" + c);
            // x86 has no cpu0/online since cpu0 hotplug was removed
            if (c > 0) {
                put(cpu, "online", "1");
            }
            link(cpu.resolve("cpufreq"), Path.of("../cpufreq/policy" + first));
        }
    }

    // ---- accessors ---------------------------------------------------------------------

    public Path root() {
        return root;
    }

    /** A {@link SysfsRoot} over this tree with plain file writes. */
    public SysfsRoot sysfs() {
        return new SysfsRoot(root);
    }

    /** A {@link SysfsRoot} over this tree whose writes go through {@code kernel}. */
    public SysfsRoot sysfs(FakeKernel kernel) {
        return new SysfsRoot(root).withWriter(kernel);
    }

    public int cpus() {
        return cpus;
    }

    public int policies() {
        return cpus / cpusPerPolicy;
    }

    /** Policy ids, as the kernel names them: the first CPU of each policy. */
    public List<Integer> policyIds() {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < policies(); p++) {
            ids.add(p * cpusPerPolicy);
        }
        return ids;
    }

    public Path cpuDir() {
        return root.resolve(SysfsRoot.CPU);
    }

    public Path policyDir(int id) {
        return root.resolve(SysfsRoot.CPUFREQ).resolve("policy" + id);
    }

    /** A policy file's content, trimmed. */
    public String read(int policyId, String file) {
        try {
            return Files.readString(policyDir(policyId).resolve(file)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites a policy file in place (as another tool would), bypassing any fake kernel. */
    public void set(int policyId, String file, String value) {
        put(policyDir(policyId), file, value);
    }

    // ---- hotplug -----------------------------------------------------------------------

    /**
     * Takes a CPU offline the way the kernel shows it: {@code cpuN/online} 0, the CPU leaves
     * {@code cpu/online} and its policy's {@code affected_cpus} (which becomes empty when it was
     * the policy's last online CPU; the policy directory stays).
     */
    public void offlineCpu(int cpu) {
        setOnline(cpu, false);
    }

    public void onlineCpu(int cpu) {
        setOnline(cpu, true);
    }

    private void setOnline(int cpu, boolean online) {
        put(cpuDir().resolve("cpu" + cpu), "online", online ? "1" : "0");
        TreeSet<Integer> on = new TreeSet<>();
        for (int c : SysfsRoot.readCpuList(cpuDir().resolve("online"))) {
            on.add(c);
        }
        if (online) {
            on.add(cpu);
        } else {
            on.remove(cpu);
        }
        put(cpuDir(), "online", compress(on));
        int policy = (cpu / cpusPerPolicy) * cpusPerPolicy;
        StringBuilder affected = new StringBuilder();
        for (int c = policy; c < policy + cpusPerPolicy; c++) {
            if (on.contains(c)) {
                affected.append(affected.length() == 0 ? "" : " ").append(c);
            }
        }
        set(policy, "affected_cpus", affected.toString());
    }

    /**
     * Removes a policy directory and its CPUs' links, as when a CPU is hot-removed (it was
     * offlined first, so its CPUs also leave {@code cpu/online}); the files are moved aside,
     * where a reader that held them open still reads them. A real kernel also fails reads on file descriptors held open on the
     * removed files (kernfs deactivates them); a moved file here stays readable, so readers must
     * notice through {@code cpu/online}, as they do on a real node.
     */
    public void unplugPolicy(int id) {
        try {
            Path stash = stashDir(id);
            Files.createDirectories(stash.getParent());
            Files.move(policyDir(id), stash);
            for (int c = id; c < id + cpusPerPolicy; c++) {
                Files.deleteIfExists(cpuDir().resolve("cpu" + c).resolve("cpufreq"));
            }
            listOnline(id, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds an unplugged policy again as the kernel does: a new policy with the driver's default
     * governor and the full cpuinfo limits, not the values it had (nor what flashd wrote) when
     * it went, and no frequency request remembered for it.
     */
    public void replugPolicy(int id) {
        try {
            deleteTree(stashDir(id));
            Files.deleteIfExists(FakeKernel.minRequestFile(policyDir(id)));
            addPolicy(id);
            listOnline(id, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Adds or removes policy {@code id}'s CPUs in {@code cpu/online}, when the tree has one. */
    private void listOnline(int id, boolean online) {
        if (!Files.exists(cpuDir().resolve("online"))) {
            return;
        }
        TreeSet<Integer> on = new TreeSet<>();
        for (int c : SysfsRoot.readCpuList(cpuDir().resolve("online"))) {
            on.add(c);
        }
        for (int c = id; c < id + cpusPerPolicy; c++) {
            if (online) {
                on.add(c);
            } else {
                on.remove(c);
            }
        }
        put(cpuDir(), "online", compress(on));
    }

    private Path stashDir(int id) {
        return root.resolve(".unplugged").resolve("policy" + id);
    }

    // ---- comparing trees ----------------------------------------------------------------

    /**
     * Every regular file under {@code sys/} (path relative to the root -> bytes as text), for
     * before/after comparisons. Symlinks are listed by their target.
     */
    public Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        Path sys = root.resolve("sys");
        try (Stream<Path> walk = Files.walk(sys)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    out.put(key, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * {@link #snapshot()} without the files the kernel changes by itself (the current
     * frequency is a reading, set by the governor and hardware, not a setting to restore).
     */
    public Map<String, String> settingsSnapshot() {
        Map<String, String> s = snapshot();
        s.keySet().removeIf(k -> k.endsWith("/scaling_cur_freq") || k.endsWith("/cpuinfo_cur_freq"));
        return s;
    }

    // ---- file helpers ------------------------------------------------------------------

    private void put(Path dir, String name, String value) {
        try {
            Files.createDirectories(dir);
            // in place, like sysfs: readers holding the file open see the new content
            Files.writeString(dir.resolve(name), value + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String spaced(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int c = from; c <= to; c++) {
            sb.append(c == from ? "" : " ").append(c);
        }
        return sb.toString();
    }

    private static String cpuList(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    /** The kernel's range format, e.g. "0-2,4-7". */
    static String compress(TreeSet<Integer> cpus) {
        StringBuilder sb = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int c : cpus) {
            if (start == null) {
                start = c;
            } else if (c != prev + 1) {
                sb.append(sb.length() == 0 ? "" : ",").append(cpuList(start, prev));
                start = c;
            }
            prev = c;
        }
        if (start != null) {
            sb.append(sb.length() == 0 ? "" : ",").append(cpuList(start, prev));
        }
        return sb.toString();
    }
}
