package dev.flash.autoscale.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.autoscale.Recommender;
import dev.flash.autoscale.ScalingAction;
import dev.flash.autoscale.TestModels;
import dev.flash.policy.onnx.OnnxModel;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller against fabric8's mock API server in CRUD mode: real HTTP, the real client. */
@EnableKubernetesMockClient(crud = true)
class AutoscaleControllerTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    static Path dir;
    static OnnxModel scaleOut;
    static OnnxModel scaleUp;

    @BeforeAll
    static void models() throws Exception {
        scaleOut = OnnxModel.load(TestModels.write(dir, 4, ScalingAction.SCALE_OUT.ordinal()));
        scaleUp = OnnxModel.load(TestModels.write(dir, 4, ScalingAction.SCALE_UP.ordinal()));
    }

    @AfterAll
    static void close() {
        scaleOut.close();
        scaleUp.close();
    }

    private void deploy(String name, int replicas, String cpu, Map<String, String> annotations, double usagePerPod) {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("shop")
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", name)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("shop/" + name)
                .withNewResources().withLimits(Map.of("cpu", new Quantity(cpu))).withRequests(Map.of("cpu", new Quantity(cpu)))
                .endResources().endContainer().endSpec().endTemplate().endSpec().build();
        client.apps().deployments().inNamespace("shop").resource(d).create();
        PodMetricsListBuilder metrics = new PodMetricsListBuilder();
        for (int i = 0; i < replicas; i++) {
            String pod = name + "-" + i;
            client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(pod)
                    .withLabels(Map.of("app", name)).endMetadata().withNewStatus().addNewCondition().withType("Ready")
                    .withStatus("True").endCondition().endStatus().build()).create();
            metrics.addToItems(new PodMetricsBuilder().withNewMetadata().withName(pod).withNamespace("shop")
                    .withLabels(Map.of("app", name)).endMetadata().addNewContainer().withName("main")
                    .withUsage(Map.of("cpu", new Quantity(Math.round(usagePerPod * 1000) + "m"))).endContainer().build());
        }
        // metrics.k8s.io is served by the mock (an expectation on top of the CRUD dispatcher)
        server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3D" + name)
                .andReturn(200, metrics.build()).always();
    }

    private AutoscaleController controller(OnnxModel model, AutoscaleController.Mode mode, ByteArrayOutputStream log) {
        return new AutoscaleController(client, new Recommender(model), mode, "shop", ServiceSignals.NONE,
                Clock.systemUTC(), new PrintStream(log, true));
    }

    private Deployment get(String name) {
        return client.apps().deployments().inNamespace("shop").withName(name).get();
    }

    private List<Event> events(String name) {
        return client.v1().events().inNamespace("shop").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }

    private static double cpu(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("cpu")
                .getNumericalAmount().doubleValue();
    }

    /** Waits (deadline 30 s) until the controller's informer cache holds {@code n} Deployments. */
    private static void awaitCached(AutoscaleController c, int n) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (c.cachedDeployments() != n) {
            assertTrue(System.nanoTime() < deadline, "the informer cache holds " + c.cachedDeployments() + ", not " + n);
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }

    @Test
    void informerCacheServesPassesAndFollowsCreatesAndDeletes() {
        deploy("cart", 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.9);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (AutoscaleController c = controller(scaleOut, AutoscaleController.Mode.RECOMMEND, log)) {
            assertEquals(-1, c.cachedDeployments(), "no cache before watching");
            c.watchDeployments(java.time.Duration.ofSeconds(30));
            assertEquals(1, c.cachedDeployments(), "synced before it returns");
            assertEquals(List.of("shop/cart"), c.reconcileAll().stream().map(AutoscaleController.Outcome::workload).toList());
            deploy("search", 2, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.5);
            awaitCached(c, 2);
            List<AutoscaleController.Outcome> both = c.reconcileAll();
            assertEquals(List.of("shop/cart", "shop/search"), both.stream().map(AutoscaleController.Outcome::workload).toList());
            assertTrue(both.stream().allMatch(o -> o.status().equals("recommended")), both.toString());
            client.apps().deployments().inNamespace("shop").withName("cart").delete();
            awaitCached(c, 1);
            assertEquals(List.of("shop/search"), c.reconcileAll().stream().map(AutoscaleController.Outcome::workload).toList());
        }
        assertTrue(log.toString().contains("shop/search: recommended"), log.toString());
    }

    @Test
    void recommendModeAnnotatesAndRecordsAnEventOnlyForOptedInWorkloads() {
        // at 0.5 utilization the guard (UtilizationGuard) lets the model's move through
        deploy("cart", 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.5);
        deploy("ledger", 2, "1", Map.of(), 0.5);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<AutoscaleController.Outcome> out = controller(scaleOut, AutoscaleController.Mode.RECOMMEND, log).reconcileAll();
        assertEquals(1, out.size(), log.toString());
        assertEquals("recommended", out.get(0).status(), out.get(0).detail());
        Deployment cart = get("cart");
        String rec = cart.getMetadata().getAnnotations().get(WorkloadAnnotations.RECOMMENDATION);
        assertTrue(rec.contains("\"action\":\"out\"") && rec.contains("\"replicas\":5"), rec);
        assertEquals(4, cart.getSpec().getReplicas(), "recommend mode changes nothing");
        assertEquals("FlashRecommendation", events("cart").get(0).getReason());
        assertNull(get("ledger").getMetadata().getAnnotations().get(WorkloadAnnotations.RECOMMENDATION));
    }

    @Test
    void applyModeScalesAndSetsTheLimitWithinBoundsAndCooldown() {
        deploy("cart", 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true", WorkloadAnnotations.MAX_REPLICAS, "5"), 0.5);
        deploy("search", 2, "500m", Map.of(WorkloadAnnotations.ENABLED, "true", WorkloadAnnotations.MAX_CPU, "600m"), 0.25);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AutoscaleController out = controller(scaleOut, AutoscaleController.Mode.APPLY, log);
        java.time.Instant before = java.time.Instant.now();
        assertEquals("applied", out.reconcile("shop", "cart").status(), log.toString());
        java.time.Instant after = java.time.Instant.now();
        assertEquals(5, get("cart").getSpec().getReplicas());
        java.time.Instant applied = java.time.Instant.parse(
                get("cart").getMetadata().getAnnotations().get(WorkloadAnnotations.LAST_APPLIED));
        assertTrue(!applied.isBefore(before) && !applied.isAfter(after), "last-applied " + applied + " is the reconcile's time");
        // at max-replicas now: out is a no-op
        assertEquals("unchanged", out.reconcile("shop", "cart").status());
        AutoscaleController up = controller(scaleUp, AutoscaleController.Mode.APPLY, log);
        assertEquals("applied", up.reconcile("shop", "search").status(), log.toString());
        assertEquals(0.6, cpu(get("search")), 1e-9, "500m x 1.25 = 625m, held to max-cpu 600m");
        assertEquals(2, get("search").getSpec().getReplicas());
        // the next change waits for the 60 s default cooldown
        client.apps().deployments().inNamespace("shop").withName("search").edit(d -> {
            d.getMetadata().getAnnotations().put(WorkloadAnnotations.MAX_CPU, "2");
            return d;
        });
        assertEquals("cooldown", up.reconcile("shop", "search").status());
    }

    @Test
    void invalidAnnotationIsReportedOnTheObjectAndOthersAreServed() {
        deploy("cart", 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true", WorkloadAnnotations.MAX_REPLICAS, "lots"), 0.9);
        deploy("search", 2, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.5);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<AutoscaleController.Outcome> out = controller(scaleOut, AutoscaleController.Mode.RECOMMEND, log).reconcileAll();
        assertEquals(2, out.size());
        AutoscaleController.Outcome cart = out.stream().filter(o -> o.workload().equals("shop/cart")).findFirst().orElseThrow();
        assertEquals("invalid", cart.status());
        String error = get("cart").getMetadata().getAnnotations().get(WorkloadAnnotations.ERROR);
        assertEquals(WorkloadAnnotations.MAX_REPLICAS + "=lots is not an integer", error);
        Event e = events("cart").get(0);
        assertEquals("FlashInvalidAnnotation", e.getReason());
        assertEquals("Warning", e.getType());
        assertTrue(out.stream().anyMatch(o -> o.workload().equals("shop/search") && o.status().equals("recommended")));
    }

    @Test
    void workloadDeletedMidDecisionIsForgotten() {
        for (AutoscaleController.Mode mode : AutoscaleController.Mode.values()) {
            String name = "cart-" + mode.name().toLowerCase(java.util.Locale.ROOT);
            deploy(name, 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.9);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            AutoscaleController c = controller(scaleOut, mode, log);
            c.beforeWrite(d -> client.apps().deployments().inNamespace("shop").withName(name).delete());
            AutoscaleController.Outcome o = c.reconcile("shop", name);
            assertEquals("deleted", o.status(), mode + ": " + o);
            assertNull(get(name));
            assertEquals("deleted", c.reconcile("shop", name).status(), "gone on the next pass too");
        }
    }

    @Test
    void conflictingHumanChangeIsNeverOverwritten() {
        deploy("cart", 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.9);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AutoscaleController c = controller(scaleUp, AutoscaleController.Mode.APPLY, log);
        // a human sets 7 replicas between our read and our write
        c.beforeWrite(d -> client.apps().deployments().inNamespace("shop").withName("cart").edit(x -> {
            x.getSpec().setReplicas(7);
            return x;
        }));
        AutoscaleController.Outcome o = c.reconcile("shop", "cart");
        assertEquals("yielded", o.status(), o.toString());
        assertEquals(7, get("cart").getSpec().getReplicas());
        assertEquals(1.0, cpu(get("cart")), 1e-9, "our CPU limit was not written");
        assertTrue(events("cart").stream().anyMatch(e -> e.getReason().equals("FlashYielded")));
    }

    @Test
    void conflictWithAnUnrelatedChangeIsRetriedOnTheFreshVersion() {
        deploy("cart", 4, "1", Map.of(WorkloadAnnotations.ENABLED, "true"), 0.9);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AutoscaleController c = controller(scaleUp, AutoscaleController.Mode.APPLY, log);
        // someone adds a label between our read and our write: not ours to judge, so retry
        c.beforeWrite(d -> client.apps().deployments().inNamespace("shop").withName("cart").edit(x -> {
            x.getMetadata().setLabels(Map.of("team", "payments"));
            return x;
        }));
        AutoscaleController.Outcome o = c.reconcile("shop", "cart");
        assertEquals("applied", o.status(), o.toString());
        assertTrue(o.detail().contains("attempt 2"), o.detail());
        assertEquals(1.25, cpu(get("cart")), 1e-9);
        assertEquals("payments", get("cart").getMetadata().getLabels().get("team"), "their change kept");
    }

    @Test
    void theFloorReadsThePodSpecsCpuRequestTheLimitWhenItHasNone() {
        Deployment d = new DeploymentBuilder().withNewSpec().withNewTemplate().withNewSpec().addNewContainer()
                .withName("main").withNewResources().withLimits(Map.of("cpu", new Quantity("4")))
                .withRequests(Map.of("cpu", new Quantity("1600m"))).endResources().endContainer().endSpec()
                .endTemplate().endSpec().build();
        assertEquals(1.6, AutoscaleController.cpuRequest(d, 4), 1e-12);
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().setRequests(null);
        assertEquals(4, AutoscaleController.cpuRequest(d, 4), 1e-12, "Kubernetes defaults the request to the limit");
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
                .setRequests(Map.of("cpu", new Quantity("6")));
        assertEquals(4, AutoscaleController.cpuRequest(d, 4), 1e-12, "never above the limit");
    }
}
