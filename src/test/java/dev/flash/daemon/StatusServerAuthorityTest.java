package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may act through the status socket: reading is for group flash, {@code resume} only for root
 * and the daemon's own user. The refusal of another real user runs in CI
 * ({@code .ci/status-as-group-member.sh}: user nobody in group flash); here the rule itself and the
 * kernel's answer for this test's own user.
 */
class StatusServerAuthorityTest {

    @Test
    void rootAndTheDaemonsOwnUserMayResumeOthersMayNot() {
        assertNull(StatusServer.refusalToAct("root"));
        assertNull(StatusServer.refusalToAct(System.getProperty("user.name")));
        String refusal = StatusServer.refusalToAct("some-operator-" + System.nanoTime());
        assertNotNull(refusal);
        assertTrue(refusal.contains("group flash may read"), refusal);
        assertNotNull(StatusServer.refusalToAct(null), "a caller the kernel could not name is refused");
    }

    @Test
    void theKernelNamesThisUserSoItsResumeIsServed(@TempDir Path dir) throws IOException {
        AtomicInteger resumed = new AtomicInteger(-99);
        Path socket = dir.resolve("flashd.sock");
        try (StatusServer server = StatusServer.start(socket, () -> null, id -> {
            resumed.set(id);
            return List.of(3);
        }, DaemonLog.silent())) {
            String answer = StatusServer.request(socket, "resume 3", 2000);
            assertTrue(answer.contains("\"resumed\":[3]"), answer);
        }
        assertTrue(resumed.get() == 3, "the daemon's resume ran for policy 3");
    }
}
