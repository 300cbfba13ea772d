package dev.flash.testing;

import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import dev.flash.sysfs.SysfsWriter;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A mock of the kernel's cpufreq write semantics for a {@link FakeSysfs} tree. It is a mock
 * because this machine has no cpufreq; it copies drivers/cpufreq/cpufreq.c and
 * cpufreq_userspace.c where flash depends on them:
 * <ul>
 *   <li>{@code scaling_governor}: must be one of {@code scaling_available_governors}, else
 *       EINVAL. Attaching userspace sets {@code scaling_setspeed} to the current frequency;
 *       any other governor makes it read {@code <unsupported>}; performance/powersave move the
 *       frequency to the max/min limit;</li>
 *   <li>{@code scaling_setspeed}: EINVAL unless the governor is userspace; the request is
 *       clamped to {@code scaling_min_freq..scaling_max_freq}, and the frequency becomes the
 *       lowest table entry at or above it (CPUFREQ_RELATION_L) when the driver has a table;</li>
 *   <li>{@code scaling_min_freq}/{@code scaling_max_freq}: numbers clamped to the cpuinfo
 *       range. Since Linux 5.3 the two are frequency-QoS requests and
 *       {@code cpufreq_verify_within_limits} clamps the effective min to the effective max: a
 *       max below the min pulls the min down with it (both read back the max), and the min
 *       request comes back when the max is raised again; a min above the max reads back the
 *       max. Older kernels ({@link #beforeFreqQos()}) reject both with EINVAL. The current
 *       frequency is pulled inside the new limits;</li>
 *   <li>a policy whose CPUs are all offline is inactive: every write to it is EBUSY
 *       ({@code store()} in cpufreq.c);</li>
 *   <li>read-only attributes (no store op) give EACCES; a missing file ENOENT.</li>
 * </ul>
 * Failures can be injected per file ({@link #failWith}). State lives only in the tree's files
 * (the remembered min request under {@code ROOT/.fake-kernel/}, outside {@code sys/}), so two
 * processes (the crash test's child and parent) see one kernel.
 */
public final class FakeKernel implements SysfsWriter {
    private static final Set<String> WRITABLE = Set.of("scaling_governor", "scaling_setspeed",
            "scaling_min_freq", "scaling_max_freq", "energy_performance_preference", "boost",
            "status", "no_turbo", "max_perf_pct", "min_perf_pct", "online");

    private final Map<Path, String> injected = new ConcurrentHashMap<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final boolean limitsAreQosRequests;

    /** A current kernel (5.3 or later): limits are clamped against each other. */
    public FakeKernel() {
        this(true);
    }

    private FakeKernel(boolean limitsAreQosRequests) {
        this.limitsAreQosRequests = limitsAreQosRequests;
    }

    /** A kernel before 5.3: a min above the max, or a max below the min, is EINVAL. */
    public static FakeKernel beforeFreqQos() {
        return new FakeKernel(false);
    }

    /**
     * Makes every later write to {@code file} fail with {@code errno}: EBUSY, EINVAL, EACCES
     * or ENOENT.
     */
    public FakeKernel failWith(Path file, String errno) {
        if (!Set.of("EBUSY", "EINVAL", "EACCES", "ENOENT").contains(errno)) {
            throw new IllegalArgumentException("unsupported errno " + errno);
        }
        injected.put(file.toAbsolutePath().normalize(), errno);
        return this;
    }

    public FakeKernel clearFailures() {
        injected.clear();
        return this;
    }

    /** Every accepted write as {@code path=value}, in order. */
    public List<String> writes() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public synchronized void write(Path file, String value) throws SysfsException {
        Path f = file.toAbsolutePath().normalize();
        String errno = injected.get(f);
        if (errno != null) {
            throw fail(f, errno, value);
        }
        if (!Files.isRegularFile(f)) {
            throw new SysfsException(f, "missing (policy gone? hotplug?)", new NoSuchFileException(f.toString()));
        }
        String name = f.getFileName().toString();
        if (!WRITABLE.contains(name)) {
            throw fail(f, "EACCES", value);
        }
        Path dir = f.getParent();
        String v = value.trim();
        if (isInactivePolicy(dir)) {
            throw fail(f, "EBUSY", value);
        }
        switch (name) {
            case "scaling_governor" -> writeGovernor(dir, f, v);
            case "scaling_setspeed" -> writeSetspeed(dir, f, v);
            case "scaling_min_freq", "scaling_max_freq" -> writeLimit(dir, f, name, v);
            default -> SysfsRoot.write(f, v + "\n");
        }
        log.add(f + "=" + v);
    }

    private void writeGovernor(Path dir, Path f, String governor) throws SysfsException {
        if (!SysfsRoot.readWords(dir.resolve("scaling_available_governors")).contains(governor)) {
            throw fail(f, "EINVAL", governor);
        }
        SysfsRoot.write(f, governor + "\n");
        long cur = num(dir, "scaling_cur_freq");
        switch (governor) {
            case "userspace" -> SysfsRoot.write(dir.resolve("scaling_setspeed"), cur + "\n");
            case "performance" -> setCur(dir, num(dir, "scaling_max_freq"));
            case "powersave" -> setCur(dir, num(dir, "scaling_min_freq"));
            default -> { }
        }
        if (!"userspace".equals(governor)) {
            SysfsRoot.write(dir.resolve("scaling_setspeed"), FakeSysfs.UNSUPPORTED + "\n");
        }
    }

    private void writeSetspeed(Path dir, Path f, String v) throws SysfsException {
        String governor = SysfsRoot.readLine(dir.resolve("scaling_governor")).orElse("");
        long khz = parse(f, v);
        if (!"userspace".equals(governor)) {
            throw fail(f, "EINVAL", v);
        }
        long clamped = Math.max(num(dir, "scaling_min_freq"), Math.min(num(dir, "scaling_max_freq"), khz));
        SysfsRoot.write(f, clamped + "\n");
        long applied = clamped;
        long[] table = SysfsRoot.readLongs(dir.resolve("scaling_available_frequencies"));
        if (table.length > 0) {
            applied = table[table.length - 1];
            for (long entry : table) { // ascending: first entry >= target (RELATION_L)
                if (entry >= clamped) {
                    applied = entry;
                    break;
                }
            }
        }
        setCur(dir, applied);
    }

    private void writeLimit(Path dir, Path f, String name, String v) throws SysfsException {
        long khz = parse(f, v);
        khz = Math.max(num(dir, "cpuinfo_min_freq"), Math.min(num(dir, "cpuinfo_max_freq"), khz));
        long minRequest = name.equals("scaling_min_freq") ? khz : minRequest(dir);
        long max = name.equals("scaling_max_freq") ? khz : num(dir, "scaling_max_freq");
        long min;
        if (limitsAreQosRequests) {
            min = Math.min(minRequest, max); // cpufreq_verify_within_limits
            SysfsRoot.write(dir.resolve("scaling_max_freq"), max + "\n");
            SysfsRoot.write(dir.resolve("scaling_min_freq"), min + "\n");
            rememberMinRequest(dir, minRequest, min);
        } else {
            min = minRequest;
            if (min > max) {
                throw fail(f, "EINVAL", v);
            }
            SysfsRoot.write(f, khz + "\n");
        }
        long cur = num(dir, "scaling_cur_freq");
        if (cur >= 0) {
            setCur(dir, Math.max(min, Math.min(max, cur)));
        }
    }

    /** cpufreq.c: {@code policy_is_inactive()}, no online CPU left in the policy. */
    private static boolean isInactivePolicy(Path dir) {
        Path affected = dir.resolve("affected_cpus");
        return dir.getFileName().toString().startsWith("policy") && Files.isRegularFile(affected)
                && SysfsRoot.readLine(affected).orElse("").isBlank();
    }

    /**
     * Where the min request is remembered while it is clamped below itself: {@code
     * ROOT/.fake-kernel/policyN.min_request}, holding "request effective".
     */
    static Path minRequestFile(Path policyDir) {
        Path root = policyDir;
        for (int up = 0; up < 6 && root.getParent() != null; up++) { // policyN cpufreq cpu system devices sys
            root = root.getParent();
        }
        return root.resolve(".fake-kernel").resolve(policyDir.getFileName() + ".min_request");
    }

    /**
     * The min request: the remembered one while the min still reads what it was clamped to,
     * else what the min reads (another tool, or the tree's builder, wrote it directly).
     */
    private static long minRequest(Path dir) {
        long current = num(dir, "scaling_min_freq");
        List<String> remembered = SysfsRoot.readWords(minRequestFile(dir)); // "request effective"
        return remembered.size() == 2 && remembered.get(1).equals(Long.toString(current))
                ? Long.parseLong(remembered.get(0)) : current;
    }

    private static void rememberMinRequest(Path dir, long request, long effective) throws SysfsException {
        Path file = minRequestFile(dir);
        try {
            if (request == effective) {
                Files.deleteIfExists(file);
            } else {
                Files.createDirectories(file.getParent());
                Files.writeString(file, request + " " + effective + "\n");
            }
        } catch (IOException e) {
            throw new SysfsException(file, "fake kernel bookkeeping: " + e, e);
        }
    }

    private static void setCur(Path dir, long khz) throws SysfsException {
        SysfsRoot.write(dir.resolve("scaling_cur_freq"), khz + "\n");
        if (Files.exists(dir.resolve("cpuinfo_cur_freq"))) {
            SysfsRoot.write(dir.resolve("cpuinfo_cur_freq"), khz + "\n");
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

    /** The exception SysfsRoot.write would raise for the errno, message included. */
    private static SysfsException fail(Path f, String errno, String value) {
        IOException cause = switch (errno) {
            case "EACCES" -> new AccessDeniedException(f.toString());
            case "ENOENT" -> new NoSuchFileException(f.toString());
            case "EBUSY" -> new FileSystemException(f.toString(), null, "Device or resource busy");
            default -> new FileSystemException(f.toString(), null, "Invalid argument");
        };
        String reason = switch (errno) {
            case "EACCES" -> "permission denied (EACCES); run as root";
            case "ENOENT" -> "missing (policy gone? hotplug?)";
            case "EBUSY" -> "write of '" + value + "' failed: EBUSY (Device or resource busy)";
            default -> "write of '" + value + "' failed: EINVAL (Invalid argument)";
        };
        return new SysfsException(f, reason, cause);
    }
}
