package dev.flash.meta;

import ai.djl.engine.Engine;
import com.sun.jna.Library;
import com.sun.jna.Native;

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

    /**
     * Intel oneMKL's conditional numerical reproducibility switch. The PyTorch build links oneMKL
     * statically; left unset, MKL picks a code path at run time and the same training with the
     * same seed left the usual trajectory in 3 of 9 runs (at iterations 313, 1762 and 1865).
     * {@code COMPATIBLE} (MKL's portable path) is the default here so that MKL's choice of code
     * path is not one more source of run-to-run difference; it does not remove the divergence
     * (14 of 15 short runs and 5 of 5 full trainings of one setting agreed, 3 of 5 full
     * trainings of another did not: docs/log/2026-11-dvfs-experiments-log.md, "Is training repeatable?"). That
     * divergence came from a garbage collection freeing a loss constant before the backward pass,
     * fixed in {@code PpoTrainer.scalar} (docs/log/2026-12-07-dvfs-repeatability.md). A value
     * the user set is kept.
     */
    public static final String MKL_CBWR = "MKL_CBWR";
    public static final String MKL_CBWR_DEFAULT = "COMPATIBLE";

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
            // MKL reads its switch with the C library's getenv when libtorch first calls it, so it
            // goes into the process environment (not a Java property) before the engine loads;
            // overwrite = 0 keeps a value the user set.
            LibC.INSTANCE.setenv(MKL_CBWR, MKL_CBWR_DEFAULT, 0);
            done = true;
        }
        return Engine.getEngine(ENGINE);
    }

    /**
     * The MKL reproducibility mode training runs under: the user's {@code MKL_CBWR} or ours, as
     * the C library sees it (Java's {@code System.getenv} is a copy taken at JVM start).
     */
    public static String mklCbwr() {
        String value = LibC.INSTANCE.getenv(MKL_CBWR);
        return value == null ? "unset" : value;
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
