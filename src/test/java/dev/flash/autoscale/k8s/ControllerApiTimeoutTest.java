package dev.flash.autoscale.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.ScalingAction;
import dev.flash.autoscale.TestModels;
import dev.flash.cli.ExitCodes;
import dev.flash.cli.FlashMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An API server that accepts connections and never answers: the pass fails in bounded time, reported. */
class ControllerApiTimeoutTest {

    @Test
    void silentApiServerTimesOutAndIsReported(@TempDir Path dir) throws Exception {
        Path model = TestModels.write(dir, 4, ScalingAction.NO_OP.ordinal());
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream oldErr = System.err;
            int code;
            try {
                System.setErr(new PrintStream(err, true));
                code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> FlashMain.commandLine().execute(
                        "autoscale", "controller", "--model", model.toString(), "--master",
                        "http://127.0.0.1:" + silent.getLocalPort(), "--once", "--request-timeout", "500"));
            } finally {
                System.setErr(oldErr);
            }
            assertEquals(ExitCodes.FAILURE, code, err.toString());
            assertTrue(err.toString().contains("API server"), err.toString());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
