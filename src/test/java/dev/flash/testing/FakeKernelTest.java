package dev.flash.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.sysfs.SysfsException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake kernel copies what current kernels do with cpufreq writes
 * (docs: admin-guide/pm/cpufreq.rst; drivers/cpufreq/cpufreq.c, include/linux/cpufreq.h), so a
 * test that passes against it means something on a real node.
 */
class FakeKernelTest {
    @TempDir
    Path tmp;

    private static void write(FakeKernel kernel, FakeSysfs tree, int policy, String file, long value)
            throws SysfsException {
        kernel.write(tree.policyDir(policy).resolve(file), Long.toString(value));
    }

    @Test
    void aMaxBelowTheMinPullsTheMinDownAndTheMinRequestComesBack() throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeSysfs tree = FakeSysfs.intelPstateActive(tmp, 1);
        write(kernel, tree, 0, "scaling_min_freq", 2_000_000);
        write(kernel, tree, 0, "scaling_max_freq", 1_200_000); // below the min: clamped, not EINVAL
        assertEquals("1200000", tree.read(0, "scaling_max_freq"));
        assertEquals("1200000", tree.read(0, "scaling_min_freq"), "the effective min never exceeds the max");
        write(kernel, tree, 0, "scaling_max_freq", 3_000_000);
        assertEquals("2000000", tree.read(0, "scaling_min_freq"), "the min request was kept");
    }

    @Test
    void aMinAboveTheMaxReadsBackTheMax() throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeSysfs tree = FakeSysfs.intelPstateActive(tmp, 1);
        write(kernel, tree, 0, "scaling_max_freq", 1_500_000);
        write(kernel, tree, 0, "scaling_min_freq", 2_500_000);
        assertEquals("1500000", tree.read(0, "scaling_min_freq"));
        write(kernel, tree, 0, "scaling_max_freq", 4_000_000);
        assertEquals("2500000", tree.read(0, "scaling_min_freq"));
    }

    @Test
    void aMinWrittenByAnotherToolReplacesTheRememberedRequest() throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeSysfs tree = FakeSysfs.intelPstateActive(tmp, 1);
        write(kernel, tree, 0, "scaling_min_freq", 2_000_000);
        write(kernel, tree, 0, "scaling_max_freq", 1_000_000);
        tree.set(0, "scaling_min_freq", "900000"); // through no kernel: a fresh request
        write(kernel, tree, 0, "scaling_max_freq", 4_000_000);
        assertEquals("900000", tree.read(0, "scaling_min_freq"));
    }

    @Test
    void olderKernelsRejectCrossedLimits() throws Exception {
        FakeKernel kernel = FakeKernel.beforeFreqQos();
        FakeSysfs tree = FakeSysfs.intelPstateActive(tmp, 1);
        write(kernel, tree, 0, "scaling_min_freq", 2_000_000);
        SysfsException e = assertThrows(SysfsException.class,
                () -> write(kernel, tree, 0, "scaling_max_freq", 1_500_000));
        assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        assertEquals("4000000", tree.read(0, "scaling_max_freq"), "nothing changed by the rejected write");
        assertEquals("2000000", tree.read(0, "scaling_min_freq"));
    }

    @Test
    void anInactivePolicyIsBusy() throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeSysfs tree = FakeSysfs.acpiCpufreq(tmp, 4, 2);
        tree.offlineCpu(2);
        write(kernel, tree, 2, "scaling_max_freq", 2_000_000); // cpu3 still online: active
        tree.offlineCpu(3);
        SysfsException e = assertThrows(SysfsException.class,
                () -> write(kernel, tree, 2, "scaling_max_freq", 1_000_000));
        assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());
        assertEquals("2000000", tree.read(2, "scaling_max_freq"));
        tree.onlineCpu(3);
        write(kernel, tree, 2, "scaling_max_freq", 1_000_000);
        assertEquals("1000000", tree.read(2, "scaling_max_freq"));
    }

    @Test
    void aRepluggedPolicyComesBackWithTheKernelsDefaults() throws Exception {
        FakeKernel kernel = new FakeKernel();
        FakeSysfs tree = FakeSysfs.intelCpufreqPassive(tmp, 2);
        var defaults = tree.settingsSnapshot();
        kernel.write(tree.policyDir(1).resolve("scaling_governor"), "userspace");
        write(kernel, tree, 1, "scaling_setspeed", 1_600_000);
        write(kernel, tree, 1, "scaling_min_freq", 3_000_000);
        write(kernel, tree, 1, "scaling_max_freq", 1_000_000);
        tree.unplugPolicy(1);
        tree.replugPolicy(1);
        assertEquals(defaults, tree.settingsSnapshot(), "not the values written before the unplug");
        write(kernel, tree, 1, "scaling_max_freq", 3_500_000);
        assertEquals("800000", tree.read(1, "scaling_min_freq"), "no min request survives the replug");
    }
}
