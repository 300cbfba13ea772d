package dev.flash.autoscale.k8s;

import dev.flash.autoscale.InvalidInputException;
import dev.flash.autoscale.ScalingAction;
import dev.flash.autoscale.ScalingAction.Bounds;
import java.time.Duration;
import java.util.Map;

/**
 * The annotations a Deployment carries to opt in and bound what the controller may do, and the
 * ones the controller writes back. All under {@value #PREFIX}.
 */
public final class WorkloadAnnotations {
    private WorkloadAnnotations() {
    }

    public static final String PREFIX = "autoscale.flash.dev/";
    /** Opt-in: "true". */
    public static final String ENABLED = PREFIX + "enabled";
    public static final String MIN_REPLICAS = PREFIX + "min-replicas";
    public static final String MAX_REPLICAS = PREFIX + "max-replicas";
    /** CPU per replica, cores ("1.5") or millicores ("500m"). */
    public static final String MIN_CPU = PREFIX + "min-cpu";
    public static final String MAX_CPU = PREFIX + "max-cpu";
    /** Seconds between two applied changes. */
    public static final String COOLDOWN = PREFIX + "cooldown-seconds";
    /** Largest change of replicas in one decision (0: none). */
    public static final String MAX_STEP = PREFIX + "max-step";
    /** Latency SLO of a request, seconds. */
    public static final String SLO = PREFIX + "slo-seconds";
    /** Written: the last decision, JSON. */
    public static final String RECOMMENDATION = PREFIX + "recommendation";
    /** Written: when the controller last changed the workload (ISO-8601). */
    public static final String LAST_APPLIED = PREFIX + "last-applied";
    /** Written: why the controller cannot serve the workload (an invalid annotation). */
    public static final String ERROR = PREFIX + "error";

    public static final int DEFAULT_MAX_REPLICAS = 20;
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(60);
    public static final double DEFAULT_SLO_SECONDS = 0.5;

    /** What the annotations say about one workload. */
    public record Settings(Bounds bounds, Duration cooldown, double sloSeconds) {
    }

    public static boolean enabled(Map<String, String> annotations) {
        return annotations != null && "true".equalsIgnoreCase(annotations.getOrDefault(ENABLED, "").strip());
    }

    /** Reads the bounds; the message of a bad one names the annotation and its value. */
    public static Settings parse(Map<String, String> a) throws InvalidInputException {
        int minReplicas = integer(a, MIN_REPLICAS, 1, 0, 100_000);
        int maxReplicas = integer(a, MAX_REPLICAS, Math.max(DEFAULT_MAX_REPLICAS, minReplicas), 1, 100_000);
        if (maxReplicas < Math.max(1, minReplicas)) {
            throw new InvalidInputException(MAX_REPLICAS + "=" + a.get(MAX_REPLICAS) + " is below " + MIN_REPLICAS
                    + "=" + minReplicas);
        }
        double minCpu = cpu(a, MIN_CPU, ScalingAction.MIN_CPU_LIMIT);
        double maxCpu = cpu(a, MAX_CPU, ScalingAction.MAX_CPU_LIMIT);
        if (maxCpu < minCpu) {
            throw new InvalidInputException(MAX_CPU + "=" + a.get(MAX_CPU) + " is below " + MIN_CPU + "=" + a.get(MIN_CPU));
        }
        int cooldown = integer(a, COOLDOWN, (int) DEFAULT_COOLDOWN.toSeconds(), 0, 86_400);
        int maxStep = integer(a, MAX_STEP, 0, 0, 100_000);
        double slo = DEFAULT_SLO_SECONDS;
        if (a.containsKey(SLO)) {
            slo = number(a, SLO);
            if (!(slo > 0 && slo <= 3600)) {
                throw new InvalidInputException(SLO + "=" + a.get(SLO) + " must be in (0, 3600] seconds");
            }
        }
        return new Settings(new Bounds(minReplicas, maxReplicas, minCpu, maxCpu, maxStep), Duration.ofSeconds(cooldown), slo);
    }

    /** Cores from a Kubernetes CPU quantity: "2", "1.5", "500m". */
    public static double parseCpu(String text) {
        String t = text.strip();
        if (t.endsWith("m")) {
            return Double.parseDouble(t.substring(0, t.length() - 1)) / 1000;
        }
        return Double.parseDouble(t);
    }

    /** A Kubernetes CPU quantity in millicores. */
    public static String formatCpu(double cores) {
        return Math.round(cores * 1000) + "m";
    }

    private static double cpu(Map<String, String> a, String key, double fallback) throws InvalidInputException {
        String v = a.get(key);
        if (v == null) {
            return fallback;
        }
        double c;
        try {
            c = parseCpu(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + "=" + v + " is not a CPU quantity (e.g. 500m or 1.5)");
        }
        if (!(c >= ScalingAction.MIN_CPU_LIMIT && c <= ScalingAction.MAX_CPU_LIMIT)) {
            throw new InvalidInputException(key + "=" + v + " is outside [" + ScalingAction.MIN_CPU_LIMIT + ", "
                    + ScalingAction.MAX_CPU_LIMIT + "] cores");
        }
        return c;
    }

    private static double number(Map<String, String> a, String key) throws InvalidInputException {
        try {
            double v = Double.parseDouble(a.get(key).strip());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + "=" + a.get(key) + " is not a number");
        }
    }

    private static int integer(Map<String, String> a, String key, int fallback, int min, int max) throws InvalidInputException {
        if (!a.containsKey(key)) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(a.get(key).strip());
            if (v < min || v > max) {
                throw new InvalidInputException(key + "=" + a.get(key) + " is outside [" + min + ", " + max + "]");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + "=" + a.get(key) + " is not an integer");
        }
    }
}
