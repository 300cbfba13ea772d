package dev.flash.telemetry.perf;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import dev.flash.sysfs.SysfsRoot;
import java.util.List;

/**
 * {@code perf_event_open(2)} through JNA: the syscall (glibc has no wrapper), the ioctls that
 * start and stop counting, and reads with the multiplexing times.
 *
 * <p>Events are always opened as a group (leader first, {@code PERF_FORMAT_GROUP}) with
 * {@code TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING}: one read per CPU returns every counter plus
 * the time the group was enabled and actually on the PMU, so a multiplexed group can be scaled,
 * and ratios such as IPC come from the same time slices.
 */
public final class PerfEventOpen {
    // event types and configs (include/uapi/linux/perf_event.h)
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;
    public static final long HW_CPU_CYCLES = 0;
    public static final long HW_INSTRUCTIONS = 1;
    public static final long HW_CACHE_REFERENCES = 2;
    public static final long HW_CACHE_MISSES = 3;
    public static final long SW_CPU_CLOCK = 0;
    public static final long SW_TASK_CLOCK = 1;
    public static final long SW_CONTEXT_SWITCHES = 3;

    static final long FORMAT_TOTAL_TIME_ENABLED = 1;
    static final long FORMAT_TOTAL_TIME_RUNNING = 2;
    static final long FORMAT_GROUP = 8;
    static final long FLAG_FD_CLOEXEC = 8;
    /** {@code _IO('$', n)}: 0x2400 + n. */
    static final long IOC_ENABLE = 0x2400;
    static final long IOC_DISABLE = 0x2401;
    static final long IOC_RESET = 0x2403;
    static final long IOC_FLAG_GROUP = 1;
    /** attr.flags bit 0: start disabled, so enable starts the whole group at once. */
    static final long ATTR_DISABLED = 1;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int E2BIG = 7;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;

    /** An event to count: perf type, config, and the name used in messages. */
    public record Event(String name, int type, long config) {
        public static Event hardware(String name, long config) {
            return new Event(name, TYPE_HARDWARE, config);
        }

        public static Event software(String name, long config) {
            return new Event(name, TYPE_SOFTWARE, config);
        }
    }

    private PerfEventOpen() {
    }

    /**
     * {@code struct perf_event_attr} exactly as the kernel lays it out (PERF_ATTR_SIZE_VER8, 136
     * bytes; an older kernel accepts it as long as the fields it does not know are zero). Unions
     * appear as their first member; the bit fields ({@code disabled}, {@code inherit}, ...)
     * share one u64, {@link #flags}.
     */
    @Structure.FieldOrder({"type", "size", "config", "samplePeriod", "sampleType", "readFormat", "flags",
            "wakeupEvents", "bpType", "config1", "config2", "branchSampleType", "sampleRegsUser",
            "sampleStackUser", "clockid", "sampleRegsIntr", "auxWatermark", "sampleMaxStack", "reserved2",
            "auxSampleSize", "reserved3", "sigData", "config3"})
    public static final class Attr extends Structure {
        public int type;
        public int size;
        public long config;
        public long samplePeriod;
        public long sampleType;
        public long readFormat;
        public long flags;
        public int wakeupEvents;
        public int bpType;
        public long config1;
        public long config2;
        public long branchSampleType;
        public long sampleRegsUser;
        public int sampleStackUser;
        public int clockid;
        public long sampleRegsIntr;
        public int auxWatermark;
        public short sampleMaxStack;
        public short reserved2;
        public int auxSampleSize;
        public int reserved3;
        public long sigData;
        public long config3;

        public Attr() {
            super(ALIGN_DEFAULT);
        }

        /** Byte offset of a field, for the layout test against the kernel header. */
        int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    /** libc's variadic entry points: interface mapping, which passes varargs correctly. */
    interface LibC extends Library {
        long syscall(long number, Object... args) throws LastErrorException;

        int ioctl(int fd, long request, Object... args) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** The per-tick read: direct mapping, the cheapest JNA call. */
    static final class Direct {
        static {
            Native.register("c");
        }

        private Direct() {
        }

        static native long read(int fd, Pointer buffer, long count) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    /** The syscall number for this architecture; -1 where unknown. */
    public static long syscallNumber() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> 298;
            case "aarch64", "arm64" -> 241;
            default -> -1;
        };
    }

    /**
     * Opens {@code events} as one group, started disabled; call {@link PerfGroup#enable()}.
     *
     * @param pid 0 = the calling process, -1 = every process (with {@code cpu >= 0}: system-wide)
     * @param cpu -1 = any CPU the process runs on, N = only CPU N
     * @throws PerfException with a plain reason; already opened members are closed
     */
    public static PerfGroup openGroup(int pid, int cpu, List<Event> events) throws PerfException {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events");
        }
        long nr = syscallNumber();
        if (nr < 0 || !"Linux".equals(System.getProperty("os.name"))) {
            throw new PerfException(ENOSYS, "perf_event_open: not available on " + System.getProperty("os.name")
                    + "/" + System.getProperty("os.arch"));
        }
        int[] fds = new int[events.size()];
        int opened = 0;
        try {
            for (Event e : events) {
                Attr attr = new Attr();
                attr.type = e.type();
                attr.size = attr.size();
                attr.config = e.config();
                attr.readFormat = FORMAT_GROUP | FORMAT_TOTAL_TIME_ENABLED | FORMAT_TOTAL_TIME_RUNNING;
                attr.flags = opened == 0 ? ATTR_DISABLED : 0; // members follow their leader
                attr.write();
                long groupFd = opened == 0 ? -1 : fds[0];
                try {
                    fds[opened] = (int) Holder.LIBC.syscall(nr, attr.getPointer(), (long) pid, (long) cpu, groupFd,
                            FLAG_FD_CLOEXEC);
                } catch (LastErrorException ex) {
                    throw new PerfException(ex.getErrorCode(), describeOpenError(ex.getErrorCode(), e, pid, cpu));
                }
                opened++;
            }
        } catch (PerfException | RuntimeException ex) {
            for (int i = 0; i < opened; i++) {
                closeQuietly(fds[i]);
            }
            throw ex;
        }
        return new PerfGroup(fds, events);
    }

    /** The errno of a failed open in words, with the fix where there is one. */
    static String describeOpenError(int errno, Event event, int pid, int cpu) {
        String what = "perf_event_open(" + event.name() + ", pid=" + pid + ", cpu=" + cpu + "): ";
        return what + switch (errno) {
            case ENOENT, EOPNOTSUPP -> "not supported (no hardware PMU, typical in VMs)";
            case EACCES, EPERM -> "permission denied (errno " + errno + "): system-wide counting needs root,"
                    + " CAP_PERFMON, or kernel.perf_event_paranoid <= 0 (now " + paranoid() + ")";
            case ENODEV -> "CPU " + cpu + " is offline or does not exist, or has no such PMU";
            case EMFILE -> "too many open files: raise the file descriptor limit (one fd per event per CPU)";
            case E2BIG, EINVAL -> "the kernel rejected the event attributes (errno " + errno + ")";
            case EBUSY -> "the PMU is held exclusively by another user";
            case ENOSYS -> "perf events are not compiled into this kernel";
            default -> "failed with errno " + errno;
        };
    }

    private static String paranoid() {
        return SysfsRoot.readLine(SysfsRoot.system().resolve("proc/sys/kernel/perf_event_paranoid")).orElse("unknown");
    }

    static void ioctl(int fd, long request, long arg) throws PerfException {
        try {
            Holder.LIBC.ioctl(fd, request, arg);
        } catch (LastErrorException e) {
            throw new PerfException(e.getErrorCode(), "perf ioctl 0x" + Long.toHexString(request) + " on fd " + fd
                    + " failed with errno " + e.getErrorCode());
        }
    }

    /** Reads {@code count} bytes into {@code buffer}; returns what the kernel returned. */
    static long read(int fd, Memory buffer, long count) throws PerfException {
        try {
            return Direct.read(fd, buffer, count);
        } catch (LastErrorException e) {
            throw new PerfException(e.getErrorCode(), "read of perf fd " + fd + " failed with errno " + e.getErrorCode());
        }
    }

    static void closeQuietly(int fd) {
        try {
            Holder.LIBC.close(fd);
        } catch (LastErrorException ignored) {
            // EBADF at worst; nothing left to release
        }
    }
}
