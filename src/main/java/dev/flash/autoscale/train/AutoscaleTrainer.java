package dev.flash.autoscale.train;

import ai.djl.ndarray.NDManager;
import dev.flash.autoscale.AutoscaleEnvironment;
import dev.flash.autoscale.AutoscaleFeatures;
import dev.flash.autoscale.AutoscaleReward;
import dev.flash.autoscale.Autoscaler;
import dev.flash.autoscale.CoreBudget;
import dev.flash.autoscale.HpaReference;
import dev.flash.autoscale.HpaTeacher;
import dev.flash.autoscale.HpaVpaReference;
import dev.flash.autoscale.LoadTrace;
import dev.flash.autoscale.MoveGuard;
import dev.flash.autoscale.OperatorRun;
import dev.flash.autoscale.ScalingAction;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.SimulatedService;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.IterationMetrics;
import dev.flash.meta.LagrangeMultiplier;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.OnnxExport;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Meta-trains the FLASH autoscaling agent (case II): the base agent is PPO over
 * {@link AutoscaleFeatures} with AWARE's five moves; FLASH adds a context encoder over the
 * workload's recent (state, move, reward) rows, trained jointly through the PPO loss across the
 * training services of a population. With {@code contextLength = 0} it trains the plain PPO
 * base agent. The reward is the operator's cost ({@link AutoscaleReward}); with a core budget
 * ({@link Settings#withCoreBudget}) the allocated core-seconds are constrained to HPA's on each
 * training episode ({@link CoreBudget}). Off by default: through the utilization guard HPA's
 * cores were not reachable and the constrained policy collapsed to one move; behind the HPA
 * floor ({@link Settings#guard}) they are, but the policy collapsed again (docs/log).
 */
public final class AutoscaleTrainer {
    private AutoscaleTrainer() {
    }

    /**
     * Everything that shapes a run.
     *
     * @param seed          weights, PPO sampling, service order and noise
     * @param iterations    PPO iterations
     * @param contextLength C rows of context (0: the PPO base agent without FLASH)
     * @param numEnvs       services stepped per rollout
     * @param rolloutSteps  steps per service per rollout
     * @param episodeSteps  steps per training episode
     * @param evalSteps     steps of held-out load each autoscaler is evaluated on
     * @param coreBudget    HPA's core-seconds as a constraint with a learned core price
     *                      ({@link CoreBudget}); null: the operator's cost at the fixed rate
     * @param guard         the safety layer every move passes, in training and wherever the model
     *                      is served (written to the model's params)
     * @param budgetOn      what {@code coreBudget} bounds against HPA's: cores (the name's) or
     *                      missed requests ({@link #withMissBudget})
     * @param limitChangePrice training price of a CPU limit change, in steps of the step's allocated
     *                      cores (0: free; {@link AutoscaleEnvironment#priceLimitChanges})
     * @param imitation     start from HPA by behaviour cloning before PPO ({@link Imitation}); null: from
     *                      random weights
     * @param operatorStart training episodes start from the operator's set-up, as the evaluation does
     *                      ({@link AutoscaleEnvironment#startAsOperator}); false: a random allocation
     * @param greedyBudget  the budget's dual step measures the greedy policy beside HPA on training
     *                      services ({@link GreedyBudgetProbe}); false: the sampled training episodes
     * @param contextWindows which transitions the {@code contextLength} rows hold ({@link ContextLayout}:
     *                      recent rows plus means over longer windows); null: the flat layout, the last
     *                      {@code contextLength} transitions (every model before windows existed)
     */
    public record Settings(long seed, int iterations, int contextLength, int numEnvs, int rolloutSteps,
                           int episodeSteps, int evalSteps, LagrangeMultiplier.Config coreBudget, MoveGuard guard,
                           CoreBudget.Constrained budgetOn, double limitChangePrice, Imitation imitation,
                           boolean operatorStart, boolean greedyBudget, ContextLayout contextWindows) {

        public Settings {
            if (contextWindows != null && contextWindows.rows() != contextLength) {
                throw new IllegalArgumentException("context windows " + contextWindows.key() + " have "
                        + contextWindows.rows() + " rows, the context length is " + contextLength);
            }
        }

        /**
         * What {@code flash train autoscale} uses: 16 services x 60 steps per iteration, 150
         * iterations (144,000 steps). Sized to finish beside other work on a shared 2-core VM
         * (about 1.5 s of CPU per iteration), not tuned: see docs/autoscale.md.
         */
        public static Settings defaults(long seed) {
            return new Settings(seed, 150, 8, 16, 60, AutoscaleEnvironment.DEFAULT_EPISODE_STEPS, 480, null,
                    MoveGuard.DEFAULT, CoreBudget.Constrained.CORES, 0, null, false, false, null);
        }

        /** Seconds: a smoke test, not a model to deploy. */
        public static Settings quick(long seed) {
            return new Settings(seed, 3, 8, 4, 20, 20, 40, null, MoveGuard.DEFAULT, CoreBudget.Constrained.CORES, 0,
                    null, false, false, null);
        }

        public Settings withIterations(int n) {
            return new Settings(seed, n, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps, coreBudget, guard,
                    budgetOn, limitChangePrice, imitation, operatorStart, greedyBudget, contextWindows);
        }

        /** The core budget's multiplier settings; null trains on the operator's cost alone. */
        public Settings withCoreBudget(LagrangeMultiplier.Config c) {
            return withBudget(CoreBudget.Constrained.CORES, c);
        }

        /** Missed requests constrained to HPA's on each episode, cores minimised ({@link CoreBudget#missBudget}). */
        public Settings withMissBudget(LagrangeMultiplier.Config c) {
            return withBudget(CoreBudget.Constrained.MISSES, c);
        }

        /** Cores and missed requests both constrained to HPA's, each with its own price ({@link CoreBudget#twoSided}). */
        public Settings withTwoSidedBudget(LagrangeMultiplier.Config c) {
            return withBudget(CoreBudget.Constrained.BOTH, c);
        }

        private Settings withBudget(CoreBudget.Constrained which, LagrangeMultiplier.Config c) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps, c, guard,
                    which, limitChangePrice, imitation, operatorStart, greedyBudget, contextWindows);
        }

        /** Training pays {@code steps} x a step's cores when the CPU limit changes (0: free). */
        public Settings withLimitChangePrice(double steps) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps,
                    coreBudget, guard, budgetOn, steps, imitation, operatorStart, greedyBudget, contextWindows);
        }

        /** Starts from HPA by behaviour cloning ({@link Imitation}); null: from random weights. */
        public Settings withImitation(Imitation i) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps,
                    coreBudget, guard, budgetOn, limitChangePrice, i, operatorStart, greedyBudget, contextWindows);
        }

        /** Training episodes of {@code steps} steps (default {@link AutoscaleEnvironment#DEFAULT_EPISODE_STEPS}). */
        public Settings withEpisodeSteps(int steps) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, steps, evalSteps,
                    coreBudget, guard, budgetOn, limitChangePrice, imitation, operatorStart, greedyBudget, contextWindows);
        }

        /** Training episodes from the operator's set-up ({@link AutoscaleEnvironment#startAsOperator}). */
        public Settings withOperatorStart(boolean b) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps,
                    coreBudget, guard, budgetOn, limitChangePrice, imitation, b, greedyBudget, contextWindows);
        }

        /** The budget measured on the greedy policy ({@link GreedyBudgetProbe}) instead of the sampled episodes. */
        public Settings withGreedyBudget(boolean b) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps,
                    coreBudget, guard, budgetOn, limitChangePrice, imitation, operatorStart, b, contextWindows);
        }

        /** The budget in words, or "none". */
        public String budgetDescription() {
            return coreBudget == null ? "none" : CoreBudget.describe(budgetOn, coreBudget) + (greedyBudget
                    ? "; measured on the greedy policy beside HPA on " + GreedyBudgetProbe.SERVICES_PER_ITERATION
                            + " training services x " + evalSteps + " steps per iteration" : "");
        }

        public Settings withContextLength(int c) {
            return new Settings(seed, iterations, c, numEnvs, rolloutSteps, episodeSteps, evalSteps, coreBudget, guard,
                    budgetOn, limitChangePrice, imitation, operatorStart, greedyBudget, null);
        }

        /**
         * The context as {@code layout}'s rows (C = its rows): the recent transitions plus means over
         * longer windows ({@code flash train autoscale --context-windows}). The flat layout is the
         * plain {@link #withContextLength}.
         */
        public Settings withContextLayout(ContextLayout layout) {
            if (layout.isFlat()) {
                return withContextLength(layout.rows());
            }
            return new Settings(seed, iterations, layout.rows(), numEnvs, rolloutSteps, episodeSteps, evalSteps,
                    coreBudget, guard, budgetOn, limitChangePrice, imitation, operatorStart, greedyBudget, layout);
        }

        /** The rows of FLASH's context: {@link #contextWindows}, or the last {@code contextLength} transitions. */
        public ContextLayout contextLayout() {
            return contextWindows != null ? contextWindows : ContextLayout.flat(contextLength);
        }

        /** Trains (and serves) behind {@code g}. */
        public Settings withGuard(MoveGuard g) {
            return new Settings(seed, iterations, contextLength, numEnvs, rolloutSteps, episodeSteps, evalSteps,
                    coreBudget, g, budgetOn, limitChangePrice, imitation, operatorStart, greedyBudget, contextWindows);
        }

        public NetworkConfig network() {
            NetworkConfig n = NetworkConfig.rl(AutoscaleFeatures.COUNT, ScalingAction.values().length, contextLength,
                    NetworkConfig.EncoderType.SET_DELTA, 16).withEncoder(NetworkConfig.EncoderType.SET_DELTA, 32, 16);
            // flat: the config (and its toString, part of cache keys) exactly as before windows existed
            return contextWindows == null ? n : n.withContextLayout(contextWindows);
        }

        public PpoConfig ppo() {
            PpoConfig d = PpoConfig.defaults();
            // 0 iterations (the clone alone, --init-from) still needs a valid config for the cloning rounds
            return new PpoConfig(seed, Math.max(1, iterations), numEnvs, rolloutSteps, 0.9, d.gaeLambda(), 1e-3, true, 4, 2,
                    d.clip(), 0.01, d.valueCoef(), d.maxGradNorm(), true, ContextBuffer.Mode.LATEST, d.topEpisodes(),
                    0.25, d.sampling());
        }
    }

    /**
     * The start from HPA: behaviour cloning of {@link HpaTeacher}'s move (the direction of HPA's
     * replica change as one of AWARE's moves) for {@code iterations} rounds before PPO, the
     * critic fitted to the same rollouts' returns ({@link PpoTrainer#imitate}); then PPO keeps a
     * cross-entropy term to HPA's move in its loss, weighted {@code firstWeight} on its first
     * iteration and {@code lastWeight} on its last (linear), so it starts held to HPA and is let go
     * as far as the schedule says.
     */
    public record Imitation(int iterations, double firstWeight, double lastWeight) {
        public Imitation {
            if (iterations < 0 || !(firstWeight >= 0) || !(lastWeight >= 0) || !Double.isFinite(firstWeight)
                    || !Double.isFinite(lastWeight)) {
                throw new IllegalArgumentException("imitation: iterations >= 0 and finite weights >= 0, got "
                        + iterations + ", " + firstWeight + ", " + lastWeight);
            }
        }

        public String describe() {
            String term = "PPO with a cross-entropy term to HPA's move (out/in/no-op as HPA scales out/in/holds, behind"
                    + " the guard) weighted " + firstWeight + " -> " + lastWeight;
            return iterations == 0 ? term : "behaviour cloning of HPA's move for " + iterations + " iterations (DAgger:"
                    + " HPA acts on a share falling from 1 to 0), then " + term;
        }
    }

    /**
     * A trained network and its training curve.
     *
     * @param budgetHistory per iteration {@link CoreBudget#history()} (empty when unconstrained)
     */
    public record Result(Settings settings, FlashAgentNetwork network, List<IterationMetrics> curve, double seconds,
                         List<double[]> budgetHistory, List<double[]> imitationHistory) {
    }

    /**
     * PPO on {@code services} under {@code s}'s core budget: the training environments run HPA
     * beside the agent and price cores by the budget's multiplier, moved after every iteration.
     * Every network the reproduction compares (FLASH, the transfer base, the history baseline) is
     * trained through this, so all face the same problem.
     *
     * @param wrap turns the (constrained) services into what the trainer steps, e.g. history stacking
     * @return the budget's history (empty when {@code s} has none)
     */
    public static List<double[]> trainConstrained(PpoTrainer trainer, AutoscaleServices services, Settings s,
                                                  Function<AutoscaleServices, dev.flash.meta.ApplicationSet> wrap,
                                                  PpoTrainer.Progress progress) {
        return trainConstrained(trainer, services, s, wrap, progress, null);
    }

    /** {@link #trainConstrained}, reporting the cloning rounds of {@link Settings#imitation} to {@code cloning}. */
    public static List<double[]> trainConstrained(PpoTrainer trainer, AutoscaleServices services, Settings s,
                                                  Function<AutoscaleServices, dev.flash.meta.ApplicationSet> wrap,
                                                  PpoTrainer.Progress progress, PpoTrainer.Progress cloning) {
        services = services.guardedBy(s.guard()).pricingLimitChanges(s.limitChangePrice());
        if (s.operatorStart()) {
            services = services.startingAsOperator();
        }
        if (s.imitation() != null) {
            services = services.taughtByHpa();
            if (s.imitation().iterations() > 0) {
                trainer.imitate(wrap.apply(services), s.imitation().iterations(), cloning);
            }
            trainer.imitationWeight(s.imitation().firstWeight(), s.imitation().lastWeight());
            if (s.iterations() == 0) {
                return List.of(); // the clone alone
            }
        }
        if (s.coreBudget() == null) {
            trainer.train(wrap.apply(services), progress);
            return List.of();
        }
        CoreBudget budget = new CoreBudget(s.budgetOn(), s.coreBudget());
        GreedyBudgetProbe probe = null;
        if (s.greedyBudget()) {
            budget.measuredGreedily();
            probe = new GreedyBudgetProbe(services.services(dev.flash.meta.ApplicationSet.Split.TRAIN), s.evalSteps(),
                    s.seed());
        }
        GreedyBudgetProbe greedy = probe;
        trainer.train(wrap.apply(services.constrainTrainingWith(budget)), (m, total) -> {
            if (greedy != null) {
                greedy.measure(trainer.network(), s, budget);
            }
            budget.dualStep();
            if (progress != null) {
                progress.onIteration(m, total);
            }
        });
        return budget.history();
    }

    /** One held-out service: the agent, HPA and HPA+VPA on the same load and seed. */
    public record ServiceComparison(String service, OperatorRun agent, OperatorRun hpa, OperatorRun hpaVpa) {
    }

    /** Trains in {@code manager} (which owns the weights; keep it open while using the network). */
    public static Result train(AutoscaleServices services, Settings s, NDManager manager, PpoTrainer.Progress progress) {
        return train(services, s, manager, progress, null);
    }

    /** {@link #train}, reporting the cloning rounds of {@link Settings#imitation} (if any) to {@code cloning}. */
    public static Result train(AutoscaleServices services, Settings s, NDManager manager, PpoTrainer.Progress progress,
                               PpoTrainer.Progress cloning) {
        return train(services, s, manager, progress, cloning, null);
    }

    /**
     * {@link #train}, starting from the weights of {@code startModel} (an exported model of the same
     * network settings, e.g. HPA's clone, {@link OnnxImport}) instead of the seed's random ones
     * when not null.
     */
    public static Result train(AutoscaleServices services, Settings s, NDManager manager, PpoTrainer.Progress progress,
                               PpoTrainer.Progress cloning, Path startModel) {
        Djl.init();
        long start = System.nanoTime();
        FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), manager, s.seed());
        if (startModel != null) {
            try {
                dev.flash.meta.OnnxImport.readInto(net, startModel);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        List<IterationMetrics> curve = new ArrayList<>();
        PpoTrainer trainer = new PpoTrainer(net, s.ppo());
        List<double[]> budget = trainConstrained(trainer, services, s, x -> x,
                (m, total) -> {
                    curve.add(m);
                    if (progress != null) {
                        progress.onIteration(m, total);
                    }
                }, cloning);
        return new Result(s, net, curve, (System.nanoTime() - start) / 1e9, budget, trainer.imitationHistory());
    }

    /**
     * Runs {@code agent} (one per service), HPA and HPA+VPA on each service's synthetic held-out
     * load ({@code steps} steps, seeded per service), or on {@code trace} scaled to each service's
     * peak when given.
     */
    public static List<ServiceComparison> compare(List<ServiceSpec> specs, Function<ServiceSpec, Autoscaler> agent,
                                                  int steps, long seed, LoadTrace trace) {
        List<ServiceComparison> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            ServiceSpec spec = specs.get(i);
            long runSeed = seed * 7919 + i;
            LoadTrace load = trace != null ? trace.scaledToPeak(spec.load().peakRate())
                    : LoadTrace.synthetic(spec.load(), steps, runSeed);
            out.add(new ServiceComparison(spec.name(), OperatorRun.run(agent.apply(spec), spec, load, runSeed),
                    OperatorRun.run(new HpaReference(), spec, load, runSeed),
                    OperatorRun.run(new HpaVpaReference(), spec, load, runSeed)));
        }
        return out;
    }

    /** The contract metadata of an autoscaling model trained with {@code s}. */
    public static OnnxExport.Metadata metadata(Settings s, double expectedReward, String provenanceJson) {
        return new OnnxExport.Metadata(ModelContract.AGENT_AUTOSCALE, AutoscaleFeatures.NAMES, ScalingAction.NAMES,
                OnnxExport.rlContextColumns(AutoscaleFeatures.NAMES, ScalingAction.NAMES), AutoscaleReward.DEFINITION,
                expectedReward, 0, provenanceJson,
                "{\"period_s\":" + SimulatedService.STEP_SECONDS + ",\"horizontal_share\":" + ScalingAction.HORIZONTAL_SHARE
                        + ",\"vertical_factor\":" + ScalingAction.VERTICAL_FACTOR + ",\"cpu_step\":" + ScalingAction.CPU_STEP
                        + ",\"min_cpu\":" + ScalingAction.MIN_CPU_LIMIT + ",\"max_cpu\":" + ScalingAction.MAX_CPU_LIMIT
                        + ",\"kappa\":" + AutoscaleReward.KAPPA + ",\"miss_price\":" + AutoscaleReward.MISS_PRICE
                        + ",\"limit_change_price_steps\":" + s.limitChangePrice()
                        + ",\"core_budget\":\"" + s.budgetDescription()
                        + "\",\"" + MoveGuard.PARAM + "\":\"" + s.guard().id() + "\"}");
    }

    /**
     * Writes the model with the context fed as rows (the recommend stream holds many workloads per
     * batch row, so row codes would be recomputed every call anyway), via a temporary file.
     */
    public static void export(Result r, double expectedReward, String provenanceJson, Path file) throws IOException {
        byte[] bytes = OnnxExport.toBytes(r.network(), metadata(r.settings(), expectedReward, provenanceJson),
                ModelContract.ENCODING_ROWS);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
