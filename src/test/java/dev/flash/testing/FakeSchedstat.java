package dev.flash.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@code /proc/schedstat} the way the kernel's {@code show_schedstat()} lays it out,
 * so the run-queue meter can be tested on machines without {@code CONFIG_SCHEDSTATS} (this VM):
 *
 * <pre>
 * version 15
 * timestamp &lt;jiffies&gt;
 * cpu&lt;N&gt; 9 numbers, fields 7 and 8 the run time and run delay in ns
 * domain&lt;M&gt; [&lt;name&gt; (version 17)] &lt;cpumask&gt; 36 numbers (versions 15, 16) or 45 (17)
 * ...one cpu line per online CPU, each followed by its domain lines
 * </pre>
 *
 * Each CPU gets two domains, its SMT pair ({@code SMT}) and all CPUs ({@code MC}); the cpumask
 * is hex in 32-bit groups separated by commas, as {@code %*pb} prints it. The other counters
 * are plausible numbers derived from the CPU's, nothing reads them.
 */
public final class FakeSchedstat {
    private final int version;
    private final int possibleCpus;
    private final StringBuilder cpus = new StringBuilder();

    private FakeSchedstat(int version, int possibleCpus) {
        this.version = version;
        this.possibleCpus = possibleCpus;
    }

    /** An empty file of this schedstat version, with cpumasks {@code possibleCpus} bits wide. */
    public static FakeSchedstat of(int version, int possibleCpus) {
        return new FakeSchedstat(version, possibleCpus);
    }

    /** Adds the cpu line of an online CPU, and its domain lines. */
    public FakeSchedstat cpu(int cpu, long runNanos, long delayNanos) {
        long scheduled = 1_000 + runNanos / 400_000;
        long wentIdle = scheduled / 3;
        long wakeups = scheduled / 2;
        cpus.append("cpu").append(cpu)
                .append(' ').append(0)                    // 1 sched_yield()
                .append(' ').append(0)                    // 2 legacy, always 0
                .append(' ').append(scheduled)            // 3 schedule()
                .append(' ').append(wentIdle)             // 4 schedule() left the CPU idle
                .append(' ').append(wakeups)              // 5 try_to_wake_up()
                .append(' ').append(wakeups / 2)          // 6 ... of a task on this CPU
                .append(' ').append(runNanos)             // 7 time running
                .append(' ').append(delayNanos)           // 8 time waiting to run
                .append(' ').append(scheduled - wentIdle) // 9 timeslices
                .append('\n');
        int sibling = cpu ^ 1;
        domain(0, "SMT", mask(cpu, Math.min(sibling, possibleCpus - 1)), cpu);
        domain(1, "MC", mask(0, possibleCpus - 1), cpu);
        return this;
    }

    public String text() {
        return "version " + version + "\ntimestamp " + (4_294_937_296L + 250L * 3600) + "\n" + cpus;
    }

    public Path writeTo(Path file) {
        try {
            Files.writeString(file, text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** 3 idle types x 8 (x 11 from version 17) sched_balance_rq() counters, then 12 more. */
    private void domain(int level, String name, String mask, int cpu) {
        cpus.append("domain").append(level).append(' ');
        if (version >= 17) {
            cpus.append(name).append(' ');
        }
        cpus.append(mask);
        int balanceFields = version >= 17 ? 11 : 8;
        int count = 3 * balanceFields + 12;
        for (int i = 0; i < count; i++) {
            cpus.append(' ').append(i % balanceFields < 3 ? (cpu + 1) * (level + 2) * (37 + i) : i % 5);
        }
        cpus.append('\n');
    }

    /** CPUs first..last as the kernel's {@code %*pb}: hex, 32-bit groups, the first one as wide as it needs. */
    private String mask(int first, int last) {
        int lo = Math.min(first, last);
        int hi = Math.max(first, last);
        StringBuilder out = new StringBuilder();
        int groups = (possibleCpus + 31) / 32;
        for (int g = groups - 1; g >= 0; g--) {
            long bits = 0;
            for (int b = 0; b < 32; b++) {
                int c = g * 32 + b;
                if (c >= lo && c <= hi) {
                    bits |= 1L << b;
                }
            }
            int bitsInGroup = g == groups - 1 && possibleCpus % 32 != 0 ? possibleCpus % 32 : 32;
            String hex = Long.toHexString(bits);
            int width = (bitsInGroup + 3) / 4;
            out.append("0".repeat(Math.max(0, width - hex.length()))).append(hex);
            if (g > 0) {
                out.append(',');
            }
        }
        return out.toString();
    }
}
