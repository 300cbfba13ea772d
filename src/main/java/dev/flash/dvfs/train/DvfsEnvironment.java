package dev.flash.dvfs.train;

import dev.flash.actuate.ActuationException;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.dvfs.DvfsReward;
import dev.flash.meta.RlEnvironment;
import dev.flash.sim.AppSpec;
import dev.flash.sim.IntervalTruth;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.SignalGroups;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * FLASH case III as an RL environment: one application on one cpufreq policy of the simulated
 * node; the agent picks a DVFS move every simulated second.
 *
 * <p><b>Node.</b> {@link #policySlice(NodeSpec)} of the daemon's node: one policy of the same
 * size, frequency table, voltage curve and power model, with the node-wide static, uncore and
 * DRAM power scaled to the slice's share of the CPUs. Its package watts, reference watts and
 * so the {@code power_norm} feature then equal those of the whole daemon node running the
 * application on every policy at the same frequency ({@code flash daemon --simulate} with
 * {@code placement = "same"}), so a model trained here sees the daemon's feature distribution.
 *
 * <p><b>Episode.</b> {@link #reset()} restarts the application at a uniformly random point of
 * its phase cycle, at fmax (the daemon's starting point) or, with probability
 * {@link Options#randomStartProbability()}, at a random ladder level; {@link #WARM_UP_SECONDS}
 * at that frequency give the first observation, and the node's utilization history
 * ({@code util_avg}, {@code util_dev}) has seen the application by then, as a running daemon's
 * has. Then {@link Options#episodeSteps()} steps of {@link #STEP_SECONDS}.
 *
 * <p><b>Step.</b> Observation = {@link DvfsFeatures#extract} of the policy's record (followed by
 * the missing-signal mask with {@link Options#signalMask()}, {@link DvfsFeatureSet}). Action i =
 * {@link DvfsActions#DEFAULT}[i] on the {@link DvfsActions#DEFAULT_LEVELS}-level ladder, turned
 * into a frequency by {@link DvfsActions#targetKhz} and written through the node's actuator,
 * exactly as {@code OnnxDvfsPolicy} does in the daemon. The context reward is
 * {@link DvfsReward#of}, what a deployed agent can measure.
 *
 * <p><b>Reward</b> (the operator's objective, with the simulator's ground truth):
 * <pre>
 *   r = saving - kappa * max(0, slowdown - budget)
 *   saving   = 1 - E / E_fmax      energy of the interval against the same interval and load at fmax
 *   slowdown = 1 - W / W_fmax      work of the interval against fmax
 *   budget = 0.05, kappa = 6
 * </pre>
 * minus {@link Options#switchPenalty()} on a step whose frequency differs from the previous one
 * (0 by default: a model that alternates between two neighbouring frequencies every second
 * can be discouraged this way).
 * The performance governor scores 0 per step; the oracle (lowest frequency within budget)
 * scores its saving; running a CPU-bound saturated application at fmin scores about -2.
 */
public final class DvfsEnvironment implements RlEnvironment {

    public static final double STEP_SECONDS = 1.0;
    /** Seconds at the start frequency before an episode's first observation. */
    public static final int WARM_UP_SECONDS = 9;
    public static final double DEFAULT_BUDGET = 0.05;
    public static final double DEFAULT_KAPPA = 6.0;
    public static final int DEFAULT_EPISODE_STEPS = 32;
    public static final double DEFAULT_SWITCH_PENALTY = 0.0;

    /** The reward as written into {@code flash.reward} of every DVFS model. */
    public static String rewardDefinition(Options o) {
        return "training: saving - " + o.kappa() + " * max(0, slowdown - " + o.budget() + ")"
                + (o.switchPenalty() > 0 ? " - " + o.switchPenalty() + " if the frequency changed" : "")
                + " per " + STEP_SECONDS + " s step; saving = 1 - E/E_fmax (same interval and load at fmax), "
                + "slowdown = 1 - work/work_fmax (simulated ground truth); context column: "
                + DvfsReward.DEFINITION;
    }

    /**
     * @param episodeSteps           steps per episode
     * @param budget                 slowdown budget (fraction of fmax throughput)
     * @param kappa                  penalty per unit of slowdown beyond the budget
     * @param randomStartProbability chance an episode starts at a random ladder level, not fmax
     * @param levels                 ladder size
     * @param switchPenalty          reward subtracted on a step that changes the frequency
     * @param signalDropout          chance, per episode and per signal group a node commonly lacks
     *                               ({@link SignalGroups#DROPPABLE}), that the episode runs without
     *                               it, reported as a real node reports it (0: never; the random
     *                               stream is then the one without the option)
     * @param signalMask             observations in the {@link DvfsFeatureSet#WITH_MASK} layout: the
     *                               model is told which groups the episode runs without
     */
    public record Options(int episodeSteps, double budget, double kappa, double randomStartProbability,
                          int levels, double switchPenalty, double signalDropout, boolean signalMask)
            implements java.io.Serializable {

        public Options(int episodeSteps, double budget, double kappa, double randomStartProbability, int levels,
                       double switchPenalty) {
            this(episodeSteps, budget, kappa, randomStartProbability, levels, switchPenalty, 0);
        }

        public Options(int episodeSteps, double budget, double kappa, double randomStartProbability, int levels,
                       double switchPenalty, double signalDropout) {
            this(episodeSteps, budget, kappa, randomStartProbability, levels, switchPenalty, signalDropout, false);
        }

        public Options {
            if (!(signalDropout >= 0 && signalDropout <= 1)) {
                throw new IllegalArgumentException("signalDropout must be in [0, 1], got " + signalDropout);
            }
            if (episodeSteps < 1) {
                throw new IllegalArgumentException("episodeSteps must be >= 1, got " + episodeSteps);
            }
            if (!(budget >= 0 && budget < 1)) {
                throw new IllegalArgumentException("budget must be in [0, 1), got " + budget);
            }
            if (!(kappa >= 0)) {
                throw new IllegalArgumentException("kappa must be >= 0, got " + kappa);
            }
            if (!(randomStartProbability >= 0 && randomStartProbability <= 1)) {
                throw new IllegalArgumentException("randomStartProbability must be in [0, 1]");
            }
            if (levels < 2) {
                throw new IllegalArgumentException("levels must be >= 2, got " + levels);
            }
            if (!(switchPenalty >= 0 && switchPenalty < 1)) {
                throw new IllegalArgumentException("switchPenalty must be in [0, 1), got " + switchPenalty);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_EPISODE_STEPS, DEFAULT_BUDGET, DEFAULT_KAPPA, 0.5, DvfsActions.DEFAULT_LEVELS,
                    DEFAULT_SWITCH_PENALTY);
        }

        public Options withEpisodeSteps(int steps) {
            return new Options(steps, budget, kappa, randomStartProbability, levels, switchPenalty, signalDropout,
                    signalMask);
        }

        public Options withKappa(double k) {
            return new Options(episodeSteps, budget, k, randomStartProbability, levels, switchPenalty, signalDropout,
                    signalMask);
        }

        public Options withRandomStartProbability(double p) {
            return new Options(episodeSteps, budget, kappa, p, levels, switchPenalty, signalDropout, signalMask);
        }

        public Options withSignalDropout(double p) {
            return new Options(episodeSteps, budget, kappa, randomStartProbability, levels, switchPenalty, p,
                    signalMask);
        }

        public Options withSignalMask(boolean mask) {
            return new Options(episodeSteps, budget, kappa, randomStartProbability, levels, switchPenalty,
                    signalDropout, mask);
        }

        public Options withSwitchPenalty(double p) {
            return new Options(episodeSteps, budget, kappa, randomStartProbability, levels, p, signalDropout,
                    signalMask);
        }

        /** The state layout of the observations (and so of the model's feature names). */
        public DvfsFeatureSet features() {
            return signalMask ? DvfsFeatureSet.WITH_MASK : DvfsFeatureSet.PLAIN;
        }
    }

    private static final int POLICY = 0;

    private final SimulatedNode node;
    private final AppSpec app;
    private final Options options;
    private final SplittableRandom rng;
    private final List<String> actions = DvfsActions.DEFAULT;
    private final List<EpisodeStats> completed = new ArrayList<>();

    private SlowdownConstraint constraint;
    private TelemetryRecord record;
    private IntervalTruth truth;
    private EpisodeStats.Accumulator episode;
    private int t;
    private double contextRewardSum;
    private double contextRewardSq;
    private long contextRewardCount;

    /** The application on a slice of the embedded default node ({@code SimSpec.embeddedDefault()}). */
    public DvfsEnvironment(AppSpec app, long seed, Options options) {
        this(defaultNode(), app, seed, options);
    }

    /** @param node a one-policy node, e.g. {@link #policySlice} of a daemon node */
    public DvfsEnvironment(NodeSpec node, AppSpec app, long seed, Options options) {
        if (node.policyCount() != 1) {
            throw new IllegalArgumentException("the DVFS environment needs a one-policy node (use policySlice), got "
                    + node.policyCount() + " policies");
        }
        this.app = app;
        this.options = options;
        this.rng = new SplittableRandom(seed);
        this.node = new SimulatedNode(node, List.of(app), rng.nextLong());
    }

    private static volatile NodeSpec defaultNode;

    /** One-policy slice of the embedded default node the daemon simulates. */
    public static NodeSpec defaultNode() {
        NodeSpec n = defaultNode;
        if (n == null) {
            n = policySlice(SimSpec.embeddedDefault().node());
            defaultNode = n;
        }
        return n;
    }

    /**
     * One cpufreq policy of {@code node}: same policy size, frequencies, voltages, per-CPU power
     * and noise; static, uncore and DRAM power scaled by the slice's share of the CPUs, so
     * power_norm matches the whole node running the same application on every policy.
     */
    public static NodeSpec policySlice(NodeSpec node) {
        double share = (double) node.cpusPerPolicy() / node.cpus();
        return node.withCpus(node.cpusPerPolicy(), node.idleWatts() * share, node.uncoreWatts() * share,
                node.dramWatts() * share);
    }

    // ---------------------------------------------------------------- RlEnvironment

    @Override
    public int observationSize() {
        return options.features().count();
    }

    @Override
    public int actionCount() {
        return actions.size();
    }

    @Override
    public float[] reset() {
        node.setApplication(POLICY, app);
        if (options.signalDropout() > 0) {
            node.dropSignals(droppedGroups(), DROPPED_REASON);
        }
        node.advance(rng.nextDouble() * app.cycleSeconds());
        long startKhz = node.spec().maxKhz();
        if (rng.nextDouble() < options.randomStartProbability()) {
            PolicySample p = node.sample().policies().get(POLICY);
            startKhz = DvfsActions.levelKhz(p, rng.nextInt(options.levels()), options.levels());
        }
        node.applyKhz(POLICY, startKhz);
        node.sample(); // closes the interval of the skipped offset
        for (int i = 0; i < WARM_UP_SECONDS; i++) {
            node.advance(STEP_SECONDS);
            record = node.sample();
        }
        truth = node.lastInterval(POLICY);
        episode = new EpisodeStats.Accumulator();
        t = 0;
        return observation();
    }

    @Override
    public Step step(int action) {
        if (action < 0 || action >= actions.size()) {
            throw new IllegalArgumentException("action " + action + " out of range [0, " + actions.size() + ")");
        }
        return stepToKhz(DvfsActions.targetKhz(actions.get(action), policy(), options.levels()));
    }

    /**
     * One step at an arbitrary target frequency (snapped to the table): how governors, the
     * oracle and other baselines run on exactly the same episodes as the agent.
     */
    public Step stepToKhz(long targetKhz) {
        if (episode == null) {
            throw new IllegalStateException("call reset() before step()");
        }
        long beforeKhz = policy().curKhz();
        try {
            node.actuator().apply(policy(), targetKhz);
        } catch (ActuationException e) {
            throw new IllegalStateException("simulated actuator failed: " + e.getMessage(), e);
        }
        node.advance(STEP_SECONDS);
        record = node.sample();
        truth = node.lastInterval(POLICY);
        double saving = truth.energySaving();
        double slowdown = truth.slowdown();
        double weight = constraint != null ? constraint.lambda() : options.kappa();
        double reward = saving - weight * Math.max(0, slowdown - options.budget())
                - (policy().curKhz() != beforeKhz ? options.switchPenalty() : 0);
        episode.add(truth.energyJoules(), truth.energyAtFmaxJoules(), truth.work(), truth.workAtFmax(), reward,
                slowdown > options.budget() + 1e-9);
        t++;
        boolean done = t >= options.episodeSteps();
        if (done) {
            EpisodeStats stats = episode.done();
            completed.add(stats);
            if (constraint != null) {
                constraint.record(stats);
            }
            episode = null;
        }
        float contextReward = DvfsReward.of(policy(), record);
        contextRewardSum += contextReward;
        contextRewardSq += (double) contextReward * contextReward;
        contextRewardCount++;
        return new Step(observation(), (float) reward, contextReward, done);
    }

    /**
     * Weighs the overrun by {@code c}'s multiplier instead of {@link Options#kappa()} and reports
     * every completed episode to it (PPO-Lagrangian training, {@link SlowdownConstraint}).
     */
    public void constrainWith(SlowdownConstraint c) {
        this.constraint = c;
    }

    // ---------------------------------------------------------------- for evaluation

    /** The record of the last interval (what a governor decides on). */
    public TelemetryRecord lastRecord() {
        return record;
    }

    /** Ground truth of the last interval. */
    public IntervalTruth lastTruth() {
        return truth;
    }

    /** The simulated node (the oracle reads its hidden state). */
    public SimulatedNode node() {
        return node;
    }

    public AppSpec application() {
        return app;
    }

    public Options options() {
        return options;
    }

    /** Every episode completed so far, oldest first. */
    public List<EpisodeStats> completedEpisodes() {
        return List.copyOf(completed);
    }

    /** {sum, sum of squares, count} of every context reward handed out so far. */
    public double[] contextRewardSums() {
        return new double[] {contextRewardSum, contextRewardSq, contextRewardCount};
    }

    /** The lowest frequency within budget for the current phase (simulator's hidden state). */
    public long oracleKhz() {
        return node.oracleKhz(POLICY, options.budget());
    }

    /** How an episode without a signal group names it in the record. */
    public static final String DROPPED_REASON = "dropped in training";

    /** Each droppable group independently with probability {@code signalDropout}. */
    private java.util.Set<String> droppedGroups() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String g : SignalGroups.DROPPABLE) {
            if (rng.nextDouble() < options.signalDropout()) {
                out.add(g);
            }
        }
        return out;
    }

    /** The signal groups the current episode runs without (empty unless dropout is on). */
    public java.util.Set<String> missingGroups() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        if (record != null) {
            SignalGroups.lacking(SignalGroups.DROPPABLE, record.unavailable()).keySet().forEach(out::add);
        }
        return out;
    }

    private PolicySample policy() {
        return record.policies().get(POLICY);
    }

    private float[] observation() {
        return options.features().extract(policy(), record);
    }
}
