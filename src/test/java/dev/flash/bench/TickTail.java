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
 *       [cpus=256] [layout=acpi-cpufreq|intel_pstate] [warmup=2000] [ticks=6400] [period=128] [out=FILE]
 * </pre>
 *
 * <p>{@code out=FILE} also writes one line per measured tick (tab-separated, with a header): its index,
 * its start in the JVM's uptime (nanoseconds, the clock of {@code -Xlog}'s {@code uptimenanos}
 * decoration, to within a few tens of microseconds, so the tick can be matched with
 * {@code -Xlog:gc,safepoint,jit+compilation=debug:file=...:uptimenanos} lines), its wall and thread
 * CPU time, whether a collection ran, the milliseconds the JIT compiled meanwhile, and the wall time
 * of its parts: before Sense (the model directory's poll, the minute's counters), Sense (the
 * telemetry source's {@code sample()}), between Sense and the first write (contexts, power, the
 * model's inference, the guard), and from the first write to the end (the actuator, the status),
 * then the same parts in thread CPU time.
 * {@code bench/ticktail.py FILE} reads it.
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
        String out = null;
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
                case "out" -> out = kv[1];
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (cpus=N layout=acpi-cpufreq|intel_pstate warmup=N ticks=N period=N out=FILE)");
            }
        }
        TickBenchmark b = new TickBenchmark();
        b.cpus = cpus;
        b.layout = layout;
        PartClock parts = new PartClock();
        b.sourceWrap = parts::source;
        b.actuatorWrap = parts::actuator;
        b.setUp();
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[ticks];
        long[] wall = new long[ticks];
        boolean[] gc = new boolean[ticks];
        long[] start = new long[ticks];
        long[] compiledMs = new long[ticks];
        long[][] part = new long[4][ticks];
        long[][] partCpu = new long[4][ticks];
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long uptimeOrigin = uptimeOrigin();
        try {
            for (int i = 0; i < warmup; i++) {
                b.tick();
            }
            long collections = collections();
            long compiled = jit.getTotalCompilationTime();
            for (int i = 0; i < ticks; i++) {
                parts.reset();
                long w0 = System.nanoTime();
                long c0 = mx.getCurrentThreadCpuTime();
                b.tick();
                long c1 = mx.getCurrentThreadCpuTime();
                cpu[i] = c1 - c0;
                long w1 = System.nanoTime();
                wall[i] = w1 - w0;
                start[i] = w0 - uptimeOrigin;
                long now = collections();
                gc[i] = now != collections;
                collections = now;
                long c = jit.getTotalCompilationTime();
                compiledMs[i] = c - compiled;
                compiled = c;
                split(part, i, w0, parts.senseIn, parts.senseOut, parts.actIn, w1);
                split(partCpu, i, c0, parts.senseInCpu, parts.senseOutCpu, parts.actInCpu, c1);
            }
        } finally {
            b.tearDown();
        }
        if (out != null) {
            try (java.io.PrintWriter w = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(
                    java.nio.file.Path.of(out)))) {
                w.println("tick\tstart_uptime_ns\twall_ns\tcpu_ns\tgc\tjit_ms\tpre_ns\tsense_ns\tdecide_ns\tact_ns"
                        + "\tpre_cpu_ns\tsense_cpu_ns\tdecide_cpu_ns\tact_cpu_ns");
                for (int i = 0; i < ticks; i++) {
                    w.printf(Locale.ROOT, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d%n", warmup + i, start[i],
                            wall[i], cpu[i], gc[i] ? 1 : 0, compiledMs[i], part[0][i], part[1][i], part[2][i],
                            part[3][i], partCpu[0][i], partCpu[1][i], partCpu[2][i], partCpu[3][i]);
                }
            }
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

    /**
     * The four parts of tick {@code i} from its marks (0 = the mark was not reached: the part before
     * it takes the time): before Sense, Sense, Sense to the first write, the first write to the end.
     */
    private static void split(long[][] out, int i, long start, long senseIn, long senseOut, long actIn, long end) {
        long in = senseIn == 0 ? start : senseIn;
        long sensed = senseOut == 0 ? in : senseOut;
        long act = actIn == 0 ? end : actIn;
        out[0][i] = in - start;
        out[1][i] = sensed - in;
        out[2][i] = act - sensed;
        out[3][i] = end - act;
    }

    /**
     * System.nanoTime() at the JVM's start as HotSpot counts its uptime (RuntimeMXBean's milliseconds
     * and -Xlog's uptimenanos share that origin): the instant the millisecond count steps.
     */
    private static long uptimeOrigin() {
        java.lang.management.RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
        long ms = rt.getUptime();
        long t;
        long now;
        do {
            t = System.nanoTime();
            now = rt.getUptime();
        } while (now == ms);
        return t - now * 1_000_000L;
    }

    /** Wall-clock marks of one tick's parts, set by the wrapped source and actuator. */
    static final class PartClock {
        private final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long senseIn;
        long senseOut;
        long actIn;
        long senseInCpu;
        long senseOutCpu;
        long actInCpu;

        void reset() {
            senseIn = 0;
            senseOut = 0;
            actIn = 0;
            senseInCpu = 0;
            senseOutCpu = 0;
            actInCpu = 0;
        }

        dev.flash.telemetry.TelemetrySource source(dev.flash.telemetry.TelemetrySource s) {
            return new dev.flash.telemetry.TelemetrySource() {
                @Override
                public String describe() {
                    return s.describe();
                }

                @Override
                public dev.flash.telemetry.TelemetryRecord sample() throws dev.flash.telemetry.TelemetryException {
                    senseInCpu = mx.getCurrentThreadCpuTime();
                    senseIn = System.nanoTime();
                    try {
                        return s.sample();
                    } finally {
                        senseOut = System.nanoTime();
                        senseOutCpu = mx.getCurrentThreadCpuTime();
                    }
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        }

        dev.flash.actuate.FrequencyActuator actuator(dev.flash.actuate.FrequencyActuator a) {
            return new dev.flash.actuate.FrequencyActuator() {
                @Override
                public dev.flash.actuate.ActuationMode modeFor(dev.flash.telemetry.PolicySample policy) {
                    return a.modeFor(policy);
                }

                @Override
                public long apply(dev.flash.telemetry.PolicySample policy, long targetKhz)
                        throws dev.flash.actuate.ActuationException {
                    if (actIn == 0) {
                        actIn = System.nanoTime();
                        actInCpu = mx.getCurrentThreadCpuTime();
                    }
                    return a.apply(policy, targetKhz);
                }

                @Override
                public java.util.List<dev.flash.actuate.ForeignChange> foreignChanges() {
                    return a.foreignChanges();
                }

                @Override
                public java.util.List<Integer> resume(int policyId) {
                    return a.resume(policyId);
                }

                @Override
                public void forget(int policyId) {
                    a.forget(policyId);
                }

                @Override
                public void restore() throws dev.flash.actuate.ActuationException {
                    a.restore();
                }
            };
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
