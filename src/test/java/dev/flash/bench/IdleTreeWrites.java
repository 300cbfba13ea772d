package dev.flash.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How often a model changes the frequency on {@link TickBenchmark}'s fake trees: every CPU idle
 * (a /proc/stat that never moves), no PMU, RAPL present, the daemon's own tick. That is a real
 * node left idle, and a model that hunts there writes to every policy on every tick or two,
 * which is most of a tick's cost at 256 CPUs (docs/benchmarks.md, "The idle-host model").
 *
 * <pre>
 *   java -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.flash.bench.IdleTreeWrites \
 *       model=FILE [cpus=256] [layout=acpi-cpufreq] [ticks=60]
 * </pre>
 * Prints the changes of {@code scaling_setspeed} (acpi-cpufreq) or {@code scaling_max_freq}
 * (intel_pstate) over all policies and over policy 0's, and policy 0's targets in MHz.
 */
public final class IdleTreeWrites {
    private IdleTreeWrites() {
    }

    /** Changes over all policies, changes of the first policy, and that policy's values. */
    record Result(int policies, int changes, int firstPolicyChanges, List<String> firstPolicyValues) {
    }

    static Result run(Path model, int cpus, String layout, int ticks) throws Exception {
        TickBenchmark b = new TickBenchmark();
        b.cpus = cpus;
        b.layout = layout;
        b.modelOverride = model;
        b.setUp();
        try {
            String control = layout.equals("intel_pstate") ? "scaling_max_freq" : "scaling_setspeed";
            List<Path> files;
            try (Stream<Path> walk = Files.walk(b.dir())) {
                files = walk.filter(p -> p.getFileName().toString().equals(control)
                        && p.getParent().getFileName().toString().startsWith("policy")).sorted().toList();
            }
            Path first = files.stream().filter(p -> p.getParent().getFileName().toString().equals("policy0"))
                    .findFirst().orElse(files.get(0));
            Map<Path, String> last = new HashMap<>();
            for (Path f : files) {
                last.put(f, read(f));
            }
            int changes = 0;
            int firstChanges = 0;
            List<String> values = new java.util.ArrayList<>();
            for (int t = 0; t < ticks; t++) {
                b.daemon().tick();
                for (Path f : files) {
                    String v = read(f);
                    if (!v.equals(last.put(f, v))) {
                        changes++;
                        if (f.equals(first)) {
                            firstChanges++;
                        }
                    }
                }
                String v = last.get(first);
                values.add(v.length() > 3 ? v.substring(0, v.length() - 3) : v);
            }
            return new Result(files.size(), changes, firstChanges, values);
        } finally {
            b.tearDown();
        }
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f).trim();
    }

    public static void main(String[] args) throws Exception {
        Path model = null;
        int cpus = 256;
        String layout = "acpi-cpufreq";
        int ticks = 60;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "model" -> model = Path.of(kv[1]);
                case "cpus" -> cpus = Integer.parseInt(kv[1]);
                case "layout" -> layout = kv[1];
                case "ticks" -> ticks = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown " + a
                        + " (model=FILE cpus=N layout=acpi-cpufreq|intel_pstate ticks=N)");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("model=FILE is required");
        }
        Result r = run(model, cpus, layout, ticks);
        System.out.printf("%s, %d CPUs %s, %d ticks: %d frequency changes over %d policies; policy 0: %d, MHz %s%n",
                model, cpus, layout, ticks, r.changes(), r.policies(), r.firstPolicyChanges(),
                String.join(" ", r.firstPolicyValues()));
        System.exit(0); // ONNX Runtime's threads
    }
}
