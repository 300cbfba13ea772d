package dev.flash.dvfs.eval;

import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.dvfs.DvfsReward;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FallbackController;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.TrajectoryBuffer;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.sim.AppSpec;
import dev.flash.sim.IntervalTruth;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sim.governors.OptimalOraclePolicy;
import dev.flash.sim.governors.Governor;
import dev.flash.sim.governors.OraclePolicy;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's view of a DVFS policy: run it on the simulated node the way flashd runs it
 * (1 s ticks: sense, extend each policy's context, one batched decision, write the frequency),
 * one held-out application at a time, and measure with the node's ground truth the energy it
 * used and the work it lost against running at maximum frequency.
 *
 * <p>Every agent runs each application on a node with the same seed, so load noise is the same
 * draw for all of them (common random numbers) and differences come from the policies alone.
 *
 * <p>Context rows are written exactly as the daemon writes them
 * ({@code dev.flash.daemon.FlashDaemon#extendContexts}): at each tick, the features of this
 * tick, the action taken at the previous tick, and {@link DvfsReward} of the interval that just
 * ended. A decision that throws falls back to {@link FallbackController} for that tick, as the
 * daemon does (counted in {@link RunStats#fallbackTicks()}).
 */
public final class OperatorEvaluation {
    private OperatorEvaluation() {
    }

    /** The operator's slowdown budget against the performance governor (5%). */
    public static final double SLOWDOWN_BUDGET = 0.05;
    /** Daemon period. */
    public static final double TICK_SECONDS = 1.0;

    /** Creates the policy for one run; the oracle needs the node it will run on. */
    @FunctionalInterface
    public interface Agent {
        FrequencyPolicy create(SimulatedNode node);
    }

    /** Report name of the project's oracle, the reference of {@link Report#inBudgetShareOfOracleSaving}. */
    public static final String ORACLE = OraclePolicy.NAME;
    /** Report name of the budget-optimal clairvoyant plan, the upper reference. */
    public static final String OPTIMAL_ORACLE = OptimalOraclePolicy.NAME;
    /** Report name of the current-phase oracle used before 2026-12-07. */
    public static final String PHASE_ORACLE = OraclePolicy.CURRENT_PHASE_NAME;

    /**
     * The reference points that need no run length, in report order: the governors, the daemon's
     * fallback, the oracle (per second, seeing the whole coming second) and the current-phase
     * oracle used before 2026-12-07.
     */
    public static Map<String, Agent> referenceAgents() {
        Map<String, Agent> m = new LinkedHashMap<>();
        for (String g : Governor.NAMES) {
            m.put(g, node -> Governor.byName(g));
        }
        m.put("fallback", node -> new FallbackController());
        m.put(ORACLE, node -> new OraclePolicy(node, SLOWDOWN_BUDGET));
        m.put(PHASE_ORACLE, node -> OraclePolicy.currentPhase(node, SLOWDOWN_BUDGET));
        return m;
    }

    /**
     * {@link #referenceAgents()} and the budget-optimal clairvoyant plan of runs of
     * {@code seconds} ({@link OptimalOraclePolicy}): every reference an evaluation reports.
     */
    public static Map<String, Agent> referenceAgents(double seconds) {
        Map<String, Agent> m = referenceAgents();
        m.put(OPTIMAL_ORACLE, node -> new OptimalOraclePolicy(node, SLOWDOWN_BUDGET, seconds, TICK_SECONDS));
        return m;
    }

    /**
     * Ground truth of one run, summed over the node's policies and the run's intervals.
     *
     * @param intervals         (policy, tick) intervals measured
     * @param intervalsInBudget those whose own slowdown stayed within the budget
     * @param fallbackTicks     ticks where the policy threw and the fallback decided
     * @param frequencyChanges  (policy, tick) decisions that changed the policy's frequency: on
     *                          hardware each is a P-state transition (a few to tens of
     *                          microseconds of stalled cores, and a write to sysfs)
     */
    public record RunStats(String agent, String app, double seconds, double energyJoules, double work,
                           double workAtFmax, int intervals, int intervalsInBudget, int fallbackTicks,
                           int frequencyChanges) {

        /** Share of work lost against maximum frequency (= against the performance governor). */
        public double slowdown() {
            return workAtFmax <= 0 ? 0 : Math.max(0, 1 - work / workAtFmax);
        }

        public double budgetHeldShare() {
            return intervals == 0 ? Double.NaN : (double) intervalsInBudget / intervals;
        }

        RunStats plus(RunStats o) {
            return new RunStats(agent, "all", seconds + o.seconds, energyJoules + o.energyJoules, work + o.work,
                    workAtFmax + o.workAtFmax, intervals + o.intervals, intervalsInBudget + o.intervalsInBudget,
                    fallbackTicks + o.fallbackTicks, frequencyChanges + o.frequencyChanges);
        }

        /** Frequency changes per policy per minute of decisions. */
        public double changesPerMinute() {
            return intervals == 0 ? Double.NaN : 60.0 * frequencyChanges / (intervals * TICK_SECONDS);
        }
    }

    /**
     * Runs {@code policy} for {@code seconds} of simulated time on a fresh node running
     * {@code app} on every cpufreq policy, starting with an empty context.
     *
     * @param contextLength rows of context the policy reads (0: none kept)
     */
    public static RunStats run(String agentName, Agent agent, NodeSpec nodeSpec, AppSpec app, double seconds,
                               long seed, int contextLength, int actionCount) {
        return run(agentName, agent, nodeSpec, app, seconds, seed, contextLength, actionCount, null);
    }

    /**
     * One tick of cpufreq policy 0 in a traced run: what the agent saw and did, what the oracle
     * would have set, and the ground truth of the interval that just ended.
     *
     * @param phase     the application's phase (hidden state) when the decision was made
     * @param runWait   share of runnable time the tasks waited for a CPU (the model's run_wait)
     * @param action    the agent's action name (a governor's or the oracle's label)
     * @param oracleKhz the oracle's frequency for the coming second
     * @param saving    energy saving of the interval that just ended against fmax (NaN on the first tick)
     * @param slowdown  its work lost against fmax
     */
    public record TraceRow(int second, int phase, double utilization, double runWait, long curKhz, String action,
                           long targetKhz, long oracleKhz, double saving, double slowdown) {
    }

    /** Receives every tick of a traced run. */
    @FunctionalInterface
    public interface Trace {
        void tick(TraceRow row);
    }

    /** {@link #run} calling {@code trace} (when not null) once per tick with policy 0's decision. */
    public static RunStats run(String agentName, Agent agent, NodeSpec nodeSpec, AppSpec app, double seconds,
                               long seed, int contextLength, int actionCount, Trace trace) {
        return run(agentName, agent, nodeSpec, app, seconds, seed, ContextLayout.flat(Math.max(0, contextLength)),
                actionCount, trace);
    }

    /**
     * {@link #run} with the context kept as {@code context} says (the model's
     * {@code ModelDescription.contextLayout()}; 0 rows: none kept), as the daemon keeps it.
     */
    public static RunStats run(String agentName, Agent agent, NodeSpec nodeSpec, AppSpec app, double seconds,
                               long seed, ContextLayout context, int actionCount, Trace trace) {
        return run(agentName, agent, nodeSpec, app, seconds, seed, context, DvfsFeatureSet.PLAIN, actionCount, trace);
    }

    /**
     * {@link #run} with context rows whose state part is in {@code features}' layout (the model's
     * {@code OnnxDvfsPolicy.featureSet()}), as the daemon writes them for that model.
     */
    public static RunStats run(String agentName, Agent agent, NodeSpec nodeSpec, AppSpec app, double seconds,
                               long seed, ContextLayout context, DvfsFeatureSet features, int actionCount,
                               Trace trace) {
        SimulatedNode node = new SimulatedNode(nodeSpec, List.of(app), seed);
        FrequencyPolicy policy = agent.create(node);
        FallbackController fallback = new FallbackController();
        TrajectoryContexts contexts = TrajectoryContexts.EMPTY;
        TrajectoryBuffer buffer = null;
        if (context.rows() > 0) {
            buffer = new TrajectoryBuffer(context, features.count(), actionCount);
            contexts = buffer;
        }
        int n = node.policyCount();
        int[] lastAction = new int[n];
        java.util.Arrays.fill(lastAction, -1);
        float[][] previousFeatures = new float[n][features.count()];
        float[] state = new float[features.count()];
        int ticks = (int) Math.round(seconds / TICK_SECONDS);
        double energy = 0;
        double work = 0;
        double workAtFmax = 0;
        int intervals = 0;
        int inBudget = 0;
        int fallbacks = 0;
        int changes = 0;
        for (int t = 0; t <= ticks; t++) {
            TelemetryRecord record = node.sample();
            if (record.intervalSeconds() > 0) {
                for (int id = 0; id < n; id++) {
                    IntervalTruth truth = node.lastInterval(id);
                    energy += truth.energyJoules();
                    work += truth.work();
                    workAtFmax += truth.workAtFmax();
                    intervals++;
                    if (truth.slowdown() <= SLOWDOWN_BUDGET + 1e-9) {
                        inBudget++;
                    }
                }
            }
            if (t == ticks) {
                break;
            }
            if (buffer != null) {
                // Same row as the daemon and the trainer: (state in which the last action was
                // taken, that action, the reward of the interval it governed).
                for (PolicySample p : record.policies()) {
                    int a = lastAction[p.id()];
                    features.extract(p, record, state, 0);
                    if (a >= 0 && record.intervalSeconds() > 0) {
                        buffer.append(p.id(), previousFeatures[p.id()], a, DvfsReward.of(p, record));
                    }
                    System.arraycopy(state, 0, previousFeatures[p.id()], 0, state.length);
                }
            }
            List<PolicyDecision> decisions;
            try {
                decisions = policy.decide(record, contexts);
            } catch (DecisionException | RuntimeException e) {
                fallbacks++;
                decisions = fallback.decide(record, contexts);
            }
            if (trace != null) {
                PolicySample p = record.policies().get(0);
                PolicyDecision d = decisions.stream().filter(x -> x.policyId() == 0).findFirst().orElseThrow();
                IntervalTruth truth = node.lastInterval(0);
                boolean first = record.intervalSeconds() <= 0;
                trace.tick(new TraceRow(t, node.phaseIndex(0), p.utilization(), p.runWaitShare(), p.curKhz(), d.actionName(),
                        d.targetKhz(), node.oracleKhz(0, SLOWDOWN_BUDGET), first ? Double.NaN : truth.energySaving(),
                        first ? Double.NaN : truth.slowdown()));
            }
            for (PolicyDecision d : decisions) {
                lastAction[d.policyId()] = d.actionIndex();
                long before = node.curKhz(d.policyId());
                node.applyKhz(d.policyId(), d.targetKhz());
                if (node.curKhz(d.policyId()) != before) {
                    changes++;
                }
            }
            node.advance(TICK_SECONDS);
        }
        return new RunStats(agentName, app.name(), ticks * TICK_SECONDS, energy, work, workAtFmax, intervals,
                inBudget, fallbacks, changes);
    }

    /** One agent compared with the performance governor and the oracle on the same runs. */
    public record Row(String agent, String app, double energySaving, double slowdown, double budgetHeldShare,
                      boolean budgetHeld, double shareOfOracleSaving, int fallbackTicks, double changesPerMinute) {
    }

    /** Rows per (agent, application) and overall per agent. */
    public record Report(List<String> agents, List<String> apps, List<Row> perApp, List<Row> overall,
                         double secondsPerApp) {

        public Row overall(String agent) {
            return overall.stream().filter(r -> r.agent().equals(agent)).findFirst().orElseThrow();
        }

        public List<Row> perApp(String agent) {
            return perApp.stream().filter(r -> r.agent().equals(agent)).toList();
        }

        /**
         * The operator figure of the yardsticks ({@link dev.flash.meta.yardstick.OracleShare}): per
         * application {@code agent}'s saving over the oracle's ({@link #ORACLE}), capped at 1, 0
         * where it broke the budget; the mean over applications. Running slower cannot raise it.
         */
        public double inBudgetShareOfOracleSaving(String agent) {
            return inBudgetShareOf(agent, ORACLE);
        }

        /**
         * {@link #inBudgetShareOfOracleSaving} against another reference's saving (e.g.
         * {@link #OPTIMAL_ORACLE}); NaN when the report did not run {@code reference}.
         */
        public double inBudgetShareOf(String agent, String referenceAgent) {
            if (!agents.contains(referenceAgent)) {
                return Double.NaN;
            }
            List<Row> mine = perApp(agent);
            List<Row> oracle = perApp(referenceAgent);
            double[] saving = new double[mine.size()];
            double[] reference = new double[mine.size()];
            boolean[] held = new boolean[mine.size()];
            for (int i = 0; i < mine.size(); i++) {
                saving[i] = mine.get(i).energySaving();
                reference[i] = oracle.get(i).energySaving();
                held[i] = mine.get(i).budgetHeld();
            }
            return dev.flash.meta.yardstick.OracleShare.mean(saving, reference, held);
        }

        /** Applications on which {@code agent} held the slowdown budget. */
        public long appsWithinBudget(String agent) {
            return perApp(agent).stream().filter(Row::budgetHeld).count();
        }

        /**
         * The operator objective per application: applications on which {@code agent} held the
         * budget and saved more energy than every Linux governor that held it there (the
         * performance governor always does, at zero saving). Even the oracle does not reach every
         * application: it decides once per second, and on a saturated phase nothing below fmax
         * is in budget, so it can only tie.
         */
        public long appsAheadOfEveryGovernor(String agent) {
            Map<String, Row> mine = new java.util.HashMap<>();
            Map<String, Double> bestGovernor = new java.util.HashMap<>();
            for (Row r : perApp) {
                if (r.agent().equals(agent)) {
                    mine.put(r.app(), r);
                }
                if (Governor.NAMES.contains(r.agent()) && r.budgetHeld()) { // a governor is never ahead of itself
                    bestGovernor.merge(r.app(), r.energySaving(), Math::max);
                }
            }
            return mine.values().stream()
                    .filter(r -> r.budgetHeld() && r.energySaving() > bestGovernor.getOrDefault(r.app(), 0.0))
                    .count();
        }
    }

    /** Called after each run, for a progress bar. */
    @FunctionalInterface
    public interface Progress {
        void onRun(String agent, String app);
    }

    /**
     * Runs every agent (the given ones first, then {@link #referenceAgents(double)}) on every
     * application for {@code seconds} each and compares each with the performance governor.
     *
     * @param contextLayouts the context each agent reads, by agent name (absent: none)
     */
    public static Report evaluate(Map<String, Agent> agents, Map<String, ContextLayout> contextLayouts, int actionCount,
                                  NodeSpec node, List<AppSpec> apps, double seconds, long seed, Progress progress) {
        return evaluate(agents, contextLayouts, DvfsFeatureSet.PLAIN, actionCount, node, apps, seconds, seed, progress);
    }

    /**
     * {@link #evaluate} with the agents that keep a context writing its rows in {@code features}'
     * layout (the model's).
     */
    public static Report evaluate(Map<String, Agent> agents, Map<String, ContextLayout> contextLayouts,
                                  DvfsFeatureSet features, int actionCount, NodeSpec node, List<AppSpec> apps,
                                  double seconds, long seed, Progress progress) {
        if (apps.isEmpty()) {
            throw new IllegalArgumentException("no applications to evaluate on");
        }
        Map<String, Agent> all = new LinkedHashMap<>(agents);
        referenceAgents(seconds).forEach(all::putIfAbsent);
        Map<String, List<RunStats>> runs = new LinkedHashMap<>();
        for (Map.Entry<String, Agent> e : all.entrySet()) {
            List<RunStats> list = new ArrayList<>();
            for (int i = 0; i < apps.size(); i++) {
                list.add(run(e.getKey(), e.getValue(), node, apps.get(i), seconds, appSeed(seed, i),
                        contextLayouts.getOrDefault(e.getKey(), ContextLayout.flat(0)), features, actionCount,
                        null));
                if (progress != null) {
                    progress.onRun(e.getKey(), apps.get(i).name());
                }
            }
            runs.put(e.getKey(), list);
        }
        List<RunStats> perf = runs.get("performance");
        List<RunStats> oracle = runs.get(ORACLE);
        List<Row> perApp = new ArrayList<>();
        List<Row> overall = new ArrayList<>();
        RunStats perfAll = total(perf);
        RunStats oracleAll = total(oracle);
        for (Map.Entry<String, List<RunStats>> e : runs.entrySet()) {
            List<RunStats> list = e.getValue();
            for (int i = 0; i < list.size(); i++) {
                perApp.add(row(list.get(i), perf.get(i), oracle.get(i)));
            }
            overall.add(row(total(list), perfAll, oracleAll));
        }
        return new Report(List.copyOf(all.keySet()), apps.stream().map(AppSpec::name).toList(), perApp, overall,
                seconds);
    }

    /** The node seed of the application at {@code index} in an evaluation of {@code seed}. */
    public static long appSeed(long seed, int index) {
        return seed + 7919L * index;
    }

    static Row row(RunStats s, RunStats perf, RunStats oracle) {
        double saving = saving(s, perf);
        double oracleSaving = saving(oracle, perf);
        return new Row(s.agent(), s.app(), saving, s.slowdown(), s.budgetHeldShare(),
                s.slowdown() <= SLOWDOWN_BUDGET + 1e-9, AdaptationMetrics.shareOfOracleSaving(saving, oracleSaving),
                s.fallbackTicks(), s.changesPerMinute());
    }

    /** 1 - E / E_performance over the same simulated time and load. */
    static double saving(RunStats s, RunStats perf) {
        return perf.energyJoules() <= 0 ? Double.NaN : 1 - s.energyJoules() / perf.energyJoules();
    }

    private static RunStats total(List<RunStats> list) {
        RunStats acc = new RunStats(list.get(0).agent(), "all", 0, 0, 0, 0, 0, 0, 0, 0);
        for (RunStats s : list) {
            acc = acc.plus(s);
        }
        return acc;
    }
}
