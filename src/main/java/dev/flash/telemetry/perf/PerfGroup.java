package dev.flash.telemetry.perf;

import com.sun.jna.Memory;
import java.util.List;

/**
 * An open group of perf events on one (pid, cpu): a leader and its members, read together.
 * Not thread-safe; close it to release the file descriptors.
 */
public final class PerfGroup implements AutoCloseable {
    private final int[] fds;
    private final List<PerfEventOpen.Event> events;
    /** PERF_FORMAT_GROUP layout: nr, time_enabled, time_running, value[nr]. */
    private final Memory buffer;
    private boolean closed;

    PerfGroup(int[] fds, List<PerfEventOpen.Event> events) {
        this.fds = fds;
        this.events = List.copyOf(events);
        this.buffer = new Memory(8L * (3 + fds.length));
    }

    public List<PerfEventOpen.Event> events() {
        return events;
    }

    /** Starts counting, all members at once. */
    public void enable() throws PerfException {
        PerfEventOpen.ioctl(leader(), PerfEventOpen.IOC_ENABLE, PerfEventOpen.IOC_FLAG_GROUP);
    }

    public void disable() throws PerfException {
        PerfEventOpen.ioctl(leader(), PerfEventOpen.IOC_DISABLE, PerfEventOpen.IOC_FLAG_GROUP);
    }

    /** Zeroes the counts (the enabled/running times keep running). */
    public void reset() throws PerfException {
        PerfEventOpen.ioctl(leader(), PerfEventOpen.IOC_RESET, PerfEventOpen.IOC_FLAG_GROUP);
    }

    /**
     * Reads the group without allocating: {@code into[0]} = time enabled (ns), {@code into[1]} =
     * time running (ns), {@code into[2 + i]} = raw count of event i since open (unscaled).
     */
    public void read(long[] into) throws PerfException {
        int fd = leader();
        long want = buffer.size();
        long got = PerfEventOpen.read(fd, buffer, want);
        if (got != want) {
            throw new PerfException(0, "short read of perf group on fd " + fd + ": " + got + " of " + want + " bytes");
        }
        into[0] = buffer.getLong(8);
        into[1] = buffer.getLong(16);
        for (int i = 0; i < fds.length; i++) {
            into[2 + i] = buffer.getLong(24 + 8L * i);
        }
    }

    /** {@link #read(long[])} into a fresh array, for callers that do not care about allocation. */
    public long[] read() throws PerfException {
        long[] out = new long[2 + fds.length];
        read(out);
        return out;
    }

    private int leader() throws PerfException {
        if (closed) {
            throw new PerfException(0, "perf group is closed");
        }
        return fds[0];
    }

    /** Closes members first, then the leader. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = fds.length - 1; i >= 0; i--) {
            PerfEventOpen.closeQuietly(fds[i]);
        }
    }
}
