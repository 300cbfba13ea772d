package dev.flash.telemetry.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.testing.FakePowercap;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowercapEnergyMeterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long PL1_UW = 150_000_000L;

    @TempDir
    Path dir;

    private FakePowercap intel() {
        return FakePowercap.intelTwoPackages(dir, PL1_UW);
    }

    private static PowerZoneSample zone(List<PowerZoneSample> samples, String path) {
        return samples.stream().filter(z -> z.path().endsWith(path)).findFirst().orElseThrow();
    }

    @Test
    void discoversPackagesAndSubzonesAndSkipsMmioDuplicate() {
        intel();
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            List<PowerZoneSample> first = meter.read(0);
            assertEquals(List.of("package-0", "core", "uncore", "dram", "package-1", "core", "uncore", "dram"),
                    first.stream().map(PowerZoneSample::name).toList());
            assertFalse(first.stream().anyMatch(z -> z.path().contains("mmio")));
            assertTrue(first.stream().allMatch(z -> Double.isNaN(z.watts()) && z.joulesTotal() == 0),
                    "the first read only primes");
            assertEquals(2 * PL1_UW / 1e6, meter.referenceWatts(), 1e-9);
            assertTrue(meter.unavailableReason().isEmpty());
        }
    }

    @Test
    void wattsFromEnergyDeltaOverMonotonicTime() {
        FakePowercap fake = intel();
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            fake.setEnergy("intel-rapl:0", 1_000_000);
            meter.read(SECOND);
            fake.setEnergy("intel-rapl:0", 1_000_000 + 90_000_000); // 90 J over 2 s
            PowerZoneSample pkg = zone(meter.read(3 * SECOND), "intel-rapl:0");
            assertEquals(45.0, pkg.watts(), 1e-9);
            assertEquals(90.0, pkg.joulesTotal(), 1e-9);
        }
    }

    @Test
    void counterWrapUnfoldsWithMaxEnergyRange() {
        FakePowercap fake = intel();
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            fake.setEnergy("intel-rapl:1", FakePowercap.INTEL_MAX_RANGE_UJ - 30_000_000); // 30 J before the wrap
            meter.read(0);
            fake.setEnergy("intel-rapl:1", 20_000_000); // 20 J after it
            PowerZoneSample pkg = zone(meter.read(SECOND), "intel-rapl:1");
            assertEquals(50.0, pkg.watts(), 1e-6);
            assertEquals(50.0, pkg.joulesTotal(), 1e-6);
        }
    }

    @Test
    void resetIsRejectedAndJoulesDoNotJump() {
        FakePowercap fake = intel();
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            fake.setEnergy("intel-rapl:0:0", 500_000_000);
            meter.read(0);
            fake.setEnergy("intel-rapl:0:0", 510_000_000);
            PowerZoneSample before = zone(meter.read(SECOND), "intel-rapl:0:0");
            assertEquals(10.0, before.joulesTotal(), 1e-9);

            fake.setEnergy("intel-rapl:0:0", 2_000_000); // someone wrote 0, then 2 J accrued
            PowerZoneSample reset = zone(meter.read(2 * SECOND), "intel-rapl:0:0");
            assertTrue(Double.isNaN(reset.watts()), "a reset is not a wrap");
            assertEquals(before.joulesTotal(), reset.joulesTotal(), 1e-9);

            fake.setEnergy("intel-rapl:0:0", 14_000_000); // counting resumes from the new base
            PowerZoneSample after = zone(meter.read(3 * SECOND), "intel-rapl:0:0");
            assertEquals(12.0, after.watts(), 1e-9);
            assertEquals(22.0, after.joulesTotal(), 1e-9);
        }
    }

    @Test
    void aValueTheCounterCannotHoldIsNoReading() throws Exception {
        // found by PowercapFuzzTest: 24 digits wrapped a long negative, and the "wrap" gave -3e12 W
        FakePowercap fake = intel();
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            fake.setEnergy("intel-rapl:0", 2);
            meter.read(0);
            java.nio.file.Files.writeString(dir.resolve("sys/class/powercap/intel-rapl:0/energy_uj"),
                    "262143328850262143328850\n");
            PowerZoneSample pkg = zone(meter.read(SECOND), "intel-rapl:0");
            assertTrue(Double.isNaN(pkg.watts()), "no power from a number out of range: " + pkg.watts());
            fake.setEnergy("intel-rapl:0", FakePowercap.INTEL_MAX_RANGE_UJ + 1); // above the wrap point
            assertTrue(Double.isNaN(zone(meter.read(2 * SECOND), "intel-rapl:0").watts()));
            fake.setEnergy("intel-rapl:0", 10_000_000);
            meter.read(3 * SECOND);
            fake.setEnergy("intel-rapl:0", 60_000_000);
            assertEquals(50.0, zone(meter.read(4 * SECOND), "intel-rapl:0").watts(), 1e-9, "back once sane");
        }
    }

    @Test
    void implausibleJumpIsRejected() {
        FakePowercap fake = intel();
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            meter.read(0);
            double bound = 4 * PL1_UW / 1e6;
            long jumpUj = (long) ((bound + 1) * 1e6); // more than 4x PL1 over one second
            fake.setEnergy("intel-rapl:0", jumpUj);
            PowerZoneSample pkg = zone(meter.read(SECOND), "intel-rapl:0");
            assertTrue(Double.isNaN(pkg.watts()));
            assertEquals(0.0, pkg.joulesTotal());
            // the same counter moving at a believable rate afterwards is accepted again
            fake.setEnergy("intel-rapl:0", jumpUj + 100_000_000);
            assertEquals(100.0, zone(meter.read(2 * SECOND), "intel-rapl:0").watts(), 1e-9);
        }
    }

    @Test
    void amdHasFewerZonesAndNoReference() {
        FakePowercap fake = FakePowercap.amdOnePackage(dir);
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            assertEquals(List.of("package-0", "core"), meter.read(0).stream().map(PowerZoneSample::name).toList());
            assertTrue(Double.isNaN(meter.referenceWatts()));
            fake.setEnergy("intel-rapl:0", 4_294_967_295L); // 4294 J in one tick: above the absolute bound
            assertTrue(Double.isNaN(zone(meter.read(SECOND), "intel-rapl:0").watts()));
        }
    }

    @Test
    void eaccesOnEnergyIsReportedPlainly() {
        intel();
        // Simulated EACCES: we run as root, which file modes do not stop (see FakePowercap).
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir), FakePowercap.deniedEnergyReads())) {
            String reason = meter.unavailableReason().orElseThrow();
            assertTrue(reason.contains("EACCES"), reason);
            assertTrue(reason.contains("CVE-2020-8694"), reason);
            assertTrue(reason.contains("energy_uj"), reason);
            assertTrue(meter.read(0).isEmpty());
            assertTrue(Double.isNaN(meter.referenceWatts()));
            assertTrue(meter.zonesFound());
        }
    }

    @Test
    void noPowercapDirectoryIsUnavailable() {
        try (PowercapEnergyMeter meter = new PowercapEnergyMeter(new SysfsRoot(dir))) {
            assertTrue(meter.unavailableReason().orElseThrow().contains("no powercap RAPL zones"));
            assertFalse(meter.zonesFound());
        }
    }
}
