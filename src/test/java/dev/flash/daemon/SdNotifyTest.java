package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real datagrams: a receiving AF_UNIX socket bound through the same libc calls reads them. */
class SdNotifyTest {
    static final int MSG_DONTWAIT = 0x40;

    @TempDir
    Path dir;

    private static int bindReceiver(String name) {
        int fd = SdNotify.LibC.socket(SdNotify.AF_UNIX, SdNotify.SOCK_DGRAM | SdNotify.SOCK_CLOEXEC, 0);
        Memory addr = new Memory(SdNotify.SOCKADDR_UN_SIZE);
        int len = SdNotify.sockaddrUn(name, addr);
        SdNotify.LibC.bind(fd, addr, len);
        return fd;
    }

    private static String receive(int fd) {
        Memory buf = new Memory(2048);
        long n = SdNotify.LibC.recv(fd, buf, buf.size(), MSG_DONTWAIT);
        byte[] bytes = new byte[(int) n];
        buf.read(0, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void sendsToAPathSocket() {
        String path = dir.resolve("notify.sock").toString();
        int fd = bindReceiver(path);
        try (SdNotify n = new SdNotify(path)) {
            assertTrue(n.enabled());
            n.ready();
            assertEquals("READY=1", receive(fd));
            n.status("running: 2 policies");
            assertEquals("STATUS=running: 2 policies", receive(fd));
            n.watchdog();
            assertEquals("WATCHDOG=1", receive(fd));
            n.stopping();
            assertEquals("STOPPING=1", receive(fd));
        } finally {
            SdNotify.LibC.close(fd);
        }
    }

    @Test
    void sendsToAnAbstractSocket() {
        String name = "@flash-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        int fd = bindReceiver(name);
        try (SdNotify n = new SdNotify(name)) {
            assertTrue(n.send("READY=1\nSTATUS=abstract"));
            assertEquals("READY=1\nSTATUS=abstract", receive(fd));
        } finally {
            SdNotify.LibC.close(fd);
        }
    }

    @Test
    void daemonSaysReadyAfterItsFirstGoodTickAndStoppingAtTheEnd() throws Exception {
        String path = dir.resolve("systemd-notify.sock").toString();
        int fd = bindReceiver(path);
        try (SdNotify n = new SdNotify(path)) {
            FakeNode fake = new FakeNode();
            FlashDaemon d = new FlashDaemon(DaemonConfig.defaults().withPeriodMs(50), fake.node(), new FakePolicies(),
                    DaemonLog.silent(), n);
            fake.failSamples = 1;
            d.tick();
            assertEquals("", drain(fd), "not ready before a good sample");
            d.tick();
            String first = drain(fd);
            assertTrue(first.startsWith("READY=1\nSTATUS=running: 2 policies, fake-model.onnx"), first);
            d.shutdown();
            assertTrue(drain(fd).endsWith("STOPPING=1\n"));
            assertTrue(fake.restores() >= 1, "CPU handed back at stop");
        } finally {
            SdNotify.LibC.close(fd);
        }
    }

    /** Every datagram waiting, one per line. */
    private static String drain(int fd) {
        StringBuilder b = new StringBuilder();
        while (true) {
            try {
                b.append(receive(fd)).append('\n');
            } catch (com.sun.jna.LastErrorException e) {
                return b.toString(); // EAGAIN: nothing more
            }
        }
    }

    @Test
    void withoutASocketNothingIsSentAndAMissingSocketIsNotFatal() {
        try (SdNotify none = new SdNotify(null)) {
            assertFalse(none.enabled());
            assertFalse(none.send("READY=1"));
        }
        try (SdNotify gone = new SdNotify(dir.resolve("nobody-listens").toString())) {
            assertFalse(gone.send("READY=1"));
            assertTrue(gone.lastError().contains("nobody-listens"), gone.lastError());
        }
    }
}
