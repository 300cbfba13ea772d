package dev.flash.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link TickBenchmark}'s cases timed in <em>thread CPU time</em> instead of wall time: on a
 * shared machine (other jobs on the same core) JMH's wall-clock samples measure the neighbours'
 * time slices; the CPU time the benchmark thread itself spent does not. It misses what runs on
 * other threads (the serial collector's pauses run in the VM thread; ONNX Runtime runs on the
 * caller's thread with one intra-op thread), so read it next to JMH's figures, not instead.
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -cp ... dev.flash.bench.TickCpuTime \
 *       [cpus=256] [layout=acpi-cpufreq] [part=tick|telemetry|inference|actuation] [ops=3000] \
 *       [metrics=off|scraped]
 * </pre>
 * (-Dflash.bench.model=FILE as for the benchmark.) Prints p50/p99/max in microseconds.
 */
public final class TickCpuTime {
    private TickCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        int cpus = 256;
        String layout = "acpi-cpufreq";
        String part = "tick";
        int ops = 3000;
        String metrics = "off";
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "cpus" -> cpus = Integer.parseInt(kv[1]);
                case "layout" -> layout = kv[1];
                case "part" -> part = kv[1];
                case "ops" -> ops = Integer.parseInt(kv[1]);
                case "metrics" -> metrics = kv[1];
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (cpus=N layout=acpi-cpufreq|intel_pstate part=tick|telemetry|inference|actuation ops=N metrics=off|scraped)");
            }
        }
        TickBenchmark b = new TickBenchmark();
        b.cpus = cpus;
        b.layout = layout;
        b.metrics = metrics;
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        org.openjdk.jmh.infra.Blackhole bh = new org.openjdk.jmh.infra.Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        long[] nanos = new long[ops];
        try {
            for (int round = 0; round < 2; round++) { // the first round warms up
                for (int i = 0; i < ops; i++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    switch (part) {
                        case "tick" -> bh.consume(b.tick());
                        case "telemetry" -> bh.consume(b.telemetry());
                        case "inference" -> bh.consume(b.inference());
                        case "actuation" -> b.actuation(bh);
                        default -> throw new IllegalArgumentException("part: " + part);
                    }
                    nanos[i] = mx.getCurrentThreadCpuTime() - t0;
                }
            }
        } finally {
            b.tearDown();
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s cpus=%d %s: thread CPU us p50 %.0f p99 %.0f max %.0f (%d ops)%n", part,
                cpus, layout, nanos[ops / 2] / 1e3, nanos[(int) (ops * 0.99)] / 1e3, nanos[ops - 1] / 1e3, ops);
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }
}
