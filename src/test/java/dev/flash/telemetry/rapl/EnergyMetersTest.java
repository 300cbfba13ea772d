package dev.flash.telemetry.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.testing.FakeMsr;
import dev.flash.testing.FakePowercap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnergyMetersTest {
    @TempDir
    Path dir;

    private void workingIntelMsr() {
        FakeMsr msr = FakeMsr.create(dir, "GenuineIntel", 6, new int[] {0}, new int[] {0});
        msr.write(0, MsrEnergyMeter.INTEL_RAPL_POWER_UNIT, FakeMsr.unitRegister(14, 3));
        msr.write(0, MsrEnergyMeter.INTEL_PKG_ENERGY_STATUS, 12345);
    }

    @Test
    void powercapWinsOverMsr() {
        FakePowercap.intelTwoPackages(dir, 100_000_000L);
        workingIntelMsr();
        try (EnergyMeter meter = EnergyMeters.detect(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertInstanceOf(PowercapEnergyMeter.class, meter);
        }
    }

    @Test
    void msrWhenNoPowercap() {
        workingIntelMsr();
        try (EnergyMeter meter = EnergyMeters.detect(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertInstanceOf(MsrEnergyMeter.class, meter);
            assertEquals(1, meter.read(0).size());
        }
    }

    @Test
    void neitherGivesNoneWithReason() {
        try (EnergyMeter meter = EnergyMeters.detect(new SysfsRoot(dir), FakeMsr.STRIDE)) {
            assertEquals(EnergyMeters.NOTHING, meter.unavailableReason().orElseThrow());
            assertTrue(meter.read(0).isEmpty());
            assertTrue(Double.isNaN(meter.referenceWatts()));
        }
    }

    @Test
    void thisMachineSaysWhyEnergyIsMissingOrReadsIt() {
        // The real root: on the development VMs there is neither powercap nor msr.
        try (EnergyMeter meter = EnergyMeters.detect(SysfsRoot.system())) {
            assertTrue(meter.unavailableReason().isPresent() || !meter.read(System.nanoTime()).isEmpty(),
                    meter.describe());
        }
    }
}
