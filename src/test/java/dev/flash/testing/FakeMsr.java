package dev.flash.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Builds {@code /dev/cpu/N/msr} files plus the {@code /proc/cpuinfo} and sysfs topology the MSR
 * meter reads. Each msr file is a sparse regular file holding 8 little-endian bytes per
 * register; the meter's real positional-read path reads them. The device reads register R at
 * offset R, but in a plain file registers one apart (0x610/0x611, AMD's 0xC0010299..0xC001029B)
 * would overwrite each other, so the fake puts register R at offset {@code R * STRIDE} and the
 * meter is built with the same stride (its package-private test seam).
 */
public final class FakeMsr {
    /** Offset stride of the fake files; the device's is 1. */
    public static final long STRIDE = 8;

    private final Path root;

    private FakeMsr(Path root) {
        this.root = root;
    }

    /**
     * @param packageOfCpu physical package id per CPU number
     * @param coreOfCpu    core id per CPU number (SMT siblings share one)
     */
    public static FakeMsr create(Path root, String vendor, int family, int[] packageOfCpu, int[] coreOfCpu) {
        FakeMsr fake = new FakeMsr(root);
        StringBuilder cpuinfo = new StringBuilder();
        for (int cpu = 0; cpu < packageOfCpu.length; cpu++) {
            cpuinfo.append("processor\t: ").append(cpu).append('\n')
                    .append("vendor_id\t: ").append(vendor).append('\n')
                    .append("cpu family\t: ").append(family).append('\n')
                    .append("model\t\t: 1\n")
                    .append("physical id\t: ").append(packageOfCpu[cpu]).append('\n')
                    .append("core id\t\t: ").append(coreOfCpu[cpu]).append("\n\n");
            Path topo = root.resolve("sys/devices/system/cpu/cpu" + cpu + "/topology");
            FakePowercap.write(topo.resolve("physical_package_id"), Integer.toString(packageOfCpu[cpu]));
            FakePowercap.write(topo.resolve("core_id"), Integer.toString(coreOfCpu[cpu]));
            fake.write(cpu, 0, 0); // creates the device file
        }
        FakePowercap.write(root.resolve("proc/cpuinfo"), cpuinfo.toString().trim());
        return fake;
    }

    /** Writes one register of one CPU (at offset {@code register * STRIDE}). */
    public void write(int cpu, long register, long value) {
        writeAt(cpu, register * STRIDE, value);
    }

    /**
     * Writes one register of one CPU where the device has it, at offset {@code register} (stride
     * 1): 8 bytes from there, so a write to R also sets the low bytes of R + 1 .. R + 7 as a plain
     * file holds them. For tests of the meter's real offsets that choose registers and values
     * whose overlapping bytes agree.
     */
    public void writeAtDeviceOffset(int cpu, long register, long value) {
        writeAt(cpu, register, value);
    }

    private void writeAt(int cpu, long offset, long value) {
        Path file = root.resolve("dev/cpu/" + cpu + "/msr");
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.SPARSE)) {
                ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
                ch.write(b, offset);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The RAPL unit register value with the given energy status unit (bits 12:8) and power unit (bits 3:0). */
    public static long unitRegister(int energyStatusUnitBits, int powerUnitBits) {
        return ((long) energyStatusUnitBits << 8) | powerUnitBits | (0xAL << 16);
    }
}
