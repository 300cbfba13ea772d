package dev.flash.dvfs.train;

import ai.djl.ndarray.NDManager;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.meta.ApplicationSampling;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.ContextBuffer;
import dev.flash.policy.ContextLayout;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.IterationMetrics;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.OnnxExport;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.policy.ModelContract;
import dev.flash.policy.SignalNeeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Meta-trains the FLASH DVFS agent: PPO (the base agent: CleanRL's discrete PPO over the
 * telemetry features with frequency moves, since the public material does not name the RL
 * power manager FLASH wraps) plus a context encoder, trained jointly across the training
 * applications of a {@link DvfsApplications}; then measures it frozen on the held-out ones and
 * exports it under the model contract.
 */
public final class DvfsTrainer {
    private DvfsTrainer() {
    }

    /**
     * PPO iterations of the default settings (about 5 min for FLASH with C = 4 on one core of
     * this VM). {@code flash reproduce dvfs --seed 7} with C = 4 (ReproduceExperiment, the CLI's
     * code path), FLASH reward gap / adaptation cost ratio / share of the oracle's saving:
     * 1000 iterations 12.7% / 9.95x / not measured; 1500: 9.1% / 7.4x / 87.7%; 2000: 6.2% /
     * 5.0x / 99.6% (812 s for the whole reproduction, of which 438 s training both agents).
     * One training seed each: the longer-trained policy is better (gap) but its evaluated
     * reward moves more with the context on a few applications (cost).
     */
    public static final int DEFAULT_ITERATIONS = 2000;

    /** Discount of the default settings (see {@link Settings#defaults}). */
    public static final double DEFAULT_GAMMA = 0.7;

    /**
     * Training applications stepped in lock step per rollout (64 steps each, so 4096 transitions
     * per PPO iteration). Held-out reward per step (DvfsTrainExperiment gamma=0.7, paired by seed
     * 7 / 8 / 9): 16 applications 0.150 / 0.149 / 0.148, 64 applications 0.156 / 0.152 / 0.157,
     * for 1.9x the training time (docs/log/2026-11-dvfs-experiments-log.md, "Width and length of the base agent").
     */
    public static final int DEFAULT_NUM_ENVS = 64;
    /** Steps each application runs per PPO iteration (two 32-step episodes). */
    public static final int DEFAULT_ROLLOUT_STEPS = 64;

    /** Context rows C of the default settings: the last 4 transitions (see {@link Settings#defaults}). */
    public static final int DEFAULT_CONTEXT_LENGTH = 4;

    /**
     * The base agent's MLPs: CleanRL's (64, 64). Wider did not help the held-out reward per step
     * (DvfsTrainExperiment gamma=0.7, seed 7): (64, 64) 0.150, (128, 128) 0.146, (256, 256) 0.147,
     * at 1.5x and 2.7x the training time (docs/log/2026-11-dvfs-experiments-log.md, "Width and length").
     */
    public static final List<Integer> DEFAULT_BASE_HIDDEN = List.of(64, 64);

    /**
     * Training applications drawn uniformly per rollout. Prioritized level replay (beta 0.3, rho
     * 0.3) measured by {@code flash reproduce dvfs --seed 7} (ReproduceExperiment plr=0.3/0.3,
     * default held-out set, FLASH reward gap against the run's own expert): eight features 8.9%
     * uniform vs 8.3% prioritized; nine features (run_wait) 3.6% uniform vs 4.3% prioritized.
     * The missing signal, not the sampling, was what the saturated applications lacked
     * (docs/log/2026-11-dvfs-experiments-log.md, "Demand beyond saturation").
     */
    public static final ApplicationSampling DEFAULT_SAMPLING = ApplicationSampling.UNIFORM;

    /**
     * Everything that shapes a training run, in one record.
     *
     * @param seed           weights, PPO sampling, application order and episode noise
     * @param iterations     PPO iterations
     * @param encoder        SET_DELTA, SET or GRU context encoder
     * @param contextLength  C rows of context (0: plain PPO, no FLASH)
     * @param embeddingSize  E
     * @param encoderHidden  per-row MLP width (SET) or GRU width per direction
     * @param numEnvs        applications stepped per rollout
     * @param rolloutSteps   steps per application per rollout
     * @param minibatches    minibatches per epoch
     * @param epochs         PPO epochs per rollout
     * @param learningRate   Adam start value (annealed to 0)
     * @param entropyCoef    entropy bonus
     * @param gamma          discount (a frequency move pays off within the second it governs)
     * @param evalEpisodes   episodes per held-out application, context carried across them
     * @param env            environment options (episode length, budget, kappa)
     * @param contextResetProbability chance a rollout on an application starts from an empty context
     * @param baseHidden     hidden widths of the base agent's actor and critic MLPs
     * @param sampling       which training applications each rollout steps
     * @param constraint     the slowdown budget as a constraint with a learned multiplier
     *                       ({@link SlowdownConstraint}); null: the fixed penalty kappa of {@code env}
     * @param contextLayout  which transitions the C rows hold ({@link ContextLayout}); null: the flat
     *                       layout of {@code contextLength} rows, as before layouts existed
     * @param contextPositions the encoder learns which row is which window ({@link NetworkConfig#rowPositions})
     */
    public record Settings(long seed, int iterations, NetworkConfig.EncoderType encoder, int contextLength,
                           int embeddingSize, int encoderHidden, int numEnvs, int rolloutSteps, int minibatches,
                           int epochs, double learningRate, double entropyCoef, double gamma, int evalEpisodes,
                           DvfsEnvironment.Options env, double contextResetProbability, List<Integer> baseHidden,
                           ApplicationSampling sampling, SlowdownConstraint.Config constraint,
                           ContextLayout contextLayout, boolean contextPositions)
            implements java.io.Serializable {

        public Settings {
            baseHidden = List.copyOf(baseHidden);
            if (contextLayout == null) {
                contextLayout = ContextLayout.flat(contextLength);
            }
            if (contextLayout.rows() != contextLength) {
                throw new IllegalArgumentException("context layout " + contextLayout + " has " + contextLayout.rows()
                        + " rows, the context length is " + contextLength);
            }
        }

        /**
         * What {@code flash train dvfs} and {@code flash reproduce dvfs} use. Measured on the
         * seed-7 population, held-out reward per step (frozen, greedy): SET_DELTA beat SET and
         * plain PPO at 400 iterations (0.129 vs 0.118 vs 0.111); at 1000 iterations it ties with
         * plain PPO (0.135-0.140 vs 0.136: more training closes most of PPO's gap). C = 32, entropy
         * 0.01, a 32-wide embedding or a switch penalty did not help (docs/log/2026-11-dvfs-experiments-log.md).
         *
         * <p>C = {@value DvfsTrainer#DEFAULT_CONTEXT_LENGTH}: measured with the adaptation metrics of
         * {@code flash reproduce dvfs --seed 7} (FlashAdaptExperiment, transfer learning
         * unchanged), a shorter context makes FLASH's policy depend less on which transitions it
         * last saw, so it settles at once: C = 64 / 16 / 8 / 4 gave a FLASH reward gap of 16.4% /
         * 14.4% / 10.8% / 12.7% and an adaptation cost of 88.7 / 56.6 / 39.5 / 12.5 episodes
         * (transfer learning 124.6), held-out reward 0.114 / 0.115 / 0.124 / 0.122 per step.
         *
         * <p>gamma = {@value DvfsTrainer#DEFAULT_GAMMA}, not 0.9: a step's reward depends on that
         * step's frequency only, so the horizon only has to cover how long a move takes to show
         * (HiddenStateReferences). Held-out reward per step at 2000 iterations (DvfsTrainExperiment),
         * gamma 0.9 / 0.7 / 0.5: seed 7 0.142 / 0.146 / 0.146, seed 8 0.133 / 0.145 / 0.142; the
         * whole of {@code flash reproduce dvfs --seed 7}: FLASH's start point 0.1620 -&gt; 0.1700 per
         * step (gap against the phase expert acting as the agents act 22.6% -&gt; 18.7%), 93.0% -&gt;
         * 93.8% of the oracle's saving, 155 -&gt; 159 of 200 applications in budget
         * (docs/log/2026-11-dvfs-experiments-log.md, "The discount").
         */
        public static Settings defaults(long seed) {
            return new Settings(seed, DEFAULT_ITERATIONS, NetworkConfig.EncoderType.SET_DELTA, DEFAULT_CONTEXT_LENGTH, 16, 32, DEFAULT_NUM_ENVS, DEFAULT_ROLLOUT_STEPS, 8, 4, 1e-3, 0.003, DEFAULT_GAMMA, 3,
                    DvfsEnvironment.Options.defaults(), 0.25, DEFAULT_BASE_HIDDEN, DEFAULT_SAMPLING, null, null, false);
        }

        /** Seconds instead of minutes: for smoke tests, not for a model anyone should deploy. */
        public static Settings quick(long seed) {
            return new Settings(seed, 3, NetworkConfig.EncoderType.SET_DELTA, 8, 8, 16, 4, 32, 2, 1, 1e-3, 0.01, 0.95, 1,
                    DvfsEnvironment.Options.defaults().withEpisodeSteps(16), 0.25, DEFAULT_BASE_HIDDEN, DEFAULT_SAMPLING, null,
                    null, false);
        }

        public Settings withSeed(long s) {
            return edit(b -> b.seed = s);
        }

        public Settings withIterations(int n) {
            return edit(b -> b.iterations = n);
        }

        public Settings withEncoder(NetworkConfig.EncoderType e) {
            return edit(b -> b.encoder = e);
        }

        public Settings withEncoderHidden(int h) {
            return edit(b -> b.encoderHidden = h);
        }

        /** C rows in the flat layout (the last C transitions). */
        public Settings withContextLength(int c) {
            return edit(b -> {
                b.contextLength = c;
                b.contextLayout = null;
            });
        }

        /** The context as {@code layout}'s rows ({@code flash train dvfs --context-windows}). */
        public Settings withContextLayout(ContextLayout layout) {
            return edit(b -> {
                b.contextLength = layout.rows();
                b.contextLayout = layout;
            });
        }

        /** With (or without) row positions in the encoder ({@code --context-positions}). */
        public Settings withContextPositions(boolean positions) {
            return edit(b -> b.contextPositions = positions);
        }

        public Settings withEntropyCoef(double c) {
            return edit(b -> b.entropyCoef = c);
        }

        public Settings withEmbeddingSize(int e) {
            return edit(b -> b.embeddingSize = e);
        }

        public Settings withLearningRate(double lr) {
            return edit(b -> b.learningRate = lr);
        }

        public Settings withRollout(int envs, int steps, int mbs, int ep) {
            return edit(b -> {
                b.numEnvs = envs;
                b.rolloutSteps = steps;
                b.minibatches = mbs;
                b.epochs = ep;
            });
        }

        public Settings withGamma(double g) {
            return edit(b -> b.gamma = g);
        }

        public Settings withEnv(DvfsEnvironment.Options o) {
            return edit(b -> b.env = o);
        }

        /** Episodes run without each droppable signal group with probability {@code p} ({@link DvfsEnvironment.Options#signalDropout}). */
        public Settings withSignalDropout(double p) {
            return withEnv(env.withSignalDropout(p));
        }

        /** Observations with the missing-signal mask ({@link DvfsEnvironment.Options#signalMask}). */
        public Settings withSignalMask(boolean mask) {
            return withEnv(env.withSignalMask(mask));
        }

        public Settings withContextResetProbability(double p) {
            return edit(b -> b.contextResetProbability = p);
        }

        public Settings withBaseHidden(List<Integer> widths) {
            return edit(b -> b.baseHidden = widths);
        }

        public Settings withSampling(ApplicationSampling s) {
            return edit(b -> b.sampling = s);
        }

        /** The budget as a constraint with a learned multiplier ({@link SlowdownConstraint}); null: fixed kappa. */
        public Settings withConstraint(SlowdownConstraint.Config c) {
            return edit(b -> b.constraint = c);
        }

        /** A copy with the fields {@code change} sets on a mutable copy; one place lists them all. */
        private Settings edit(java.util.function.Consumer<Editable> change) {
            Editable b = new Editable(this);
            change.accept(b);
            return new Settings(b.seed, b.iterations, b.encoder, b.contextLength, b.embeddingSize, b.encoderHidden,
                    b.numEnvs, b.rolloutSteps, b.minibatches, b.epochs, b.learningRate, b.entropyCoef, b.gamma,
                    b.evalEpisodes, b.env, b.contextResetProbability, b.baseHidden, b.sampling, b.constraint,
                    b.contextLayout, b.contextPositions);
        }

        /** The record's fields, mutable, for {@link #edit}. */
        private static final class Editable {
            long seed;
            int iterations;
            NetworkConfig.EncoderType encoder;
            int contextLength;
            int embeddingSize;
            int encoderHidden;
            int numEnvs;
            int rolloutSteps;
            int minibatches;
            int epochs;
            double learningRate;
            double entropyCoef;
            double gamma;
            int evalEpisodes;
            DvfsEnvironment.Options env;
            double contextResetProbability;
            List<Integer> baseHidden;
            ApplicationSampling sampling;
            SlowdownConstraint.Config constraint;
            ContextLayout contextLayout;
            boolean contextPositions;

            Editable(Settings s) {
                seed = s.seed;
                iterations = s.iterations;
                encoder = s.encoder;
                contextLength = s.contextLength;
                embeddingSize = s.embeddingSize;
                encoderHidden = s.encoderHidden;
                numEnvs = s.numEnvs;
                rolloutSteps = s.rolloutSteps;
                minibatches = s.minibatches;
                epochs = s.epochs;
                learningRate = s.learningRate;
                entropyCoef = s.entropyCoef;
                gamma = s.gamma;
                evalEpisodes = s.evalEpisodes;
                env = s.env;
                contextResetProbability = s.contextResetProbability;
                baseHidden = s.baseHidden;
                sampling = s.sampling;
                constraint = s.constraint;
                contextLayout = s.contextLayout;
                contextPositions = s.contextPositions;
            }
        }

        public NetworkConfig network() {
            NetworkConfig base = NetworkConfig.rl(env.features().count(), DvfsActions.DEFAULT.size(), contextLength,
                    encoder, embeddingSize);
            NetworkConfig net = base.withEncoder(encoder, encoderHidden, embeddingSize).withHidden(baseHidden);
            net = contextLayout.isFlat() ? net : net.withContextLayout(contextLayout);
            return contextPositions ? net.withRowPositions(true) : net;
        }

        public PpoConfig ppo() {
            PpoConfig d = PpoConfig.defaults();
            return new PpoConfig(seed, iterations, numEnvs, rolloutSteps, gamma, d.gaeLambda(), learningRate, true,
                    epochs, minibatches, d.clip(), entropyCoef, d.valueCoef(), d.maxGradNorm(), true,
                    ContextBuffer.Mode.LATEST, d.topEpisodes(), contextResetProbability, sampling);
        }

        /** "SET, C=32" or "no context". */
        public String label() {
            return contextLength == 0 ? "PPO without context (C=0)" : encoder + " encoder, C=" + contextLength
                    + (contextLayout.isFlat() ? "" : ", windows " + contextLayout.key())
                    + (contextPositions ? ", row positions" : "");
        }
    }

    /**
     * A trained network and what it achieved.
     *
     * @param heldOut           frozen on the held-out applications (greedy, context from empty)
     * @param contextReward     mean and standard deviation of the per-step context reward
     *                          ({@link dev.flash.dvfs.DvfsReward}) frozen on training applications
     */
    public record Result(Settings settings, FlashAgentNetwork network, List<IterationMetrics> curve, double seconds,
                         OperatorMetrics heldOut, double[] contextReward, List<double[]> constraintHistory) {
        public Result(Settings settings, FlashAgentNetwork network, List<IterationMetrics> curve, double seconds,
                      OperatorMetrics heldOut, double[] contextReward) {
            this(settings, network, curve, seconds, heldOut, contextReward, List.of());
        }
    }

    /** Trains in {@code manager} (which owns the weights; keep it open while using the network). */
    public static Result train(DvfsApplications apps, Settings s, NDManager manager, PpoTrainer.Progress progress) {
        Djl.init();
        long start = System.nanoTime();
        FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), manager, s.seed());
        SlowdownConstraint constraint = null;
        DvfsApplications trainOn = apps;
        PpoTrainer.Progress onIteration = progress;
        if (s.constraint() != null) {
            SlowdownConstraint c = new SlowdownConstraint(s.constraint(), s.env().budget());
            constraint = c;
            trainOn = apps.withOptions(apps.options()).constrainTrainingWith(c);
            onIteration = (m, total) -> {
                c.dualStep();
                if (progress != null) {
                    progress.onIteration(m, total);
                }
            };
        }
        List<IterationMetrics> curve = new PpoTrainer(net, s.ppo()).train(trainOn, onIteration);
        double seconds = (System.nanoTime() - start) / 1e9;
        OperatorMetrics heldOut = apps.size(Split.TEST) == 0 ? OperatorMetrics.of(List.of(), s.env().budget())
                : DvfsEvaluator.evaluate(apps, Split.TEST, net, s.evalEpisodes(), s.seed());
        double[] ctx = contextRewardOnTraining(apps, net, s);
        return new Result(s, net, curve, seconds, heldOut, ctx,
                constraint == null ? List.of() : constraint.history());
    }

    /** Mean and std of the context reward the frozen network sees on (up to 40) training applications. */
    static double[] contextRewardOnTraining(DvfsApplications apps, FlashAgentNetwork net, Settings s) {
        int n = Math.min(40, apps.size(Split.TRAIN));
        double sum = 0;
        double sq = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            DvfsEnvironment env = apps.environment(Split.TRAIN, i, DvfsApplications.episodeSeed(s.seed(), Split.TRAIN, i));
            DvfsEvaluator.run(env, net, 2, s.seed() + i);
            double[] st = env.contextRewardSums();
            sum += st[0];
            sq += st[1];
            count += (long) st[2];
        }
        double mean = count == 0 ? 0 : sum / count;
        double var = count == 0 ? 0 : Math.max(0, sq / count - mean * mean);
        return new double[] {mean, Math.sqrt(var)};
    }

    /**
     * What a model trained on the simulated node with every signal present needs: every group its
     * features read. It has never seen one missing, and measured, the shipped model without
     * schedstat or RAPL breaks the slowdown budget on most applications (docs/missing-signals.md),
     * so a node lacking one gets the fallback controller instead.
     */
    public static final SignalNeeds SIGNALS_TRAINED_WITH = SignalNeeds.parse("pmu,rapl,schedstat", "");

    /**
     * The signal needs a model trained with {@code s} states: with signal dropout it has run
     * without each droppable group and tolerates them missing (whether it copes is for
     * {@code flash evaluate dvfs --drop-signals} to measure); without, {@link #SIGNALS_TRAINED_WITH}.
     */
    public static SignalNeeds signalNeeds(Settings s) {
        return s.env().signalDropout() > 0
                ? SignalNeeds.parse("cpufreq", String.join(",", dev.flash.telemetry.SignalGroups.DROPPABLE))
                : SIGNALS_TRAINED_WITH;
    }

    /** The contract metadata of a DVFS model trained with {@code s}. */
    public static OnnxExport.Metadata metadata(Settings s, double[] contextReward, String provenanceJson) {
        List<String> features = s.env().features().names();
        return new OnnxExport.Metadata(ModelContract.AGENT_DVFS, features, DvfsActions.DEFAULT,
                OnnxExport.rlContextColumns(features, DvfsActions.DEFAULT),
                DvfsEnvironment.rewardDefinition(s.env())
                        + (s.constraint() == null ? "" : "; overrun weight: " + s.constraint().describe(s.env().budget()))
                        + (s.env().signalDropout() > 0 ? "; trained with signal dropout " + s.env().signalDropout()
                                + " per episode and group (" + String.join(",", dev.flash.telemetry.SignalGroups.DROPPABLE)
                                + ")" : "")
                        + (s.env().signalMask() ? "; told which groups are missing (" + String.join(",",
                                features.subList(DvfsFeatures.COUNT, features.size())) + ")" : ""),
                contextReward[0], contextReward[1], provenanceJson,
                "{\"levels\":" + s.env().levels() + ",\"budget\":" + s.env().budget() + ",\"kappa\":"
                        + s.env().kappa() + ",\"period_s\":" + DvfsEnvironment.STEP_SECONDS + "}",
                signalNeeds(s));
    }

    public static void export(Result r, String provenanceJson, Path file) throws IOException {
        OnnxExport.write(r.network(), metadata(r.settings(), r.contextReward(), provenanceJson), file);
    }
}
