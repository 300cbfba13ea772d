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

/**
 * One flashd per machine: an advisory lock ({@code fcntl} through {@link FileChannel#tryLock()})
 * on {@code state_dir/flashd.lock}, which holds the owner's PID. The kernel drops the lock when the
 * process dies, so a crash never leaves a stale lock behind (the file stays, the lock does not).
 */
public final class InstanceLock implements AutoCloseable {
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
