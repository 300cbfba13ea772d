package dev.flash.daemon;

import com.google.gson.Gson;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The status socket: a Unix domain stream socket, mode 0660 (group {@code flash} when that group
 * exists, so its members may run {@code flash status} without root). A client sends one line
 * ({@code status}) and receives one line of JSON ({@link DaemonStatus}); {@code resume [POLICY]}
 * takes policies back from another tool ({@code {"resumed": [ids]}}); anything else gets
 * {@code {"error": ...}}. One daemon thread serves clients one at a time: a request costs one
 * snapshot, and a slow client is cut off after {@link #CLIENT_TIMEOUT_MS}.
 *
 * <p>Reading is for the group, acting is not: {@code resume} overrides another tool's cpufreq
 * value, which only root may write, so the server asks the kernel who is on the other end
 * ({@code SO_PEERCRED}) and answers {@code resume} only for root or the daemon's own user
 * ({@code {"error": ..., "denied": true}} otherwise). Group membership lets an operator watch
 * flashd, not take the CPUs from a tool root put in charge.
 */
public final class StatusServer implements AutoCloseable {
    static final int CLIENT_TIMEOUT_MS = 2000;
    static final int MAX_REQUEST = 256;
    public static final String GROUP = "flash";

    private final Path path;
    private final ServerSocketChannel server;
    private final Supplier<DaemonStatus> status;
    /** {@link FlashDaemon#resume}; null when this server only answers status. */
    private final IntFunction<List<Integer>> resume;
    private final DaemonLog log;
    private final Gson gson = new Gson();
    private final Thread thread;
    private volatile boolean closed;

    private StatusServer(Path path, ServerSocketChannel server, Supplier<DaemonStatus> status,
            IntFunction<List<Integer>> resume, DaemonLog log) {
        this.path = path;
        this.server = server;
        this.status = status;
        this.resume = resume;
        this.log = log;
        this.thread = new Thread(this::serve, "flashd-status");
        this.thread.setDaemon(true);
    }

    /**
     * Binds the socket and starts serving. A socket file nobody listens on (left by a crash) is
     * removed and re-bound; one with a listener is an error (another daemon owns it).
     */
    public static StatusServer start(Path path, Supplier<DaemonStatus> status, DaemonLog log) throws IOException {
        return start(path, status, null, log);
    }

    /** {@link #start(Path, Supplier, DaemonLog)} that also answers {@code resume [POLICY]}. */
    public static StatusServer start(Path path, Supplier<DaemonStatus> status, IntFunction<List<Integer>> resume,
            DaemonLog log) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (answers(path)) {
                throw new IOException(path + ": another process is serving this socket");
            }
            log.info("removing stale status socket " + path + " (no listener)");
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            restrict(path, log);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        StatusServer s = new StatusServer(path, server, status, resume, log);
        s.thread.start();
        return s;
    }

    /** 0660, group "flash" if it exists; a failure to chgrp is logged, not fatal (root still can). */
    private static void restrict(Path path, DaemonLog log) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        try {
            GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(GROUP);
            Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
        } catch (UserPrincipalNotFoundException e) {
            log.debug("group '" + GROUP + "' does not exist; status socket is root-only");
        } catch (IOException e) {
            log.warn("cannot give " + path + " to group '" + GROUP + "': " + e.getMessage());
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel client = server.accept()) {
                handle(client);
            } catch (IOException e) {
                if (!closed) {
                    log.debug("status client: " + e.getMessage());
                }
            } catch (RuntimeException e) {
                log.warn("status request failed: " + e);
            }
        }
    }

    /** Reads one request line within the deadline, answers one JSON line. */
    private void handle(SocketChannel client) throws IOException {
        String request = readLine(client);
        String answer;
        if (request == null) {
            answer = "{\"error\":\"no request within " + CLIENT_TIMEOUT_MS + " ms\"}";
        } else if (request.equals("status") || request.isEmpty()) {
            answer = gson.toJson(status.get());
        } else if (resume != null && (request.equals("resume") || request.startsWith("resume "))) {
            String refusal = refusalToAct(peer(client));
            answer = refusal != null ? denied(refusal) : resume(request.substring("resume".length()).trim());
        } else {
            answer = error("unknown request '" + request + "' (send: status" + (resume == null ? "" : ", resume [POLICY]") + ")");
        }
        ByteBuffer out = ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8));
        client.configureBlocking(true);
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    /** "resume" (every policy left to another tool) or "resume N". */
    private String resume(String policy) {
        int id = -1;
        if (!policy.isEmpty()) {
            try {
                id = Integer.parseInt(policy);
            } catch (NumberFormatException e) {
                id = -2;
            }
            if (id < 0) {
                return error("resume: '" + policy + "' is not a policy number");
            }
        }
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.add("resumed", gson.toJsonTree(resume.apply(id)));
        return o.toString();
    }

    /** The connecting process's user, from the kernel ({@code SO_PEERCRED}); null if it cannot tell. */
    private static String peer(SocketChannel client) {
        try {
            return client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Why {@code peerUser} may not change what flashd acts on, or null when it may: root and the
     * daemon's own user may; anyone else (a member of group flash, who may only read) may not, nor
     * a peer the kernel could not name.
     */
    static String refusalToAct(String peerUser) {
        String owner = System.getProperty("user.name");
        if (peerUser != null && (peerUser.equals("root") || peerUser.equals(owner))) {
            return null;
        }
        return "only root" + ("root".equals(owner) ? "" : " or " + owner) + " may resume policies"
                + (peerUser == null ? " (the kernel did not name the caller)" : "; you are " + peerUser)
                + ": group " + GROUP + " may read the status, not act";
    }

    private static String denied(String message) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("error", message);
        o.addProperty("denied", true);
        return o.toString();
    }

    private static String error(String message) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("error", message);
        return o.toString();
    }

    /**
     * Unix stream channels have no SO_TIMEOUT in Java 17, so the read waits on a selector with a
     * deadline: a client that connects and says nothing cannot hold the server.
     */
    private static String readLine(SocketChannel client) throws IOException {
        client.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(MAX_REQUEST);
        long deadline = System.nanoTime() + CLIENT_TIMEOUT_MS * 1_000_000L;
        try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            client.register(sel, java.nio.channels.SelectionKey.OP_READ);
            while (buf.hasRemaining()) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n = client.read(buf);
                if (n < 0) {
                    break;
                }
                if (indexOfNewline(buf) >= 0) {
                    break;
                }
            }
            sel.keys().forEach(java.nio.channels.SelectionKey::cancel);
            sel.selectNow();
        }
        int nl = indexOfNewline(buf);
        int len = nl >= 0 ? nl : buf.position();
        return new String(buf.array(), 0, len, StandardCharsets.UTF_8).trim();
    }

    private static int indexOfNewline(ByteBuffer buf) {
        byte[] a = buf.array();
        for (int i = 0; i < buf.position(); i++) {
            if (a[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Longest reply a client reads: a status of 1024 policies is well under 1 MiB. */
    public static final int MAX_REPLY = 4 << 20;

    /** The peer sent more than {@link #MAX_REPLY} bytes: not a status, whatever it is. */
    public static final class ReplyTooLargeException extends IOException {
        ReplyTooLargeException(Path path) {
            super(path + ": the reply is larger than " + (MAX_REPLY >> 20) + " MiB; not a flashd status");
        }
    }

    /**
     * Asks a daemon for its status: one line out, one line of JSON back (at most
     * {@link #MAX_REPLY} bytes, else {@link ReplyTooLargeException}).
     */
    public static String request(Path path, String request, long timeoutMs) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.configureBlocking(false);
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
                ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
                while (true) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new IOException(path + ": no answer within " + timeoutMs + " ms");
                    }
                    sel.select(left);
                    sel.selectedKeys().clear();
                    in.clear();
                    int n = ch.read(in);
                    if (n > 0) {
                        if (received.size() + n > MAX_REPLY) {
                            throw new ReplyTooLargeException(path);
                        }
                        received.write(in.array(), 0, n);
                        if (in.array()[n - 1] == '\n') {
                            break;
                        }
                    } else if (n < 0) {
                        break;
                    }
                }
            }
            String s = received.toString(StandardCharsets.UTF_8).trim();
            if (s.isEmpty()) {
                throw new IOException(path + ": empty answer");
            }
            return s;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            server.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
