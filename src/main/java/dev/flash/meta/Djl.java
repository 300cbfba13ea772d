package dev.flash.meta;

import ai.djl.engine.Engine;

/**
 * The one place where DJL is told how to behave on this project: offline, PyTorch, no telemetry.
 *
 * <p>DJL's PyTorch engine finds its native libraries in two jars on the class path:
 * {@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64} (libtorch) and
 * {@code ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0} (libdjl_torch). On first use it extracts them to
 * {@code $DJL_CACHE_DIR/pytorch/2.7.1-cpu-linux-x86_64/} (default {@code ~/.djl.ai}; override with
 * the {@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR} property or environment variable). It
 * only goes to the network ({@code publish.djl.ai}) when no bundled native jar matches the
 * requested version/flavor, so we pin both to the bundled jar's values. Independently of that,
 * {@code Engine} initialisation "calls home" (an EC2 metadata probe and a telemetry URL) unless
 * offline mode or {@code OPT_OUT_TRACKING} is set. Call {@link #init()} before any DJL use.
 */
public final class Djl {
    private Djl() {
    }

    /** PyTorch version of the bundled native jar (pytorch-native-cpu). */
    public static final String PYTORCH_VERSION = "2.7.1";
    public static final String PYTORCH_FLAVOR = "cpu";
    public static final String ENGINE = "PyTorch";

    private static volatile boolean done;

    /**
     * Sets DJL's system properties (only those not already set by the user) and starts the
     * PyTorch engine with one intra-op and one inter-op thread: our networks are tiny, and extra
     * threads only spin on 2 cores. Idempotent.
     */
    public static synchronized Engine init() {
        if (!done) {
            setIfAbsent("ai.djl.offline", "true");
            setIfAbsent("OPT_OUT_TRACKING", "true");
            setIfAbsent("ai.djl.default_engine", ENGINE);
            setIfAbsent("PYTORCH_VERSION", PYTORCH_VERSION);
            setIfAbsent("PYTORCH_FLAVOR", PYTORCH_FLAVOR);
            // Read by DJL's PyTorch engine at start: thread pools of libtorch.
            setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
            setIfAbsent("ai.djl.pytorch.num_threads", "1");
            done = true;
        }
        return Engine.getEngine(ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
