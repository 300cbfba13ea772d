package dev.flash.sim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

/**
 * The simulated node's spec file (TOML): a {@code [node]} section (machine, power model, RAPL
 * counter) and a {@code [workload]} section (applications and how the demo switches them). The
 * documented default is {@code src/main/resources/sim/default.toml}. Every key is checked:
 * unknown keys and bad values throw {@link SpecException} naming the file, the key and its line.
 *
 * @param node               the machine
 * @param apps               applications of the workload (at least one)
 * @param seed               seed of the node's noise
 * @param timeScale          simulated seconds per real second when the daemon runs the node
 * @param switchEverySeconds demo: the next application starts every this many simulated
 *                           seconds; 0 never switches
 * @param staggered          placement: false runs the current application on every policy, true
 *                           runs application (k + i) on policy i
 * @param source             where the spec came from, for {@code describe()}
 */
public record SimSpec(
        NodeSpec node,
        List<AppSpec> apps,
        long seed,
        double timeScale,
        double switchEverySeconds,
        boolean staggered,
        String source) {

    public static final String EMBEDDED = "/sim/default.toml";

    private static final Set<String> TOP_KEYS = Set.of("node", "workload");
    private static final Set<String> NODE_KEYS = Set.of("cpus", "cpus_per_policy", "driver", "min_mhz", "max_mhz",
            "step_mhz", "vmin_volts", "vmax_volts", "idle_watts", "dynamic_watts_per_cpu", "stall_activity",
            "uncore_watts", "dram_watts", "memory_latency_ns", "rapl_max_energy_range_uj", "noise",
            "initial_governor", "initial_mhz", "base_mhz", "frequencies_mhz", "boost_volts", "threads_per_cpu",
            "run_wait_noise");
    private static final Set<String> WORKLOAD_KEYS = Set.of("seed", "time_scale", "switch_every_s", "placement",
            "apps_file", "apps_split", "apps");

    public SimSpec {
        apps = List.copyOf(apps);
    }

    /** Reads a spec file; relative {@code apps_file} paths are resolved against its directory. */
    public static SimSpec load(Path file) throws IOException {
        String label = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        Path dir = file.toAbsolutePath().getParent();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SpecException(label + ": not UTF-8 text");
        }
        return parse(text, label, dir);
    }

    /** The spec shipped in the jar ({@code sim/default.toml}). */
    public static SimSpec embeddedDefault() {
        try (InputStream in = SimSpec.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("embedded spec " + EMBEDDED + " missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default.toml (embedded)", null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read embedded spec " + EMBEDDED, e);
        }
    }

    /** The embedded spec's text, for {@code flash sim spec} and users who want a starting point. */
    public static String embeddedText() {
        try (InputStream in = SimSpec.class.getResourceAsStream(EMBEDDED)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read embedded spec " + EMBEDDED, e);
        }
    }

    /**
     * Parses spec text. {@code label} names the source in messages; {@code baseDir} resolves a
     * relative {@code apps_file} (null: relative to the working directory).
     */
    public static SimSpec parse(String toml, String label, Path baseDir) {
        TomlParseResult result = Toml.parse(toml);
        if (result.hasErrors()) {
            TomlParseError err = result.errors().get(0);
            throw new SpecException(label + " line " + err.position().line() + ": " + err.getMessage());
        }
        Fields root = Fields.of(result);
        try {
            root.allowOnly(TOP_KEYS);
            NodeSpec node = readNode(root.has("node") ? root.table("node") : null);
            Fields w = root.table("workload");
            return readWorkload(w, node, label, baseDir);
        } catch (SpecException e) {
            throw e.at(label);
        }
    }

    private static NodeSpec readNode(Fields n) {
        if (n == null) {
            return NodeSpec.defaults();
        }
        NodeSpec d = NodeSpec.defaults();
        try {
            n.allowOnly(NODE_KEYS);
            int cpus = integer(n, "cpus", d.cpus());
            List<Long> table = n.has("frequencies_mhz") ? tableKhz(n) : List.of();
            long minKhz = mhzToKhz(n, "min_mhz", table.isEmpty() ? d.minKhz() : table.get(0));
            long maxKhz = mhzToKhz(n, "max_mhz", table.isEmpty() ? d.maxKhz() : table.get(table.size() - 1));
            double vmax = n.number("vmax_volts", d.vmaxVolts());
            return new NodeSpec(
                    cpus,
                    integer(n, "cpus_per_policy", Math.min(cpus, d.cpusPerPolicy())),
                    n.string("driver", d.driver()),
                    minKhz,
                    maxKhz,
                    mhzToKhz(n, "step_mhz", d.stepKhz()),
                    n.number("vmin_volts", d.vminVolts()),
                    vmax,
                    n.number("idle_watts", d.idleWatts()),
                    n.number("dynamic_watts_per_cpu", d.dynamicWattsPerCpu()),
                    n.number("stall_activity", d.stallActivity()),
                    n.number("uncore_watts", d.uncoreWatts()),
                    n.number("dram_watts", d.dramWatts()),
                    n.number("memory_latency_ns", d.memoryLatencyNs()),
                    (long) n.number("rapl_max_energy_range_uj", d.raplMaxEnergyRangeUj()),
                    n.number("noise", d.noise()),
                    n.string("initial_governor", d.initialGovernor()),
                    mhzToKhz(n, "initial_mhz", n.has("max_mhz") || !table.isEmpty() ? maxKhz : d.initialKhz()),
                    mhzToKhz(n, "base_mhz", maxKhz),
                    table,
                    n.number("boost_volts", vmax),
                    n.number("threads_per_cpu", 0),
                    n.number("run_wait_noise", 0));
        } catch (SpecException e) {
            throw n.withLine(e).at("[node]");
        }
    }

    private static SimSpec readWorkload(Fields w, NodeSpec node, String label, Path baseDir) {
        List<AppSpec> apps = new ArrayList<>();
        long seed;
        double timeScale;
        double every;
        boolean staggered;
        try {
            w.allowOnly(WORKLOAD_KEYS);
            seed = (long) integer(w, "seed", 42);
            timeScale = SpecException.inRangeOpen("time_scale", w.number("time_scale", 1.0), 0, 10_000);
            every = SpecException.inRange("switch_every_s", w.number("switch_every_s", 0), 0, 1e9);
            String placement = w.string("placement", "same");
            if (!placement.equals("same") && !placement.equals("staggered")) {
                throw new SpecException("placement '" + placement + "' must be 'same' or 'staggered'");
            }
            staggered = placement.equals("staggered");
            String appsFile = w.string("apps_file", "");
            if (!appsFile.isEmpty()) {
                Path p = baseDir == null ? Path.of(appsFile) : baseDir.resolve(appsFile);
                String split = w.string("apps_split", AppSpec.TEST);
                List<AppSpec> fromFile;
                try {
                    fromFile = AppPopulation.read(p);
                } catch (IOException e) {
                    throw new SpecException("apps_file '" + appsFile + "': cannot read " + p + ": " + e.getMessage());
                } catch (SpecException e) {
                    throw new SpecException("apps_file: " + e.getMessage(), e);
                }
                List<AppSpec> chosen = split.equals("all") ? fromFile : AppPopulation.split(fromFile, split);
                if (chosen.isEmpty()) {
                    throw new SpecException("apps_split '" + split + "': no application of " + p
                            + " in that split (train, test or all)");
                }
                apps.addAll(chosen);
            }
        } catch (SpecException e) {
            throw w.withLine(e).at("[workload]");
        }
        if (w.has("apps")) {
            List<Fields> tables;
            try {
                tables = w.tables("apps");
            } catch (SpecException e) {
                throw e.at("[workload]");
            }
            for (int i = 0; i < tables.size(); i++) {
                try {
                    apps.add(AppReader.read(tables.get(i), i, false, AppSpec.TRAIN));
                } catch (SpecException e) {
                    throw e.at("[[workload.apps]]");
                }
            }
        }
        if (apps.isEmpty()) {
            throw new SpecException("[workload]: no application: add [[workload.apps]] tables or apps_file");
        }
        int policies = node.policyCount();
        if (every == 0 && apps.size() != 1 && apps.size() != policies) {
            throw new SpecException("[workload]: " + apps.size() + " applications but switch_every_s = 0 and "
                    + policies + " policies: give 1 or " + policies + " applications, or set switch_every_s");
        }
        return new SimSpec(node, apps, seed, timeScale, every, staggered, label);
    }

    private static int integer(Fields f, String key, long fallback) {
        double v = f.number(key, fallback);
        if (v != Math.rint(v) || Math.abs(v) > Long.MAX_VALUE / 2.0) {
            throw new SpecException(key + " " + v + " must be an integer");
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, (long) v));
    }

    private static List<Long> tableKhz(Fields n) {
        List<Long> khz = new ArrayList<>();
        for (double mhz : n.numbersOrNull("frequencies_mhz")) {
            khz.add(Math.round(mhz * 1000));
        }
        if (khz.isEmpty()) {
            throw new SpecException("frequencies_mhz is empty: list the table or leave the key out");
        }
        if (n.has("step_mhz")) {
            throw new SpecException("frequencies_mhz and step_mhz both given: the table is one or the other");
        }
        return khz;
    }

    private static long mhzToKhz(Fields f, String key, long fallbackKhz) {
        if (!f.has(key)) {
            return fallbackKhz;
        }
        return Math.round(f.number(key) * 1000);
    }

    // ------------------------------------------------------------------ building

    /** A node driven by {@link SimulatedNode#advance(double)} (training, tests), seeded from the spec. */
    public SimulatedNode build() {
        return build(seed, null);
    }

    /** A node the daemon samples in real time ({@link System#nanoTime()} times {@code time_scale}). */
    public SimulatedNode buildRealTime() {
        return build(seed, System::nanoTime);
    }

    /** A node with this seed and clock (null clock: driven by advance). */
    public SimulatedNode build(long nodeSeed, LongSupplier clock) {
        int policies = node.policyCount();
        List<AppSpec> initial = switchEverySeconds > 0 || apps.size() == 1 ? List.of(apps.get(0)) : apps;
        if (initial.size() != 1 && initial.size() != policies) {
            initial = List.of(apps.get(0));
        }
        SimulatedNode sim = new SimulatedNode(node, initial, nodeSeed, clock, timeScale);
        if (switchEverySeconds > 0) {
            sim.rotate(apps, switchEverySeconds, staggered);
        }
        sim.setDescription("simulated (" + source + ": " + node.cpus() + " CPUs, " + policies + " policies, "
                + apps.size() + (apps.size() == 1 ? " application)" : " applications)"));
        return sim;
    }
}
