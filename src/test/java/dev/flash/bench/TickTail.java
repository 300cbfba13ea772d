package dev.flash.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * What makes the tail of {@link TickBenchmark}'s tick: each tick's thread CPU time and wall time,
 * then the tail with the ticks that carried a collection left out, and with them the ticks whose
 * index modulo a period (the telemetry's periodic work: the cpufreq directory listed once per
 * {@code CpufreqReader.RELIST_EVERY} ticks, the slow group every 8) costs most on average. A
 * p99 that falls when a class of ticks is left out is made by that class. Run it with the
 * launcher's flags:
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xms24m -Xmn16m -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m \
 *       -XX:MaxMetaspaceSize=64m -XX:CICompilerCount=1 -Dflash.bench.model=models/dvfs-flash.onnx \
 *       -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.flash.bench.TickTail \
 *       [cpus=256] [layout=acpi-cpufreq|intel_pstate] [warmup=2000] [ticks=6400] [period=128]
 * </pre>
 */
public final class TickTail {
    private TickTail() {
    }

    public static void main(String[] args) throws Exception {
        int cpus = 256;
        String layout = "acpi-cpufreq";
        int warmup = 2000;
        int ticks = 6400;
        int period = 128;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("argument " + a + ": expected key=value");
            }
            switch (kv[0]) {
                case "cpus" -> cpus = Integer.parseInt(kv[1]);
                case "layout" -> layout = kv[1];
                case "warmup" -> warmup = Integer.parseInt(kv[1]);
                case "ticks" -> ticks = Integer.parseInt(kv[1]);
                case "period" -> period = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (cpus=N layout=acpi-cpufreq|intel_pstate warmup=N ticks=N period=N)");
            }
        }
        TickBenchmark b = new TickBenchmark();
        b.cpus = cpus;
        b.layout = layout;
        b.setUp();
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[ticks];
        long[] wall = new long[ticks];
        boolean[] gc = new boolean[ticks];
        try {
            for (int i = 0; i < warmup; i++) {
                b.tick();
            }
            long collections = collections();
            for (int i = 0; i < ticks; i++) {
                long w0 = System.nanoTime();
                long c0 = mx.getCurrentThreadCpuTime();
                b.tick();
                cpu[i] = mx.getCurrentThreadCpuTime() - c0;
                wall[i] = System.nanoTime() - w0;
                long now = collections();
                gc[i] = now != collections;
                collections = now;
            }
        } finally {
            b.tearDown();
        }
        // the residue (tick index modulo period) whose ticks cost most CPU on average
        double[] sum = new double[period];
        int[] count = new int[period];
        for (int i = 0; i < ticks; i++) {
            if (!gc[i]) {
                sum[i % period] += cpu[i];
                count[i % period]++;
            }
        }
        int worst = 0;
        for (int r = 1; r < period; r++) {
            if (sum[r] / Math.max(1, count[r]) > sum[worst] / Math.max(1, count[worst])) {
                worst = r;
            }
        }
        double rest = 0;
        int restCount = 0;
        for (int r = 0; r < period; r++) {
            if (r != worst) {
                rest += sum[r];
                restCount += count[r];
            }
        }
        int gcTicks = 0;
        for (boolean g : gc) {
            gcTicks += g ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "tick cpus=%d %s, %d ticks: %d with a collection (%.2f %%); every %d-th tick"
                        + " (residue %d) %.0f us CPU on average against %.0f us for the others%n", cpus, layout, ticks,
                gcTicks, 100.0 * gcTicks / ticks, period, worst, sum[worst] / Math.max(1, count[worst]) / 1e3,
                rest / Math.max(1, restCount) / 1e3);
        final int w = worst;
        final int p = period;
        for (String kind : new String[] {"CPU", "wall"}) {
            long[] v = kind.equals("CPU") ? cpu : wall;
            System.out.printf(Locale.ROOT, "  %-4s p50/p99 us: all %s; without collections %s; without collections"
                            + " and every %d-th %s%n", kind, tail(v, i -> true), tail(v, i -> !gc[i]), p,
                    tail(v, i -> !gc[i] && i % p != w));
        }
    }

    private static String tail(long[] v, java.util.function.IntPredicate keep) {
        long[] kept = java.util.stream.IntStream.range(0, v.length).filter(keep).mapToLong(i -> v[i]).toArray();
        Arrays.sort(kept);
        return String.format(Locale.ROOT, "%.0f/%.0f", kept[kept.length / 2] / 1e3,
                kept[(int) Math.min(kept.length - 1, Math.ceil(kept.length * 0.99) - 1)] / 1e3);
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, g.getCollectionCount());
        }
        return n;
    }
}
