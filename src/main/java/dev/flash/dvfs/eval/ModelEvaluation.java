package dev.flash.dvfs.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.policy.SlowdownGuard;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimulatedNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code flash evaluate dvfs}: a DVFS model file run exactly as the daemon runs it
 * ({@link OnnxDvfsPolicy}, a per-policy context ring, 1 s ticks) next to every reference point,
 * on held-out applications of the simulated node.
 */
public final class ModelEvaluation {
    private ModelEvaluation() {
    }

    /** Agent name of the model in reports. */
    public static final String MODEL_AGENT = "flash";
    /** Agent name of the model behind the runtime slowdown guard, as the daemon runs it. */
    public static final String GUARDED_AGENT = "flash+guard";

    /**
     * Loads and checks the model (a mismatch with this environment is a
     * {@link ModelRejectedException}), then evaluates it and the reference points.
     */
    public static OperatorEvaluation.Report evaluate(Path model, List<AppSpec> apps, NodeSpec node, double seconds,
                                                     long seed, OperatorEvaluation.Progress progress)
            throws ModelRejectedException {
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(model)) {
            return evaluate(policy, apps, node, seconds, seed, progress);
        }
    }

    /** Evaluates an already loaded policy (not closed here). */
    public static OperatorEvaluation.Report evaluate(OnnxDvfsPolicy policy, List<AppSpec> apps, NodeSpec node,
                                                     double seconds, long seed, OperatorEvaluation.Progress progress) {
        return evaluate(policy, apps, node, seconds, seed, Set.of(), false, progress);
    }

    /** How a node evaluated with {@code --drop-signals} names the signals it does not give. */
    public static final String DROPPED_REASON = "removed for the evaluation (--drop-signals)";

    /**
     * Evaluates an already loaded policy (not closed here); with {@code guard}, also the same
     * model behind the {@link SlowdownGuard} the daemon puts it behind ({@link #GUARDED_AGENT}).
     *
     * <p>On nodes that do not give the signal {@code dropped} groups ({@link SimulatedNode#dropSignals})
     * the model reads them as the daemon reads an unavailable signal, and its context rows get the
     * reward the daemon would compute. Every reference point runs on the same reduced node; none of
     * them reads these signals (the governors and the fallback decide on utilization, the oracle on
     * the hidden state), so their rows are those of the full node.
     */
    public static OperatorEvaluation.Report evaluate(OnnxDvfsPolicy policy, List<AppSpec> apps, NodeSpec node,
                                                     double seconds, long seed, Set<String> dropped, boolean guard,
                                                     OperatorEvaluation.Progress progress) {
        Map<String, OperatorEvaluation.Agent> agents = new LinkedHashMap<>();
        agents.put(MODEL_AGENT, n -> policy);
        dev.flash.policy.ContextLayout c = policy.description().contextLayout();
        Map<String, dev.flash.policy.ContextLayout> contexts = new LinkedHashMap<>(Map.of(MODEL_AGENT, c));
        if (guard) {
            agents.put(GUARDED_AGENT, n -> new SlowdownGuard(policy, OperatorEvaluation.SLOWDOWN_BUDGET));
            contexts.put(GUARDED_AGENT, c);
        }
        if (!dropped.isEmpty()) {
            OperatorEvaluation.referenceAgents(seconds).forEach(agents::putIfAbsent);
            agents.replaceAll((name, agent) -> n -> {
                n.dropSignals(dropped, DROPPED_REASON);
                return agent.create(n);
            });
        }
        return OperatorEvaluation.evaluate(agents, contexts, policy.featureSet(), policy.description().actions().size(),
                node, apps, seconds, seed, progress);
    }

    /** The report as JSON: overall rows per agent and per-application rows. */
    public static JsonObject toJson(OperatorEvaluation.Report report) {
        JsonObject o = new JsonObject();
        o.addProperty("slowdown_budget", OperatorEvaluation.SLOWDOWN_BUDGET);
        Json.put(o, "seconds_per_app", report.secondsPerApp());
        JsonArray apps = new JsonArray();
        report.apps().forEach(apps::add);
        o.add("apps", apps);
        JsonObject overall = new JsonObject();
        for (OperatorEvaluation.Row r : report.overall()) {
            overall.add(r.agent(), rowJson(r, report));
        }
        o.add("agents", overall);
        JsonArray perApp = new JsonArray();
        for (OperatorEvaluation.Row r : report.perApp()) {
            JsonObject j = rowJson(r, null);
            j.addProperty("agent", r.agent());
            j.addProperty("app", r.app());
            perApp.add(j);
        }
        o.add("per_app", perApp);
        return o;
    }

    /** One row; with the {@code report}, an overall row also counts applications (null: a per-application row). */
    static JsonObject rowJson(OperatorEvaluation.Row r, OperatorEvaluation.Report report) {
        JsonObject j = new JsonObject();
        Json.put(j, "energy_saving_vs_performance", r.energySaving());
        Json.put(j, "slowdown_vs_performance", r.slowdown());
        Json.put(j, "intervals_within_budget", r.budgetHeldShare());
        j.addProperty("budget_held", r.budgetHeld());
        if (report != null) {
            j.addProperty("apps_within_budget", report.appsWithinBudget(r.agent()));
            j.addProperty("apps_ahead_of_every_governor", report.appsAheadOfEveryGovernor(r.agent()));
            Json.put(j, "in_budget_share_of_oracle_saving", report.inBudgetShareOfOracleSaving(r.agent()));
            // The same share against the upper reference and against the oracle used before
            // 2026-12-07 (which broke the budget itself on short-phase sets).
            Json.put(j, "in_budget_share_of_optimal_oracle_saving",
                    report.inBudgetShareOf(r.agent(), OperatorEvaluation.OPTIMAL_ORACLE));
            Json.put(j, "in_budget_share_of_phase_oracle_saving",
                    report.inBudgetShareOf(r.agent(), OperatorEvaluation.PHASE_ORACLE));
        }
        Json.put(j, "share_of_oracle_saving", r.shareOfOracleSaving());
        j.addProperty("fallback_ticks", r.fallbackTicks());
        Json.put(j, "frequency_changes_per_minute", r.changesPerMinute());
        return j;
    }
}
