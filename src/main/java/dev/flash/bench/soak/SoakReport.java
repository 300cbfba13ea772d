package dev.flash.bench.soak;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.daemon.DaemonStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A soak's figures and its verdict ({@link #passed()}); as text for people, JSON for machines. */
public final class SoakReport {
    private static final int MAX_EXAMPLES = 8;

    long seed;
    double faultRate;
    final List<FaultClass> mix = new ArrayList<>();
    int cpus;
    int policies;
    long ticks;
    double seconds;
    double simulatedSeconds;
    long kernelWrites;
    long daemonStarts;
    final Map<FaultClass, Long> faults = SoakRun.emptyCounts();
    /** Exit code of `flash restore` -> times. */
    final Map<Integer, Long> restores = new TreeMap<>();
    long restoresChecked;
    long cpusChangedAfterRestores;
    final List<String> restoreDifferences = new ArrayList<>();
    /** What `flash restore` said when it did not exit 0. */
    final List<String> restoreFailures = new ArrayList<>();
    int leftChangedByStop;
    int lastRestoreExit;
    int cpusLeftChanged;
    final List<String> finalDifferences = new ArrayList<>();
    long uncaught;
    final List<String> uncaughtExamples = new ArrayList<>();
    final List<String> limitViolations = new ArrayList<>();
    /** One sample after each tenth of the run, then one after the last stop. */
    final List<ResourceProbe> resources = new ArrayList<>();
    DaemonStatus.Counts daemonCounts = new DaemonStatus.Counts();

    void uncaught(long tick, Throwable e) {
        uncaught++;
        example(uncaughtExamples, "tick " + tick + ": " + e);
    }

    void example(List<String> list, String line) {
        if (list.size() < MAX_EXAMPLES) {
            list.add(line);
        }
    }

    void addCounts(DaemonStatus.Counts c) {
        daemonCounts = SoakRun.sum(daemonCounts, c);
    }

    // ---- the verdict ----------------------------------------------------------------------------

    public long totalFaults() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<FaultClass, Long> faults() {
        return Map.copyOf(faults);
    }

    public long ticks() {
        return ticks;
    }

    public int cpusLeftChanged() {
        return cpusLeftChanged;
    }

    /** Restores after a SIGKILL that exited 0 and were checked against what was found. */
    public long restoresChecked() {
        return restoresChecked;
    }

    public long cpusChangedAfterRestores() {
        return cpusChangedAfterRestores;
    }

    public long uncaught() {
        return uncaught;
    }

    public List<String> limitViolations() {
        return List.copyOf(limitViolations);
    }

    public long daemonStarts() {
        return daemonStarts;
    }

    public DaemonStatus.Counts daemonCounts() {
        return daemonCounts;
    }

    private ResourceProbe first() {
        return resources.get(0);
    }

    /** The sample after the last tenth (before the last stop). */
    private ResourceProbe last() {
        return resources.get(Math.max(0, resources.size() - 2));
    }

    public boolean fdsFlat() {
        return ResourceProbe.flat(first().fds(), last().fds(), SoakRun.FLAT_TOLERANCE);
    }

    /** With 2 threads of slack: the JVM's own service threads come and go by a couple. */
    public boolean threadsFlat() {
        return last().threads() - first().threads() <= Math.max(2, SoakRun.FLAT_TOLERANCE * first().threads())
                && first().threads() > 0;
    }

    public boolean heapFlat() {
        return ResourceProbe.flat(first().heapBytes(), last().heapBytes(), SoakRun.FLAT_TOLERANCE);
    }

    /**
     * The resident set grew by at most 5%, first tenth to last. Reported, not part of
     * {@link #passed()}: the JVM's RSS also holds heap it committed and JIT code, which grow by
     * the JVM's own policy over a short run; the heap after GC is the leak check.
     */
    public boolean rssFlat() {
        return ResourceProbe.flat(first().rssBytes(), last().rssBytes(), SoakRun.FLAT_TOLERANCE);
    }

    /** Relative change of the heap after GC, first tenth to last. */
    public double heapGrowth() {
        return (double) (last().heapBytes() - first().heapBytes()) / first().heapBytes();
    }

    /** Every invariant held. */
    public boolean passed() {
        return uncaught == 0 && limitViolations.isEmpty() && cpusLeftChanged == 0 && cpusChangedAfterRestores == 0
                && lastRestoreExit == 0 && fdsFlat() && threadsFlat() && heapFlat();
    }

    /** One line per broken invariant (empty when passed). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (uncaught > 0) {
            p.add(uncaught + " exceptions left the loop, e.g. " + uncaughtExamples.get(0));
        }
        if (!limitViolations.isEmpty()) {
            p.add(limitViolations.size() + " frequencies asked for outside the hardware range, e.g. "
                    + limitViolations.get(0));
        }
        if (cpusChangedAfterRestores > 0) {
            p.add(cpusChangedAfterRestores + " CPUs left changed after a SIGKILL's `flash restore`, e.g. "
                    + restoreDifferences.get(0));
        }
        if (cpusLeftChanged > 0) {
            p.add(cpusLeftChanged + " CPUs left changed after the last stop and `flash restore`, e.g. "
                    + finalDifferences.get(0));
        }
        if (lastRestoreExit != 0) {
            p.add("the last `flash restore` exited " + lastRestoreExit);
        }
        if (!fdsFlat()) {
            p.add("file descriptors not flat: " + first().fds() + " -> " + last().fds());
        }
        if (!threadsFlat()) {
            p.add("threads not flat: " + first().threads() + " -> " + last().threads());
        }
        if (!heapFlat()) {
            p.add(String.format(Locale.ROOT, "heap after GC not flat: %.1f -> %.1f MiB", mib(first().heapBytes()),
                    mib(last().heapBytes())));
        }
        return p;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    // ---- output ---------------------------------------------------------------------------------

    public void printText(PrintWriter out) {
        out.printf(Locale.ROOT, "flash bench soak: %d ticks (%.1f simulated hours) in %.1f s, %.0f ticks/s; "
                        + "fake machine %d CPUs in %d policies, seed %d%n", ticks, simulatedSeconds / 3600, seconds,
                ticks / seconds, cpus, policies, seed);
        out.printf(Locale.ROOT, "faults injected: %d (rate %.4f per tick)%n", totalFaults(), faultRate);
        for (FaultClass f : FaultClass.values()) {
            String state = mix.contains(f) ? Long.toString(faults.getOrDefault(f, 0L)) : "off";
            out.printf(Locale.ROOT, "  %-17s %s%n", f.key(), state);
        }
        DaemonStatus.Counts c = daemonCounts;
        out.printf(Locale.ROOT, "daemon: %d starts, %d decisions (%d model, %d fallback), %d write errors, "
                        + "%d telemetry failures, %d hands-off, %d model fallbacks%n", daemonStarts, c.decisions,
                c.modelDecisions, c.fallbackDecisions, c.writeErrors, c.telemetryFailures, c.handsOff, c.fallbacks);
        out.printf(Locale.ROOT, "flash restore: exit codes %s; %d restores after a SIGKILL checked, %d CPUs left changed%n",
                restores, restoresChecked, cpusChangedAfterRestores);
        out.printf(Locale.ROOT, "last stop: %d CPUs changed after the daemon's own restore, %d after `flash restore` (exit %d)%n",
                leftChangedByStop, cpusLeftChanged, lastRestoreExit);
        out.printf(Locale.ROOT, "uncaught exceptions: %d; frequencies outside the hardware range: %d; kernel writes: %d%n",
                uncaught, limitViolations.size(), kernelWrites);
        out.printf(Locale.ROOT, "resources (first tenth -> last tenth): fds %d -> %d, threads %d -> %d, "
                        + "heap after GC %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB (%s)%n", first().fds(), last().fds(),
                first().threads(), last().threads(), mib(first().heapBytes()), mib(last().heapBytes()),
                mib(first().rssBytes()), mib(last().rssBytes()), rssFlat() ? "within 5%" : "grew more than 5%, reported only");
        List<String> problems = problems();
        out.println(problems.isEmpty() ? "PASS: every invariant held" : "FAIL:");
        for (String p : problems) {
            out.println("  " + p);
        }
        if (!problems.isEmpty()) {
            for (String d : restoreFailures) {
                out.println("  flash restore: " + d);
            }
        }
        for (String d : restoreDifferences) {
            out.println("  " + d);
        }
        for (String d : finalDifferences) {
            out.println("  last stop: " + d);
        }
    }

    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("passed", passed());
        JsonArray problems = new JsonArray();
        problems().forEach(problems::add);
        o.add("problems", problems);
        o.addProperty("machine", "fake cpufreq tree + simulated load (not hardware)");
        o.addProperty("seed", seed);
        o.addProperty("cpus", cpus);
        o.addProperty("policies", policies);
        o.addProperty("ticks", ticks);
        o.addProperty("seconds", round(seconds));
        o.addProperty("ticks_per_second", round(ticks / seconds));
        o.addProperty("simulated_seconds", simulatedSeconds);
        o.addProperty("fault_rate", faultRate);
        o.addProperty("faults_total", totalFaults());
        JsonObject f = new JsonObject();
        for (FaultClass c : FaultClass.values()) {
            if (mix.contains(c)) {
                f.addProperty(c.key(), faults.getOrDefault(c, 0L));
            }
        }
        o.add("faults", f);
        JsonObject d = new JsonObject();
        d.addProperty("starts", daemonStarts);
        d.addProperty("decisions", daemonCounts.decisions);
        d.addProperty("model_decisions", daemonCounts.modelDecisions);
        d.addProperty("fallback_decisions", daemonCounts.fallbackDecisions);
        d.addProperty("write_errors", daemonCounts.writeErrors);
        d.addProperty("telemetry_failures", daemonCounts.telemetryFailures);
        d.addProperty("hands_off", daemonCounts.handsOff);
        d.addProperty("model_fallbacks", daemonCounts.fallbacks);
        o.add("daemon", d);
        JsonObject r = new JsonObject();
        restores.forEach((code, n) -> r.addProperty("exit_" + code, n));
        r.addProperty("checked_after_sigkill", restoresChecked);
        r.addProperty("cpus_changed_after_sigkill_restores", cpusChangedAfterRestores);
        o.add("restores", r);
        o.addProperty("cpus_changed_after_daemon_stop", leftChangedByStop);
        o.addProperty("cpus_left_changed", cpusLeftChanged);
        o.addProperty("last_restore_exit", lastRestoreExit);
        o.addProperty("uncaught_exceptions", uncaught);
        o.add("uncaught_examples", strings(uncaughtExamples));
        o.addProperty("limit_violations", limitViolations.size());
        o.add("limit_violation_examples", strings(limitViolations.subList(0, Math.min(MAX_EXAMPLES, limitViolations.size()))));
        o.add("restore_failures", strings(restoreFailures));
        o.add("differences", strings(restoreDifferences));
        o.add("final_differences", strings(finalDifferences));
        o.addProperty("kernel_writes", kernelWrites);
        JsonObject res = new JsonObject();
        res.addProperty("fds_first", first().fds());
        res.addProperty("fds_last", last().fds());
        res.addProperty("threads_first", first().threads());
        res.addProperty("threads_last", last().threads());
        res.addProperty("heap_mib_first", round(mib(first().heapBytes())));
        res.addProperty("heap_mib_last", round(mib(last().heapBytes())));
        res.addProperty("rss_mib_first", round(mib(first().rssBytes())));
        res.addProperty("rss_mib_last", round(mib(last().rssBytes())));
        res.addProperty("rss_flat", rssFlat());
        res.addProperty("fds_flat", fdsFlat());
        res.addProperty("threads_flat", threadsFlat());
        res.addProperty("heap_flat", heapFlat());
        JsonArray samples = new JsonArray();
        for (ResourceProbe p : resources) {
            JsonObject s = new JsonObject();
            s.addProperty("fds", p.fds());
            s.addProperty("threads", p.threads());
            s.addProperty("heap_mib", round(mib(p.heapBytes())));
            s.addProperty("rss_mib", round(mib(p.rssBytes())));
            samples.add(s);
        }
        res.add("samples", samples);
        o.add("resources", res);
        return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    private static JsonArray strings(List<String> list) {
        JsonArray a = new JsonArray();
        list.forEach(a::add);
        return a;
    }

    private static double round(double v) {
        return Math.rint(v * 1000) / 1000;
    }
}
