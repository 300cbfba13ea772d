package dev.flash.configsearch;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Seedable synthetic configuration-search sets in the long format, in the spirit of the paper's
 * two other data sets (what they are modelled on, not copies of them):
 *
 * <ul>
 *   <li><b>sizeless</b>: serverless functions built from segments (CPU work, memory allocation,
 *       file and network I/O, sleeps), each run at the six memory sizes 128-3008 MB. The CPU
 *       share grows with memory up to one vCPU at 1769 MB (beyond it only the parallel part of
 *       the CPU work speeds up, up to 1.7 vCPU); network and disk bandwidth grow with memory; a
 *       working set near the memory size slows allocation (garbage collection, paging) and one
 *       above it fails the run (out of memory). Monitoring metrics in the spirit of Sizeless's:
 *       user and system CPU seconds, resident memory, voluntary and involuntary context
 *       switches, file and network bytes. Cost: GB-seconds at 0.0000166667 per GB-s.</li>
 *   <li><b>openwhisk</b>: applications over 6 CPU limits x 6 memory sizes (36 configurations):
 *       a serial part, a parallel part spread over min(cores, threads), I/O, and a memory
 *       penalty when the working set exceeds the memory (failed beyond twice). Metrics: user CPU
 *       seconds, resident memory, I/O bytes, context switches. Cost: (cores x 0.00003 + GB x
 *       0.000004) per second.</li>
 * </ul>
 *
 * Every run gets 3% lognormal noise. Failed runs keep a status text, as the multi-cloud data's do.
 */
public final class SyntheticData {
    private SyntheticData() {
    }

    public enum Kind {
        SIZELESS, OPENWHISK;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.label().equalsIgnoreCase(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown synthetic set '" + s + "' (sizeless or openwhisk)");
        }
    }

    public static final int[] SIZELESS_MEMORY_MB = {128, 256, 512, 1024, 2048, 3008};
    public static final double[] OPENWHISK_CPUS = {0.25, 0.5, 1, 2, 4, 8};
    public static final int[] OPENWHISK_MEMORY_MB = {128, 256, 512, 1024, 2048, 4096};

    /** Writes {@code count} workloads of {@code kind} to {@code out} (long format); returns the rows written. */
    public static int write(Kind kind, int count, long seed, Path out) throws IOException {
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            return kind == Kind.SIZELESS ? sizeless(count, new Random(seed), w) : openwhisk(count, new Random(seed), w);
        }
    }

    private static int sizeless(int count, Random r, Writer w) throws IOException {
        w.write("workload,memory_mb,metric_user_cpu_s,metric_sys_cpu_s,metric_rss_mb,metric_vol_ctx_switches,"
                + "metric_invol_ctx_switches,metric_fs_mb,metric_net_mb,target_runtime,target_cost,status\n");
        int rows = 0;
        for (int f = 0; f < count; f++) {
            // Segments: each present with probability 0.6; magnitudes log-uniform.
            double cpu = present(r) ? logUniform(r, 0.01, 5) : 0;         // s of CPU at one vCPU
            double parallel = r.nextDouble() < 0.3 ? r.nextDouble() : 0;     // share of CPU work that is parallel
            double alloc = present(r) ? logUniform(r, 5, 2000) : 1;          // MB allocated
            double fileMb = present(r) ? logUniform(r, 0.1, 500) : 0;
            double netMb = present(r) ? logUniform(r, 0.1, 500) : 0;
            double sleep = present(r) ? logUniform(r, 0.01, 2) : 0;
            double rss = 30 + 0.8 * alloc;
            for (int mem : SIZELESS_MEMORY_MB) {
                double share = Math.min(mem / 1769.0, 1);
                double multi = Math.min(mem / 1769.0, 1.7);
                double cpuTime = cpu * ((1 - parallel) / share + parallel / multi);
                double pressure = rss / mem;
                double allocTime = alloc / 2000.0 * (pressure > 0.7 ? 1 + 8 * (pressure - 0.7) : 1) / share;
                double fileTime = fileMb / (40 + 160 * mem / 3008.0);
                double netTime = netMb / (10 + 90 * share);
                double runtime = (0.005 + cpuTime + allocTime + fileTime + netTime + sleep) * noise(r);
                String status = pressure > 1 ? "Runtime exited with error: signal: killed (out of memory)" : "ok";
                double cost = runtime * mem / 1024.0 * 0.0000166667;
                w.write(String.format(Locale.ROOT, "fn%04d,%d,%.5f,%.5f,%.2f,%d,%d,%.3f,%.3f,%.6f,%.10f,%s%n", f, mem,
                        cpu * noise(r), (0.02 * cpuTime + 0.002 * (fileMb + netMb)) * noise(r), Math.min(rss, mem),
                        Math.round((fileMb + netMb) * 20 + sleep * 100 + 5), Math.round(cpuTime * (1 - share) * 250),
                        fileMb, netMb, runtime, cost, status));
                rows++;
            }
        }
        return rows;
    }

    private static int openwhisk(int count, Random r, Writer w) throws IOException {
        w.write("workload,cpus,memory_mb,metric_user_cpu_s,metric_rss_mb,metric_io_mb,metric_ctx_switches,"
                + "target_runtime,target_cost,status\n");
        int rows = 0;
        for (int a = 0; a < count; a++) {
            double serial = logUniform(r, 0.05, 5);
            double par = present(r) ? logUniform(r, 0.1, 40) : 0;
            int threads = 1 << r.nextInt(5);
            double io = present(r) ? logUniform(r, 0.1, 300) : 0;
            double ws = logUniform(r, 40, 3000);
            for (double cpus : OPENWHISK_CPUS) {
                for (int mem : OPENWHISK_MEMORY_MB) {
                    double speed = Math.min(cpus, 1);
                    double cpuTime = serial / speed + par / Math.min(cpus, threads);
                    double over = ws / mem;
                    double memPenalty = over > 1 ? 1 + 3 * (over - 1) : 1;
                    double ioTime = io / (20 + 30 * Math.min(cpus, 2));
                    double runtime = (0.02 + cpuTime * memPenalty + ioTime) * noise(r);
                    String status = over > 2 ? "action exceeded its memory limit" : "ok";
                    double cost = runtime * (cpus * 0.00003 + mem / 1024.0 * 0.000004);
                    w.write(String.format(Locale.ROOT, "app%04d,%s,%d,%.5f,%.2f,%.3f,%d,%.6f,%.10f,%s%n", a,
                            cpus, mem, (serial + par) * noise(r), Math.min(ws, mem), io,
                            Math.round(cpuTime * 50 + io * 10), runtime, cost, status));
                    rows++;
                }
            }
        }
        return rows;
    }

    private static boolean present(Random r) {
        return r.nextDouble() < 0.6;
    }

    private static double logUniform(Random r, double lo, double hi) {
        return Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    private static double noise(Random r) {
        return Math.exp(0.03 * r.nextGaussian());
    }
}
