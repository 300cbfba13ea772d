package dev.flash.dvfs.train;

import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoTrainer;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.TrajectoryContexts;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs DVFS deciders on the applications of a split, each on the same episodes (same
 * {@link DvfsApplications#episodeSeed}), and reports {@link OperatorMetrics}: a FLASH network
 * frozen (the context does the adapting; greedy actions as the daemon takes them), and
 * frequency controllers (performance, oracle, any Linux governor of the simulator).
 */
public final class DvfsEvaluator {
    private DvfsEvaluator() {
    }

    /** Picks the next frequency from the environment's last record (and, for the oracle, its hidden state). */
    @FunctionalInterface
    public interface Controller {
        long targetKhz(DvfsEnvironment env);
    }

    /** fmax: the reference every saving is measured against. */
    public static Controller performance() {
        return env -> env.node().spec().maxKhz();
    }

    /** The lowest frequency within the budget for the current phase (hidden state: upper bound). */
    public static Controller oracle() {
        return DvfsEnvironment::oracleKhz;
    }

    /** A rule-based {@link FrequencyPolicy} (e.g. a simulated Linux governor) deciding on the record. */
    public static Controller policy(FrequencyPolicy policy) {
        return env -> {
            try {
                return policy.decide(env.lastRecord(), TrajectoryContexts.EMPTY).get(0).targetKhz();
            } catch (DecisionException e) {
                throw new IllegalStateException(policy.name() + " failed: " + e.getMessage(), e);
            }
        };
    }

    /** Runs {@code episodes} episodes of a controller on one environment. */
    public static List<EpisodeStats> run(DvfsEnvironment env, Controller controller, int episodes) {
        int before = env.completedEpisodes().size();
        for (int e = 0; e < episodes; e++) {
            env.reset();
            boolean done = false;
            while (!done) {
                done = env.stepToKhz(controller.targetKhz(env)).done();
            }
        }
        List<EpisodeStats> all = env.completedEpisodes();
        return all.subList(before, all.size());
    }

    /**
     * Runs a network frozen on one environment for {@code episodes} episodes, its context
     * starting empty and carried across the episodes (LATEST mode, as the daemon keeps it).
     */
    public static List<EpisodeStats> run(DvfsEnvironment env, FlashAgentNetwork net, int episodes, long seed) {
        return run(env, net, episodes, seed, true);
    }

    /** As {@link #run(DvfsEnvironment, FlashAgentNetwork, int, long)}; {@code greedy} false samples actions. */
    public static List<EpisodeStats> run(DvfsEnvironment env, FlashAgentNetwork net, int episodes, long seed,
                                         boolean greedy) {
        int before = env.completedEpisodes().size();
        ContextBuffer context = ContextBuffer.latest(net.config());
        PpoTrainer.adaptFrozen(net, env, episodes, greedy, context, seed);
        List<EpisodeStats> all = env.completedEpisodes();
        return all.subList(before, all.size());
    }

    /** A controller over every application of the split: per-application episodes, pooled. */
    public static OperatorMetrics evaluate(DvfsApplications apps, Split split, Controller controller, int episodes,
                                           long seed) {
        List<EpisodeStats> all = new ArrayList<>();
        for (int i = 0; i < apps.size(split); i++) {
            all.addAll(run(apps.environment(split, i, DvfsApplications.episodeSeed(seed, split, i)), controller,
                    episodes));
        }
        return OperatorMetrics.of(all, apps.options().budget());
    }

    /** A frozen network over every application of the split. */
    public static OperatorMetrics evaluate(DvfsApplications apps, Split split, FlashAgentNetwork net, int episodes,
                                           long seed) {
        return evaluate(apps, split, net, episodes, seed, true, Integer.MAX_VALUE);
    }

    /** A frozen network over (up to {@code maxApps}) applications of the split, greedy or sampling. */
    public static OperatorMetrics evaluate(DvfsApplications apps, Split split, FlashAgentNetwork net, int episodes,
                                           long seed, boolean greedy, int maxApps) {
        List<EpisodeStats> all = new ArrayList<>();
        for (int i = 0; i < Math.min(maxApps, apps.size(split)); i++) {
            all.addAll(run(apps.environment(split, i, DvfsApplications.episodeSeed(seed, split, i)), net, episodes,
                    seed + i, greedy));
        }
        return OperatorMetrics.of(all, apps.options().budget());
    }
}
