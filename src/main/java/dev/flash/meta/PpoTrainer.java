package dev.flash.meta;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * PPO for a {@link FlashAgentNetwork}, after CleanRL's ppo.py: collect a rollout, compute GAE,
 * optimise the clipped surrogate + value loss - entropy bonus with Adam for a few epochs, repeat.
 * The context encoder is part of the network, so it is trained jointly through the PPO loss.
 *
 * <p>Each rollout steps {@code numEnvs} training applications in lock step (one batched forward
 * pass per step). The context of each step is the application's {@link ContextBuffer}, carried
 * across that application's episodes and rollouts. With {@code contextLength = 0} this is plain
 * PPO on the base agent.
 *
 * <p>Also the two adaptation procedures the evaluation compares on a new application:
 * {@link #adaptFrozen} (FLASH: no weight update, the context does the adapting) and
 * {@link #fineTune} (transfer learning: PPO on the new application).
 */
public final class PpoTrainer {

    /** Called after every iteration, e.g. to draw a progress bar. */
    @FunctionalInterface
    public interface Progress {
        void onIteration(IterationMetrics metrics, int totalIterations);
    }

    private final FlashAgentNetwork net;
    private final PpoConfig cfg;
    private final NetworkConfig netCfg;
    private final Random rng;
    private final Optimizer adam;
    /** PPO minibatch updates skipped because their gradient was not finite. */
    private long skippedUpdates;
    /** Parameters whose name matches are left as they are by every update ({@link #freezeParameters}). */
    private java.util.function.Predicate<String> frozen = name -> false;
    /** The last online update's statistics ({@link #lastOnlineUpdate}); null before the first. */
    private double[] lastOnlineUpdate;
    private final ParameterStore ps;
    private final NDManager manager;
    private float currentLr;
    /** Training applications' scores and draw times, created by the first rollout of {@link #train}. */
    private ApplicationSampling.Sampler sampler;
    private long totalSteps;
    private Runnable beforeBackward;
    /**
     * Each training application's slot (environment mid-episode, context). Every {@link #train}
     * call starts fresh slots, as it always has (the converged experts train in chunks of calls),
     * except the first call after {@link #imitate}, which carries the cloning rounds' slots on.
     */
    private final Map<Long, Slot> known = new HashMap<>();
    private boolean slotsFromImitation;
    /** Share of rollout steps on which a {@link Demonstrated} environment's expert acts (behaviour cloning). */
    private double expertActs;
    /** Weight of the imitation term (cross-entropy to the expert's action) in the loss. */
    private double imitationWeight;
    /** Weight of the clipped surrogate in the loss: 1 in PPO, 0 while cloning. */
    private double surrogateWeight = 1;
    /** The imitation term's weight over {@link #train}'s iterations: {first, last} (linear); null: none. */
    private double[] imitationSchedule;
    private final List<double[]> imitationHistory = new ArrayList<>();

    /** One application being stepped: its environment, context and current episode. */
    private static final class Slot {
        final RlEnvironment env;
        final ContextBuffer context;
        float[] obs;
        double episodeReward;
        /** Index of the training application, for the sampler's score (-1 outside training). */
        int app = -1;

        Slot(RlEnvironment env, ContextBuffer context) {
            this.env = env;
            this.context = context;
        }
    }

    /** Rollout storage, [step][slot] flattened as step * numSlots + slot. */
    private static final class Rollout {
        final int steps;
        final int slots;
        final float[] obs;
        final float[] ctx;
        final float[] mask;
        final int[] actions;
        final float[] logProbs;
        final float[] values;
        final float[] rewards;
        final boolean[] dones;
        /** The expert's action on each step ({@link Demonstrated}), -1 where there is none. */
        final int[] expert;
        float[] advantages;
        float[] returns;
        /** Labelled steps and those whose most probable action was the expert's. */
        int labelled;
        int agreed;

        Rollout(int steps, int slots, NetworkConfig c) {
            this.steps = steps;
            this.slots = slots;
            int n = steps * slots;
            obs = new float[n * c.stateSize()];
            ctx = new float[c.hasContext() ? n * c.contextLength() * c.contextWidth() : 0];
            mask = new float[c.hasContext() ? n * c.contextLength() : 0];
            actions = new int[n];
            logProbs = new float[n];
            values = new float[n];
            rewards = new float[n];
            dones = new boolean[n];
            expert = new int[n];
        }
    }

    /**
     * @param net     the network to train (its weights are updated in place)
     * @param config  hyperparameters; its seed drives action sampling and application sampling
     */
    public PpoTrainer(FlashAgentNetwork net, PpoConfig config) {
        this.net = net;
        this.cfg = config;
        this.netCfg = net.config();
        if (netCfg.kind() != NetworkConfig.Kind.RL) {
            throw new IllegalArgumentException("PPO needs an RL network, got " + netCfg.kind());
        }
        this.rng = new Random(config.seed());
        this.currentLr = (float) config.learningRate();
        this.adam = Optimizer.adam()
                .optLearningRateTracker((id, n) -> currentLr)
                .optEpsilon(1e-5f)
                .build();
        this.manager = net.getParameters().get(0).getValue().getArray().getManager();
        this.ps = new ParameterStore(manager, false);
        Engine.getInstance().setRandomSeed((int) config.seed());
    }

    public FlashAgentNetwork network() {
        return net;
    }

    /** Meta-trains on the training split for {@code cfg.iterations()} iterations. */
    public List<IterationMetrics> train(ApplicationSet apps, Progress progress) {
        int appCount = apps.size(ApplicationSet.Split.TRAIN);
        if (appCount == 0) {
            throw new IllegalArgumentException("the application set has no training applications");
        }
        if (!slotsFromImitation) {
            known.clear();
        }
        slotsFromImitation = false;
        List<IterationMetrics> history = new ArrayList<>();
        for (int iter = 1; iter <= cfg.iterations(); iter++) {
            if (cfg.annealLr()) {
                currentLr = (float) (cfg.learningRate() * (1.0 - (iter - 1.0) / cfg.iterations()));
            }
            if (imitationSchedule != null) {
                double f = cfg.iterations() <= 1 ? 0 : (iter - 1.0) / (cfg.iterations() - 1.0);
                imitationWeight = imitationSchedule[0] + f * (imitationSchedule[1] - imitationSchedule[0]);
            }
            IterationMetrics m = iteration(apps, appCount, iter);
            history.add(m);
            if (progress != null) {
                progress.onIteration(m, cfg.iterations());
            }
        }
        imitationWeight = 0;
        return history;
    }

    /**
     * Behaviour cloning before {@link #train}: {@code iterations} rounds of rollouts on the
     * training split, as PPO's (same services, slots and contexts, which {@link #train} then
     * carries on), whose environments are {@link Demonstrated}; the loss is the cross-entropy of
     * the policy to the expert's action on every step plus the critic's loss to the rollout's
     * returns (no surrogate, no entropy bonus). Who acts moves from the expert to the learner
     * (DAgger): on iteration i of n the expert's action is taken on a share 1 - (i - 1) / n of the
     * steps and the learner's sampled one on the rest, while the labels stay the expert's, so the
     * clone also learns to come back from its own mistakes. The learning rate is constant.
     *
     * @return per iteration {cross-entropy, share of steps whose most probable action was the
     *         expert's, share of steps the expert acted} ({@link #imitationHistory})
     */
    public List<double[]> imitate(ApplicationSet apps, int iterations, Progress progress) {
        int appCount = apps.size(ApplicationSet.Split.TRAIN);
        if (appCount == 0) {
            throw new IllegalArgumentException("the application set has no training applications");
        }
        double weight = imitationWeight;
        currentLr = (float) cfg.learningRate();
        surrogateWeight = 0;
        imitationWeight = 1;
        try {
            for (int iter = 1; iter <= iterations; iter++) {
                expertActs = 1.0 - (iter - 1.0) / iterations;
                IterationMetrics m = iteration(apps, appCount, iter);
                if (progress != null) {
                    progress.onIteration(m, iterations);
                }
            }
        } finally {
            expertActs = 0;
            surrogateWeight = 1;
            imitationWeight = weight;
        }
        slotsFromImitation = true;
        return imitationHistory();
    }

    /**
     * Keeps the imitation term in {@link #train}'s loss: {@code first} x the cross-entropy to the
     * expert's action on the first iteration, moving linearly to {@code last} on the last (e.g. 1
     * to 0: PPO starts held to the cloned rule and is let go). The expert only labels; the learner
     * acts. Needs {@link Demonstrated} environments (steps without a label add nothing).
     */
    public PpoTrainer imitationWeight(double first, double last) {
        if (!(first >= 0 && last >= 0 && Double.isFinite(first) && Double.isFinite(last))) {
            throw new IllegalArgumentException("imitation weights must be finite and >= 0: " + first + ", " + last);
        }
        this.imitationSchedule = new double[] {first, last};
        return this;
    }

    /**
     * Per iteration that had labelled steps (cloning and PPO with the imitation term):
     * {cross-entropy to the expert's action (last epoch), share of steps whose most probable action
     * was the expert's (at collection), share of steps the expert acted, the term's weight}.
     */
    public List<double[]> imitationHistory() {
        return List.copyOf(imitationHistory);
    }

    /** One rollout on sampled training applications and its update. */
    private IterationMetrics iteration(ApplicationSet apps, int appCount, int iter) {
        long start = System.nanoTime();
        List<Slot> slots = sampleSlots(apps, appCount, known);
        List<Double> finished = new ArrayList<>();
        Rollout ro = collect(slots, cfg.rolloutSteps(), finished);
        scoreApplications(slots, ro);
        double[] losses = update(ro);
        if (labelled(ro) > 0) {
            imitationHistory.add(new double[] {losses[5], agreement(ro), expertActs, imitationWeight});
        }
        double[] stepStats = meanStd(ro.rewards);
        double meanEpisode = finished.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return new IterationMetrics(iter, totalSteps, finished.size(), meanEpisode,
                stepStats[0], stepStats[1], losses[0], losses[1], losses[2], losses[3], losses[4], currentLr,
                (System.nanoTime() - start) / 1e9);
    }

    private static int labelled(Rollout ro) {
        int n = 0;
        for (int e : ro.expert) {
            n += e >= 0 ? 1 : 0;
        }
        return n;
    }

    /** Agreement of the policy's most probable action with the expert's, kept by {@link #collect} in {@code ro.agreed}. */
    private static double agreement(Rollout ro) {
        return ro.labelled == 0 ? Double.NaN : (double) ro.agreed / ro.labelled;
    }

    /**
     * FLASH adaptation: runs the network on a new application for {@code episodes} episodes with
     * every weight frozen; only the context (starting empty) changes.
     *
     * @param greedy take the most probable action instead of sampling
     */
    public static AdaptationResult adaptFrozen(FlashAgentNetwork net, RlEnvironment env, int episodes,
                                               boolean greedy, ContextBuffer context, long seed) {
        long start = System.nanoTime();
        Random random = new Random(seed);
        NetworkConfig c = net.config();
        NDManager paramManager = net.getParameters().get(0).getValue().getArray().getManager();
        ParameterStore store = new ParameterStore(paramManager, false);
        Slot slot = new Slot(env, context);
        slot.obs = env.reset();
        List<Double> rewards = new ArrayList<>();
        List<Float> stepRewards = new ArrayList<>();
        float[] ctx = new float[c.hasContext() ? c.contextLength() * c.contextWidth() : 0];
        float[] mask = new float[c.hasContext() ? c.contextLength() : 0];
        while (rewards.size() < episodes) {
            if (c.hasContext()) {
                context.copyInto(ctx, mask, 0);
            }
            float[] probs;
            try (NDManager sub = paramManager.newSubManager()) {
                probs = policy(net, store, sub, slot.obs, ctx, mask, 1)[0];
            }
            int action = greedy ? argmax(probs) : sample(probs, random);
            RlEnvironment.Step s = env.step(action);
            stepRewards.add(s.reward());
            advance(slot, action, s, rewards);
        }
        float[] all = new float[stepRewards.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = stepRewards.get(i);
        }
        double[] ms = meanStd(all);
        return new AdaptationResult(rewards, all.length, 0, ms[0], ms[1], (System.nanoTime() - start) / 1e9);
    }

    /**
     * Transfer learning: PPO on one new application, updating every weight after each rollout of
     * {@code cfg.rolloutSteps()} steps, until {@code episodes} episodes have been played. The
     * network of this trainer is modified; pass a {@link FlashAgentNetwork#copy} to keep the
     * original. The learning rate stays at {@code cfg.learningRate()}.
     */
    public AdaptationResult fineTune(RlEnvironment env, int episodes) {
        return fineTune(env, episodes, null);
    }

    /**
     * {@link #fineTune(RlEnvironment, int)}, calling {@code beforeRollout} with the environment
     * steps played so far before every rollout, i.e. each time the weights change (the first
     * call, at 0 steps, sees the weights as given). The hook may run the network for inference,
     * e.g. to evaluate the current policy ({@link #evaluateGreedy}); it must not train it.
     */
    public AdaptationResult fineTune(RlEnvironment env, int episodes, RolloutHook beforeRollout) {
        long start = System.nanoTime();
        currentLr = (float) cfg.learningRate();
        Slot slot = new Slot(env, newContext());
        slot.obs = env.reset();
        List<Double> rewards = new ArrayList<>();
        List<float[]> stepRewards = new ArrayList<>();
        int updates = 0;
        long played = 0;
        while (rewards.size() < episodes) {
            if (beforeRollout != null) {
                beforeRollout.at(played);
            }
            Rollout ro = collect(List.of(slot), cfg.rolloutSteps(), rewards);
            played += cfg.rolloutSteps();
            stepRewards.add(ro.rewards);
            if (rewards.size() < episodes) {
                update(ro);
                updates++;
            }
        }
        float[] all = stepRewards.stream().reduce(new float[0], PpoTrainer::concat);
        double[] ms = meanStd(all);
        return new AdaptationResult(rewards.subList(0, episodes), all.length, updates, ms[0], ms[1],
                (System.nanoTime() - start) / 1e9);
    }

    /** Called by {@link #fineTune(RlEnvironment, int, RolloutHook)} before each rollout. */
    @FunctionalInterface
    public interface RolloutHook {
        void at(long stepsPlayed);
    }

    /**
     * Online learning on one application under a step budget, the rule every contestant of the
     * yardsticks ({@link dev.flash.meta.yardstick}) shares: rollouts of {@code cfg.rolloutSteps()}
     * steps from {@code context} (which keeps filling from the application's own trajectory;
     * ignored without a context), one PPO update after each rollout unless {@code update} is
     * false, the learning rate constant or, with {@code cfg.annealLr()}, decayed linearly to 0
     * over the budget. {@code beforeRollout} sees the steps played so far each time the weights
     * or the context are about to move on (at 0 with the weights as given) and once more at the
     * end; it may run the network for inference, never train it. {@code beforeUpdate} (may be
     * null) sees the steps played after each rollout, before its update: the weights as they
     * were, the context as it now is (e.g. FLASH's start point, after one episode of context).
     *
     * @return the steps played ({@code budgetSteps} rounded up to whole rollouts)
     */
    public long learnOnline(RlEnvironment env, long budgetSteps, ContextBuffer context, boolean update,
                            RolloutHook beforeRollout, RolloutHook beforeUpdate) {
        Slot slot = new Slot(env, context == null ? newContext() : context);
        slot.obs = env.reset();
        List<Double> finished = new ArrayList<>();
        long played = 0;
        while (played < budgetSteps) {
            if (beforeRollout != null) {
                beforeRollout.at(played);
            }
            currentLr = (float) (cfg.annealLr() ? cfg.learningRate() * (1.0 - (double) played / budgetSteps)
                    : cfg.learningRate());
            Rollout ro = collect(List.of(slot), cfg.rolloutSteps(), finished);
            played += cfg.rolloutSteps();
            if (beforeUpdate != null) {
                beforeUpdate.at(played);
            }
            if (update) {
                lastOnlineUpdate = update(ro);
            }
        }
        if (beforeRollout != null) {
            beforeRollout.at(played);
        }
        return played;
    }

    /**
     * The statistics of {@link #learnOnline}'s latest PPO update, its last epoch's means over the
     * rollout: {pg loss, value loss, entropy, approximate KL to the rollout's policy, clip
     * fraction, imitation}; null before the first update. For diagnosing whether online learning
     * moves the policy at all (bench/analysis/AutoscaleOnlineProbe.java); read in a hook.
     */
    public double[] lastOnlineUpdate() {
        return lastOnlineUpdate == null ? null : lastOnlineUpdate.clone();
    }

    /**
     * Leaves every parameter whose name matches {@code names} out of later updates, e.g. the
     * context encoder of a deployed FLASH network whose base learner keeps learning online
     * ({@code name -> name.contains("encoder")}). Their gradients are still computed and dropped.
     */
    public PpoTrainer freezeParameters(java.util.function.Predicate<String> names) {
        this.frozen = names;
        return this;
    }

    /**
     * Evaluates a policy as the daemon runs it: for each {@code j < episodes}, one whole episode
     * on a fresh {@code environments.apply(j)} (so the caller fixes each episode's seed: every
     * policy evaluated with the same function sees the same episodes), argmax actions, the
     * context starting from a copy of {@code context} (unchanged here) and rolling on with the
     * evaluation's own transitions across its episodes, as flashd keeps it. Weights are not
     * touched.
     *
     * @param context the context gathered so far; ignored when the network has none (C = 0)
     * @return the total reward of each evaluation episode
     */
    public static List<Double> evaluateGreedy(FlashAgentNetwork net, java.util.function.IntFunction<RlEnvironment> environments,
                                              int episodes, ContextBuffer context) {
        double[] totals = evaluateGreedy(net, environments, episodes, java.util.Collections.singletonList(context))[0];
        List<Double> out = new ArrayList<>(episodes);
        for (double t : totals) {
            out.add(t);
        }
        return out;
    }

    /**
     * {@link #evaluateGreedy(FlashAgentNetwork, java.util.function.IntFunction, int, ContextBuffer)}
     * for several starting contexts of one network at once: row {@code b} of the result is what
     * it returns for {@code starts.get(b)}. Every run that does not depend on another runs in
     * lockstep with one batched forward per step: each starting context's episodes follow one
     * another (the context rolls on), so contexts are the lanes; a network without context has
     * independent episodes, so there each episode is a lane. Up to the rounding of a batched
     * forward, the rewards are those of running each lane alone.
     *
     * @param starts the starting contexts (entries are ignored, and may be null, when C = 0)
     * @return {@code [starts.size()][episodes]} total reward of each evaluation episode
     */
    public static double[][] evaluateGreedy(FlashAgentNetwork net, java.util.function.IntFunction<RlEnvironment> environments,
                                            int episodes, List<ContextBuffer> starts) {
        NetworkConfig c = net.config();
        NDManager paramManager = net.getParameters().get(0).getValue().getArray().getManager();
        ParameterStore store = new ParameterStore(paramManager, false);
        double[][] totals = new double[starts.size()][episodes];
        // Lanes: (which start, first episode, episodes played in a row).
        List<EvalLane> lanes = new ArrayList<>();
        for (int b = 0; b < starts.size(); b++) {
            if (c.hasContext()) {
                lanes.add(new EvalLane(b, 0, episodes, starts.get(b).copy()));
            } else {
                for (int j = 0; j < episodes; j++) {
                    lanes.add(new EvalLane(b, j, 1, null));
                }
            }
        }
        for (EvalLane lane : lanes) {
            lane.begin(environments);
        }
        int f = c.stateSize();
        int rows = c.hasContext() ? c.contextLength() : 0;
        int w = c.hasContext() ? c.contextWidth() : 0;
        int a = c.actionCount();
        List<EvalLane> active = new ArrayList<>(lanes);
        while (!active.isEmpty()) {
            int n = active.size();
            float[] obs = new float[n * f];
            float[] ctx = new float[n * rows * w];
            float[] mask = new float[n * rows];
            for (int i = 0; i < n; i++) {
                EvalLane lane = active.get(i);
                System.arraycopy(lane.obs, 0, obs, i * f, f);
                if (lane.context != null) {
                    lane.context.copyInto(ctx, mask, i * rows);
                }
            }
            float[] probs;
            try (NDManager sub = paramManager.newSubManager()) {
                probs = policy(net, store, sub, obs, ctx, mask, n)[0];
            }
            List<EvalLane> next = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                EvalLane lane = active.get(i);
                int action = argmax(probs, i * a, a);
                RlEnvironment.Step step = lane.env.step(action);
                if (lane.context != null) {
                    lane.context.add(lane.obs, action, step.contextReward());
                }
                lane.total += step.reward();
                lane.obs = step.observation();
                if (step.done()) {
                    totals[lane.start][lane.episode] = lane.total;
                    if (lane.context != null) {
                        lane.context.endEpisode(lane.total);
                    }
                    lane.episode++;
                    lane.remaining--;
                    if (lane.remaining > 0) {
                        lane.begin(environments);
                    }
                }
                if (lane.remaining > 0) {
                    next.add(lane);
                }
            }
            active = next;
        }
        return totals;
    }

    /** One run of {@link #evaluateGreedy(FlashAgentNetwork, java.util.function.IntFunction, int, List)}. */
    private static final class EvalLane {
        final int start;
        final ContextBuffer context;
        int episode;
        int remaining;
        RlEnvironment env;
        float[] obs;
        double total;

        EvalLane(int start, int firstEpisode, int episodes, ContextBuffer context) {
            this.start = start;
            this.episode = firstEpisode;
            this.remaining = episodes;
            this.context = context;
        }

        void begin(java.util.function.IntFunction<RlEnvironment> environments) {
            env = environments.apply(episode);
            obs = env.reset();
            total = 0;
        }
    }

    /** An empty context buffer shaped for this network and configured as the PPO config says. */
    public ContextBuffer newContext() {
        return new ContextBuffer(netCfg.contextLayout(), netCfg.stateSize(), netCfg.actionCount(),
                cfg.contextMode(), cfg.topEpisodes());
    }

    // ---------------------------------------------------------------- rollout

    private List<Slot> sampleSlots(ApplicationSet apps, int appCount, Map<Long, Slot> known) {
        if (sampler == null) {
            sampler = cfg.sampling().sampler(appCount);
        }
        List<Integer> drawn = sampler.draw(cfg.numEnvs(), rng);
        List<Slot> slots = new ArrayList<>();
        for (int e = 0; e < cfg.numEnvs(); e++) {
            int app = drawn.get(e);
            long key = (long) app * cfg.numEnvs() + e / appCount; // a replica per slot when apps are few
            Slot s = known.computeIfAbsent(key, k -> new Slot(
                    apps.environment(ApplicationSet.Split.TRAIN, app, cfg.seed() * 1_000_003L + k), newContext()));
            s.app = app;
            if (s.obs == null) {
                s.obs = s.env.reset();
            }
            if (rng.nextDouble() < cfg.contextResetProbability()) {
                s.context.clear();
            }
            slots.add(s);
        }
        return slots;
    }

    /**
     * PLR's score of each application of the rollout: the mean positive advantage of its steps,
     * how much better than expected the agent can still do there ({@link ApplicationSampling}).
     */
    private void scoreApplications(List<Slot> slots, Rollout ro) {
        if (cfg.sampling().isUniform()) {
            return;
        }
        int n = ro.slots;
        for (int e = 0; e < n; e++) {
            double sum = 0;
            for (int t = 0; t < ro.steps; t++) {
                sum += Math.max(0, ro.advantages[t * n + e]);
            }
            sampler.score(slots.get(e).app, sum / ro.steps);
        }
    }

    /** Steps every slot {@code steps} times with the current policy; ended episodes go to {@code finished}. */
    private Rollout collect(List<Slot> slots, int steps, List<Double> finished) {
        int n = slots.size();
        int f = netCfg.stateSize();
        int cw = netCfg.contextLength() * netCfg.contextWidth();
        int cl = netCfg.contextLength();
        Rollout ro = new Rollout(steps, n, netCfg);
        float[] obs = new float[n * f];
        float[] ctx = new float[n * cw];
        float[] mask = new float[n * cl];
        for (int t = 0; t < steps; t++) {
            gather(slots, obs, ctx, mask);
            int base = t * n;
            System.arraycopy(obs, 0, ro.obs, base * f, obs.length);
            System.arraycopy(ctx, 0, ro.ctx, base * cw, ctx.length);
            System.arraycopy(mask, 0, ro.mask, base * cl, mask.length);
            float[][] pv;
            try (NDManager sub = manager.newSubManager()) {
                pv = policyAndValue(sub, obs, ctx, mask, n);
            }
            for (int e = 0; e < n; e++) {
                float[] probs = java.util.Arrays.copyOfRange(pv[0], e * netCfg.actionCount(),
                        (e + 1) * netCfg.actionCount());
                int a = sample(probs, rng);
                Slot s = slots.get(e);
                int i = base + e;
                int label = s.env instanceof Demonstrated d ? d.expertAction() : -1;
                ro.expert[i] = label;
                if (label >= 0) {
                    ro.labelled++;
                    ro.agreed += argmax(probs) == label ? 1 : 0;
                    if (expertActs > 0 && (expertActs >= 1 || rng.nextDouble() < expertActs)) {
                        a = label;
                    }
                }
                RlEnvironment.Step step = s.env.step(a);
                ro.actions[i] = a;
                ro.logProbs[i] = (float) Math.log(Math.max(probs[a], 1e-12f));
                ro.values[i] = pv[1][e];
                ro.rewards[i] = step.reward();
                ro.dones[i] = step.done();
                advance(s, a, step, finished);
            }
            totalSteps += n;
        }
        // Bootstrap from the value of where each slot stands now.
        gather(slots, obs, ctx, mask);
        float[] next;
        try (NDManager sub = manager.newSubManager()) {
            next = policyAndValue(sub, obs, ctx, mask, n)[1];
        }
        computeGae(ro, next);
        return ro;
    }

    /** Records a step in the slot's context and episode; resets the environment when it ended. */
    private static void advance(Slot s, int action, RlEnvironment.Step step, List<Double> finished) {
        s.context.add(s.obs, action, step.contextReward());
        s.episodeReward += step.reward();
        if (step.done()) {
            finished.add(s.episodeReward);
            s.context.endEpisode(s.episodeReward);
            s.episodeReward = 0;
            s.obs = s.env.reset();
        } else {
            s.obs = step.observation();
        }
    }

    private void gather(List<Slot> slots, float[] obs, float[] ctx, float[] mask) {
        int f = netCfg.stateSize();
        for (int e = 0; e < slots.size(); e++) {
            Slot s = slots.get(e);
            System.arraycopy(s.obs, 0, obs, e * f, f);
            if (netCfg.hasContext()) {
                s.context.copyInto(ctx, mask, e * netCfg.contextLength());
            }
        }
    }

    /** Batched inference without gradients: {probs [n*A], values [n]}. */
    private float[][] policyAndValue(NDManager sub, float[] obs, float[] ctx, float[] mask, int n) {
        FlashAgentNetwork.Heads h = net.heads(ps, sub.create(obs, new Shape(n, netCfg.stateSize())),
                netCfg.hasContext() ? sub.create(ctx, new Shape(n, netCfg.contextLength(), netCfg.contextWidth())) : null,
                netCfg.hasContext() ? sub.create(mask, new Shape(n, netCfg.contextLength())) : null, false);
        return new float[][] {h.actionProbs().toFloatArray(), h.value().toFloatArray()};
    }

    private static float[][] policy(FlashAgentNetwork net, ParameterStore store, NDManager sub, float[] obs,
                                    float[] ctx, float[] mask, int n) {
        NetworkConfig c = net.config();
        FlashAgentNetwork.Heads h = net.heads(store, sub.create(obs, new Shape(n, c.stateSize())),
                c.hasContext() ? sub.create(ctx, new Shape(n, c.contextLength(), c.contextWidth())) : null,
                c.hasContext() ? sub.create(mask, new Shape(n, c.contextLength())) : null, false);
        return new float[][] {h.actionProbs().toFloatArray()};
    }

    /** Generalised advantage estimation; {@code done[i]} means the episode ended after step i. */
    private void computeGae(Rollout ro, float[] nextValues) {
        int n = ro.slots;
        ro.advantages = new float[ro.steps * n];
        ro.returns = new float[ro.steps * n];
        for (int e = 0; e < n; e++) {
            double gae = 0;
            for (int t = ro.steps - 1; t >= 0; t--) {
                int i = t * n + e;
                double nonTerminal = ro.dones[i] ? 0 : 1;
                double nextValue = t == ro.steps - 1 ? nextValues[e] : ro.values[i + n];
                double delta = ro.rewards[i] + cfg.gamma() * nextValue * nonTerminal - ro.values[i];
                gae = delta + cfg.gamma() * cfg.gaeLambda() * nonTerminal * gae;
                ro.advantages[i] = (float) gae;
                ro.returns[i] = (float) (gae + ro.values[i]);
            }
        }
    }

    // ---------------------------------------------------------------- update

    /** PPO epochs over the rollout; returns the last epoch's mean {pg, v, entropy, kl, clipfrac, imitation}. */
    private double[] update(Rollout ro) {
        int batch = ro.steps * ro.slots;
        int minibatches = Math.min(cfg.minibatches(), batch);
        int mbSize = batch / minibatches;
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = i;
        }
        double[] sums = new double[6];
        int counted = 0;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            shuffle(idx);
            if (epoch == cfg.epochs() - 1) {
                java.util.Arrays.fill(sums, 0);
                counted = 0;
            }
            for (int mb = 0; mb < minibatches; mb++) {
                int[] pick = java.util.Arrays.copyOfRange(idx, mb * mbSize, (mb + 1) * mbSize);
                double[] stats = step(ro, pick);
                for (int k = 0; k < sums.length; k++) {
                    sums[k] += stats[k];
                }
                counted++;
            }
        }
        for (int k = 0; k < sums.length; k++) {
            sums[k] /= Math.max(1, counted);
        }
        return sums;
    }

    /** One gradient step on the minibatch {@code pick}. */
    private double[] step(Rollout ro, int[] pick) {
        int m = pick.length;
        int f = netCfg.stateSize();
        int a = netCfg.actionCount();
        int cw = netCfg.contextLength() * netCfg.contextWidth();
        int cl = netCfg.contextLength();
        float[] obs = new float[m * f];
        float[] ctx = new float[m * cw];
        float[] mask = new float[m * cl];
        float[] oneHot = new float[m * a];
        float[] oldLogp = new float[m];
        float[] adv = new float[m];
        float[] ret = new float[m];
        float[] expertHot = new float[m * a];
        int labels = 0;
        for (int j = 0; j < m; j++) {
            int i = pick[j];
            if (ro.expert[i] >= 0) {
                expertHot[j * a + ro.expert[i]] = 1f;
                labels++;
            }
            System.arraycopy(ro.obs, i * f, obs, j * f, f);
            System.arraycopy(ro.ctx, i * cw, ctx, j * cw, cw);
            System.arraycopy(ro.mask, i * cl, mask, j * cl, cl);
            oneHot[j * a + ro.actions[i]] = 1f;
            oldLogp[j] = ro.logProbs[i];
            adv[j] = ro.advantages[i];
            ret[j] = ro.returns[i];
        }
        if (cfg.normalizeAdvantages() && m > 1) {
            double[] ms = meanStd(adv);
            for (int j = 0; j < m; j++) {
                adv[j] = (float) ((adv[j] - ms[0]) / (ms[1] + 1e-8));
            }
        }
        double[] stats = new double[6];
        try (NDManager sub = manager.newSubManager()) {
            NDArray advNd = sub.create(adv);
            NDArray retNd = sub.create(ret);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                FlashAgentNetwork.Heads h = net.heads(ps, sub.create(obs, new Shape(m, f)),
                        netCfg.hasContext() ? sub.create(ctx, new Shape(m, cl, netCfg.contextWidth())) : null,
                        netCfg.hasContext() ? sub.create(mask, new Shape(m, cl)) : null, true);
                NDArray logAll = h.logits().logSoftmax(-1);
                NDArray newLogp = logAll.mul(sub.create(oneHot, new Shape(m, a))).sum(new int[] {1});
                NDArray entropy = logAll.exp().mul(logAll).sum(new int[] {1}).neg();
                // Clamped so one extreme ratio cannot overflow exp() to inf (inf x 0 = NaN weights).
                NDArray logRatio = newLogp.sub(sub.create(oldLogp)).clip(-20f, 20f);
                NDArray ratio = logRatio.exp();
                NDArray pg1 = advNd.neg().mul(ratio);
                NDArray pg2 = advNd.neg().mul(ratio.clip(1 - cfg.clip(), 1 + cfg.clip()));
                NDArray pgLoss = pg1.maximum(pg2).mean();
                NDArray vLoss = h.value().squeeze(1).sub(retNd).square().mean().mul(scalar(sub, 0.5f));
                NDArray entMean = entropy.mean();
                double entropyCoef = surrogateWeight > 0 ? cfg.entropyCoef() : 0;
                NDArray loss = pgLoss.mul(scalar(sub, (float) surrogateWeight))
                        .sub(entMean.mul(scalar(sub, (float) entropyCoef)))
                        .add(vLoss.mul(scalar(sub, (float) cfg.valueCoef())));
                NDArray imitation = null;
                if (labels > 0) {
                    // cross-entropy to the expert's action, over the labelled steps only (measured
                    // whenever there are labels, in the loss only with a weight)
                    imitation = logAll.mul(sub.create(expertHot, new Shape(m, a))).sum().neg()
                            .div(scalar(sub, labels));
                    if (imitationWeight > 0) {
                        loss = loss.add(imitation.mul(scalar(sub, (float) imitationWeight)));
                    }
                }
                if (beforeBackward != null) {
                    beforeBackward.run();
                }
                gc.backward(loss);
                stats[0] = pgLoss.getFloat();
                stats[1] = vLoss.getFloat();
                stats[2] = entMean.getFloat();
                stats[3] = ratio.sub(1f).sub(logRatio).mean().getFloat();
                stats[4] = ratio.sub(1f).abs().gt(cfg.clip()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .mean().getFloat();
                stats[5] = imitation == null ? Double.NaN : imitation.getFloat();
            }
            applyGradients(sub);
        }
        return stats;
    }

    /**
     * A constant of the loss as a tensor of {@code sub}, which keeps it until the update is done.
     * Not {@code NDArray.mul(Number)}: DJL makes that number a tensor over the memory of a Java
     * direct buffer and closes it as soon as the product is made, while autograd keeps the
     * tensor to compute the product's gradient in the backward pass. A garbage collection in
     * between let the buffer be freed first, and that one update used whatever the freed bytes
     * held: the rare divergence of training beside other work on the machine
     * (docs/log/2026-12-07-dvfs-repeatability.md). The value and the arithmetic are the same.
     */
    private static NDArray scalar(NDManager sub, float value) {
        return sub.create(value);
    }

    /**
     * Runs before every backward pass, after the loss is built; null in every real training. Tests
     * force a garbage collection there ({@code TrainingBesideGarbageCollectionTest}).
     */
    PpoTrainer beforeBackward(Runnable hook) {
        this.beforeBackward = hook;
        return this;
    }

    /** Clips the global gradient norm, takes an Adam step, and zeroes the gradients. */
    private void applyGradients(NDManager sub) {
        List<Pair<String, Parameter>> params = net.getParameters().stream().toList();
        List<NDArray> grads = new ArrayList<>(params.size());
        double sq = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray g = p.getValue().getArray().getGradient();
            g.attach(sub); // the gradient wrapper is a view; closing it leaves the parameter's grad alone
            grads.add(g);
            if (!frozen.test(p.getKey())) {
                sq += g.square().sum().getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            // A non-finite gradient would turn every weight into NaN: skip this step (as mixed-
            // precision trainers skip an overflowed one) and count it in the training report.
            skippedUpdates++;
            for (NDArray g : grads) {
                zeroInPlace(g);
            }
            return;
        }
        float scale = norm > cfg.maxGradNorm() ? (float) (cfg.maxGradNorm() / (norm + 1e-6)) : 1f;
        for (int k = 0; k < params.size(); k++) {
            NDArray g = grads.get(k);
            if (scale < 1f) {
                g.muli(scale);
            }
            Parameter p = params.get(k).getValue();
            if (!frozen.test(params.get(k).getKey())) {
                adam.update(p.getId(), p.getArray(), g);
            }
            g.muli(0f);
        }
    }

    /**
     * Sets every element of {@code g} to 0 in place, whatever it holds: {@code muli(0)} would keep
     * inf x 0 = NaN, and an empty index ({@code set(new NDIndex(), 0)}) is refused by PyTorch's
     * index_put_ ("an empty index list is not valid syntax"), which is how a run first met this
     * path at iteration 1300. The ellipsis selects all of a tensor of any rank, a scalar included.
     */
    static void zeroInPlace(NDArray g) {
        g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
    }

    /** PPO minibatch updates skipped so far because their gradient was not finite (0 in a healthy run). */
    public long skippedUpdates() {
        return skippedUpdates;
    }

    // ---------------------------------------------------------------- small helpers

    private void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static int sample(float[] probs, Random random) {
        double u = random.nextDouble();
        double acc = 0;
        for (int i = 0; i < probs.length; i++) {
            acc += probs[i];
            if (u < acc) {
                return i;
            }
        }
        return argmax(probs);
    }

    static int argmax(float[] v) {
        return argmax(v, 0, v.length);
    }

    /** Index, relative to {@code from}, of the largest of {@code v[from .. from + n)}; the first on ties. */
    static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] meanStd(float[] v) {
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        return new double[] {mean, Math.sqrt(var / v.length)};
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
