package dev.flash.autoscale.k8s;

import com.google.gson.JsonObject;
import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.Recommender;
import dev.flash.autoscale.ScalingAction.Allocation;
import dev.flash.autoscale.WorkloadMetrics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code flash autoscale controller}: each period, for every Deployment that opts in
 * ({@link WorkloadAnnotations#ENABLED}), reads the world fresh (the Deployment, its pods, their
 * CPU from the metrics API, optionally request rate and latency), asks the model, and either
 * publishes the decision (recommend mode: an annotation and an Event) or applies it (apply mode:
 * replicas through the scale subresource, the CPU limit through the Deployment), within the
 * workload's bounds and cooldown.
 *
 * <p>Every write carries the resourceVersion the decision was based on. On a conflict the
 * Deployment is read again: if someone changed its replicas or CPU limit meanwhile, their change
 * stands and the decision is dropped (with an Event); otherwise the write is retried on the fresh
 * version, up to {@value #MAX_ATTEMPTS} times. A workload deleted mid-decision is forgotten. An
 * API error on one workload is reported and the others are still served.
 *
 * <p>Which Deployments there are comes from a list call each pass, or, after
 * {@link #watchDeployments}, from a local cache a {@link SharedIndexInformer} keeps current with
 * one watch (no list per pass). Each opted-in Deployment is still read fresh before deciding.
 */
public final class AutoscaleController implements AutoCloseable {

    public enum Mode { RECOMMEND, APPLY }

    /** Attempts of one write against conflicts. */
    public static final int MAX_ATTEMPTS = 3;

    /** What happened to one workload in one pass. */
    public record Outcome(String workload, String status, String detail) {
    }

    /** Test seam: runs after the decision, before the write. */
    @FunctionalInterface
    public interface BeforeWrite {
        void run(Deployment basedOn);
    }

    private final KubernetesClient client;
    private final Recommender recommender;
    private final Mode mode;
    private final String namespace;
    private final ServiceSignals.Source signals;
    private final Clock clock;
    private final PrintStream log;
    private BeforeWrite beforeWrite = d -> { };
    private SharedIndexInformer<Deployment> informer;

    public AutoscaleController(KubernetesClient client, Recommender recommender, Mode mode, String namespace,
                               ServiceSignals.Source signals, Clock clock, PrintStream log) {
        this.client = client;
        this.recommender = recommender;
        this.mode = mode;
        this.namespace = namespace;
        this.signals = signals;
        this.clock = clock;
        this.log = log;
    }

    public void beforeWrite(BeforeWrite hook) {
        this.beforeWrite = hook;
    }

    /**
     * From now on, learn which Deployments exist from an informer's cache (one list, then a watch)
     * instead of a list call each pass. Waits up to {@code timeout} for its first sync.
     *
     * @throws KubernetesClientException when the informer cannot start or sync in time
     */
    public void watchDeployments(Duration timeout) {
        if (informer != null) {
            return;
        }
        SharedIndexInformer<Deployment> i = namespace == null
                ? client.apps().deployments().inAnyNamespace().runnableInformer(0)
                : client.apps().deployments().inNamespace(namespace).runnableInformer(0);
        try {
            i.start().toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            i.close();
            throw new KubernetesClientException("the Deployment informer did not sync within " + timeout + ": " + e);
        } catch (InterruptedException e) {
            i.close();
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while the Deployment informer synced");
        }
        informer = i;
    }

    /** Deployments in the informer's cache, or -1 without {@link #watchDeployments}. */
    public int cachedDeployments() {
        return informer == null ? -1 : informer.getStore().list().size();
    }

    /** Stops the informer, if any. */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }

    /** One pass over every opted-in Deployment; a failing workload does not stop the others. */
    public List<Outcome> reconcileAll() {
        List<Deployment> all;
        if (informer != null) {
            all = new ArrayList<>(informer.getStore().list());
            all.sort(Comparator.comparing((Deployment d) -> d.getMetadata().getNamespace())
                    .thenComparing(d -> d.getMetadata().getName()));
        } else {
            all = namespace == null
                    ? client.apps().deployments().inAnyNamespace().list().getItems()
                    : client.apps().deployments().inNamespace(namespace).list().getItems();
        }
        List<Outcome> out = new ArrayList<>();
        for (Deployment d : all) {
            if (!WorkloadAnnotations.enabled(d.getMetadata().getAnnotations())) {
                continue;
            }
            String ns = d.getMetadata().getNamespace();
            String name = d.getMetadata().getName();
            Outcome o;
            try {
                o = reconcile(ns, name);
            } catch (KubernetesClientException e) {
                o = new Outcome(ns + "/" + name, "error", "API error " + e.getCode() + ": " + firstLine(e.getMessage()));
            }
            log.println(o.workload() + ": " + o.status() + (o.detail().isEmpty() ? "" : " (" + o.detail() + ")"));
            out.add(o);
        }
        return out;
    }

    /** Decides for one Deployment, reading it fresh. */
    public Outcome reconcile(String ns, String name) {
        String id = ns + "/" + name;
        Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
        if (d == null) {
            recommender.forget(id);
            return new Outcome(id, "deleted", "");
        }
        Map<String, String> annotations = d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations();
        WorkloadAnnotations.Settings settings;
        double limit;
        double request;
        try {
            settings = WorkloadAnnotations.parse(annotations);
            limit = cpuLimit(d);
            request = cpuRequest(d, limit);
        } catch (InvalidInputException e) {
            reportInvalid(d, e.getMessage());
            return new Outcome(id, "invalid", e.getMessage());
        }
        if (annotations.containsKey(WorkloadAnnotations.ERROR)) {
            annotate(ns, name, WorkloadAnnotations.ERROR, null);
        }
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        WorkloadMetrics m = measure(d, id, replicas, limit, request, settings);
        Recommender.Recommendation r = recommender.recommend(m, false);
        Allocation now = new Allocation(replicas, limit);
        JsonObject decision = new JsonObject();
        decision.addProperty("action", r.action().label());
        decision.addProperty("replicas", r.next().replicas());
        decision.addProperty("cpu_limit", r.next().cpuLimit());
        decision.addProperty("at", clock.instant().toString());
        String summary = r.action().label() + ": " + now.replicas() + " x " + WorkloadAnnotations.formatCpu(now.cpuLimit())
                + " -> " + r.next().replicas() + " x " + WorkloadAnnotations.formatCpu(r.next().cpuLimit());
        if (mode == Mode.RECOMMEND) {
            beforeWrite.run(d);
            try {
                annotate(ns, name, WorkloadAnnotations.RECOMMENDATION, decision.toString());
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    recommender.forget(id);
                    return new Outcome(id, "deleted", "during the decision");
                }
                throw e;
            }
            event(d, "Normal", "FlashRecommendation", summary);
            return new Outcome(id, "recommended", summary);
        }
        if (r.next().equals(now)) {
            return new Outcome(id, "unchanged", summary);
        }
        String last = annotations.get(WorkloadAnnotations.LAST_APPLIED);
        if (last != null && cooling(last, settings.cooldown())) {
            return new Outcome(id, "cooldown", summary);
        }
        beforeWrite.run(d);
        return apply(d, id, now, r.next(), decision.toString(), summary);
    }

    /** Writes {@code next} on the version {@code basedOn}; see the class comment for conflicts. */
    private Outcome apply(Deployment basedOn, String id, Allocation now, Allocation next, String decision, String summary) {
        String ns = basedOn.getMetadata().getNamespace();
        String name = basedOn.getMetadata().getName();
        Deployment base = basedOn;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                write(base, now, next);
                Map<String, String> notes = new HashMap<>();
                notes.put(WorkloadAnnotations.LAST_APPLIED, clock.instant().toString());
                notes.put(WorkloadAnnotations.RECOMMENDATION, decision);
                client.apps().deployments().inNamespace(ns).withName(name)
                        .edit(d -> { d.getMetadata().getAnnotations().putAll(notes); return d; });
                event(base, "Normal", "FlashScaled", summary);
                return new Outcome(id, "applied", summary + (attempt > 1 ? ", attempt " + attempt : ""));
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    recommender.forget(id);
                    return new Outcome(id, "deleted", "during the decision");
                }
                if (e.getCode() != 409) {
                    throw e;
                }
                Deployment fresh = client.apps().deployments().inNamespace(ns).withName(name).get();
                if (fresh == null) {
                    recommender.forget(id);
                    return new Outcome(id, "deleted", "during the decision");
                }
                Allocation theirs;
                try {
                    theirs = new Allocation(fresh.getSpec().getReplicas() == null ? 1 : fresh.getSpec().getReplicas(),
                            cpuLimit(fresh));
                } catch (InvalidInputException ex) {
                    theirs = null;
                }
                if (!now.equals(theirs)) {
                    String why = "kept a concurrent change to " + theirs + "; dropped " + summary;
                    event(fresh, "Normal", "FlashYielded", why);
                    return new Outcome(id, "yielded", why);
                }
                base = fresh;
            }
        }
        return new Outcome(id, "conflict", "gave up after " + MAX_ATTEMPTS + " conflicting writes");
    }

    /**
     * Replicas through the scale subresource and the CPU limit through the Deployment, each with
     * the resourceVersion of {@code base} (the scale subresource shares the Deployment's).
     */
    private void write(Deployment base, Allocation now, Allocation next) {
        String ns = base.getMetadata().getNamespace();
        String name = base.getMetadata().getName();
        String version = base.getMetadata().getResourceVersion();
        if (next.cpuLimit() != now.cpuLimit()) {
            Deployment changed = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(base).build();
            Container c = changed.getSpec().getTemplate().getSpec().getContainers().get(0);
            Quantity q = new Quantity(WorkloadAnnotations.formatCpu(next.cpuLimit()));
            c.getResources().getLimits().put("cpu", q);
            Map<String, Quantity> requests = c.getResources().getRequests();
            if (requests != null && requests.containsKey("cpu")
                    && WorkloadAnnotations.parseCpu(requests.get("cpu").toString()) > next.cpuLimit()) {
                requests.put("cpu", q);
            }
            changed.getSpec().setReplicas(next.replicas());
            changed.getMetadata().setResourceVersion(version);
            client.apps().deployments().inNamespace(ns).resource(changed).update();
            return;
        }
        Scale scale = client.apps().deployments().inNamespace(ns).withName(name).scale();
        scale.getMetadata().setResourceVersion(version);
        scale.getSpec().setReplicas(next.replicas());
        client.apps().deployments().inNamespace(ns).withName(name).scale(scale);
    }

    /** The workload's metrics now: pod CPU from metrics.k8s.io, the rest from {@link ServiceSignals}. */
    private WorkloadMetrics measure(Deployment d, String id, int replicas, double limit, double request,
                                    WorkloadAnnotations.Settings s) {
        String ns = d.getMetadata().getNamespace();
        Map<String, String> labels = d.getSpec().getSelector().getMatchLabels();
        List<Pod> pods = client.pods().inNamespace(ns).withLabels(labels).list().getItems();
        List<String> ready = pods.stream().filter(AutoscaleController::isReady).map(p -> p.getMetadata().getName()).toList();
        double usage = 0;
        int measured = 0;
        if (!ready.isEmpty()) {
            for (PodMetrics pm : client.top().pods().inNamespace(ns).withLabels(labels).metrics().getItems()) {
                if (!ready.contains(pm.getMetadata().getName())) {
                    continue;
                }
                for (ContainerMetrics cm : pm.getContainers()) {
                    Quantity cpu = cm.getUsage().get("cpu");
                    if (cpu != null) {
                        usage += cpu.getNumericalAmount().doubleValue();
                    }
                }
                measured++;
            }
        }
        double perPod = measured == 0 ? 0 : usage / measured;
        Optional<ServiceSignals> sig = signals.read(ns, d.getMetadata().getName(), s.sloSeconds());
        double rate = sig.map(ServiceSignals::requestRate).orElse(perPod * ready.size());
        double preservation = sig.map(ServiceSignals::sloPreservation).orElse(1.0);
        double p95 = sig.map(ServiceSignals::latencyP95Seconds).orElse(0.0);
        return new WorkloadMetrics(id, replicas, Math.min(replicas, ready.size()), limit, request, perPod, 0, rate,
                s.sloSeconds(),
                preservation, p95, s.bounds());
    }

    private static boolean isReady(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                return true;
            }
        }
        return false;
    }

    /** The first container's CPU limit (its request when it has no limit), cores. */
    static double cpuLimit(Deployment d) throws InvalidInputException {
        List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
        if (cs == null || cs.isEmpty()) {
            throw new InvalidInputException("the pod template has no container");
        }
        Container c = cs.get(0);
        if (c.getResources() == null) {
            throw new InvalidInputException("container " + c.getName() + " has no CPU limit or request");
        }
        Quantity q = c.getResources().getLimits() == null ? null : c.getResources().getLimits().get("cpu");
        if (q == null && c.getResources().getRequests() != null) {
            q = c.getResources().getRequests().get("cpu");
        }
        if (q == null) {
            throw new InvalidInputException("container " + c.getName() + " has no CPU limit or request");
        }
        return q.getNumericalAmount().doubleValue();
    }

    /**
     * The first container's CPU request, cores: what HPA measures utilization against, so what the
     * HPA-floor guard must divide by to hold HPA's floor. The limit when the pod spec sets no request
     * (Kubernetes defaults it to the limit); never above the limit.
     */
    static double cpuRequest(Deployment d, double limit) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Quantity> requests = c.getResources().getRequests();
        Quantity q = requests == null ? null : requests.get("cpu");
        if (q == null) {
            return limit;
        }
        double r = q.getNumericalAmount().doubleValue();
        return r > 0 ? Math.min(r, limit) : limit;
    }

    private boolean cooling(String lastApplied, Duration cooldown) {
        try {
            return Instant.parse(lastApplied).plus(cooldown).isAfter(clock.instant());
        } catch (RuntimeException e) {
            return false; // unreadable: do not block the workload on our own note
        }
    }

    private void reportInvalid(Deployment d, String message) {
        String ns = d.getMetadata().getNamespace();
        String name = d.getMetadata().getName();
        Map<String, String> a = d.getMetadata().getAnnotations();
        if (a == null || !message.equals(a.get(WorkloadAnnotations.ERROR))) {
            annotate(ns, name, WorkloadAnnotations.ERROR, message);
            event(d, "Warning", "FlashInvalidAnnotation", message);
        }
    }

    /** Sets (or with null removes) one annotation, as a patch: no other field is touched. */
    private void annotate(String ns, String name, String key, String value) {
        client.apps().deployments().inNamespace(ns).withName(name).edit(d -> {
            if (d.getMetadata().getAnnotations() == null) {
                d.getMetadata().setAnnotations(new HashMap<>());
            }
            if (value == null) {
                d.getMetadata().getAnnotations().remove(key);
            } else {
                d.getMetadata().getAnnotations().put(key, value);
            }
            return d;
        });
    }

    private void event(Deployment d, String type, String reason, String message) {
        try {
            client.v1().events().inNamespace(d.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(d.getMetadata().getName() + ".flash-").endMetadata()
                    .withNewInvolvedObject().withApiVersion("apps/v1").withKind("Deployment")
                    .withName(d.getMetadata().getName()).withNamespace(d.getMetadata().getNamespace())
                    .withUid(d.getMetadata().getUid()).endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(message)
                    .withReportingComponent("flash-autoscaler").withReportingInstance("flash-autoscaler")
                    .withFirstTimestamp(clock.instant().toString()).withLastTimestamp(clock.instant().toString())
                    .withCount(1)
                    .withNewSource().withComponent("flash-autoscaler").endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            log.println(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + ": cannot record event "
                    + reason + ": " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
