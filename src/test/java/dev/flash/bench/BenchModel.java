package dev.flash.bench;

import dev.flash.testing.TestModels;
import java.nio.file.Path;

/**
 * Writes the small real DVFS model of {@link TestModels} into a models directory, so the
 * benchmark scripts can run flashd with ONNX Runtime loaded on a model that does not depend on
 * the shipped one (the scripts take {@code models/dvfs-flash.onnx} when asked to). Usage:
 * {@code java -cp ... dev.flash.bench.BenchModel DIR}.
 */
public final class BenchModel {
    private BenchModel() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: BenchModel MODELS_DIR");
            System.exit(2);
        }
        Path file = TestModels.spec().write(Path.of(args[0]), "dvfs-test.onnx");
        System.out.println(file);
    }
}
