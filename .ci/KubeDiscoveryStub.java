import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A stand-in for a Kubernetes API server's discovery endpoints, so that
 * {@code kubectl apply --dry-run=client --validate=false} can run on a machine without a cluster
 * (no API server can run here). It answers which kinds exist (the core group, apps/v1 and the
 * Prometheus Operator's monitoring.coreos.com/v1) and that no object exists yet; kubectl itself
 * parses the manifests and maps each apiVersion/kind to a resource, so a misspelt kind or group
 * still fails. Schema validation needs the real server's OpenAPI document: not done here.
 *
 * <p>{@code java .ci/KubeDiscoveryStub.java PORT} (single-file source launch, no build).
 */
public final class KubeDiscoveryStub {
    private static final Map<String, String> RESPONSES = Map.of(
            "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}",
            "/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
                    + group("apps", "v1") + "," + group("monitoring.coreos.com", "v1") + "]}",
            "/api/v1", resources("v1", resource("namespaces", "Namespace", false), resource("configmaps", "ConfigMap", true),
                    resource("services", "Service", true), resource("serviceaccounts", "ServiceAccount", true)),
            "/apis/apps/v1", resources("apps/v1", resource("daemonsets", "DaemonSet", true)),
            "/apis/monitoring.coreos.com/v1", resources("monitoring.coreos.com/v1",
                    resource("servicemonitors", "ServiceMonitor", true)),
            "/version", "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-discovery-stub\"}");

    private static String group(String name, String version) {
        String gv = "{\"groupVersion\":\"" + name + "/" + version + "\",\"version\":\"" + version + "\"}";
        return "{\"name\":\"" + name + "\",\"versions\":[" + gv + "],\"preferredVersion\":" + gv + "}";
    }

    private static String resource(String plural, String kind, boolean namespaced) {
        return "{\"name\":\"" + plural + "\",\"singularName\":\"\",\"namespaced\":" + namespaced + ",\"kind\":\"" + kind
                + "\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}";
    }

    private static String resources(String groupVersion, String... list) {
        return "{\"kind\":\"APIResourceList\",\"groupVersion\":\"" + groupVersion + "\",\"resources\":["
                + String.join(",", list) + "]}";
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/", exchange -> {
            String body = RESPONSES.get(exchange.getRequestURI().getPath());
            int code = body == null ? 404 : 200;
            if (body == null) {
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        System.out.println("kube discovery stub on 127.0.0.1:" + args[0]);
    }
}
