package dev.flash.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * systemd's readiness and watchdog protocol ({@code sd_notify(3)}) without libsystemd: one
 * datagram per message to the AF_UNIX socket named by {@code $NOTIFY_SOCKET}, sent with libc's
 * {@code socket}/{@code sendto} through JNA. A name starting with {@code @} is an abstract socket
 * (the {@code @} becomes a NUL byte and the address length excludes a terminator).
 *
 * <p>Failures are swallowed after the first is remembered: a lost notification must never stop
 * the control loop (systemd then restarts the unit, which is the right outcome).
 */
public final class SdNotify implements AutoCloseable {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    /** sizeof(struct sockaddr_un) on Linux: sa_family_t (2 bytes) + sun_path[108]. */
    static final int SOCKADDR_UN_SIZE = 110;
    static final int MSG_NOSIGNAL = 0x4000;

    /** The libc calls used, bound directly (JNA direct mapping: no per-call reflection). */
    static final class LibC {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native long sendto(int fd, Pointer buf, long len, int flags, Pointer addr, int addrlen)
                throws LastErrorException;

        static native int bind(int fd, Pointer addr, int addrlen) throws LastErrorException;

        static native long recv(int fd, Pointer buf, long len, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        private LibC() {
        }
    }

    private final String socketName;
    private final Memory address;
    private final int addressLength;
    private final Memory buffer = new Memory(1024);
    private int fd = -1;
    private volatile String lastError;

    /** Notifies the socket named by {@code $NOTIFY_SOCKET}, or nothing when it is unset. */
    public static SdNotify fromEnvironment() {
        return new SdNotify(System.getenv("NOTIFY_SOCKET"));
    }

    /** @param socketName a path, an {@code @abstract} name, or null/empty for "not under systemd" */
    public SdNotify(String socketName) {
        this.socketName = socketName == null || socketName.isEmpty() ? null : socketName;
        if (this.socketName == null) {
            address = null;
            addressLength = 0;
            return;
        }
        address = new Memory(SOCKADDR_UN_SIZE);
        addressLength = sockaddrUn(this.socketName, address);
    }

    /** Fills a {@code struct sockaddr_un}; returns the address length to pass to the kernel. */
    static int sockaddrUn(String name, Memory addr) {
        byte[] path = name.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path.length > 0 && path[0] == '@';
        if (path.length > SOCKADDR_UN_SIZE - 2 - (abstractName ? 0 : 1)) {
            throw new IllegalArgumentException("socket name too long for sockaddr_un: " + name);
        }
        addr.clear();
        addr.setShort(0, (short) AF_UNIX);
        addr.write(2, path, 0, path.length);
        if (abstractName) {
            addr.setByte(2, (byte) 0);
            return 2 + path.length;
        }
        return 2 + path.length + 1;
    }

    /** True when running under systemd with a notify socket. */
    public boolean enabled() {
        return socketName != null;
    }

    public String lastError() {
        return lastError;
    }

    public void ready() {
        send("READY=1");
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    public void status(String text) {
        send("STATUS=" + text.replace('\n', ' '));
    }

    public void stopping() {
        send("STOPPING=1");
    }

    /**
     * Sends one message (several {@code KEY=VALUE} lines may be joined with newlines).
     *
     * @return true when the datagram was handed to the kernel
     */
    public synchronized boolean send(String message) {
        if (socketName == null) {
            return false;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > buffer.size()) {
            bytes = java.util.Arrays.copyOf(bytes, (int) buffer.size());
        }
        try {
            if (fd < 0) {
                fd = LibC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            }
            buffer.write(0, bytes, 0, bytes.length);
            LibC.sendto(fd, buffer, bytes.length, MSG_NOSIGNAL, address, addressLength);
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            lastError = "sd_notify to " + socketName + ": " + e.getMessage();
            return false;
        }
    }

    /**
     * Half the watchdog interval that systemd asked for, in nanoseconds, or 0 when there is no
     * watchdog (or it is meant for another process, per {@code $WATCHDOG_PID}).
     */
    public static long watchdogIntervalNanos() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || usec.isBlank()) {
            return 0;
        }
        if (pid != null && !pid.isBlank() && !pid.trim().equals(Long.toString(ProcessHandle.current().pid()))) {
            return 0;
        }
        try {
            return Long.parseLong(usec.trim()) * 1000L;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do: the descriptor is gone either way
            }
            fd = -1;
        }
    }
}
