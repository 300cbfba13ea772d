package dev.flash.autoscale;

import com.google.gson.JsonParser;
import dev.flash.policy.onnx.OnnxModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The recommend stream's cost per line and memory per workload (docs/autoscale.md, "Benchmark"):
 * {@code workloads} workloads send {@code rounds} lines each, interleaved as a cluster would;
 * each line is parsed, decided and written back as JSON, timed one by one; then the heap in use
 * after a full GC, with every workload's trajectory held.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) dev.flash.autoscale.RecommendBenchmark \
 *     models/autoscale-flash.onnx 10000 5
 * </pre>
 */
public final class RecommendBenchmark {

    /** Latency quantiles (ns) of every line and the heap held (bytes) with all workloads' contexts. */
    public record Result(int workloads, int lines, long p50Nanos, long p99Nanos, long maxNanos, long heapBytes,
                         long heapBeforeBytes, long cpuP50Nanos, long cpuP99Nanos) {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int workloads = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (OnnxModel m = OnnxModel.load(model)) {
            run(m, 2_000, 2); // warm-up: JIT and ONNX Runtime's first runs
            Result r = run(m, workloads, rounds);
            System.out.printf(Locale.ROOT, "%d workloads x %d lines: per line p50 %.1f us, p99 %.1f us, max %.1f us;"
                            + " heap with every context held %.1f MiB (%.1f MiB before the workloads, %.2f KiB per workload)%n",
                    r.workloads(), r.lines() / r.workloads(), r.p50Nanos() / 1e3, r.p99Nanos() / 1e3, r.maxNanos() / 1e3,
                    r.heapBytes() / 1048576.0, r.heapBeforeBytes() / 1048576.0,
                    (r.heapBytes() - r.heapBeforeBytes()) / 1024.0 / r.workloads());
            System.out.printf(Locale.ROOT, "CPU time of the serving thread per line (what preemption by other"
                    + " processes does not add): p50 %.1f us, p99 %.1f us%n", r.cpuP50Nanos() / 1e3, r.cpuP99Nanos() / 1e3);
            System.out.println("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                    + " CPUs, -Xmx " + Runtime.getRuntime().maxMemory() / 1048576 + " MiB");
        }
    }

    public static Result run(OnnxModel model, int workloads, int rounds) {
        System.gc();
        long before = usedHeap();
        Recommender r = new Recommender(model);
        Random random = new Random(1);
        long[] nanos = new long[workloads * rounds];
        long[] cpu = new long[workloads * rounds];
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int i = 0;
        StringBuilder sb = new StringBuilder(256);
        for (int round = 0; round < rounds; round++) {
            for (int w = 0; w < workloads; w++) {
                sb.setLength(0);
                sb.append("{\"workload\":\"ns-").append(w % 97).append("/svc-").append(w)
                        .append("\",\"replicas\":").append(2 + random.nextInt(10))
                        .append(",\"cpu_limit\":").append(0.5 + random.nextInt(4) * 0.5)
                        .append(",\"cpu_usage_cores\":").append(String.format(Locale.ROOT, "%.3f", random.nextDouble()))
                        .append(",\"request_rate\":").append(String.format(Locale.ROOT, "%.2f", 50 + 100 * random.nextDouble()))
                        .append(",\"slo_seconds\":0.3,\"slo_preservation\":").append(String.format(Locale.ROOT, "%.3f",
                                0.8 + 0.2 * random.nextDouble()))
                        .append(",\"latency_p95_seconds\":0.25,\"max_replicas\":30}");
                String line = sb.toString();
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                try {
                    Recommender.Recommendation rec = r.recommend(WorkloadMetrics.parse(JsonParser.parseString(line)
                            .getAsJsonObject()), false);
                    String out = dev.flash.cli.AutoscaleCommandAccess.json(rec);
                    if (out.isEmpty()) {
                        throw new IllegalStateException();
                    }
                } catch (InvalidInputException e) {
                    throw new IllegalStateException(e);
                }
                nanos[i] = System.nanoTime() - t0;
                cpu[i++] = threads.getCurrentThreadCpuTime() - c0;
            }
        }
        System.gc();
        long held = usedHeap();
        if (r.workloads() != workloads) {
            throw new IllegalStateException("expected " + workloads + " workloads, got " + r.workloads());
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        return new Result(workloads, nanos.length, nanos[nanos.length / 2], nanos[(int) (nanos.length * 0.99)],
                nanos[nanos.length - 1], held, before, cpu[cpu.length / 2], cpu[(int) (cpu.length * 0.99)]);
    }

    private static long usedHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
