package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flash status} against whatever answers on the socket: a server in this JVM sends crafted
 * replies (null and wrongly typed fields, control characters, a reply without end), and the
 * client must exit with a documented code and a plain message, never a stack trace, never an
 * escape sequence on the terminal. Also where the client looks when no --socket is given.
 */
class StatusCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    /** Serves {@code reply} to one client after reading its request line; {@code reply} may be huge. */
    private Thread serveOnce(Path socket, byte[] reply) throws IOException {
        Files.createDirectories(socket.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (server; SocketChannel client = server.accept()) {
                client.read(ByteBuffer.allocate(256));
                ByteBuffer out = ByteBuffer.wrap(reply);
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (IOException ignored) {
                // the client hung up early (a reply over the limit): that is the point
            }
        }, "fake-flashd");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private Run status(StatusCommand cmd, String... args) {
        CommandLine cl = new CommandLine(cmd);
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        int code;
        try { // picocli prints an uncaught exception's stack trace to System.err
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            code = cl.execute(args);
        } finally {
            System.setErr(previous);
        }
        return new Run(code, outBytes.toString(StandardCharsets.UTF_8),
                cmdErr.toString(StandardCharsets.UTF_8) + errBytes.toString(StandardCharsets.UTF_8));
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream cmdErr = new ByteArrayOutputStream();

    private StatusCommand command() {
        StatusCommand c = new StatusCommand(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(cmdErr, true, StandardCharsets.UTF_8));
        c.systemSocket = dir.resolve("system/flashd.sock");
        c.userSocket = dir.resolve("user/flashd.sock");
        return c;
    }

    private int replies;

    private Run reply(String json, String... args) throws Exception {
        Path socket = dir.resolve("s" + (++replies) + "/flashd.sock");
        Thread server = serveOnce(socket, (json + "\n").getBytes(StandardCharsets.UTF_8));
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = socket.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        outBytes.reset();
        cmdErr.reset();
        Run r = status(command(), all);
        server.join(10_000);
        return r;
    }

    private static void assertNoStackTrace(Run r) {
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "a stack trace: " + r.err());
    }

    private static void assertNoControlCharacters(String text) {
        for (char c : text.toCharArray()) {
            assertFalse(c != '\n' && c != '\r' && Character.isISOControl(c), "control character "
                    + (int) c + " in:\n" + text);
        }
    }

    @Test
    void aReplyWithNullPartsShowsWhatItHas() throws Exception {
        Run r = reply("{\"state\":\"running\",\"mode\":\"managing\",\"node\":null,\"model\":null,\"jitter\":null,"
                + "\"power\":null,\"counts\":null,\"lastErrors\":null,\"fallbackReasons\":[null],"
                + "\"missingSignals\":{\"ipc\":null},\"rejectedModels\":[null,{\"name\":null}],"
                + "\"policies\":[null,{\"id\":3,\"cpus\":null,\"embeddingHead\":null}]}");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertNoStackTrace(r);
        assertTrue(r.out().contains("flashd     managing"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("policy3 ")), r.out());
        assertTrue(r.out().contains("ipc: no reason given"), r.out());
        assertEquals(ExitCodes.OK, reply("{\"state\":\"running\",\"policies\":[{\"id\":0}]}", "--verbose").code());
    }

    @Test
    void wronglyTypedFieldsExitOneNamingTheProblem() throws Exception {
        for (String bad : new String[] {
            "{\"state\":\"running\",\"ticks\":\"many\"}",
            "{\"state\":\"running\",\"policies\":{}}",
            "{\"state\":\"running\",\"pid\":true}",
            "{\"state\":{\"nested\":true}}",
            "{\"ticks\":3}",
            "[1,2,3]",
            "not json at all",
            "{\"error\":\"unknown request\"}",
            "{\"state\":\"running\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"}) {
            Run r = reply(bad);
            assertEquals(ExitCodes.FAILURE, r.code(), bad + " -> " + r.err());
            assertNoStackTrace(r);
            assertTrue(r.err().startsWith("flash status: ") && r.err().contains("did not answer with a flashd status"),
                    bad + " -> " + r.err());
        }
    }

    @Test
    void controlCharactersNeverReachTheTerminal() throws Exception {
        String esc = "\\u001b[2J\\u001b]0;owned\\u0007\\r\\u202e";
        String json = "{\"state\":\"running\",\"mode\":\"fallback" + esc + "\",\"modeReason\":\"" + esc + "\","
                + "\"node\":{\"description\":\"" + esc + "\"},\"lastErrors\":[\"" + esc + "\"],"
                + "\"rejectedModels\":[{\"name\":\"x" + esc + ".onnx\",\"reason\":\"" + esc + "\"}],"
                + "\"policies\":[{\"id\":0,\"action\":\"" + esc + "\",\"drift\":\"" + esc + "\"}]}";
        Run summary = reply(json);
        assertEquals(ExitCodes.OK, summary.code(), summary.err());
        assertNoControlCharacters(summary.out());
        assertTrue(summary.out().contains("x?[2J?]0;owned???.onnx"), summary.out());
        Run verbose = reply(json, "--verbose");
        assertNoControlCharacters(verbose.out());
        Run asJson = reply(json, "--json");
        assertEquals(ExitCodes.OK, asJson.code(), asJson.err());
        assertNoControlCharacters(asJson.out());
        assertTrue(JsonParser.parseString(asJson.out()).getAsJsonObject().has("policies"), asJson.out());
        Run error = reply("{\"error\":\"" + esc + "\"}");
        assertEquals(ExitCodes.FAILURE, error.code());
        assertNoControlCharacters(error.err());
    }

    @Test
    void aReplyWithoutEndIsCutAtTheLimit() throws Exception {
        byte[] endless = new byte[dev.flash.daemon.StatusServer.MAX_REPLY + 4096];
        java.util.Arrays.fill(endless, (byte) 'x');
        Path socket = dir.resolve("big/flashd.sock");
        Thread server = serveOnce(socket, endless);
        Run r = status(command(), "--socket", socket.toString());
        server.join(10_000);
        assertEquals(ExitCodes.FAILURE, r.code(), r.err());
        assertTrue(r.err().contains("larger than 4 MiB"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void withoutSocketOptionTheSystemDaemonIsAskedFirstThenTheUsersOwn() throws Exception {
        StatusCommand c = command();
        Thread user = serveOnce(c.userSocket, "{\"state\":\"running\",\"mode\":\"managing\"}\n".getBytes(StandardCharsets.UTF_8));
        Run r = status(c);
        user.join(10_000);
        assertEquals(ExitCodes.OK, r.code(), r.err());

        StatusCommand both = command();
        Thread system = serveOnce(both.systemSocket, "{\"state\":\"running\",\"mode\":\"dry-run\"}\n"
                .getBytes(StandardCharsets.UTF_8));
        Thread user2 = serveOnce(dir.resolve("user2/flashd.sock"), new byte[0]);
        both.userSocket = dir.resolve("user2/flashd.sock");
        outBytes.reset();
        Run first = status(both);
        system.join(10_000);
        assertEquals(ExitCodes.OK, first.code(), first.err());
        assertTrue(first.out().contains("flashd     dry-run"), "the system daemon answered: " + first.out());
        user2.interrupt();
    }

    @Test
    void noDaemonAnywhereExitsFiveNamingBothSockets() {
        StatusCommand c = command();
        Run r = status(c);
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.err());
        assertTrue(r.err().contains(c.systemSocket + " (no socket file) or " + c.userSocket + " (no socket file)"), r.err());
    }

    @Test
    void permissionDeniedIsTheGroupsBusinessNotAMissingDaemon() {
        assertTrue(StatusCommand.permissionDenied(dir.resolve("x.sock"), new java.net.SocketException("Permission denied")));
        assertTrue(StatusCommand.permissionDenied(dir.resolve("x.sock"), new java.nio.file.AccessDeniedException("x")));
        assertFalse(StatusCommand.permissionDenied(dir.resolve("x.sock"), new java.nio.file.NoSuchFileException("x")));
    }

    /** As root every permission is granted, so this runs only as a non-root user (a developer's shell, CI). */
    @Test
    void aSocketDirectoryClosedToUsExitsFourWithTheFix() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any socket: run as a non-root user");
        StatusCommand c = command();
        Thread system = serveOnce(c.systemSocket, "{\"state\":\"running\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(c.systemSocket.getParent(), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(c.systemSocket, PosixFilePermissions.fromString("---------"));
        try {
            Run r = status(c);
            assertEquals(ExitCodes.PERMISSION, r.code(), r.err());
            assertTrue(r.err().contains("usermod -aG flash"), r.err());
        } finally {
            Files.setPosixFilePermissions(c.systemSocket.getParent(), PosixFilePermissions.fromString("rwx------"));
            system.interrupt();
        }
    }
}
