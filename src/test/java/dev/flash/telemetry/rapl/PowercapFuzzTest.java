package dev.flash.telemetry.rapl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import dev.flash.testing.FakePowercap;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the powercap meter: any content in a zone's files gives samples (power never negative
 * or infinite) or a zone marked unavailable, never an exception.
 */
@AddLifecycleHook(FuzzReport.class)
class PowercapFuzzTest {
    private static final Path ROOT = FuzzDirs.fresh("powercap");
    private static final FakePowercap TREE = FakePowercap.intelTwoPackages(ROOT, 65_000_000);
    private static final Path ZONE = ROOT.resolve("sys/class/powercap/intel-rapl:0");

    @Provide
    Arbitrary<String> files() {
        return Arbitraries.of("energy_uj", "max_energy_range_uj", "constraint_0_power_limit_uw", "name");
    }

    @Provide
    Arbitrary<String> values() {
        return Mutations.of("262143328850");
    }

    @Property
    void meterGivesSamplesOrUnavailable(@ForAll("files") String file, @ForAll("values") String first,
            @ForAll("values") String second) throws Exception {
        Path f = ZONE.resolve(file);
        String was = Files.readString(f);
        PowercapEnergyMeter meter = null;
        try {
            Mutations.write(f, first);
            meter = new PowercapEnergyMeter(new SysfsRoot(ROOT));
            meter.read(1_000_000_000L);
            Mutations.write(f, second);
            List<PowerZoneSample> zones = meter.read(2_000_000_000L);
            FuzzReport.count(zones.stream().allMatch(z -> Double.isNaN(z.watts())) ? "no watts" : "ok");
            for (PowerZoneSample z : zones) {
                assertTrue(Double.isNaN(z.watts()) || (z.watts() >= 0 && Double.isFinite(z.watts())),
                        z.name() + " " + z.watts() + " W");
            }
            meter.referenceWatts();
        } finally {
            if (meter != null) {
                meter.close();
            }
            Mutations.write(f, was);
            TREE.root();
        }
    }
}
