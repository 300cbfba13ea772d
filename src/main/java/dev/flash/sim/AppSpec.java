package dev.flash.sim;

import java.util.List;

/**
 * A synthetic application: named phases that repeat, hidden parameters, and which side of the
 * train/test split it belongs to.
 *
 * @param name   unique within a population
 * @param phases at least one, run in order and repeated
 * @param hidden parameters telemetry does not show (see {@link HiddenParams})
 * @param split  {@link #TRAIN} or {@link #TEST}
 */
public record AppSpec(String name, List<Phase> phases, HiddenParams hidden, String split) implements java.io.Serializable {

    public static final String TRAIN = "train";
    public static final String TEST = "test";

    public AppSpec {
        if (name == null || name.isBlank()) {
            throw new SpecException("name is missing or empty");
        }
        if (phases == null || phases.isEmpty()) {
            throw new SpecException("phases: at least one phase is required");
        }
        if (hidden == null) {
            throw new SpecException("hidden parameters are missing");
        }
        if (!TRAIN.equals(split) && !TEST.equals(split)) {
            throw new SpecException("split '" + split + "' must be 'train' or 'test'");
        }
        phases = List.copyOf(phases);
    }

    /** The same application with other phases (name, hidden parameters and split kept). */
    public AppSpec withPhases(List<Phase> newPhases) {
        return new AppSpec(name, newPhases, hidden, split);
    }

    /** A one-phase application with typical hidden parameters (tests, hand-written specs). */
    public static AppSpec steady(String name, double memoryBoundness, double load, double parallelism) {
        return new AppSpec(name, List.of(Phase.steady(memoryBoundness, load, parallelism, 3600)),
                HiddenParams.TYPICAL, TRAIN);
    }

    /** Length of one pass through all phases. */
    public double cycleSeconds() {
        double sum = 0;
        for (Phase p : phases) {
            sum += p.durationSeconds();
        }
        return sum;
    }

    public boolean isTest() {
        return TEST.equals(split);
    }
}
