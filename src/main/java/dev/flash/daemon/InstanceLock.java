package dev.flash.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An advisory lock ({@code fcntl} through {@link FileChannel#tryLock()}) on a file that holds the
 * owner's PID. The kernel drops the lock when the process dies, so a crash never leaves a stale
 * lock behind (the file stays, the lock does not).
 *
 * <p>Two are taken. {@code state_dir/flashd.lock} guards the state directory (its saved state and
 * socket). {@link #machineFile} guards the CPUs themselves: one owner per sysfs root, whatever
 * state directory each daemon was given, so no daemon ever saves another one's writes as its
 * "originals". {@code flash restore} takes both before it writes.
 */
public final class InstanceLock implements AutoCloseable {
    /** The lock of a state directory, {@code state_dir/flashd.lock}. */
    public static final String STATE_DIR_FILE = "flashd.lock";
    /** The lock of the CPUs under one sysfs root (see {@link #machineFile}). */
    public static final String MACHINE_FILE = "cpufreq.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    /** Another daemon holds the lock; {@link #holderPid()} names it when the file says. */
    public static final class AlreadyRunningException extends Exception {
        private final long holderPid;

        AlreadyRunningException(Path file, long holderPid) {
            super("another flashd is already running (" + (holderPid > 0 ? "PID " + holderPid : "PID unknown")
                    + ", lock " + file + ")");
            this.holderPid = holderPid;
        }

        public long holderPid() {
            return holderPid;
        }
    }

    private InstanceLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, creating the directory if needed, and writes this process's PID into it.
     *
     * @throws AlreadyRunningException naming the holder's PID when another process holds it
     * @throws IOException             when the directory or file cannot be created (permissions)
     */
    public static InstanceLock acquire(Path file) throws IOException, AlreadyRunningException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM (a second daemon in one process)
        }
        if (lock == null) {
            long pid = readPid(ch);
            ch.close();
            throw new AlreadyRunningException(file, pid);
        }
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(pid), 0);
        ch.force(false);
        return new InstanceLock(file, ch, lock);
    }

    /**
     * Takes the lock only when its file exists, and creates nothing: a lock file that was never
     * made was never held. For {@code flash restore}, which must not write while a daemon runs
     * but has nothing to create where none ever ran.
     *
     * @return the lock, or empty when the file does not exist
     */
    public static Optional<InstanceLock> acquireIfPresent(Path file) throws IOException, AlreadyRunningException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(acquire(file));
    }

    /**
     * The machine lock of the CPUs under {@code sysfsRoot}, the same path for every daemon on
     * that root: for the real root {@code /} it is {@code cpufreq.lock} in the runtime
     * directory ({@code /run/flash} for root); for any other root (a fake tree) it is
     * {@code ROOT/run/flash/cpufreq.lock}, the runtime directory of that tree, so two daemons on
     * one fake tree collide and daemons on different trees do not. The root is made canonical
     * first (symbolic links resolved), so two spellings of one tree are one machine.
     */
    public static Path machineFile(Path sysfsRoot) {
        Path canonical;
        try {
            canonical = sysfsRoot.toRealPath();
        } catch (IOException e) {
            canonical = sysfsRoot.toAbsolutePath().normalize();
        }
        if (canonical.getParent() == null) {
            return DaemonConfig.defaultRuntimeDir().resolve(MACHINE_FILE);
        }
        return canonical.resolve("run").resolve("flash").resolve(MACHINE_FILE);
    }

    private static long readPid(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            ch.read(buf, 0);
            String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
