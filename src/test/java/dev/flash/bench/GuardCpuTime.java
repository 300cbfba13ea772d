package dev.flash.bench;

import dev.flash.policy.PolicyDecision;
import dev.flash.policy.SlowdownGuard;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;

/**
 * Thread CPU time of the slowdown guard alone ({@link SlowdownGuard#apply}) on a record of 256
 * single-CPU policies with a 21-entry table, random utilization, counters and run-queue wait,
 * each tick's decisions applied to the next tick's current clock. The guard's share of the
 * daemon's tick, measurable on a shared machine (thread CPU time, not wall time).
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xmx64m -cp target/test-classes:target/classes dev.flash.bench.GuardCpuTime [ticks=20000]
 * </pre>
 * Prints p50/p99 in microseconds over the ticks after the first fifth (warm-up).
 */
public final class GuardCpuTime {
    private GuardCpuTime() {
    }

    public static void main(String[] args) {
        int ticks = args.length > 0 ? Integer.parseInt(args[0].replace("ticks=", "")) : 20_000;
        int n = 256;
        long min = 1_000_000;
        long max = 3_000_000;
        long[] table = LongStream.rangeClosed(10, 30).map(k -> k * 100_000).toArray();
        Random rnd = new Random(1);
        SlowdownGuard guard = new SlowdownGuard(0.05);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cost = new long[ticks];
        long[] cur = new long[n];
        Arrays.fill(cur, max);
        for (int t = 0; t < ticks; t++) {
            List<PolicySample> samples = new ArrayList<>(n);
            List<PolicyDecision> decisions = new ArrayList<>(n);
            double[] util = new double[n];
            for (int i = 0; i < n; i++) {
                util[i] = rnd.nextDouble();
                samples.add(new PolicySample(i, new int[] {i}, "acpi-cpufreq", "userspace", List.of("userspace"), min,
                        max, min, max, cur[i], table, util[i], 1 + rnd.nextDouble(), 5 * rnd.nextDouble(), Double.NaN,
                        Double.NaN, Double.NaN, 0.05 * rnd.nextDouble()));
                decisions.add(new PolicyDecision(i, 2, "down1", table[rnd.nextInt(table.length)], new float[0],
                        Double.NaN));
            }
            TelemetryRecord record = new TelemetryRecord(t, t, 1.0, samples, util, List.of(), Double.NaN, Map.of());
            long start = mx.getCurrentThreadCpuTime();
            List<PolicyDecision> out = guard.apply(record, decisions);
            cost[t] = mx.getCurrentThreadCpuTime() - start;
            for (int i = 0; i < n; i++) {
                cur[i] = out.get(i).targetKhz();
            }
        }
        long[] kept = Arrays.copyOfRange(cost, ticks / 5, ticks);
        Arrays.sort(kept);
        System.out.printf(Locale.ROOT, "SlowdownGuard.apply, 256 policies, thread CPU: p50 %.1f us, p99 %.1f us (%d ticks)%n",
                kept[kept.length / 2] / 1e3, kept[(int) (kept.length * 0.99)] / 1e3, kept.length);
    }
}
