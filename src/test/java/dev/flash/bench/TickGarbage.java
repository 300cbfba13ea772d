package dev.flash.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What {@link TickBenchmark}'s tick leaves to the collector: bytes allocated by the ticking thread
 * per tick ({@code ThreadMXBean.getThreadAllocatedBytes}, exact, unlike JMH's {@code -prof gc}
 * under SampleTime), and the collections and their time per 1000 ticks in this JVM. Run it with
 * the launcher's flags, as flashd runs:
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xms24m -Xmn16m -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m \
 *       -XX:MaxMetaspaceSize=64m -XX:CICompilerCount=1 -Dflash.bench.model=models/dvfs-flash.onnx \
 *       -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.flash.bench.TickGarbage \
 *       [cpus=256] [layout=acpi-cpufreq|intel_pstate] [warmup=1000] [ticks=3000]
 * </pre>
 */
public final class TickGarbage {
    private TickGarbage() {
    }

    /** Bytes allocated, collections and collection milliseconds over some ticks. */
    public record Count(double bytesPerTick, long collections, long collectionMillis, int ticks) {
        double collectionsPer1000() {
            return collections * 1000.0 / ticks;
        }
    }

    public static void main(String[] args) throws Exception {
        int cpus = 256;
        String layout = "acpi-cpufreq";
        int warmup = 1000;
        int ticks = 3000;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "cpus" -> cpus = Integer.parseInt(kv[1]);
                case "layout" -> layout = kv[1];
                case "warmup" -> warmup = Integer.parseInt(kv[1]);
                case "ticks" -> ticks = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (cpus=N layout=acpi-cpufreq|intel_pstate warmup=N ticks=N)");
            }
        }
        TickBenchmark b = new TickBenchmark();
        b.cpus = cpus;
        b.layout = layout;
        b.setUp();
        try {
            Count c = count(b, warmup, ticks);
            System.out.printf(Locale.ROOT, "tick cpus=%d %s: %.0f bytes a tick; %d collections in %d ticks"
                            + " (%.1f per 1000 ticks), %d ms in all%n", cpus, layout, c.bytesPerTick(),
                    c.collections(), ticks, c.collectionsPer1000(), c.collectionMillis());
            System.out.println("this JVM (the benchmark's, not flashd's): " + residentSet());
        } finally {
            b.tearDown();
        }
    }

    /** Runs {@code warmup} ticks, then counts over {@code ticks} more. */
    static Count count(TickBenchmark b, int warmup, int ticks) {
        for (int i = 0; i < warmup; i++) {
            b.tick();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long[] gc0 = collections();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < ticks; i++) {
            b.tick();
        }
        long bytes = mx.getThreadAllocatedBytes(tid) - before;
        long[] gc1 = collections();
        return new Count((double) bytes / ticks, gc1[0] - gc0[0], gc1[1] - gc0[1], ticks);
    }

    /** VmRSS and VmHWM of this process, from /proc/self/status ("" where there is none). */
    private static String residentSet() throws java.io.IOException {
        java.nio.file.Path status = java.nio.file.Path.of("/proc/self/status");
        if (!java.nio.file.Files.isReadable(status)) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : java.nio.file.Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                out.append(line.replaceAll("\\s+", " ")).append("; ");
            }
        }
        return out.toString();
    }

    private static long[] collections() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }
}
