package dev.flash.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one application from a JSON object (population file) or a TOML table (spec file); both
 * use the same keys:
 *
 * <pre>
 *   name, split ("train"/"test"), mlp, base_ipc, power_intensity,
 *   phases = [ {memory_boundness, load, parallelism, duration_s,
 *              load_noise?, load_sine_amplitude?, load_sine_period_s?} ... ]
 * </pre>
 *
 * Errors carry "app I (name 'N'): phase J: ..." so the caller only adds the file name.
 */
final class AppReader {
    private AppReader() {
    }

    static final Set<String> APP_KEYS = Set.of("name", "split", "mlp", "base_ipc", "power_intensity", "phases");
    static final Set<String> PHASE_KEYS = Set.of("memory_boundness", "load", "parallelism", "duration_s",
            "load_noise", "load_sine_amplitude", "load_sine_period_s");

    /**
     * @param hiddenRequired strict mode for population files: mlp, base_ipc, power_intensity,
     *                       split and parallelism must be given; hand-written specs may leave
     *                       them out ({@link HiddenParams#TYPICAL}, the default split,
     *                       parallelism 1)
     */
    static AppSpec read(Fields f, int index, boolean hiddenRequired, String defaultSplit) {
        String name = "?";
        try {
            name = f.has("name") ? f.stringOrNull("name") : "?";
            f.allowOnly(APP_KEYS);
            name = f.string("name");
            HiddenParams hidden = hiddenRequired
                    ? new HiddenParams(f.number("mlp"), f.number("base_ipc"), f.number("power_intensity"))
                    : new HiddenParams(f.number("mlp", HiddenParams.TYPICAL.memoryLevelParallelism()),
                            f.number("base_ipc", HiddenParams.TYPICAL.baseIpc()),
                            f.number("power_intensity", HiddenParams.TYPICAL.powerIntensity()));
            List<Fields> phaseFields = f.tables("phases");
            if (phaseFields.isEmpty()) {
                throw new SpecException("phases: at least one phase is required");
            }
            List<Phase> phases = new ArrayList<>();
            for (int j = 0; j < phaseFields.size(); j++) {
                try {
                    phases.add(readPhase(phaseFields.get(j), hiddenRequired));
                } catch (SpecException e) {
                    throw e.at("phase " + j);
                }
            }
            String split = hiddenRequired ? f.string("split") : f.string("split", defaultSplit);
            return new AppSpec(name, phases, hidden, split);
        } catch (SpecException e) {
            SpecException located = e.getMessage().startsWith("phase ") ? e : f.withLine(e);
            throw located.at("app " + index + " (name '" + name + "')");
        }
    }

    private static Phase readPhase(Fields p, boolean strict) {
        try {
            p.allowOnly(PHASE_KEYS);
            return new Phase(p.number("memory_boundness"), p.number("load"), strict ? p.number("parallelism") : p.number("parallelism", 1.0),
                    p.number("duration_s"), p.number("load_noise", 0), p.number("load_sine_amplitude", 0),
                    p.number("load_sine_period_s", 60));
        } catch (SpecException e) {
            throw p.withLine(e);
        }
    }
}
