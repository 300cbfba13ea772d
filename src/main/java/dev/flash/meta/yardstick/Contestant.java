package dev.flash.meta.yardstick;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.RlEnvironment;
import dev.flash.policy.ContextLayout;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * One agent deployed on a new application under the shared rule: it gathers online experience
 * on the application for the {@link Budget}'s steps, learning online with {@code online} (PPO,
 * an update after every rollout) or not at all, and at every evaluation point its current
 * policy (weights, and context gathered so far) plays the application's fixed evaluation
 * episodes greedily. Build one with {@link #flash}, {@link #transfer}, {@link #history} or
 * {@link #frozenFlash} or {@link #base}.
 *
 * @param name           label in reports ("flash", "transfer", "history")
 * @param network        the trained network; never modified (each run works on a copy)
 * @param online         online PPO settings (learning rate, schedule, rollout = the budget's)
 * @param learnsOnline   update the weights after each rollout
 * @param freezeEncoder  leave the context encoder as meta-trained (FLASH after deployment)
 * @param history        the rows of raw history stacked into the input ({@link HistoryStacking}): the same
 *                       layout as FLASH's context; null for none
 * @param startSteps     where its reward gap at start is read: FLASH after one episode of context,
 *                       the others at 0
 * @param blind          a FLASH network whose context stays empty at every step ({@link #blindFlash}): the
 *                       context's worth inside the same weights
 */
public record Contestant(String name, FlashAgentNetwork network, PpoConfig online, boolean learnsOnline,
                         boolean freezeEncoder, ContextLayout history, long startSteps, boolean blind) {

    /** FLASH: context fills from its own trajectory; encoder frozen, base learner keeps learning. */
    public static Contestant flash(FlashAgentNetwork net, PpoConfig online, int episodeSteps) {
        requireContext(net, true);
        return new Contestant("flash", net, online, true, true, null, episodeSteps, false);
    }

    /** FLASH as the paper deploys it: nothing learns online, only the context adapts. */
    public static Contestant frozenFlash(FlashAgentNetwork net, PpoConfig online, int episodeSteps) {
        requireContext(net, true);
        return new Contestant("flash-frozen", net, online, false, true, null, episodeSteps, false);
    }

    /**
     * FLASH's network deployed with an empty context at every step (the mask all 0, as at a new
     * workload's first decision), nothing learning online: against {@link #frozenFlash} on the same
     * episodes, what the context adds to the very same weights. Against PPO without context
     * ({@link #base}) it is a different network, trained with contexts.
     */
    public static Contestant blindFlash(FlashAgentNetwork net, PpoConfig online) {
        requireContext(net, true);
        return new Contestant("flash-no-context", net, online, false, true, null, 0, true);
    }

    /** Transfer learning: the pre-trained base agent without context, fine-tuned online. */
    public static Contestant transfer(FlashAgentNetwork net, PpoConfig online) {
        requireContext(net, false);
        return new Contestant("transfer", net, online, true, false, null, 0, false);
    }

    /**
     * PPO without context: the pre-trained base agent deployed as it is, nothing learning online
     * (what transfer learning starts from; the floor a context has to lift).
     */
    public static Contestant base(FlashAgentNetwork net, PpoConfig online) {
        requireContext(net, false);
        return new Contestant("ppo", net, online, false, false, null, 0, false);
    }

    /**
     * The history baseline: a base agent trained on {@link HistoryStacking} inputs of the last
     * {@code historyRows} transitions (the flat layout), fine-tuned online like TL.
     */
    public static Contestant history(FlashAgentNetwork net, int historyRows, PpoConfig online) {
        return history(net, ContextLayout.flat(historyRows), online);
    }

    /** The history baseline stacking {@code layout}'s rows (FLASH's context layout, for a fair ablation). */
    public static Contestant history(FlashAgentNetwork net, ContextLayout layout, PpoConfig online) {
        requireContext(net, false);
        if (layout.rows() < 1) {
            throw new IllegalArgumentException("the history baseline needs at least one row, got " + layout);
        }
        return new Contestant("history", net, online, true, false, layout, 0, false);
    }

    /** Rows of raw history stacked into the input, 0 for none. */
    public int historyRows() {
        return history == null ? 0 : history.rows();
    }

    private static void requireContext(FlashAgentNetwork net, boolean wanted) {
        if (net.config().hasContext() != wanted) {
            throw new IllegalArgumentException((wanted ? "FLASH needs a network with a context encoder"
                    : "this contestant takes a network without context") + ", got C = " + net.config().contextLength());
        }
    }

    /**
     * Steps before its context can be full: the layout's horizon for FLASH and the history
     * baseline (C for the flat layout), 0 otherwise.
     */
    public long fillSteps() {
        return Math.max(blind ? 0 : network.config().contextLayout().horizon(),
                history == null ? 0 : history.horizon());
    }

    /**
     * One run on one application.
     *
     * @param curve        the evaluated curve over the online budget
     * @param startReward  the evaluated reward per step at {@link #startSteps} with the weights as
     *                     deployed (before any online update) and the context gathered so far
     */
    public record Run(EvaluatedCurve curve, double startReward) {
    }

    /**
     * Runs this contestant on one application.
     *
     * @param experience  the application's environment for online experience (its seed fixed by the caller)
     * @param evaluation  evaluation episode j of the application, the same for every point and contestant
     * @param manager     where the working copy of the weights lives (closed by the caller)
     */
    public Run run(RlEnvironment experience, IntFunction<RlEnvironment> evaluation, Budget budget, long seed,
                   NDManager manager) {
        if (online.rolloutSteps() != budget.rolloutSteps()) {
            throw new IllegalArgumentException(name + ": online rollouts of " + online.rolloutSteps()
                    + " steps, the budget's are " + budget.rolloutSteps());
        }
        RlEnvironment env = history != null ? new HistoryStacking(experience, history) : experience;
        IntFunction<RlEnvironment> eval = history != null ? HistoryStacking.episodes(evaluation, history) : evaluation;
        long[] points = budget.points();
        double[] reward = new double[points.length];
        double[] error = new double[points.length];
        try (NDManager sub = manager.newSubManager()) {
            FlashAgentNetwork copy = network.copy(sub);
            PpoTrainer learner = new PpoTrainer(copy, online.withSeed(seed));
            if (freezeEncoder) {
                learner.freezeParameters(n -> n.contains("encoder"));
            }
            // blind: a buffer of no rows, which records nothing and leaves every row masked
            ContextBuffer context = blind ? new ContextBuffer(0, copy.config().stateSize(),
                    copy.config().actionCount(), ContextBuffer.Mode.LATEST, 1) : learner.newContext();
            int[] next = {0};
            double[] start = {Double.NaN};
            java.util.function.Supplier<double[]> evaluate = () -> EvaluatedCurve.point(PpoTrainer.evaluateGreedy(
                    copy, eval, budget.evalEpisodes(), List.of(context))[0], budget.episodeSteps());
            learner.learnOnline(env, budget.onlineSteps(), context, learnsOnline, played -> {
                if (next[0] < points.length && points[next[0]] == played) {
                    double[] p = evaluate.get();
                    reward[next[0]] = p[0];
                    error[next[0]] = p[1];
                    next[0]++;
                }
                if (startSteps == 0 && played == 0) { // nothing has been updated yet
                    start[0] = reward[0];
                }
            }, played -> {
                if (played == startSteps) { // the context of the first episode, the weights as deployed
                    start[0] = evaluate.get()[0];
                }
            });
            if (next[0] != points.length || Double.isNaN(start[0])) {
                throw new IllegalStateException(name + ": evaluated " + next[0] + " of the points "
                        + Arrays.toString(points) + (Double.isNaN(start[0]) ? ", and not its start point at "
                        + startSteps + " steps (not a multiple of the rollout)" : ""));
            }
            return new Run(new EvaluatedCurve(points, reward, error), start[0]);
        }
    }
}
