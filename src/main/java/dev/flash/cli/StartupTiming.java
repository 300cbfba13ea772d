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
 * <pre>flash: timing: command-line 41.2 ms, onnx-runtime 20.3 ms, ... answer 96.0 ms since main(); cpu 80 ms</pre>
 *
 * Each phase is wall time from the previous mark; {@code answer} is the total from main() entry;
 * {@code cpu} is the process's CPU time (all threads: JIT, GC; utime + stime from
 * {@code /proc/self/stat}, clock-tick resolution) over the same span. bench/recommend-latency.sh
 * reads this line. Off by default: nothing is recorded but the entry time.
 */
final class StartupTiming {
    private StartupTiming() {
    }

    static final String PROPERTY = "flash.timing";

    private static long mainNanos = System.nanoTime();
    private static long mainCpuTicks = -1;
    private static long lastNanos = mainNanos;
    private static final List<String> phases = new ArrayList<>();
    private static boolean enabled;

    /** Called first thing in main(). */
    static void mainEntered() {
        mainNanos = System.nanoTime();
        lastNanos = mainNanos;
        enabled = Boolean.getBoolean(PROPERTY);
        if (enabled) {
            mainCpuTicks = cpuTicks();
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
        phases.add(String.format(Locale.ROOT, "%s %.1f ms", name, (now - lastNanos) / 1e6));
        lastNanos = now;
    }

    /** The answer is written: prints the line (when enabled). */
    static void answered() {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        long cpu = cpuTicks();
        String cpuPart = cpu >= 0 && mainCpuTicks >= 0
                ? String.format(Locale.ROOT, "; cpu %d ms", (cpu - mainCpuTicks) * 10) : "";
        System.err.printf(Locale.ROOT, "flash: timing: %s%sanswer %.1f ms since main()%s%n", String.join(", ", phases),
                phases.isEmpty() ? "" : ", ", (now - mainNanos) / 1e6, cpuPart);
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
