package dev.flash.telemetry.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.testing.FakeMsr;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MsrEnergyMeterTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private static PowerZoneSample zone(List<PowerZoneSample> samples, String name) {
        return samples.stream().filter(z -> z.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void intelUnitsPackagesAndWrap() {
        // two packages, two CPUs each
        FakeMsr msr = FakeMsr.create(dir, "GenuineIntel", 6, new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1});
        int esu = 14; // 1/2^14 J per count
        for (int cpu : new int[] {0, 2}) {
            msr.write(cpu, MsrEnergyMeter.INTEL_RAPL_POWER_UNIT, FakeMsr.unitRegister(esu, 3));
            msr.write(cpu, MsrEnergyMeter.INTEL_PKG_POWER_LIMIT, 800); // 800 * 1/8 W = 100 W PL1
            msr.write(cpu, MsrEnergyMeter.INTEL_PKG_ENERGY_STATUS, 0xFFFF_0000L); // near the 32-bit wrap
            msr.write(cpu, MsrEnergyMeter.INTEL_PP0_ENERGY_STATUS, 1000);
            // DRAM left at 0: unused domain, not reported
        }
        try (MsrEnergyMeter meter = new MsrEnergyMeter(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertTrue(meter.unavailableReason().isEmpty(), meter.describe());
            assertEquals(200.0, meter.referenceWatts(), 1e-9);
            assertEquals(List.of("package-0", "core", "package-1", "core"),
                    meter.read(0).stream().map(PowerZoneSample::name).toList());
            long counts = 30L << esu; // 30 J
            // high bits above 31 are status/reserved and must be ignored
            msr.write(0, MsrEnergyMeter.INTEL_PKG_ENERGY_STATUS, (0xABCDL << 32) | ((0xFFFF_0000L + counts) & 0xFFFF_FFFFL));
            PowerZoneSample pkg0 = zone(meter.read(SECOND), "package-0");
            assertEquals(30.0, pkg0.watts(), 1e-9);
            assertEquals(30.0, pkg0.joulesTotal(), 1e-9);
            assertTrue(meter.describe().contains("GenuineIntel"));
        }
    }

    /**
     * The meter as flashd builds it (stride 1: register R at file offset R, as the msr device
     * reads it), not through the test seam. In a plain file the power limit (0x610) and the
     * package counter (0x611) share a byte, so the values are chosen to agree on it: PL1 800
     * (0x0320) and counters whose low byte is 0x03.
     */
    @Test
    void theDevicesOwnOffsetsRegisterAtOffsetR() {
        FakeMsr msr = FakeMsr.create(dir, "GenuineIntel", 6, new int[] {0, 0}, new int[] {0, 1});
        int esu = 14;
        long start = 0x1234_5603L; // low byte 0x03, as PL1's second byte
        msr.writeAtDeviceOffset(0, MsrEnergyMeter.INTEL_RAPL_POWER_UNIT, FakeMsr.unitRegister(esu, 3));
        msr.writeAtDeviceOffset(0, MsrEnergyMeter.INTEL_PKG_POWER_LIMIT, 0x0320); // 800 * 1/8 W = 100 W
        msr.writeAtDeviceOffset(0, MsrEnergyMeter.INTEL_PKG_ENERGY_STATUS, start);
        msr.writeAtDeviceOffset(0, MsrEnergyMeter.INTEL_PP0_ENERGY_STATUS, 1000);
        try (MsrEnergyMeter meter = new MsrEnergyMeter(new SysfsRoot(dir))) {
            assertTrue(meter.unavailableReason().isEmpty(), meter.describe());
            assertEquals(100.0, meter.referenceWatts(), 1e-9, "PL1 read at offset 0x610");
            meter.read(0);
            long counts = 30L << esu; // 30 J, a multiple of 256: the shared byte stays 0x03
            msr.writeAtDeviceOffset(0, MsrEnergyMeter.INTEL_PKG_ENERGY_STATUS, start + counts);
            assertEquals(30.0, zone(meter.read(SECOND), "package-0").watts(), 1e-9, "counter read at offset 0x611");
        }
    }

    @Test
    void amdUnitsAndPerCoreSum() {
        // one package, 2 cores x 2 threads: CPUs 0,1 = core 0; CPUs 2,3 = core 1
        FakeMsr msr = FakeMsr.create(dir, "AuthenticAMD", 0x19, new int[] {0, 0, 0, 0}, new int[] {0, 0, 1, 1});
        int esu = 16;
        msr.write(0, MsrEnergyMeter.AMD_RAPL_POWER_UNIT, FakeMsr.unitRegister(esu, 3));
        msr.write(0, MsrEnergyMeter.AMD_PKG_ENERGY_STATUS, 5);
        msr.write(0, MsrEnergyMeter.AMD_CORE_ENERGY_STATUS, 7);
        msr.write(2, MsrEnergyMeter.AMD_CORE_ENERGY_STATUS, 9);
        try (MsrEnergyMeter meter = new MsrEnergyMeter(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertTrue(meter.unavailableReason().isEmpty(), meter.describe());
            assertTrue(Double.isNaN(meter.referenceWatts()), "AMD has no PL1 MSR");
            meter.read(0);
            msr.write(0, MsrEnergyMeter.AMD_PKG_ENERGY_STATUS, 5 + (40L << esu));
            msr.write(0, MsrEnergyMeter.AMD_CORE_ENERGY_STATUS, 7 + (10L << esu));
            msr.write(2, MsrEnergyMeter.AMD_CORE_ENERGY_STATUS, 9 + (6L << esu));
            msr.write(1, MsrEnergyMeter.AMD_CORE_ENERGY_STATUS, 1L << 31); // SMT sibling: same core, not summed
            List<PowerZoneSample> s = meter.read(2 * SECOND);
            assertEquals(20.0, zone(s, "package-0").watts(), 1e-9);
            assertEquals(8.0, zone(s, "core").watts(), 1e-9);
            assertEquals(16.0, zone(s, "core").joulesTotal(), 1e-9);
        }
    }

    @Test
    void oldAmdFamilyHasNoRaplMsrs() {
        FakeMsr.create(dir, "AuthenticAMD", 0x15, new int[] {0}, new int[] {0});
        try (MsrEnergyMeter meter = new MsrEnergyMeter(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertTrue(meter.unavailableReason().orElseThrow().contains("Family 17h"));
            assertTrue(meter.read(0).isEmpty());
        }
    }

    @Test
    void missingUnitRegisterMeansNoRapl() {
        // cpu0's msr file holds only register 0: reading 0x606 runs past the end, like EIO on the device
        FakeMsr.create(dir, "GenuineIntel", 6, new int[] {0}, new int[] {0});
        try (MsrEnergyMeter meter = new MsrEnergyMeter(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertTrue(meter.unavailableReason().orElseThrow().contains("0x606"), meter.describe());
        }
    }
}
