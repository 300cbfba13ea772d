package dev.flash.telemetry.rapl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.testing.FakeMsr;
import dev.flash.testing.FakePowercap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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

    /**
     * The real root, whatever this machine has: what the meter must do follows from what the
     * kernel shows (a readable powercap zone, zones only root may read, MSR devices, nothing).
     */
    @Test
    void thisMachineReadsEnergyOrSaysWhyNot() throws Exception {
        Path powercap = Path.of("/sys/class/powercap");
        List<Path> energyFiles = new ArrayList<>();
        if (Files.isDirectory(powercap)) {
            try (Stream<Path> zones = Files.list(powercap)) {
                zones.filter(z -> z.getFileName().toString().startsWith("intel-rapl:"))
                        .map(z -> z.resolve("energy_uj")).filter(Files::exists).forEach(energyFiles::add);
            }
        }
        boolean readableZone = energyFiles.stream().anyMatch(EnergyMetersTest::readable);
        boolean msrDevices;
        try (Stream<Path> cpus = Files.isDirectory(Path.of("/dev/cpu")) ? Files.list(Path.of("/dev/cpu")) : Stream.empty()) {
            msrDevices = cpus.anyMatch(c -> Files.exists(c.resolve("msr")));
        }
        try (EnergyMeter meter = EnergyMeters.detect(SysfsRoot.system())) {
            List<PowerZoneSample> zones = meter.read(System.nanoTime());
            if (readableZone) {
                assertInstanceOf(PowercapEnergyMeter.class, meter, "a readable zone: " + energyFiles);
                assertFalse(zones.isEmpty(), meter.describe());
            } else if (energyFiles.isEmpty() && !msrDevices) {
                assertEquals(EnergyMeters.NOTHING, meter.unavailableReason().orElseThrow(), meter.describe());
                assertTrue(zones.isEmpty());
            } else if (meter.unavailableReason().isPresent()) {
                // zones only root may read, or MSR devices that do not count: the reason names which
                String reason = meter.unavailableReason().get();
                assertTrue(energyFiles.isEmpty() ? reason.contains("msr") || reason.contains("MSR") || reason.contains("RAPL")
                        : reason.contains("energy_uj"), reason);
                assertTrue(zones.isEmpty());
            } else {
                assertInstanceOf(MsrEnergyMeter.class, meter, "no readable zone, so only the MSRs can count");
                assertFalse(zones.isEmpty(), meter.describe());
            }
        }
    }

    private static boolean readable(Path file) {
        try {
            Files.readString(file);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
