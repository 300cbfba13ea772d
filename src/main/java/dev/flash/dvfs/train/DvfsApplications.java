package dev.flash.dvfs.train;

import dev.flash.meta.ApplicationSet;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The DVFS applications as an {@link ApplicationSet}: a population of synthetic applications
 * (an apps file from {@code flash sim apps}, or {@link AppPopulation#sample}) split by each
 * application's own {@code split} field into training and held-out test applications, each run
 * by a {@link DvfsEnvironment} on the same one-policy node.
 */
public final class DvfsApplications implements ApplicationSet {

    /** Default population when no apps file is given: size and held-out share (AWARE: 800 + 200). */
    public static final int DEFAULT_POPULATION = 1000;
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    private final List<AppSpec> train;
    private final List<AppSpec> test;
    private final NodeSpec node;
    private final DvfsEnvironment.Options options;
    private SlowdownConstraint constraint;

    public DvfsApplications(List<AppSpec> apps, NodeSpec node, DvfsEnvironment.Options options) {
        this.train = AppPopulation.split(apps, AppSpec.TRAIN);
        this.test = AppPopulation.split(apps, AppSpec.TEST);
        this.node = node;
        this.options = options;
        if (train.isEmpty()) {
            throw new IllegalArgumentException("the population has no application with split 'train'");
        }
    }

    /** Reads an apps file (validated by {@link AppPopulation#read}; errors name the field). */
    public static DvfsApplications read(Path appsFile, DvfsEnvironment.Options options) throws IOException {
        return new DvfsApplications(AppPopulation.read(appsFile), DvfsEnvironment.defaultNode(), options);
    }

    /** The default population sampled from {@code seed}. */
    public static DvfsApplications sample(long seed, DvfsEnvironment.Options options) {
        return new DvfsApplications(AppPopulation.sample(DEFAULT_POPULATION, seed, DEFAULT_TEST_FRACTION),
                DvfsEnvironment.defaultNode(), options);
    }

    /**
     * Seed of episode noise for application {@code index} of a split: stable per application, so
     * every method evaluated on it (FLASH, plain PPO, governors, oracle) sees the same episodes
     * (phase offsets, start frequencies, load and measurement noise).
     */
    public static long episodeSeed(long baseSeed, Split split, int index) {
        return baseSeed * 1_000_003L + (split == Split.TEST ? 500_000_000L : 0) + index * 7_919L;
    }

    @Override
    public int size(Split split) {
        return apps(split).size();
    }

    @Override
    public String name(Split split, int index) {
        return apps(split).get(index).name();
    }

    /**
     * Signal dropout ({@link DvfsEnvironment.Options#signalDropout}) is for training: held-out
     * applications run on a node with every signal, as the figures beside them do
     * ({@code flash evaluate dvfs --drop-signals} measures the other case).
     */
    @Override
    public DvfsEnvironment environment(Split split, int index, long seed) {
        DvfsEnvironment.Options o = split == Split.TEST && options.signalDropout() > 0
                ? options.withSignalDropout(0) : options;
        DvfsEnvironment env = new DvfsEnvironment(node, apps(split).get(index), seed, o);
        if (split == Split.TRAIN && constraint != null) {
            env.constrainWith(constraint);
        }
        return env;
    }

    /**
     * Training environments created from now on weigh the overrun by {@code c}'s multiplier and
     * report their episodes to it (held-out ones keep the fixed kappa of their options, so their
     * reward per step compares with every other model's).
     */
    public DvfsApplications constrainTrainingWith(SlowdownConstraint c) {
        this.constraint = c;
        return this;
    }

    public AppSpec app(Split split, int index) {
        return apps(split).get(index);
    }

    public List<AppSpec> apps(Split split) {
        return split == Split.TRAIN ? train : test;
    }

    public NodeSpec node() {
        return node;
    }

    public DvfsEnvironment.Options options() {
        return options;
    }

    /** Same applications and node, other environment options. */
    public DvfsApplications withOptions(DvfsEnvironment.Options o) {
        List<AppSpec> all = new java.util.ArrayList<>(train);
        all.addAll(test);
        return new DvfsApplications(all, node, o);
    }
}
