package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.train.DvfsApplications;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.Djl;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same seed trains byte-identical weights: twice in one JVM (the second after a training of
 * another seed has run in it), and in a second JVM training at the same moment, so that the two
 * compete for the CPU (the "other work on the machine" of a loaded host). A tiny training; the
 * full-size record is in docs/reproduce-dvfs.md ("Repeatability").
 */
class TrainingRepeatabilityTest {

    static final List<AppSpec> POPULATION = AppPopulation.sample(12, 5, 0.25);

    /** Eight iterations of the smoke settings with FLASH's context. */
    static DvfsTrainer.Settings settings(long seed) {
        return DvfsTrainer.Settings.quick(seed).withIterations(8).withContextLength(4);
    }

    static byte[] train(long seed) throws Exception {
        Djl.init();
        DvfsTrainer.Settings s = settings(seed);
        DvfsApplications apps = new DvfsApplications(POPULATION, DvfsEnvironment.defaultNode(), s.env());
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            return Reproduction.weights(DvfsTrainer.train(apps, s, m, null).network());
        }
    }

    /** The same training in a worker JVM. */
    record TrainJob(long seed) implements ReproductionWorkers.Job {
        @Override
        public String label() {
            return "train seed " + seed;
        }

        @Override
        public Serializable run(Reproduction.Listener progress) throws Exception {
            return train(seed);
        }
    }

    @Test
    void theSameSeedTrainsByteIdenticalWeightsAloneAndBesideAnotherTraining() throws Exception {
        Reproduction.Listener quiet = new Reproduction.Listener() {
            @Override
            public void phase(String name, int total) {
            }

            @Override
            public void step(String detail) {
            }
        };
        byte[] here;
        byte[] there;
        try (ReproductionWorkers workers = new ReproductionWorkers(quiet)) {
            ReproductionWorkers.Worker w = workers.start(new TrainJob(7));
            here = train(7); // while the worker trains the same
            there = w.await(byte[].class);
        }
        byte[] other = train(8);
        byte[] again = train(7);
        assertArrayEquals(here, there, "a second JVM training at the same time");
        assertArrayEquals(here, again, "the same JVM, after a training of another seed");
        assertFalse(Arrays.equals(here, other), "the seed matters");
    }
}
