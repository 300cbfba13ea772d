package dev.flash.bench.soak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsException;
import dev.flash.sysfs.SysfsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soak's fake kernel keeps the semantics the soak's verdicts rest on. */
class SoakKernelTest {
    @TempDir
    Path dir;

    private SoakKernel kernel() {
        return new SoakKernel(dir, 4, 2, 1_000_000, 3_000_000, 100_000);
    }

    private static void write(SoakKernel k, int policy, String file, String value) throws SysfsException {
        k.write(k.policyDir(policy).resolve(file), value);
    }

    @Test
    void limitsAreRequestsAsUnderFrequencyQos() throws Exception {
        SoakKernel k = kernel();
        write(k, 0, "scaling_min_freq", "2000000");
        write(k, 0, "scaling_max_freq", "1500000"); // below the min: the min follows, no EINVAL
        assertEquals(new SoakKernel.Settings("schedutil", 1_500_000, 1_500_000), k.settings(0));
        write(k, 0, "scaling_max_freq", "2500000"); // the min request comes back
        assertEquals(new SoakKernel.Settings("schedutil", 2_000_000, 2_500_000), k.settings(0));
        assertEquals(java.util.List.of(), k.limitViolations());
        write(k, 0, "scaling_max_freq", "9000000"); // clamped by the kernel, but flashd asked for it
        assertEquals(3_000_000, k.settings(0).maxKhz());
        assertEquals(1, k.limitViolations().size());
    }

    @Test
    void setspeedNeedsUserspaceAndSnapsUpToTheTable() throws Exception {
        SoakKernel k = kernel();
        assertThrows(SysfsException.class, () -> write(k, 0, "scaling_setspeed", "1500000"));
        write(k, 0, "scaling_governor", "userspace");
        write(k, 0, "scaling_setspeed", "1450001");
        assertEquals(1_500_000, k.curKhz(0));
        assertThrows(SysfsException.class, () -> write(k, 2, "scaling_governor", "userspace"),
                "intel_pstate active offers no userspace");
    }

    @Test
    void injectedFaultsFailOnceAndReplugBringsDefaults() throws Exception {
        SoakKernel k = kernel();
        k.failNextWrite(2, "scaling_max_freq", "EBUSY");
        SysfsException e = assertThrows(SysfsException.class, () -> write(k, 2, "scaling_max_freq", "2000000"));
        assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
        write(k, 2, "scaling_max_freq", "2000000");
        assertEquals(2_000_000, k.settings(2).maxKhz());

        k.unplug(2);
        assertFalse(k.present(2));
        assertFalse(Files.exists(k.policyDir(2)));
        assertArrayEquals(new int[] {0, 1}, SysfsRoot.readCpuList(dir.resolve(SysfsRoot.CPU + "/online")));
        assertThrows(SysfsException.class, () -> write(k, 2, "scaling_max_freq", "2000000"));
        k.replug(2);
        assertEquals(k.defaults(2), k.settings(2));
    }
}
