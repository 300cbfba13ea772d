package dev.flash.dvfs.train;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.eval.EvalApps;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoTrainer;

/**
 * Not a test: meta-trains FLASH with the defaults of {@code flash train dvfs --seed 7} (the
 * default population) and prints a hash of every weight's bits every {@code EVERY} iterations,
 * so several copies started at once show whether and where training stops being bit-identical.
 * Usage: {@code java -cp ... dev.flash.dvfs.train.TrainingDeterminismProbe ITERATIONS EVERY}
 * (ITERATIONS also sets the learning-rate annealing, so compare runs of the same length).
 *
 * <p>Why it exists: one of the reproductions of the shipped settings left the usual training
 * trajectory at iteration 1003 (docs/log/2026-11-dvfs-experiments-log.md, "Measured"), and of three copies of
 * this probe started together (two pinned, one per core, one unpinned) the one pinned to core 0
 * diverged between iterations 1700 and 1799, with bit-identical weights after 1699.
 */
public final class TrainingDeterminismProbe {
    public static void main(String[] args) throws Exception {
        int iterations = Integer.parseInt(args[0]);
        int every = Integer.parseInt(args[1]);
        Djl.init();
        DvfsTrainer.Settings s = DvfsTrainer.Settings.defaults(7).withIterations(iterations);
        DvfsApplications apps = new DvfsApplications(EvalApps.load(null, 7), DvfsEnvironment.defaultNode(), s.env());
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), m, s.seed());
            new PpoTrainer(net, s.ppo()).train(apps, (it, total) -> {
                if (it.iteration() % every == 0) { // iterations count from 1
                    long h = 1125899906842597L;
                    for (var p : net.getParameters()) {
                        for (float f : p.getValue().getArray().toFloatArray()) {
                            h = 31 * h + Float.floatToRawIntBits(f);
                        }
                    }
                    System.out.printf("iteration %d weights %016x reward/step %s%n", it.iteration(), h,
                            it.stepRewardMean());
                }
            });
        }
    }
}
