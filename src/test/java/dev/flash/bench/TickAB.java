package dev.flash.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two trees' {@link TickBenchmark} ticks in one JVM, alternating, each in its own class loader: an
 * A/B of the tick's thread CPU time that the machine's load drifts out of. On a shared VM the
 * same code's CPU time moves by 50 % from one run to the next (cold caches after the neighbours'
 * time slices), more than most changes of the tick; ticks of A and B taken in turn, block by block,
 * see the same load. Each tree's {@code target/classes} and {@code target/test-classes} are loaded
 * child-first for {@code dev.flash.*}; the libraries (ONNX Runtime with its native library, JMH)
 * come from this JVM's class path, shared. Run it with the launcher's flags:
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xms24m -Xmn16m -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m \
 *       -XX:MaxMetaspaceSize=64m -XX:CICompilerCount=1 -Dflash.bench.model=models/dvfs-flash.onnx \
 *       -cp target/test-classes:$(cat target/bench-cp.txt) dev.flash.bench.TickAB a=/tmp/main-clone b=. \
 *       [cpus=256] [layout=acpi-cpufreq|intel_pstate] [warmup=2000] [blocks=60] [block=50] [decoy=0]
 * </pre>
 *
 * Prints, per side, the p50 and p99 of the per-tick CPU time over every measured tick, and the
 * ratio B/A of the block medians (median and the share of blocks where B was cheaper). Both sides'
 * ticks are on one thread; the heap and the JIT's code cache are shared, so collections fall on
 * either side (the CPU time of a tick leaves the collector's pause out, it runs in the VM thread).
 */
public final class TickAB {
    private TickAB() {
    }

    public static void main(String[] args) throws Exception {
        Path a = null;
        Path b = null;
        int cpus = 256;
        String layout = "acpi-cpufreq";
        int warmup = 2000;
        int blocks = 60;
        int block = 50;
        int decoy = 0;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("argument " + arg + ": expected key=value");
            }
            switch (kv[0]) {
                case "a" -> a = Path.of(kv[1]);
                case "b" -> b = Path.of(kv[1]);
                case "cpus" -> cpus = Integer.parseInt(kv[1]);
                case "layout" -> layout = kv[1];
                case "warmup" -> warmup = Integer.parseInt(kv[1]);
                case "blocks" -> blocks = Integer.parseInt(kv[1]);
                case "block" -> block = Integer.parseInt(kv[1]);
                case "decoy" -> decoy = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (a=TREE b=TREE cpus=N layout=acpi-cpufreq|intel_pstate warmup=N blocks=N block=N decoy=CPUS)");
            }
        }
        if (a == null || b == null) {
            throw new IllegalArgumentException("a=TREE and b=TREE are required (directories with target/classes)");
        }
        requireTree(a);
        requireTree(b);
        // decoy=CPUS: a third daemon of tree a with CPUS policies set up (and ticked through the warm-up)
        // first, so neither measured side is the process's first (an A/A without it favours the side set up second)
        Side decoySide = decoy > 0 ? new Side(a, decoy, layout) : null;
        Side sa = new Side(a, cpus, layout);
        Side sb;
        try {
            sb = new Side(b, cpus, layout);
        } catch (Exception | Error e) {
            sa.close();
            throw e;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ta = new long[blocks * block];
        long[] tb = new long[blocks * block];
        double[] ratio = new double[blocks];
        try {
            for (int i = 0; i < warmup; i++) {
                if (decoySide != null) {
                    decoySide.tick();
                }
                sa.tick();
                sb.tick();
            }
            long[] ba = new long[block];
            long[] bb = new long[block];
            for (int k = 0; k < blocks; k++) {
                boolean aFirst = (k & 1) == 0; // which side starts the block alternates too
                for (int i = 0; i < block; i++) {
                    Side first = aFirst ? sa : sb;
                    Side second = aFirst ? sb : sa;
                    long c0 = mx.getCurrentThreadCpuTime();
                    first.tick();
                    long c1 = mx.getCurrentThreadCpuTime();
                    second.tick();
                    long c2 = mx.getCurrentThreadCpuTime();
                    ba[i] = aFirst ? c1 - c0 : c2 - c1;
                    bb[i] = aFirst ? c2 - c1 : c1 - c0;
                }
                System.arraycopy(ba, 0, ta, k * block, block);
                System.arraycopy(bb, 0, tb, k * block, block);
                ratio[k] = (double) median(bb) / median(ba);
            }
        } finally {
            sa.close();
            sb.close();
            if (decoySide != null) {
                decoySide.close();
            }
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        Arrays.sort(ratio);
        int cheaper = 0;
        for (double r : ratio) {
            cheaper += r < 1 ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "tick cpus=%d %s, %d ticks each, thread CPU us: A %s p50 %.0f p99 %.0f; B %s p50 %.0f"
                        + " p99 %.0f; block medians B/A: median %.3f, B cheaper in %d of %d blocks%n", cpus, layout,
                ta.length, a, ta[ta.length / 2] / 1e3, ta[(int) (ta.length * 0.99)] / 1e3, b, tb[tb.length / 2] / 1e3,
                tb[(int) (tb.length * 0.99)] / 1e3, ratio[blocks / 2], cheaper, blocks);
    }

    private static void requireTree(Path tree) {
        if (!Files.isDirectory(tree.resolve("target/classes")) || !Files.isDirectory(tree.resolve("target/test-classes"))) {
            throw new IllegalArgumentException(tree + ": no target/classes and target/test-classes (build the tree first)");
        }
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** One tree's TickBenchmark, loaded child-first for dev.flash.*. */
    private static final class Side {
        private final Object bench;
        private final Method tick;
        private final Method tearDown;

        Side(Path tree, int cpus, String layout) throws Exception {
            Path classes = tree.resolve("target/classes");
            Path testClasses = tree.resolve("target/test-classes");
            ClassLoader loader = new ChildFirst(new URL[] {testClasses.toUri().toURL(), classes.toUri().toURL()},
                    TickAB.class.getClassLoader());
            Class<?> c = Class.forName("dev.flash.bench.TickBenchmark", true, loader);
            bench = c.getConstructor().newInstance();
            c.getField("cpus").setInt(bench, cpus);
            c.getField("layout").set(bench, layout);
            c.getMethod("setUp").invoke(bench);
            tick = c.getMethod("tick");
            tearDown = c.getMethod("tearDown");
        }

        void tick() throws Exception {
            tick.invoke(bench);
        }

        void close() throws Exception {
            tearDown.invoke(bench);
        }
    }

    /** Loads dev.flash.* from its own URLs first; everything else from the parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.flash.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
