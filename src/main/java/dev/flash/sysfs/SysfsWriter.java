package dev.flash.sysfs;

import java.nio.file.Path;

/**
 * How a value reaches a sysfs file. The real machine (and a fake tree read by plain file code)
 * uses {@link #FILES}; tests plug in a writer that gives a fake tree the kernel's write
 * semantics (EINVAL, EBUSY, clamping), because this machine has no cpufreq to write to.
 */
@FunctionalInterface
public interface SysfsWriter {

    /** Writes the file in place, as the kernel expects; see {@link SysfsRoot#write}. */
    SysfsWriter FILES = SysfsRoot::write;

    /** Writes {@code value} to {@code file}; the exception names the file and the errno. */
    void write(Path file, String value) throws SysfsException;
}
