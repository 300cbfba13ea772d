package dev.flash.dvfs.eval;

import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the evaluation's applications come from: an apps file written by {@code flash sim apps}
 * (format {@value AppPopulation#FORMAT}) or, without one, the default population.
 */
public final class EvalApps {
    private EvalApps() {
    }

    /** Default population: the one `flash train dvfs` samples (size, held-out fraction; seed = its --seed). */
    public static final int DEFAULT_SIZE = DvfsApplications.DEFAULT_POPULATION;
    public static final double DEFAULT_TEST_FRACTION = DvfsApplications.DEFAULT_TEST_FRACTION;
    /** `flash train dvfs`'s default seed: the default population of a default-trained model. */
    public static final long DEFAULT_SEED = 7;

    /** Bad input: the message names the file, the application and the field. */
    public static final class InvalidAppsException extends Exception {
        public InvalidAppsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Every application of the file, or of the default population of {@link #DEFAULT_SEED}. */
    public static List<AppSpec> load(Path file) throws InvalidAppsException {
        return load(file, DEFAULT_SEED);
    }

    /** Every application of the file, or of the default population sampled from {@code seed} when file is null. */
    public static List<AppSpec> load(Path file, long seed) throws InvalidAppsException {
        if (file == null) {
            return AppPopulation.sample(DEFAULT_SIZE, seed, DEFAULT_TEST_FRACTION);
        }
        return read(file, "--apps");
    }

    /** Every application of {@code file}; errors name {@code option} (the command-line option that gave it). */
    private static List<AppSpec> read(Path file, String option) throws InvalidAppsException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidAppsException(option + " " + file + ": no such file", null);
        }
        try {
            return AppPopulation.read(file);
        } catch (IOException e) {
            throw new InvalidAppsException(option + " " + file + ": cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidAppsException(option + " " + e.getMessage(), e);
        }
    }

    /** The held-out ("test") applications; at least one, or InvalidAppsException. */
    public static List<AppSpec> heldOut(List<AppSpec> apps, Path file) throws InvalidAppsException {
        List<AppSpec> test = AppPopulation.split(apps, AppSpec.TEST);
        if (test.isEmpty()) {
            throw new InvalidAppsException("--apps " + (file == null ? "(default)" : file)
                    + ": no application has split \"test\" (held-out applications are needed)", null);
        }
        return test;
    }

    /** The training applications; at least one, or InvalidAppsException. */
    public static List<AppSpec> training(List<AppSpec> apps, Path file) throws InvalidAppsException {
        List<AppSpec> train = AppPopulation.split(apps, AppSpec.TRAIN);
        if (train.isEmpty()) {
            throw new InvalidAppsException("--apps " + (file == null ? "(default)" : file)
                    + ": no application has split \"train\"", null);
        }
        return train;
    }

    /**
     * {@code population}'s training applications followed by every application of
     * {@code heldOutFile} as held-out ones, whatever split the file gives them: applications
     * from elsewhere (e.g. written by someone who never saw the training population) tested
     * against a model trained on the usual population.
     */
    public static List<AppSpec> withHeldOut(List<AppSpec> population, Path populationFile, Path heldOutFile)
            throws InvalidAppsException {
        List<AppSpec> train = training(population, populationFile);
        List<AppSpec> foreign = read(heldOutFile, "--held-out");
        java.util.Set<String> names = new java.util.HashSet<>();
        train.forEach(a -> names.add(a.name()));
        List<AppSpec> out = new java.util.ArrayList<>(train);
        for (AppSpec a : foreign) {
            if (!names.add(a.name())) {
                throw new InvalidAppsException("--held-out " + heldOutFile + ": application '" + a.name()
                        + "' is also a training application", null);
            }
            out.add(new AppSpec(a.name(), a.phases(), a.hidden(), AppSpec.TEST));
        }
        return out;
    }
}
