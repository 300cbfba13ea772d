package dev.flash.bench;

import dev.flash.daemon.DaemonStatus;
import dev.flash.testing.FakeSchedstat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A digest of everything {@link TickBenchmark}'s daemon decides and records on the Linux path,
 * for checking that a change to the tick's code changes no decision. The bench's fake trees
 * stand still, so here every tick first rewrites them from a seeded generator: {@code /proc/stat}
 * (per-CPU busy and idle ticks), {@code /proc/schedstat} (run time and run delay),
 * {@code scaling_cur_freq} of every policy and the RAPL {@code energy_uj} counters. The clock
 * moves one second per call, so intervals, power and utilization history repeat from run to run
 * (with the real clock they do not). After each tick the digest takes the daemon's status (state,
 * package power, counts, per policy the action, target, utilization, run wait, embedding norm,
 * recent reward, frequency) and every policy's context rows bit for bit.
 *
 * <pre>
 *   java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -Dflash.bench.model=models/dvfs-flash.onnx \
 *       -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.flash.bench.TickDecisionTrace \
 *       [cpus=64] [layout=acpi-cpufreq|intel_pstate] [ticks=200]
 * </pre>
 * Prints one line with the digest; equal digests before and after a change: the same decisions.
 */
public final class TickDecisionTrace {
    private TickDecisionTrace() {
    }

    public static void main(String[] args) throws Exception {
        int cpus = 64;
        String layout = "acpi-cpufreq";
        int ticks = 200;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "cpus" -> cpus = Integer.parseInt(kv[1]);
                case "layout" -> layout = kv[1];
                case "ticks" -> ticks = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (cpus=N layout=acpi-cpufreq|intel_pstate ticks=N)");
            }
        }
        long[] now = {1_000_000_000L};
        TickBenchmark b = new TickBenchmark();
        b.cpus = cpus;
        b.layout = layout;
        b.clock = () -> now[0] += 1_000_000_000L;
        b.setUp();
        Path dir = b.dir();
        List<Path> cur = files(dir, "scaling_cur_freq");
        List<Path> energy = files(dir, "energy_uj");
        Random random = new Random(11);
        long[] busy = new long[cpus];
        long[] idle = new long[cpus];
        long[] run = new long[cpus];
        long[] delay = new long[cpus];
        long[] microjoules = new long[energy.size()];
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try {
            for (int t = 0; t < ticks; t++) {
                StringBuilder stat = new StringBuilder("cpu  1000 0 1000 50000 10 0 5 0 0 0\n");
                for (int c = 0; c < cpus; c++) {
                    int share = random.nextInt(101);
                    busy[c] += share;
                    idle[c] += 100 - share;
                    stat.append("cpu").append(c).append(' ').append(busy[c]).append(" 0 0 ").append(idle[c])
                            .append(" 0 0 0 0 0 0\n");
                }
                stat.append("intr 1 0\nctxt 1\nbtime 1\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n");
                Files.writeString(dir.resolve("proc/stat"), stat);
                FakeSchedstat schedstat = FakeSchedstat.of(16, cpus);
                for (int c = 0; c < cpus; c++) {
                    run[c] += random.nextInt(1_000_000_000);
                    delay[c] += random.nextInt(300_000_000);
                    schedstat.cpu(c, run[c], delay[c]);
                }
                schedstat.writeTo(dir.resolve("proc/schedstat"));
                for (Path p : cur) {
                    Files.writeString(p, (800_000 + 100_000 * random.nextInt(23)) + "\n");
                }
                for (int i = 0; i < microjoules.length; i++) {
                    microjoules[i] += random.nextInt(100_000_000);
                    Files.writeString(energy.get(i), microjoules[i] + "\n");
                }
                b.tick();
                digest.update(describe(b, t).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } finally {
            b.tearDown();
        }
        System.out.println(layout + " cpus=" + cpus + " ticks=" + ticks + " sha256="
                + HexFormat.of().formatHex(digest.digest()));
    }

    private static List<Path> files(Path dir, String name) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals(name)).sorted().toList();
        }
    }

    private static String describe(TickBenchmark b, int t) {
        DaemonStatus s = b.daemon().status();
        StringBuilder line = new StringBuilder().append(t).append(' ').append(s.state).append(' ')
                .append(s.power.packageWatts).append(' ').append(s.counts.decisions).append(' ')
                .append(s.counts.guardRaised).append(' ').append(s.counts.foreignChanges);
        for (DaemonStatus.PolicyStatus p : s.policies) {
            line.append('|').append(p.action).append(',').append(p.targetMhz).append(',').append(p.utilization)
                    .append(',').append(p.runWaitShare).append(',').append(p.embeddingNorm).append(',')
                    .append(p.recentReward).append(',').append(p.freqMhz);
        }
        dev.flash.policy.TrajectoryBuffer buffer = b.buffer();
        int rows = buffer.capacity();
        int width = buffer.width();
        float[] context = new float[rows * width];
        float[] mask = new float[rows];
        for (int id : b.daemon().policyIds()) {
            Arrays.fill(context, 0);
            Arrays.fill(mask, 0);
            buffer.copyInto(id, context, mask, 0, rows, width);
            for (float v : context) {
                line.append(',').append(Float.floatToIntBits(v));
            }
            for (float v : mask) {
                line.append(',').append(Float.floatToIntBits(v));
            }
        }
        return line.toString();
    }
}
