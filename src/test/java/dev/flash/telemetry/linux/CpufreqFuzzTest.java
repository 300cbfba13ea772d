package dev.flash.telemetry.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.TelemetryException;
import dev.flash.testing.FakeSysfs;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the cpufreq reader: any content in any of a policy's files (or in the CPU lists) gives
 * policies or a {@link TelemetryException}, nothing else.
 */
@AddLifecycleHook(FuzzReport.class)
class CpufreqFuzzTest {
    static final List<String> FILES = List.of("scaling_cur_freq", "cpuinfo_cur_freq", "scaling_min_freq",
            "scaling_max_freq", "cpuinfo_min_freq", "cpuinfo_max_freq", "scaling_governor",
            "scaling_available_governors", "scaling_available_frequencies", "scaling_driver", "affected_cpus",
            "related_cpus", "scaling_setspeed", "bios_limit");
    private static final FakeSysfs TREE = FakeSysfs.acpiCpufreq(FuzzDirs.fresh("cpufreq"), 4, 2);

    @Provide
    Arbitrary<String> files() {
        return Arbitraries.of(FILES);
    }

    @Provide
    Arbitrary<String> values() {
        return Mutations.of(TREE.read(0, "scaling_available_frequencies"));
    }

    @Property
    void readerGivesPoliciesOrATelemetryException(@ForAll("files") String file, @ForAll("values") String value,
            @ForAll("values") String cpuList) throws Exception {
        String was = TREE.read(2, file);
        String online = SysfsRoot.readLine(TREE.cpuDir().resolve("online")).orElse("");
        Mutations.write(TREE.policyDir(2).resolve(file), value + "\n");
        try (CpufreqReader reader = new CpufreqReader(TREE.sysfs(), 1)) {
            reader.read();
            Mutations.write(TREE.cpuDir().resolve("online"), cpuList);
            reader.read();
            int[] cpus = SysfsRoot.parseCpuList(cpuList);
            assertTrue(cpus.length <= SysfsRoot.MAX_CPUS, cpus.length + " CPUs");
            FuzzReport.ok();
        } catch (TelemetryException expected) {
            FuzzReport.named(expected); // the reader could not make sense of the tree
        } finally {
            TREE.set(2, file, was);
            Mutations.write(TREE.cpuDir().resolve("online"), online + "\n");
        }
    }
}
