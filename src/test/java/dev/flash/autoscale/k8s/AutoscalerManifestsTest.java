package dev.flash.autoscale.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl apply --dry-run=client --validate=false -f deploy/kubernetes/autoscaler/}: no
 * cluster runs here, so fabric8's mock server answers kubectl's discovery requests (which kinds
 * exist in which group). Kinds, groups and YAML are checked; field names are not (no schema
 * without a cluster). Skipped when kubectl is not installed.
 */
class AutoscalerManifestsTest {

    private static final Path DIR = Path.of("deploy/kubernetes/autoscaler");

    @Test
    void manifestsMapToKnownKinds() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not installed");
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            discovery(server);
            Process p = new ProcessBuilder("kubectl", "--server=" + server.url("/").replaceAll("/$", ""),
                    "apply", "--dry-run=client", "--validate=false", "-f", DIR.toString())
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kubectl did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            for (String object : List.of("namespace/flash-system", "serviceaccount/flash-autoscaler",
                    "clusterrole.rbac.authorization.k8s.io/flash-autoscaler",
                    "clusterrolebinding.rbac.authorization.k8s.io/flash-autoscaler", "deployment.apps/flash-autoscaler",
                    "deployment.apps/cart")) {
                assertTrue(out.contains(object + " created (dry run)"), object + " in:\n" + out);
            }
        } finally {
            server.destroy();
        }
    }

    @Test
    void rbacGrantsNoMoreThanTheControllerUses() throws Exception {
        String rbac = Files.readString(DIR.resolve("rbac.yaml"));
        assertTrue(!rbac.contains("secrets") && !rbac.contains("\"delete\"") && !rbac.contains("\"*\""), rbac);
        for (String resource : List.of("deployments", "deployments/scale", "pods", "events")) {
            assertTrue(rbac.contains("[\"" + resource + "\"]"), resource);
        }
    }

    private static void discovery(KubernetesMockServer s) {
        answer(s, "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
        answer(s, "/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
                + group("apps", "v1") + "," + group("rbac.authorization.k8s.io", "v1") + "]}");
        answer(s, "/api/v1", resources("v1", resource("namespaces", "Namespace", false),
                resource("serviceaccounts", "ServiceAccount", true), resource("pods", "Pod", true),
                resource("events", "Event", true)));
        answer(s, "/apis/apps/v1", resources("apps/v1", resource("deployments", "Deployment", true)));
        answer(s, "/apis/rbac.authorization.k8s.io/v1", resources("rbac.authorization.k8s.io/v1",
                resource("clusterroles", "ClusterRole", false), resource("clusterrolebindings", "ClusterRoleBinding", false)));
    }

    /** kubectl asks with and without its request timeout in the query. */
    private static void answer(KubernetesMockServer s, String path, String body) {
        for (String p : List.of(path, path + "?timeout=32s")) {
            s.expect().get().withPath(p).andReturn(200, body).always();
        }
    }

    private static String group(String name, String version) {
        String gv = "{\"groupVersion\":\"" + name + "/" + version + "\",\"version\":\"" + version + "\"}";
        return "{\"name\":\"" + name + "\",\"versions\":[" + gv + "],\"preferredVersion\":" + gv + "}";
    }

    private static String resources(String groupVersion, String... rs) {
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + String.join(",", rs) + "]}";
    }

    private static String resource(String plural, String kind, boolean namespaced) {
        return "{\"name\":\"" + plural + "\",\"singularName\":\"\",\"namespaced\":" + namespaced + ",\"kind\":\"" + kind
                + "\",\"verbs\":[\"create\",\"get\",\"list\",\"patch\",\"update\"]}";
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
