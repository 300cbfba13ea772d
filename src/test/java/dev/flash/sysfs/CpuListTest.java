package dev.flash.sysfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The kernel's CPU list format ({@code online}, {@code affected_cpus}) as SysfsRoot parses it. */
class CpuListTest {

    @Test
    void readsTheKernelsForms() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 10, 11}, SysfsRoot.parseCpuList("0-3,8,10-11\n"));
        assertArrayEquals(new int[] {0, 1, 2, 3}, SysfsRoot.parseCpuList("0 1 2 3"));
        assertArrayEquals(new int[] {5}, SysfsRoot.parseCpuList("5"));
        assertArrayEquals(new int[] {1, 2, 3}, SysfsRoot.parseCpuList("3,1-2,2"), "sorted, once each");
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList(" "));
    }

    @Test
    void aRangeTooLargeForAnyKernelIsMalformedNotAllocated() {
        // found by CpufreqFuzzTest in long mode: each of these ran a 2 GB heap out (the last one
        // never ended: the counter wrapped past Integer.MAX_VALUE)
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList("0-2000000000"));
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList("2147483647-2147483647"));
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList("0-1," + SysfsRoot.MAX_CPUS));
        int last = SysfsRoot.MAX_CPUS - 1;
        assertEquals(SysfsRoot.MAX_CPUS, SysfsRoot.parseCpuList("0-" + last).length, "the largest list the limit allows");
    }

    @Test
    void negativeOrBackwardsIsMalformed() {
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList("-1"));
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList("0-1,3-2"));
        assertArrayEquals(new int[0], SysfsRoot.parseCpuList("0-x"));
    }
}
