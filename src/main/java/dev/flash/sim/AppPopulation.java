package dev.flash.sim;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The population of synthetic applications DVFS models train and are tested on, and its JSON
 * file. The population (documented in {@code docs/simulated-node.md}):
 *
 * <ul>
 *   <li>archetype: 25% cpu-bound (every phase m in [0, 0.15]), 25% memory-bound (m in
 *       [0.45, 0.9]), 50% mixed (each phase drawn from cpu [0, 0.15], balanced [0.2, 0.45]
 *       or memory [0.45, 0.9]);</li>
 *   <li>1 to 4 phases of 15 to 120 s;</li>
 *   <li>load: 35% batch (1.0 to 1.5, saturated), else interactive 0.15 to 0.95; parallelism
 *       one of 0.25, 0.5, 0.75, 1; load noise 0 to 8%, except a third of all phases that
 *       are bursty: per-second load noise 8 to 50% ({@link #DEFAULT_BURST_MAX}); half the
 *       phases carry a slow sine of 5 to 30% amplitude and 20 to 120 s period;</li>
 *   <li>a share of the applications ({@code idleGapShare}, a third by default) end their
 *       phase cycle with a near-idle gap ({@link #idleGap}: load 1 to 10%, 3 to 300 s
 *       log-uniform);</li>
 *   <li>a share of the applications ({@code idleHostShare}, 5% by default) are idle
 *       hosts ({@link #idleHost}): one near-idle phase, load 0.5 to 10%, renamed {@code idle-NNNN};</li>
 *   <li>hidden: mlp log-uniform in [1, 8], base_ipc uniform in [0.6, 3.0], power_intensity
 *       uniform in [0.7, 1.3];</li>
 *   <li>split: a seeded shuffle puts round(n * testFraction) applications in "test" (at least
 *       one application stays in "train").</li>
 * </ul>
 *
 * Values are rounded to 4 decimals so the JSON file reads well and round-trips exactly.
 */
public final class AppPopulation {
    private AppPopulation() {
    }

    public static final String FORMAT = "flash-apps/1";

    /** Highest per-second load noise of a bursty phase (the "bursty services" of real servers). */
    public static final double DEFAULT_BURST_MAX = 0.5;
    /**
     * Share of applications whose phase cycle ends with a near-idle gap ({@link #idleGap}), as
     * written on command lines and in reports ({@link #parseShare} reads it exactly).
     */
    public static final String DEFAULT_IDLE_GAP_SHARE_TEXT = "1/3";
    /**
     * A third: it closed the first foreign set's reward gap. Without idle hosts beside it, some
     * training runs learned to hunt on an idle host (docs/log/2026-11-dvfs-experiments-log.md, "Idle gaps").
     */
    public static final double DEFAULT_IDLE_GAP_SHARE = 1.0 / 3;
    /** Share of applications that are idle hosts ({@link #idleHost}), as written on command lines. */
    public static final String DEFAULT_IDLE_HOST_SHARE_TEXT = "0.05";
    /** One in twenty: enough idle contexts that the policy learns to park on them. */
    public static final double DEFAULT_IDLE_HOST_SHARE = 0.05;
    /** Longest idle gap, seconds: long enough that parking at the floor pays. */
    public static final double IDLE_GAP_MAX_SECONDS = 300;
    /** Noise at and below which a phase counts as steady; bursty phases start here. */
    public static final double STEADY_NOISE_MAX = 0.08;

    /** The values {@link Shape} accepts as {@code burstMax}, for messages. */
    public static final String BURST_MAX_RANGE = "0 or in [" + STEADY_NOISE_MAX + ", 0.5]";

    /** 0 (no bursty phase) or a ceiling from the steady noise up to the most a phase may have. */
    public static boolean isValidBurstMax(double burstMax) {
        return burstMax == 0 || burstMax >= STEADY_NOISE_MAX && burstMax <= 0.5;
    }

    /**
     * A share as written on a command line: a number ("0.25") or a fraction ("1/3", exactly the
     * share the "Idle gaps" experiments used); NaN when it is neither.
     */
    public static double parseShare(String text) {
        try {
            String t = text.trim();
            int slash = t.indexOf('/');
            if (slash < 0) {
                return Double.parseDouble(t);
            }
            return Double.parseDouble(t.substring(0, slash).trim()) / Double.parseDouble(t.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A share of applications: a number in [0, 1]. */
    public static boolean isValidShare(double share) {
        return share >= 0 && share <= 1;
    }

    /**
     * What the population holds beyond its base applications, each drawn from a random stream of
     * its own so that changing one leaves every other value as it was:
     *
     * @param burstMax      highest per-second load noise of the bursty third of the phases
     *                      (uniform from {@link #STEADY_NOISE_MAX}); 0: no bursty phase
     * @param idleGapShare  share of applications whose phase cycle ends with a near-idle gap
     *                      ({@link #idleGap}); 0: none
     * @param idleHostShare share of applications that are idle hosts ({@link #idleHost}); 0: none
     */
    public record Shape(double burstMax, double idleGapShare, double idleHostShare) {
        /** What {@code flash train dvfs} and {@code flash sim apps} use by default. */
        public static final Shape DEFAULT = new Shape(DEFAULT_BURST_MAX, DEFAULT_IDLE_GAP_SHARE, DEFAULT_IDLE_HOST_SHARE);
        /** The base applications only: steady phases, no gap, no idle host. */
        public static final Shape BASE = new Shape(0, 0, 0);

        public Shape {
            if (!isValidBurstMax(burstMax)) {
                throw new IllegalArgumentException("burst noise maximum must be " + BURST_MAX_RANGE + ", got "
                        + burstMax);
            }
            if (!isValidShare(idleGapShare)) {
                throw new IllegalArgumentException("idle gap share must be in [0, 1], got " + idleGapShare);
            }
            if (!isValidShare(idleHostShare)) {
                throw new IllegalArgumentException("idle host share must be in [0, 1], got " + idleHostShare);
            }
        }

        public Shape withBurstMax(double x) {
            return new Shape(x, idleGapShare, idleHostShare);
        }

        public Shape withIdleGaps(double share) {
            return new Shape(burstMax, share, idleHostShare);
        }

        public Shape withIdleHosts(double share) {
            return new Shape(burstMax, idleGapShare, share);
        }
    }

    /** A deterministic population of {@code n} applications (same n, seed, fraction: same list). */
    public static List<AppSpec> sample(int n, long seed, double testFraction) {
        return sample(n, seed, testFraction, Shape.DEFAULT);
    }

    /**
     * The base applications of {@code n}, {@code seed} and {@code testFraction}, then, in this
     * order and each from its own stream: bursty phases, idle gaps appended to a share of the
     * applications, a share of the applications turned into idle hosts. A part at 0 gives the
     * population without it, value for value.
     */
    public static List<AppSpec> sample(int n, long seed, double testFraction, Shape shape) {
        List<AppSpec> apps = withBursts(sample(n, seed, testFraction, AppPopulation::sampleApp), seed, shape.burstMax());
        return withIdleHosts(withIdleGaps(apps, seed, shape.idleGapShare()), seed, shape.idleHostShare());
    }

    private static List<AppSpec> withBursts(List<AppSpec> steady, long seed, double burstMax) {
        if (burstMax == 0) {
            return steady;
        }
        SplittableRandom bursts = new SplittableRandom(seed ^ 0xB0B5L);
        return eachApp(steady, a -> {
            List<Phase> phases = new ArrayList<>(a.phases().size());
            for (Phase p : a.phases()) {
                phases.add(bursts.nextInt(3) == 0 ? p.withLoadNoise(r4(uniform(bursts, STEADY_NOISE_MAX, burstMax))) : p);
            }
            return a.withPhases(phases);
        });
    }

    private static List<AppSpec> withIdleGaps(List<AppSpec> apps, long seed, double share) {
        return withShare(apps, new SplittableRandom(seed ^ 0x1D1EL), share, AppPopulation::idleGap, (a, gap) -> {
            List<Phase> phases = new ArrayList<>(a.phases());
            phases.add(gap);
            return a.withPhases(phases);
        });
    }

    private static List<AppSpec> withIdleHosts(List<AppSpec> apps, long seed, double share) {
        return withShare(apps, new SplittableRandom(seed ^ 0x1D1E05L), share, AppPopulation::idleHost, (a, idle) -> {
            String index = a.name().substring(a.name().lastIndexOf('-') + 1);
            return new AppSpec("idle-" + index, List.of(idle), a.hidden(), a.split());
        });
    }

    /**
     * A share of the applications changed by {@code change} with a phase drawn by {@code draw}.
     * Every application draws both its coin and its phase from {@code rng}, so the share changes
     * which applications change, not how.
     */
    private static List<AppSpec> withShare(List<AppSpec> apps, SplittableRandom rng, double share,
                                           java.util.function.Function<SplittableRandom, Phase> draw,
                                           java.util.function.BiFunction<AppSpec, Phase, AppSpec> change) {
        if (share == 0) {
            return apps;
        }
        return eachApp(apps, a -> {
            boolean gets = rng.nextDouble() < share;
            Phase phase = draw.apply(rng);
            return gets ? change.apply(a, phase) : a;
        });
    }

    /**
     * Each application replaced by {@code change} of it, in the population's order: the changes
     * draw from one random stream, so the order is what makes them repeatable.
     */
    private static List<AppSpec> eachApp(List<AppSpec> apps, java.util.function.UnaryOperator<AppSpec> change) {
        List<AppSpec> out = new ArrayList<>(apps.size());
        for (AppSpec a : apps) {
            out.add(change.apply(a));
        }
        return List.copyOf(out);
    }

    /**
     * A near-idle gap: load 1 to 10%, 3 to 300 s (log-uniform: most are short, some are minutes),
     * per-second noise up to 50%, no sine. Servers idle between a batch queue's jobs and between
     * a service's request waves; a 1 s control loop that parks the CPU at its lowest frequency
     * there pays a second of heavy slowdown when the work comes back, which only a long gap's
     * saving repays. Short gaps alone (3 to 30 s) taught a policy to stay up and hunt on an idle
     * host; the long ones are there so the utilization history can tell when parking pays.
     */
    static Phase idleGap(SplittableRandom rng) {
        double m = uniform(rng, 0, 0.5);
        double load = uniform(rng, 0.01, 0.1);
        double parallelism = 0.25 * (1 + rng.nextInt(4));
        double duration = Math.rint(logUniform(rng, 3, IDLE_GAP_MAX_SECONDS));
        double noise = uniform(rng, 0, 0.5);
        return new Phase(r4(m), r4(load), parallelism, duration, r4(noise), 0, 60);
    }

    /**
     * An idle host: one near-idle phase (load 0.5 to 10%, per-second noise up to 50%, no sine).
     * Many cloud servers spend most of their time like this, and it is where parking at the
     * lowest frequency saves the most. A population with idle gaps but no idle host trained
     * policies that stay up "for the work coming back" and hunt on a host where none comes
     * (docs/log/2026-11-dvfs-experiments-log.md, "Idle gaps"); the context of an idle host tells it apart.
     */
    static Phase idleHost(SplittableRandom rng) {
        double m = uniform(rng, 0, 0.5);
        double load = uniform(rng, 0.005, 0.1);
        double parallelism = 0.25 * (1 + rng.nextInt(4));
        double noise = uniform(rng, 0, 0.5);
        return new Phase(r4(m), r4(load), parallelism, 600, r4(noise), 0, 60);
    }

    /** Draws one application: (rng, index, split) -> app. */
    interface AppSampler {
        AppSpec sample(SplittableRandom rng, int index, String split);
    }

    /**
     * The split and ordering of {@link #sample(int, long, double)} with another per-application
     * sampler, for experiments with other populations (the test sources' {@code WidePopulation}).
     */
    static List<AppSpec> sample(int n, long seed, double testFraction, AppSampler sampler) {
        if (n < 1) {
            throw new IllegalArgumentException("population size must be >= 1, got " + n);
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int nTest = (int) Math.min(n - 1, Math.round(n * testFraction));
        boolean[] test = new boolean[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < nTest; i++) {
            test[order[i]] = true;
        }
        List<AppSpec> apps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            apps.add(sampler.sample(rng, i, test[i] ? AppSpec.TEST : AppSpec.TRAIN));
        }
        return List.copyOf(apps);
    }

    private static AppSpec sampleApp(SplittableRandom rng, int index, String split) {
        double a = rng.nextDouble();
        String archetype = a < 0.25 ? "cpu" : a < 0.5 ? "memory" : "mixed";
        HiddenParams hidden = new HiddenParams(
                r4(Math.exp(uniform(rng, 0, Math.log(8)))),
                r4(uniform(rng, 0.6, 3.0)),
                r4(uniform(rng, 0.7, 1.3)));
        int phaseCount = 1 + rng.nextInt(4);
        List<Phase> phases = new ArrayList<>(phaseCount);
        for (int j = 0; j < phaseCount; j++) {
            String kind = archetype;
            if (kind.equals("mixed")) {
                kind = switch (rng.nextInt(3)) {
                    case 0 -> "cpu";
                    case 1 -> "balanced";
                    default -> "memory";
                };
            }
            double m = switch (kind) {
                case "cpu" -> uniform(rng, 0, 0.15);
                case "balanced" -> uniform(rng, 0.2, 0.45);
                default -> uniform(rng, 0.45, 0.9);
            };
            double load = rng.nextDouble() < 0.35 ? uniform(rng, 1.0, 1.5) : uniform(rng, 0.15, 0.95);
            double parallelism = 0.25 * (1 + rng.nextInt(4));
            double duration = Math.rint(uniform(rng, 15, 120));
            double noise = uniform(rng, 0, 0.08);
            boolean sine = rng.nextBoolean();
            double amplitude = sine ? uniform(rng, 0.05, 0.3) : 0;
            double period = sine ? Math.rint(uniform(rng, 20, 120)) : 60;
            phases.add(new Phase(r4(m), r4(load), parallelism, duration, r4(noise), r4(amplitude), period));
        }
        return new AppSpec(String.format("%s-%04d", archetype, index), phases, hidden, split);
    }

    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    static double logUniform(SplittableRandom rng, double lo, double hi) {
        return Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));
    }

    static double r4(double v) {
        return Math.rint(v * 1e4) / 1e4;
    }

    /** The applications of one split ("train" or "test"). */
    public static List<AppSpec> split(List<AppSpec> apps, String split) {
        return apps.stream().filter(a -> a.split().equals(split)).toList();
    }

    // ------------------------------------------------------------------ file

    /** Writes the population as JSON ({@code {"format": "flash-apps/1", "apps": [...]}}). */
    public static void write(Path file, List<AppSpec> apps) throws IOException {
        Files.writeString(file, toJson(apps), StandardCharsets.UTF_8);
    }

    public static String toJson(List<AppSpec> apps) {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        JsonArray arr = new JsonArray();
        for (AppSpec app : apps) {
            JsonObject o = new JsonObject();
            o.addProperty("name", app.name());
            o.addProperty("split", app.split());
            o.addProperty("mlp", app.hidden().memoryLevelParallelism());
            o.addProperty("base_ipc", app.hidden().baseIpc());
            o.addProperty("power_intensity", app.hidden().powerIntensity());
            JsonArray phases = new JsonArray();
            for (Phase p : app.phases()) {
                JsonObject po = new JsonObject();
                po.addProperty("memory_boundness", p.memoryBoundness());
                po.addProperty("load", p.load());
                po.addProperty("parallelism", p.parallelism());
                po.addProperty("duration_s", p.durationSeconds());
                po.addProperty("load_noise", p.loadNoise());
                po.addProperty("load_sine_amplitude", p.sineAmplitude());
                po.addProperty("load_sine_period_s", p.sinePeriodSeconds());
                phases.add(po);
            }
            o.add("phases", phases);
            arr.add(o);
        }
        root.add("apps", arr);
        return new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
    }

    /**
     * Reads and validates a population file. Throws {@link SpecException} naming the file, the
     * application index and name, the phase and the field, e.g.
     * {@code apps.json: app 3 (name 'x'): phase 1: memory_boundness 1.7 out of range [0, 0.95]}.
     */
    public static List<AppSpec> read(Path file) throws IOException {
        String label = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SpecException(label + ": not UTF-8 text");
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return parse(text, label);
    }

    private static final java.util.regex.Pattern GSON_POSITION =
            java.util.regex.Pattern.compile("(?:[\\w.$]+(?:Exception|Error): )?(.*?) at line (\\d+) column (\\d+)"
                    + "(?: path (\\S+))?.*", java.util.regex.Pattern.DOTALL);

    /**
     * One line naming the file and the position, as for every other malformed file ("apps.json
     * line 28 column 10: not valid JSON: the file ends early (at $.apps[0].phases[2])"), whatever
     * Gson wrapped (an EOFException when the file is cut short, a MalformedJsonException with a
     * troubleshooting link on a second line, ...).
     */
    static String jsonError(String label, JsonParseException e) {
        String raw = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : String.valueOf(e.getMessage());
        java.util.regex.Matcher m = GSON_POSITION.matcher(raw);
        if (!m.matches()) {
            return label + ": not valid JSON: " + raw.lines().findFirst().orElse("").replaceAll("^[\\w.$]+(Exception|Error): ", "");
        }
        boolean cutShort = e.getCause() instanceof java.io.EOFException || m.group(1).startsWith("End of input");
        String reason = cutShort ? "the file ends early" : m.group(1);
        return label + " line " + m.group(2) + " column " + m.group(3) + ": not valid JSON: " + reason
                + (m.group(4) != null ? " (at " + m.group(4) + ")" : "");
    }

    /** {@link #read} from text; {@code label} names the source in messages. */
    public static List<AppSpec> parse(String json, String label) {
        JsonElement rootElement;
        try {
            rootElement = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new SpecException(jsonError(label, e), e);
        }
        if (!rootElement.isJsonObject()) {
            throw new SpecException(label + ": expected a JSON object {\"format\": \"" + FORMAT
                    + "\", \"apps\": [...]}");
        }
        Fields root = Fields.of(rootElement.getAsJsonObject());
        List<Fields> appFields;
        try {
            root.allowOnly(Set.of("format", "apps"));
            String format = root.string("format");
            if (!FORMAT.equals(format)) {
                throw new SpecException("format '" + format + "' is not " + FORMAT);
            }
            appFields = root.tables("apps");
        } catch (SpecException e) {
            throw e.at(label);
        }
        if (appFields.isEmpty()) {
            throw new SpecException(label + ": the population is empty (apps: [])");
        }
        List<AppSpec> apps = new ArrayList<>(appFields.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < appFields.size(); i++) {
            AppSpec app;
            try {
                app = AppReader.read(appFields.get(i), i, true, AppSpec.TRAIN);
            } catch (SpecException e) {
                throw e.at(label);
            }
            Integer other = seen.putIfAbsent(app.name(), i);
            if (other != null) {
                throw new SpecException(label + ": app " + i + " (name '" + app.name()
                        + "'): duplicate name (also app " + other + ")");
            }
            apps.add(app);
        }
        return List.copyOf(apps);
    }
}
