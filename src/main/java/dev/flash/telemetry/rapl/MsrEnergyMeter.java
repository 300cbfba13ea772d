package dev.flash.telemetry.rapl;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * RAPL read straight from the model-specific registers through {@code /dev/cpu/N/msr} (the msr
 * module; needs root and CAP_SYS_RAWIO): the fallback when powercap is absent (old kernels, AMD
 * before 5.8). The msr device reads register R when the file offset is R: one 8-byte
 * little-endian positional read per register.
 *
 * <ul>
 *   <li>Intel: MSR_RAPL_POWER_UNIT 0x606 (energy unit 1/2^bits[12:8] J, power unit
 *       1/2^bits[3:0] W), package 0x611, PP0/core 0x639, DRAM 0x619; PL1 from
 *       MSR_PKG_POWER_LIMIT 0x610 bits[14:0]. Some server parts count DRAM in a fixed 2^-16 J
 *       unit the unit register does not announce (the kernel keeps a model table for it); this
 *       meter uses the announced unit.</li>
 *   <li>AMD Family 17h+: unit 0xC0010299 (same layout), package 0xC001029B, core 0xC001029A.
 *       The core register counts one core, so the "core" zone sums one thread of every core.</li>
 * </ul>
 *
 * <p>Energy fields are the low 32 bits and wrap. A domain whose counter reads 0 at start is
 * treated as absent, as the kernel's RAPL driver does (PP1/DRAM exist but are unused on many
 * parts).
 */
public final class MsrEnergyMeter implements EnergyMeter {
    public static final long INTEL_RAPL_POWER_UNIT = 0x606;
    public static final long INTEL_PKG_POWER_LIMIT = 0x610;
    public static final long INTEL_PKG_ENERGY_STATUS = 0x611;
    public static final long INTEL_DRAM_ENERGY_STATUS = 0x619;
    public static final long INTEL_PP0_ENERGY_STATUS = 0x639;
    public static final long AMD_RAPL_POWER_UNIT = 0xC0010299L;
    public static final long AMD_CORE_ENERGY_STATUS = 0xC001029AL;
    public static final long AMD_PKG_ENERGY_STATUS = 0xC001029BL;

    private static final long WRAP_32 = 1L << 32;
    private static final int AMD_FAMILY_17H = 0x17;

    private final Path devCpu;
    private final long offsetStride;
    private final Map<Integer, FileChannel> channels = new TreeMap<>();
    private final ByteBuffer eight = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private final List<Zone> zones = new ArrayList<>();
    private final String vendor;
    private final double referenceWatts;
    private final String unavailableReason;
    private boolean devicesFound;

    /** A zone and the (cpu, register) pairs whose energy it sums. */
    private record Zone(PowerZone zone, int[] cpus, long register, long[] raw) {
    }

    public MsrEnergyMeter(SysfsRoot root) {
        this(root, 1);
    }

    /**
     * Test seam: register R is read at file offset {@code R * offsetStride}. The device uses 1.
     * Fake msr files (regular sparse files) use 8, because registers one apart (0x610/0x611,
     * AMD's 0xC0010299..0xC001029B) would overlap as 8-byte values at offset R in a plain file.
     */
    MsrEnergyMeter(SysfsRoot root, long offsetStride) {
        this.devCpu = root.resolve(SysfsRoot.DEV_CPU);
        this.offsetStride = offsetStride;
        CpuInfo info = CpuInfo.read(root.resolve("proc/cpuinfo"));
        this.vendor = info.vendor;
        String reason = null;
        double reference = Double.NaN;
        try {
            reference = discover(root, info);
            if (zones.isEmpty()) {
                reason = "RAPL MSRs present but every energy counter reads 0";
            }
        } catch (MsrUnavailable e) {
            reason = e.getMessage();
        }
        if (reason != null) {
            zones.clear();
            closeChannels();
            reference = Double.NaN;
        }
        this.unavailableReason = reason;
        this.referenceWatts = reference;
    }

    @Override
    public List<PowerZoneSample> read(long monotonicNanos) {
        if (zones.isEmpty()) {
            return List.of();
        }
        List<PowerZoneSample> out = new ArrayList<>(zones.size());
        for (Zone z : zones) {
            try {
                for (int i = 0; i < z.cpus.length; i++) {
                    z.raw[i] = readMsr(z.cpus[i], z.register) & 0xFFFF_FFFFL;
                }
                out.add(z.zone.update(z.raw, monotonicNanos));
            } catch (IOException e) {
                out.add(z.zone.unreadable());
            }
        }
        return out;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    @Override
    public double referenceWatts() {
        return referenceWatts;
    }

    @Override
    public String describe() {
        if (unavailableReason != null) {
            return "MSR RAPL unavailable: " + unavailableReason;
        }
        StringBuilder names = new StringBuilder();
        for (Zone z : zones) {
            names.append(names.length() == 0 ? "" : ", ").append(z.zone.name);
        }
        return "MSR RAPL (" + devCpu + ", " + vendor + "): " + names;
    }

    /** True when some /dev/cpu/N/msr exists, usable or not (EnergyMeters uses it to pick the reason). */
    boolean devicesFound() {
        return devicesFound;
    }

    @Override
    public void close() {
        closeChannels();
    }

    // ---- discovery --------------------------------------------------------------------------

    /** Finds packages and domains; returns the PL1 sum in watts (NaN if unknown). */
    private double discover(SysfsRoot root, CpuInfo info) throws MsrUnavailable {
        boolean intel = "GenuineIntel".equals(info.vendor);
        boolean amd = "AuthenticAMD".equals(info.vendor);
        if (!intel && !amd) {
            throw new MsrUnavailable("no RAPL MSRs for CPU vendor '" + info.vendor + "' ("
                    + root.resolve("proc/cpuinfo") + ")");
        }
        if (amd && info.family < AMD_FAMILY_17H) {
            throw new MsrUnavailable("AMD family 0x" + Integer.toHexString(info.family)
                    + " has no RAPL MSRs (Family 17h and later only)");
        }
        Map<Integer, List<int[]>> packages = topology(root); // package -> [cpu, core_id]
        devicesFound = !packages.isEmpty();
        if (packages.isEmpty()) {
            throw new MsrUnavailable("no CPUs with " + devCpu + "/N/msr (load the msr module: modprobe msr)");
        }
        double reference = 0;
        boolean referenceKnown = intel;
        for (Map.Entry<Integer, List<int[]>> pkg : packages.entrySet()) {
            int cpu = pkg.getValue().get(0)[0];
            long unitReg = mustRead(cpu, intel ? INTEL_RAPL_POWER_UNIT : AMD_RAPL_POWER_UNIT);
            double joulesPerCount = 1.0 / (1L << ((unitReg >> 8) & 0x1F));
            double limitWatts = Double.NaN;
            if (intel) {
                double wattsPerCount = 1.0 / (1L << (unitReg & 0xF));
                long pl1 = readOrZero(cpu, INTEL_PKG_POWER_LIMIT) & 0x7FFF;
                limitWatts = pl1 > 0 ? pl1 * wattsPerCount : Double.NaN;
                referenceKnown &= pl1 > 0;
                reference += pl1 > 0 ? limitWatts : 0;
            }
            String pkgName = "package-" + pkg.getKey();
            if (intel) {
                addIfCounting(pkgName, limitWatts, joulesPerCount, INTEL_PKG_ENERGY_STATUS, cpu);
                addIfCounting("core", limitWatts, joulesPerCount, INTEL_PP0_ENERGY_STATUS, cpu);
                addIfCounting("dram", limitWatts, joulesPerCount, INTEL_DRAM_ENERGY_STATUS, cpu);
            } else {
                addIfCounting(pkgName, limitWatts, joulesPerCount, AMD_PKG_ENERGY_STATUS, cpu);
                addIfCounting("core", limitWatts, joulesPerCount, AMD_CORE_ENERGY_STATUS, firstThreadPerCore(pkg.getValue()));
            }
        }
        return referenceKnown ? reference : Double.NaN;
    }

    private void addIfCounting(String name, double limitWatts, double joulesPerCount, long register, int... cpus)
            throws MsrUnavailable {
        long sum = 0;
        for (int cpu : cpus) {
            sum |= readOrZero(cpu, register) & 0xFFFF_FFFFL;
        }
        if (sum == 0) {
            return;
        }
        EnergyCounter[] counters = new EnergyCounter[cpus.length];
        for (int i = 0; i < cpus.length; i++) {
            counters[i] = new EnergyCounter(WRAP_32, joulesPerCount);
        }
        String where = "msr:cpu" + (cpus.length == 1 ? String.valueOf(cpus[0]) : cpus[0] + "+" + (cpus.length - 1))
                + ":0x" + Long.toHexString(register);
        zones.add(new Zone(new PowerZone(name, where, limitWatts, counters), cpus, register, new long[cpus.length]));
    }

    private static int[] firstThreadPerCore(List<int[]> cpusWithCore) {
        Map<Integer, Integer> byCore = new TreeMap<>();
        for (int[] c : cpusWithCore) {
            byCore.putIfAbsent(c[1], c[0]);
        }
        return byCore.values().stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Package id -> CPUs (ascending) with their core id, for CPUs that have an msr device file.
     * Without sysfs topology (containers) every CPU counts as package 0.
     */
    private Map<Integer, List<int[]>> topology(SysfsRoot root) {
        Map<Integer, List<int[]>> packages = new TreeMap<>();
        List<Integer> cpus = new ArrayList<>();
        if (Files.isDirectory(devCpu)) {
            try (Stream<Path> s = Files.list(devCpu)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                        .map(Integer::parseInt).sorted().forEach(cpus::add);
            } catch (IOException e) {
                return packages;
            }
        }
        for (int cpu : cpus) {
            if (!Files.exists(devCpu.resolve(cpu + "/msr"))) {
                continue;
            }
            Path topo = root.resolve(SysfsRoot.CPU + "/cpu" + cpu + "/topology");
            int pkg = (int) SysfsRoot.readLong(topo.resolve("physical_package_id"), 0);
            int core = (int) SysfsRoot.readLong(topo.resolve("core_id"), cpu);
            packages.computeIfAbsent(pkg, k -> new ArrayList<>()).add(new int[] {cpu, core});
        }
        return packages;
    }

    // ---- register access --------------------------------------------------------------------

    /** A register that must exist (the unit register): failures name the device and the reason. */
    private long mustRead(int cpu, long register) throws MsrUnavailable {
        try {
            return readMsr(cpu, register);
        } catch (NoSuchFileException e) {
            throw new MsrUnavailable(e.getFile() + " missing (load the msr module: modprobe msr)");
        } catch (AccessDeniedException e) {
            throw new MsrUnavailable(e.getFile() + ": permission denied (EACCES); MSR access needs root"
                    + " with CAP_SYS_RAWIO");
        } catch (IOException e) {
            throw new MsrUnavailable(devCpu.resolve(cpu + "/msr") + ": register 0x" + Long.toHexString(register)
                    + " not readable (" + e.getMessage() + "): no RAPL MSRs on this CPU");
        }
    }

    /** An optional register: 0 when the CPU does not implement it (the device answers EIO). */
    private long readOrZero(int cpu, long register) throws MsrUnavailable {
        try {
            return readMsr(cpu, register);
        } catch (NoSuchFileException | AccessDeniedException e) {
            return mustRead(cpu, register); // same device as the unit register: report it the same way
        } catch (IOException e) {
            return 0;
        }
    }

    private long readMsr(int cpu, long register) throws IOException {
        FileChannel ch = channels.get(cpu);
        if (ch == null) {
            ch = FileChannel.open(devCpu.resolve(cpu + "/msr"), StandardOpenOption.READ);
            channels.put(cpu, ch);
        }
        eight.clear();
        while (eight.hasRemaining()) {
            int n = ch.read(eight, register * offsetStride + eight.position());
            if (n <= 0) {
                throw new IOException("short read of register 0x" + Long.toHexString(register));
            }
        }
        return eight.getLong(0);
    }

    private void closeChannels() {
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do about a failed close of a device file
            }
        }
        channels.clear();
    }

    private static final class MsrUnavailable extends Exception {
        MsrUnavailable(String message) {
            super(message);
        }
    }

    /** The two facts of {@code /proc/cpuinfo} this meter needs. */
    record CpuInfo(String vendor, int family) {
        static CpuInfo read(Path cpuinfo) {
            String vendor = "unknown";
            int family = -1;
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    int colon = line.indexOf(':');
                    if (colon < 0) {
                        if (line.isBlank() && family >= 0) {
                            break; // first processor block is enough
                        }
                        continue;
                    }
                    String key = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    if (key.equals("vendor_id")) {
                        vendor = value;
                    } else if (key.equals("cpu family")) {
                        family = Integer.parseInt(value);
                    }
                }
            } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
                // unknown vendor: discovery reports it
            }
            return new CpuInfo(vendor, family);
        }
    }
}
