import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's own floor for bench/recommend-latency.sh's "hello" variant: prints one line on stdout
 * (the "answer"), then on stderr a timing line in flash's format (cli/StartupTiming): the CPU the
 * main thread and the whole process spent before main() (schedstat, nanoseconds) and the JVM's
 * start on System.nanoTime()'s clock (now minus the RuntimeMXBean's uptime), for
 * bench/first_answer.py. Run with the launcher's JVM flags, from a jar of its own with an AppCDS
 * archive of its own classes.
 */
public class Hello {
    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        long thread = cpu(Path.of("/proc/thread-self/schedstat"));
        long process = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                process += cpu(t.resolve("schedstat"));
            }
        }
        System.out.println("hello");
        System.out.flush();
        long now = System.nanoTime();
        if (Boolean.getBoolean("hello.record")) {
            return; // recording the class list: not the management classes (flash's list has none)
        }
        // the bean first, then the clock right before its uptime (as cli/StartupTiming does);
        // "mxbean" is how long making the bean took: how early the JVM's start came out when the
        // clock was read before it (flash's timing line until 2026-12-07)
        java.lang.management.RuntimeMXBean runtime = java.lang.management.ManagementFactory.getRuntimeMXBean();
        long clock = System.nanoTime();
        long jvmStart = clock - runtime.getUptime() * 1_000_000L;
        System.err.println("flash: timing: answer " + (now - mainNanos) / 1e6 + " ms since main(); cpu 0 ms;"
                + " main-thread cpu 0.0 ms; before main() main-thread cpu " + thread / 1e6 + " ms, process cpu "
                + process / 1e6 + " ms; process cpu to answer " + process / 1e6 + " ms; answer "
                + (now - jvmStart) / 1e6 + " ms since JVM start; jvm-start-monotonic-ns " + jvmStart + "; mxbean "
                + (clock - now) / 1e6 + " ms");
    }

    private static long cpu(Path schedstat) throws Exception {
        String s = Files.readString(schedstat);
        return Long.parseLong(s.substring(0, s.indexOf(' ')));
    }
}
