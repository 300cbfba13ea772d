package dev.flash.testing;

import dev.flash.telemetry.rapl.EnergyCounterReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a powercap tree the way the kernel lays it out: zone directories live under
 * {@code sys/devices/virtual/powercap/intel-rapl/} (subzones nested in their package), and
 * {@code sys/class/powercap/} holds symlinks to every zone, subzones included. The control-type
 * directory {@code intel-rapl} and an {@code intel-rapl-mmio:0} duplicate of package 0 are there
 * too, as on recent Intel client and server kernels.
 */
public final class FakePowercap {
    /** A common real {@code max_energy_range_uj} (about 262 kJ). */
    public static final long INTEL_MAX_RANGE_UJ = 262_143_328_850L;

    private final Path root;

    private FakePowercap(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * Two Intel packages, each with core, uncore and dram subzones; PL1 (constraint_0, long_term)
     * on the packages only, plus the MMIO duplicate of package 0.
     */
    public static FakePowercap intelTwoPackages(Path root, long pl1MicroWatts) {
        FakePowercap fake = new FakePowercap(root);
        fake.controlType("intel-rapl");
        for (int pkg = 0; pkg < 2; pkg++) {
            String zone = "intel-rapl:" + pkg;
            Path dir = fake.zone("intel-rapl", null, zone, "package-" + pkg, INTEL_MAX_RANGE_UJ);
            fake.constraints(dir, pl1MicroWatts);
            String[] subs = {"core", "uncore", "dram"};
            for (int m = 0; m < subs.length; m++) {
                fake.zone("intel-rapl", zone, zone + ":" + m, subs[m], INTEL_MAX_RANGE_UJ);
            }
        }
        fake.controlType("intel-rapl-mmio");
        Path mmio = fake.zone("intel-rapl-mmio", null, "intel-rapl-mmio:0", "package-0", INTEL_MAX_RANGE_UJ);
        fake.constraints(mmio, pl1MicroWatts);
        return fake;
    }

    /**
     * AMD Family 17h/19h through the same driver: one package with a core subzone, no power
     * limits (the kernel exposes no constraints for AMD RAPL), a 32-bit microjoule range.
     */
    public static FakePowercap amdOnePackage(Path root) {
        FakePowercap fake = new FakePowercap(root);
        fake.controlType("intel-rapl");
        fake.zone("intel-rapl", null, "intel-rapl:0", "package-0", 4_294_967_295L);
        fake.zone("intel-rapl", "intel-rapl:0", "intel-rapl:0:0", "core", 4_294_967_295L);
        return fake;
    }

    /** Sets a zone's counter, e.g. {@code setEnergy("intel-rapl:0:2", 5_000_000)}. */
    public void setEnergy(String zone, long microjoules) {
        write(root.resolve("sys/class/powercap").resolve(zone).resolve("energy_uj"), Long.toString(microjoules));
    }

    /**
     * A reader that fails every {@code energy_uj} with EACCES, as a non-root reader sees since
     * Linux 5.10 (CVE-2020-8694). Simulated: the tests run as root, and root is not stopped by
     * the file's 0400 mode, so chmod cannot reproduce it.
     */
    public static EnergyCounterReader deniedEnergyReads() {
        return file -> {
            if (file.getFileName().toString().equals("energy_uj")) {
                throw new AccessDeniedException(file.toString(), null, "Permission denied");
            }
            return EnergyCounterReader.keptOpen().read(file);
        };
    }

    // ---- building blocks --------------------------------------------------------------------

    private Path devices(String controlType) {
        return root.resolve("sys/devices/virtual/powercap").resolve(controlType);
    }

    private void controlType(String name) {
        Path dir = devices(name);
        write(dir.resolve("enabled"), "1");
        link(name, dir);
    }

    private Path zone(String controlType, String parent, String zone, String name, long maxRangeUj) {
        Path base = parent == null ? devices(controlType) : devices(controlType).resolve(parent);
        Path dir = base.resolve(zone);
        write(dir.resolve("name"), name);
        write(dir.resolve("energy_uj"), "0");
        write(dir.resolve("max_energy_range_uj"), Long.toString(maxRangeUj));
        write(dir.resolve("enabled"), "1");
        link(zone, dir);
        return dir;
    }

    private void constraints(Path dir, long pl1MicroWatts) {
        write(dir.resolve("constraint_0_name"), "long_term");
        write(dir.resolve("constraint_0_power_limit_uw"), Long.toString(pl1MicroWatts));
        write(dir.resolve("constraint_0_time_window_us"), "27983872");
        write(dir.resolve("constraint_1_name"), "short_term");
        write(dir.resolve("constraint_1_power_limit_uw"), Long.toString(pl1MicroWatts * 5 / 4));
        write(dir.resolve("constraint_1_time_window_us"), "2440");
    }

    private void link(String name, Path target) {
        try {
            Path cls = root.resolve("sys/class/powercap");
            Files.createDirectories(cls);
            Files.createSymbolicLink(cls.resolve(name), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String value) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n"); // same inode: kept-open channels see the change
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
