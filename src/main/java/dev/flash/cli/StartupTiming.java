package dev.flash.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a short command's time goes, from {@code main()} entry to its answer: with
 * {@code -Dflash.timing=true} (for example {@code FLASH_JAVA_OPTS=-Dflash.timing=true}) the
 * commands that mark their phases print one line on standard error when they have written their
 * answer:
 *
 * <pre>flash: timing: command-line 41.2 ms (cpu 30.1), onnx-runtime 20.3 ms (cpu 18.0), ... answer 96.0 ms since main(); cpu 80 ms; main-thread cpu 70.2 ms</pre>
 *
 * Each phase is wall time from the previous mark, with the CPU time of the thread that ran it
 * (the main thread; from {@code /proc/thread-self/schedstat}, nanoseconds: on a loaded machine the
 * wall time mostly measures the wait for a core, the thread's CPU time does not); {@code answer}
 * is the total from main() entry; {@code cpu} is the process's CPU time (all threads: JIT, GC;
 * utime + stime from {@code /proc/self/stat}, clock-tick resolution) over the same span;
 * {@code main-thread cpu} the sum of the phases' CPU; {@code since JVM start} the wall time from the
 * JVM's own start (HotSpot's {@code os::init}, the beginning of creating the VM: now minus the
 * RuntimeMXBean's uptime, millisecond resolution) to the answer written, and
 * {@code jvm-start-monotonic-ns} that start on {@code System.nanoTime()}'s clock (CLOCK_MONOTONIC),
 * for a harness that times the answer's last byte from outside (bench/first_answer.py). The
 * management classes that give the uptime are loaded after the answer is written, so they cost
 * the process's exit, not the answer. {@code before main()} is the CPU spent before main() entry
 * by the main thread (creating the VM, loading the main class) and by the whole process (every
 * live thread's schedstat), and {@code process cpu to answer} the whole process's CPU from its
 * exec to the answer written, both in nanoseconds: a loaded machine inflates the wall time of the
 * JVM's start, not these. bench/recommend-latency.sh reads this line.
 * Off by default: nothing is recorded but the entry time.
 */
final class StartupTiming {
    private StartupTiming() {
    }

    static final String PROPERTY = "flash.timing";

    private static long mainNanos = System.nanoTime();
    private static long mainCpuTicks = -1;
    private static long lastNanos = mainNanos;
    private static long mainThreadCpu = -1;
    private static long lastThreadCpu = -1;
    // A phase's numbers are kept raw and formatted only once the answer is written: the first
    // String.format of a process sets up Formatter and its regular expressions, about 20 ms of
    // interpreted work that a phase would otherwise be charged for.
    private static final List<String> phaseNames = new ArrayList<>();
    private static long[] phaseWall = new long[16];
    private static long[] phaseCpu = new long[16];
    private static boolean enabled;
    // CPU spent before main() (nanoseconds, -1 unknown): by the main thread (libjli starts it to
    // create the VM and load the main class) and by every thread of the process (the java
    // launcher's primordial thread, the VM thread, C1, GC): "JVM start -> main()" in CPU, which a
    // loaded machine does not inflate the way it does the wall time.
    private static long preMainThreadCpu = -1;
    private static long preMainProcessCpu = -1;

    /** Called first thing in main(). */
    static void mainEntered() {
        mainNanos = System.nanoTime();
        lastNanos = mainNanos;
        enabled = Boolean.getBoolean(PROPERTY);
        if (enabled) {
            preMainThreadCpu = threadCpuNanos();
            preMainProcessCpu = processCpuNanos();
            mainCpuTicks = cpuTicks();
            // the phases start after these reads: their own cost is nobody's phase
            mainThreadCpu = threadCpuNanos();
            lastThreadCpu = mainThreadCpu;
        }
    }

    static boolean enabled() {
        return enabled;
    }

    /** Ends the phase {@code name} now. */
    static void mark(String name) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        long cpu = threadCpuNanos();
        int i = phaseNames.size();
        if (i == phaseWall.length) {
            phaseWall = java.util.Arrays.copyOf(phaseWall, 2 * i);
            phaseCpu = java.util.Arrays.copyOf(phaseCpu, 2 * i);
        }
        phaseNames.add(name);
        phaseWall[i] = now - lastNanos;
        phaseCpu[i] = cpu >= 0 && lastThreadCpu >= 0 ? cpu - lastThreadCpu : -1;
        lastNanos = now;
        lastThreadCpu = cpu;
    }

    /** The answer is written: prints the line (when enabled). */
    static void answered() {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        long cpu = cpuTicks();
        long thread = threadCpuNanos(); // before any formatting (see phaseNames)
        long process = processCpuNanos();
        String cpuPart = cpu >= 0 && mainCpuTicks >= 0
                ? String.format(Locale.ROOT, "; cpu %d ms", (cpu - mainCpuTicks) * 10) : "";
        if (thread >= 0 && mainThreadCpu >= 0) {
            cpuPart += String.format(Locale.ROOT, "; main-thread cpu %.1f ms", (thread - mainThreadCpu) / 1e6);
        }
        if (preMainThreadCpu >= 0 && preMainProcessCpu >= 0 && process >= 0) {
            cpuPart += String.format(Locale.ROOT, "; before main() main-thread cpu %.1f ms, process cpu %.1f ms;"
                    + " process cpu to answer %.1f ms", preMainThreadCpu / 1e6, preMainProcessCpu / 1e6, process / 1e6);
        }
        List<String> phases = new ArrayList<>();
        for (int i = 0; i < phaseNames.size(); i++) {
            phases.add(phaseCpu[i] >= 0
                    ? String.format(Locale.ROOT, "%s %.1f ms (cpu %.1f)", phaseNames.get(i), phaseWall[i] / 1e6, phaseCpu[i] / 1e6)
                    : String.format(Locale.ROOT, "%s %.1f ms", phaseNames.get(i), phaseWall[i] / 1e6));
        }
        // after the answer: the management classes are not on the answer's path. The bean is made
        // first and the clock read right before its uptime: reading the clock before making it
        // (as this did until 2026-12-07) put the JVM's start earlier by the time the management
        // classes took to load, which inflated "JVM start -> main()" by that much
        java.lang.management.RuntimeMXBean runtime = java.lang.management.ManagementFactory.getRuntimeMXBean();
        long clock = System.nanoTime();
        long jvmStart = clock - runtime.getUptime() * 1_000_000L;
        System.err.printf(Locale.ROOT, "flash: timing: %s%sanswer %.1f ms since main()%s; answer %.1f ms since JVM start;"
                        + " jvm-start-monotonic-ns %d%n", String.join(", ", phases), phases.isEmpty() ? "" : ", ",
                (now - mainNanos) / 1e6, cpuPart, (now - jvmStart) / 1e6, jvmStart);
    }

    /** CPU time of the calling thread in nanoseconds (first field of its schedstat), or -1. */
    static long threadCpuNanos() {
        try {
            String s = Files.readString(Path.of("/proc/thread-self/schedstat"));
            int sp = s.indexOf(' ');
            return Long.parseLong(sp < 0 ? s.trim() : s.substring(0, sp));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time of every live thread of this process in nanoseconds (the sum of their schedstats),
     * or -1. Threads that have already exited are not counted (the JVM's start keeps its threads).
     */
    static long processCpuNanos() {
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            long sum = 0;
            for (Path task : tasks) {
                try {
                    String s = Files.readString(task.resolve("schedstat"));
                    int sp = s.indexOf(' ');
                    sum += Long.parseLong(sp < 0 ? s.trim() : s.substring(0, sp));
                } catch (IOException e) {
                    // the thread exited while we listed them: its time is lost either way
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of this process in clock ticks (USER_HZ, 100 on Linux), or -1. */
    static long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) may hold spaces: fields are counted after its ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
