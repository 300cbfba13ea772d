package dev.flash.autoscale;

import java.net.URI;

/**
 * The options of {@code flash autoscale controller}, in JDK types: the command (which names no
 * fabric8 type) hands them to {@code dev.flash.autoscale.k8s.ControllerLoop}, which may live in
 * a class loader of its own (cli/KubernetesStack).
 */
public record ControllerSettings(boolean apply, String namespace, int periodSeconds, boolean once, String master,
                                 URI prometheus, String rateQuery, String p95Query, String sloQuery,
                                 int requestTimeoutMs) {
}
