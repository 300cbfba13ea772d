package dev.flash.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Counts what each fuzzed input came to ({@code ok}, or the named exception's type) and times
 * the property, for the long mode's report: a fuzz class carries
 * {@code @AddLifecycleHook(FuzzReport.class)}, its properties call {@link #ok()} or
 * {@link #named(Exception)} once per input. After each property one line goes to standard
 * output and to {@code target/fuzz-report.tsv}: the property, jqwik's tries and checks, the
 * outcomes by type, its thread's CPU seconds and wall seconds, and jqwik's verdict. An exception
 * of any other type fails the property (its type is in the line as {@code unexpected}).
 */
public final class FuzzReport implements AroundPropertyHook {
    private static final ThreadLocal<Map<String, Long>> OUTCOMES = new ThreadLocal<>();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The input parsed (or was handled without an exception). */
    public static void ok() {
        count("ok");
    }

    /** The input gave one of the parser's named failures. */
    public static void named(Exception e) {
        count(e.getClass().getSimpleName());
    }

    /** Any other outcome worth counting (e.g. "unavailable" for a meter that marks a zone). */
    public static void count(String outcome) {
        Map<String, Long> m = OUTCOMES.get();
        if (m != null) {
            m.merge(outcome, 1L, Long::sum);
        }
    }

    /** Added on a fuzz class, it applies to each of its properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.DIRECT_DESCENDANTS;
    }

    /** Properties only: an {@code @Example} beside them is a plain test, one input, not reported. */
    @Override
    public boolean appliesTo(java.util.Optional<java.lang.reflect.AnnotatedElement> element) {
        return element.map(e -> e.isAnnotationPresent(net.jqwik.api.Property.class)).orElse(false);
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Map<String, Long> outcomes = new TreeMap<>();
        OUTCOMES.set(outcomes);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        PropertyExecutionResult result;
        try {
            result = property.execute();
        } finally {
            OUTCOMES.remove();
        }
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        result.throwable().filter(t -> result.status() == PropertyExecutionResult.Status.FAILED)
                .ifPresent(t -> outcomes.merge("unexpected " + t.getClass().getSimpleName(), 1L, Long::sum));
        String name = context.containerClass().getSimpleName() + "." + context.targetMethod().getName();
        String line = String.format(Locale.ROOT, "%s\t%d\t%d\t%s\t%.1f\t%.1f\t%s", name, result.countTries(),
                result.countChecks(), outcomes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ")), cpu, wall, result.status());
        System.out.println("fuzz-report: " + line.replace('\t', ' '));
        append(line);
        return result;
    }

    private static synchronized void append(String line) {
        Path file = Path.of(System.getProperty("flash.build.dir", "target")).resolve("fuzz-report.tsv");
        try {
            Files.createDirectories(file.getParent());
            boolean fresh = !Files.exists(file);
            String header = fresh ? "property\ttries\tchecks\toutcomes\tcpu_s\twall_s\tstatus\n" : "";
            Files.writeString(file, header + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
