package dev.flash.telemetry.perf;

/** perf_event_open or an operation on its file descriptor failed; the message says why in words. */
public class PerfException extends Exception {
    private final int errno;

    public PerfException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** The kernel's errno (0 when the failure did not come from a syscall). */
    public int errno() {
        return errno;
    }

    /** The event does not exist here (no hardware PMU, typical in VMs): retrying will not help. */
    public boolean isUnsupported() {
        return errno == PerfEventOpen.ENOENT || errno == PerfEventOpen.EOPNOTSUPP;
    }

    public boolean isPermission() {
        return errno == PerfEventOpen.EACCES || errno == PerfEventOpen.EPERM;
    }
}
