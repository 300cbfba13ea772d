package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flashd.toml that deploy/kubernetes/10-config.yaml hands the pods, read by the daemon's own
 * strict loader (an unknown key or a bad value would keep every pod from starting), and its paths
 * against the DaemonSet's mounts. kubectl's dry run in CI cannot look inside a ConfigMap.
 */
class KubernetesConfigTest {
    static final Path DEPLOY = Path.of("deploy/kubernetes");

    @TempDir
    Path dir;

    /** The literal block under {@code flashd.toml: |}, de-indented as YAML reads it. */
    private static String embeddedToml() throws Exception {
        List<String> lines = Files.readAllLines(DEPLOY.resolve("10-config.yaml"));
        int start = lines.indexOf("  flashd.toml: |") + 1;
        assertTrue(start > 0, "10-config.yaml has no flashd.toml block");
        return lines.subList(start, lines.size()).stream()
                .takeWhile(l -> l.isEmpty() || l.startsWith("    "))
                .map(l -> l.isEmpty() ? l : l.substring(4))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void theClustersConfigurationLoadsAndPointsAtTheMountedHost() throws Exception {
        Path toml = dir.resolve("flashd.toml");
        Files.writeString(toml, embeddedToml());
        DaemonConfig config = DaemonConfig.load(toml, true);

        assertEquals(Path.of("/host"), config.sysfsRoot());
        assertEquals(DaemonConfig.Simulate.NEVER, config.simulate(), "a node without cpufreq is an error, not a simulation");
        assertTrue(config.metricsAddress().endsWith(":9877"), config.metricsAddress());

        String daemonSet = Files.readString(DEPLOY.resolve("20-daemonset.yaml"));
        for (String mount : List.of("/host/sys/devices/system/cpu", "/host/proc", "/etc/flash",
                config.stateDir().toString(), config.modelsDir().toString(), config.socket().getParent().toString())) {
            assertTrue(daemonSet.contains("mountPath: " + mount + "\n"), "the DaemonSet mounts " + mount);
        }
        assertTrue(daemonSet.contains("containerPort: 9877"), "the metrics port is the configured one");
    }
}
