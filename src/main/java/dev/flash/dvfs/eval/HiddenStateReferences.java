package dev.flash.dvfs.eval;

import com.google.gson.JsonObject;
import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.meta.RlEnvironment;
import dev.flash.sim.AppSpec;
import dev.flash.sim.Phase;
import dev.flash.sim.SimulatedNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;

/**
 * How good can a policy be on one application's evaluation episodes? References read from the
 * simulator's hidden state, on exactly the episodes the agents are evaluated on (the same seeds:
 * the same phase offsets, start frequencies, load and measurement noise).
 *
 * <p>They rest on one property of the environment: <b>what happens in a step depends on that
 * step's frequency only</b>. The application's phases advance with time, not with the work done;
 * every random draw (phase offset, start level, load noise, measurement noise) is made whatever
 * the frequency; and the reward has no switching term (switch penalty 0). So an episode run at
 * one fixed ladder level L gives, at every step t, the reward and the next observation any
 * policy would get at step t if it stood at level L then. From the ten fixed-level runs of an
 * episode the reward of every policy that lives on the ladder (the agents do: every action lands
 * on a level) is known step by step, without running it. {@code HiddenStateReferencesTest}
 * checks the property on the simulator itself.
 *
 * <ul>
 *   <li><b>clairvoyant bound</b>: per step, the best of the levels. No policy on the ladder,
 *       however trained, scores more on these episodes: it would have to know each second's load
 *       draw before it happens. An upper bound of the paper's per-application expert.</li>
 *   <li><b>phase expert</b>: a policy that knows which phase the application is in and where that
 *       phase's sine stands (what the agents can only infer from telemetry), but not the next
 *       draw. In each hidden-state cell ({@link #cell}) it plays the level that scored best over
 *       the episodes it was fitted on. Fitted on half the evaluation episodes and scored on the
 *       other half, both ways ({@code crossValidated}), it is a policy that could have been
 *       deployed; fitted and scored on all ({@code inSample}) it also counts the fit's luck.</li>
 *   <li><b>phase expert acting as the agents act</b>: the same table, but deciding on the cell of
 *       the second that just ended (telemetry shows a phase change one tick late) and reaching
 *       its level only through the agents' own moves ({@link DvfsActions#DEFAULT}: min, max, up
 *       or down by one or two levels), from the episode's start frequency. What an agent that
 *       recognised the phase perfectly from one interval of telemetry could score with our
 *       action set; cross-validated. {@code late} is the step between: one tick late, any level.</li>
 *   <li><b>budget oracle</b>: {@link SimulatedNode#oracleKhz}'s rule (the lowest frequency within
 *       the slowdown budget, on the full frequency table, not the ladder) scored with the agents'
 *       reward. It maximises saving inside the budget, not the reward: a reference, not a bound.</li>
 * </ul>
 */
public final class HiddenStateReferences {
    private HiddenStateReferences() {
    }

    /** Width of a cell's load bucket: how finely the phase expert tells where a phase's sine stands. */
    public static final double LOAD_BUCKET = 0.05;

    /**
     * One application's references, as episode totals of reward (index = evaluation episode).
     *
     * @param clairvoyant               per step the best ladder level in hindsight (an upper bound)
     * @param phaseExpertInSample       one level per hidden-state cell, fitted on all episodes
     * @param phaseExpertCrossValidated the same, fitted on the other half of the episodes
     * @param phaseExpertLate           cross-validated, deciding on the previous second's cell
     * @param phaseExpertActing         cross-validated, late, moving only through the agents' actions
     * @param budgetOracle              the lowest frequency within the slowdown budget
     */
    public record App(String app, int episodeSteps, double[] clairvoyant, double[] phaseExpertInSample,
                      double[] phaseExpertCrossValidated, double[] phaseExpertLate, double[] phaseExpertActing,
                      double[] budgetOracle) implements java.io.Serializable {

        /** Names and per-step means, in the order reports list them. */
        public Map<String, Double> perStep() {
            Map<String, Double> m = new java.util.LinkedHashMap<>();
            m.put(CLAIRVOYANT, perStep(clairvoyant));
            m.put(PHASE_EXPERT, perStep(phaseExpertInSample));
            m.put(PHASE_EXPERT_CV, perStep(phaseExpertCrossValidated));
            m.put(PHASE_EXPERT_LATE, perStep(phaseExpertLate));
            m.put(PHASE_EXPERT_ACTING, perStep(phaseExpertActing));
            m.put(BUDGET_ORACLE, perStep(budgetOracle));
            return m;
        }

        private double perStep(double[] totals) {
            double s = 0;
            for (double t : totals) {
                s += t;
            }
            return s / (totals.length * (double) episodeSteps);
        }
    }

    /** Report keys, also the JSON field names. */
    public static final String CLAIRVOYANT = "clairvoyant_bound";
    public static final String PHASE_EXPERT = "phase_expert";
    public static final String PHASE_EXPERT_CV = "phase_expert_cross_validated";
    public static final String PHASE_EXPERT_LATE = "phase_expert_one_tick_late";
    public static final String PHASE_EXPERT_ACTING = "phase_expert_acting_as_agents";
    public static final String BUDGET_ORACLE = "budget_oracle";

    /**
     * The references of one application on its evaluation episodes.
     *
     * @param episodes     builds evaluation episode j's environment (a fresh, seeded
     *                     {@link DvfsEnvironment}), as the agents' evaluation does
     * @param evalEpisodes evaluation episodes (at least 2, for the cross-validation)
     */
    public static App of(String app, IntFunction<? extends RlEnvironment> episodes, int evalEpisodes) {
        if (evalEpisodes < 2) {
            throw new IllegalArgumentException("the phase expert's cross-validation needs at least 2 evaluation "
                    + "episodes, got " + evalEpisodes);
        }
        Episode[] eps = new Episode[evalEpisodes];
        for (int j = 0; j < evalEpisodes; j++) {
            eps[j] = play(episodes, j);
        }
        int steps = eps[0].levelRewards[0].length;
        double[] clairvoyant = new double[evalEpisodes];
        double[] oracle = new double[evalEpisodes];
        for (int j = 0; j < evalEpisodes; j++) {
            for (int t = 0; t < steps; t++) {
                double best = Double.NEGATIVE_INFINITY;
                for (double[] level : eps[j].levelRewards) {
                    best = Math.max(best, level[t]);
                }
                clairvoyant[j] += best;
                oracle[j] += eps[j].oracleRewards[t];
            }
        }
        double[] inSample = new double[evalEpisodes];
        double[] crossValidated = new double[evalEpisodes];
        double[] late = new double[evalEpisodes];
        double[] acting = new double[evalEpisodes];
        Map<Long, Integer> all = fit(eps, 0, j -> true);
        List<Map<Long, Integer>> half = halves(eps, 0);
        List<Map<Long, Integer>> halfLate = halves(eps, 1);
        for (int j = 0; j < evalEpisodes; j++) {
            int other = 1 - j % 2; // the half episode j was not fitted on
            inSample[j] = score(eps[j], 0, all);
            crossValidated[j] = score(eps[j], 0, half.get(other));
            late[j] = score(eps[j], 1, halfLate.get(other));
            acting[j] = scoreActing(eps[j], halfLate.get(other));
        }
        return new App(app, steps, clairvoyant, inSample, crossValidated, late, acting, oracle);
    }

    /**
     * Pooled reward gaps of start points against each reference:
     * {@code (sum R_ref - sum R_start) / |sum R_ref|} over the applications, as the headline gap.
     *
     * @param startPerStep an agent's start reward per step, per application in {@code refs}' order
     */
    public static Map<String, Double> pooledGaps(List<App> refs, double[] startPerStep) {
        if (refs.size() != startPerStep.length) {
            throw new IllegalArgumentException(refs.size() + " applications' references but " + startPerStep.length
                    + " start points");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String key : refs.isEmpty() ? List.<String>of() : refs.get(0).perStep().keySet()) {
            out.put(key, AdaptationMetrics.pooledGap(perStep(refs, key), startPerStep));
        }
        return out;
    }

    /** One reference's reward per step, per application in {@code refs}' order. */
    public static double[] perStep(List<App> refs, String key) {
        return refs.stream().mapToDouble(a -> a.perStep().get(key)).toArray();
    }

    /** Mean per step of each reference over the applications. */
    public static Map<String, Double> meansPerStep(List<App> refs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (App a : refs) {
            a.perStep().forEach((k, v) -> out.merge(k, v / refs.size(), Double::sum));
        }
        return out;
    }

    /** What reproduce.json carries: the references' means and both agents' start-point gaps against each. */
    public static JsonObject toJson(List<App> refs, double[] flashStart, double[] transferStart) {
        JsonObject o = new JsonObject();
        o.addProperty("definition", DEFINITION);
        o.add("mean_reward_per_step", json(meansPerStep(refs)));
        o.add("reward_gap_flash", json(pooledGaps(refs, flashStart)));
        o.add("reward_gap_transfer", json(pooledGaps(refs, transferStart)));
        return o;
    }

    /** One line per reference for reports and JSON. */
    public static final String DEFINITION = "references read from the simulator's hidden state on the same "
            + "evaluation episodes (a step's reward depends on that step's frequency only, so each episode run at "
            + "every fixed ladder level gives every ladder policy's reward): clairvoyant_bound = per step the best "
            + "level in hindsight, an upper bound of any expert on the ladder; phase_expert = the best level per hidden-state "
            + "cell (phase, load bucket " + LOAD_BUCKET + ", next phase), fitted and scored on all episodes; "
            + "phase_expert_cross_validated = fitted on one half of the episodes, scored on the other; "
            + "phase_expert_one_tick_late = the same deciding on the previous second's cell; "
            + "phase_expert_acting_as_agents = late and moving only through the agents' actions; budget_oracle = "
            + "the lowest table frequency within the slowdown budget (not a bound)";

    /** A name-to-value map as a JSON object (non-finite values as null). */
    public static JsonObject json(Map<String, Double> m) {
        JsonObject o = new JsonObject();
        m.forEach((k, v) -> Json.put(o, k, v));
        return o;
    }

    /**
     * The references of a finished run's held-out applications, rebuilt from its plan: evaluation
     * episode j of application i is seeded {@link Reproduction#evaluationSeed}, on the slice of
     * the embedded default node, with the run's episode length, kappa and budget (the defaults
     * where the file predates recording them).
     *
     * @param specs the run's held-out applications, found by name (a population or apps file)
     * @throws ExpertPool.InvalidRunException naming the first application {@code specs} lacks
     */
    public static List<App> forRun(ExpertPool.Run run, Map<String, AppSpec> specs, String specsSource)
            throws ExpertPool.InvalidRunException {
        DvfsEnvironment.Options d = DvfsEnvironment.Options.defaults();
        DvfsEnvironment.Options options = new DvfsEnvironment.Options(run.episodeSteps(), Double.isNaN(run.budget())
                ? d.budget() : run.budget(), Double.isNaN(run.kappa()) ? d.kappa() : run.kappa(),
                d.randomStartProbability(), d.levels(), d.switchPenalty());
        List<App> out = new ArrayList<>();
        for (int i = 0; i < run.apps().size(); i++) {
            String name = run.apps().get(i).app();
            AppSpec spec = specs.get(name);
            if (spec == null) {
                throw new ExpertPool.InvalidRunException(specsSource + " has no application " + name + " (per_app["
                        + i + "] of " + run.file() + "); give the run's held-out applications with --apps FILE");
            }
            int index = i;
            out.add(of(name, j -> new DvfsEnvironment(DvfsEnvironment.defaultNode(), spec,
                    Reproduction.evaluationSeed(run.seed(), index, j), options), run.evalEpisodes()));
        }
        return out;
    }

    /**
     * One evaluation episode: the reward of every ladder level at every step, the hidden-state
     * cell of every decision, the budget oracle's rewards and the ladder level it starts at.
     */
    private record Episode(double[][] levelRewards, long[] cells, double[] oracleRewards, int startLevel) {
    }

    private static Episode play(IntFunction<? extends RlEnvironment> episodes, int j) {
        DvfsEnvironment first = environment(episodes, j);
        DvfsEnvironment.Options o = first.options();
        if (o.switchPenalty() != 0) {
            throw new IllegalArgumentException("hidden-state references need a reward without a switch penalty "
                    + "(a step's reward must depend on that step's frequency only), got switch penalty "
                    + o.switchPenalty());
        }
        int levels = o.levels();
        int steps = o.episodeSteps();
        first.reset();
        int startLevel = DvfsActions.currentLevel(first.lastRecord().policies().get(0), levels);
        double[][] rewards = new double[levels][];
        long[] cells = new long[steps];
        for (int level = 0; level < levels; level++) {
            int l = level;
            DvfsEnvironment env = level == 0 ? first : reset(environment(episodes, j));
            rewards[level] = run(env, steps,
                    e -> DvfsActions.levelKhz(e.lastRecord().policies().get(0), l, levels), level == 0 ? cells : null);
        }
        double[] oracle = run(reset(environment(episodes, j)), steps, DvfsEnvironment::oracleKhz, null);
        return new Episode(rewards, cells, oracle, startLevel);
    }

    private static DvfsEnvironment reset(DvfsEnvironment env) {
        env.reset();
        return env;
    }

    private static DvfsEnvironment environment(IntFunction<? extends RlEnvironment> episodes, int j) {
        RlEnvironment env = episodes.apply(j);
        if (!(env instanceof DvfsEnvironment d)) {
            throw new IllegalArgumentException("hidden-state references need the DVFS environment, got "
                    + env.getClass().getName());
        }
        return d;
    }

    /**
     * One episode (of an environment just reset) under a frequency rule; per-step rewards, and the
     * cell of every decision if asked.
     */
    private static double[] run(DvfsEnvironment env, int steps, ToLongFunction<DvfsEnvironment> khz,
                                long[] cellsOut) {
        double[] r = new double[steps];
        for (int t = 0; t < steps; t++) {
            if (cellsOut != null) {
                cellsOut[t] = cell(env.node());
            }
            r[t] = env.stepToKhz(khz.applyAsLong(env)).reward();
        }
        return r;
    }

    /**
     * The hidden state a decision is made in: the phase, the bucket of the highest load its sine
     * reaches in the coming second and, when that second runs into the next phase, which one.
     */
    static long cell(SimulatedNode node) {
        int phaseIndex = node.phaseIndex(0);
        Phase phase = node.currentPhase(0);
        double s = node.secondsIntoPhase(0);
        double to = Math.min(s + DvfsEnvironment.STEP_SECONDS, phase.durationSeconds());
        long bucket = Math.round(phase.peakLoadBetween(s, to) / LOAD_BUCKET);
        int phases = node.application(0).phases().size();
        long next = s + DvfsEnvironment.STEP_SECONDS > phase.durationSeconds() ? (phaseIndex + 1) % phases + 1 : 0;
        return (phaseIndex * 1_000_003L + next) * 100_003L + bucket;
    }

    /** Tables fitted on the even episodes (index 0) and on the odd ones (index 1). */
    private static List<Map<Long, Integer>> halves(Episode[] eps, int lag) {
        return List.of(fit(eps, lag, j -> j % 2 == 0), fit(eps, lag, j -> j % 2 == 1));
    }

    /**
     * Per cell, the level with the highest summed reward over the chosen episodes (the lowest
     * level on ties), deciding at step t on the cell of step {@code t - lag}.
     */
    private static Map<Long, Integer> fit(Episode[] eps, int lag, IntPredicate use) {
        Map<Long, double[]> sums = new HashMap<>();
        for (int j = 0; j < eps.length; j++) {
            if (!use.test(j)) {
                continue;
            }
            Episode e = eps[j];
            int levels = e.levelRewards.length;
            for (int t = 0; t < e.cells.length; t++) {
                double[] s = sums.computeIfAbsent(e.cells[Math.max(0, t - lag)], c -> new double[levels]);
                for (int l = 0; l < levels; l++) {
                    s[l] += e.levelRewards[l][t];
                }
            }
        }
        Map<Long, Integer> choice = new HashMap<>();
        sums.forEach((cell, s) -> {
            int best = 0;
            for (int l = 1; l < s.length; l++) {
                if (s[l] > s[best]) {
                    best = l;
                }
            }
            choice.put(cell, best);
        });
        return choice;
    }

    /**
     * An episode's total under a fitted table, jumping to any level; a cell the fit never saw
     * gets the budget oracle's choice (also a hidden-state rule), so the score is still a policy's.
     */
    private static double score(Episode e, int lag, Map<Long, Integer> table) {
        double total = 0;
        for (int t = 0; t < e.cells.length; t++) {
            Integer level = table.get(e.cells[Math.max(0, t - lag)]);
            total += level != null ? e.levelRewards[level][t] : e.oracleRewards[t];
        }
        return total;
    }

    /**
     * An episode's total when the table (fitted one tick late) is followed through the agents'
     * actions: each second the move that lands nearest its level; an unseen cell holds.
     */
    private static double scoreActing(Episode e, Map<Long, Integer> table) {
        int levels = e.levelRewards.length;
        int current = e.startLevel;
        double total = 0;
        for (int t = 0; t < e.cells.length; t++) {
            Integer target = table.get(e.cells[Math.max(0, t - 1)]);
            int want = target != null ? target : current;
            int next = current;
            for (String action : DvfsActions.DEFAULT) {
                int l = DvfsActions.levelAfter(action, current, levels);
                if (Math.abs(l - want) < Math.abs(next - want)) {
                    next = l;
                }
            }
            current = next;
            total += e.levelRewards[current][t];
        }
        return total;
    }
}
