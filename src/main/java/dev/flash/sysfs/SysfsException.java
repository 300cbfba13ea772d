package dev.flash.sysfs;

import java.nio.file.Path;

/** A sysfs/procfs file could not be read or written; the message names it. */
public class SysfsException extends Exception {
    private final Path file;

    public SysfsException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
