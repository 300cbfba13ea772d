package dev.flash.cli;

import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.DataFormatException;
import dev.flash.configsearch.ReferenceBlend;
import dev.flash.configsearch.Target;
import dev.flash.meta.SupervisedTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** The options `flash train config-search` and `flash evaluate config-search` share (a picocli mixin). */
final class ConfigSearchOptions {

    @Option(names = "--dataset", required = true, paramLabel = "FILE",
            description = "Measurements (train: to train on; evaluate: to test on).")
    Path dataset;

    @Option(names = "--format", paramLabel = "multicloud|long", defaultValue = "multicloud",
            description = "Format of the measurement files (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--target", paramLabel = "runtime|cost", defaultValue = "runtime",
            description = "What is predicted (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--shots", paramLabel = "K[,K...]", split = ",", defaultValue = "1,2,3",
            description = "Numbers of measured configurations; the largest is the model's context length "
                    + "(default: ${DEFAULT-VALUE}).")
    int[] shots;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1500",
            description = "Adam steps at most per network, early stopping on two training workloads held out "
                    + "(default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--blend", paramLabel = "MEMBERS", defaultValue = ReferenceBlend.DEFAULT_MEMBERS,
            description = "FLASH's reference, which its network corrects: attention (over the training "
                    + "workloads), attention+factors (with the low-rank factor model) or attention+factors+ratio "
                    + "(also the ratio reference); shares from leave-one-workload-out error on the training "
                    + "workloads (default: ${DEFAULT-VALUE}).")
    String blend;

    @Option(names = "--blend-weights", paramLabel = "likelihood|inverse|stacked",
            defaultValue = ReferenceBlend.DEFAULT_WEIGHTS,
            description = "How --blend's shares follow each member's held-out mean squared log error s^2: "
                    + "likelihood, s^-W for W held-out workloads (a clearly worse member gets ~nothing), "
                    + "inverse, 1/s^2, or stacked, the shares (in tenths) with the lowest held-out error of the "
                    + "blend itself (default: ${DEFAULT-VALUE}).")
    String blendWeights;

    @Option(names = "--blend-holdout", paramLabel = "workload|dataset", defaultValue = ReferenceBlend.DEFAULT_HOLDOUT,
            description = "What is held out when --blend-weights scores the members on the training workloads: "
                    + "one workload at a time, or a whole data set (the part of a name before its first dash) "
                    + "when they span several, so that the shares measure extrapolation to another data set; "
                    + "with --blend attention, what is held out when its temperature pairs are weighted "
                    + "(default: ${DEFAULT-VALUE}).")
    String blendHoldout;

    @Option(names = "--keep-failed", description = "Keep runs whose status is not ok (left out and counted by default).")
    boolean keepFailed;

    /** The sorted shot counts; an IllegalArgumentException names a bad --shots or --steps. */
    int[] checkedShots() {
        if (Arrays.stream(shots).anyMatch(k -> k < 1) || steps < 1) {
            throw new IllegalArgumentException("--shots and --steps must be >= 1");
        }
        int[] ks = shots.clone();
        Arrays.sort(ks);
        return ks;
    }

    /** --blend, --blend-weights and --blend-holdout; an IllegalArgumentException names a bad value. */
    ReferenceBlend parsedBlend() {
        return ReferenceBlend.parse(blend, blendWeights, blendHoldout);
    }

    ConfigDataReader.Format parsedFormat() {
        return ConfigDataReader.Format.parse(format);
    }

    Target parsedTarget() {
        return Target.parse(target);
    }

    /** Reads {@code file} in --format; it must have the --target column. */
    ConfigDataset read(Path file) throws IOException, DataFormatException {
        ConfigDataset data = ConfigDataReader.read(file, parsedFormat(), keepFailed);
        Target t = parsedTarget();
        if (!data.targets().contains(t)) {
            throw new IllegalArgumentException(file + " has no " + t.column + " column");
        }
        return data;
    }

    /** The network training settings every config-search command uses. */
    SupervisedTrainer.Config trainerConfig() {
        return trainerConfig(steps, checkedShots(), seed);
    }

    static SupervisedTrainer.Config trainerConfig(int steps, int[] shots, long seed) {
        return new SupervisedTrainer.Config(steps, 8, shots, 32, 1e-3, 50, 6, 3, seed);
    }
}
