package dev.flash.bench;

import dev.flash.actuate.ActuationException;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FallbackController;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.sim.AppSpec;
import dev.flash.sim.IntervalTruth;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimulatedNode;
import dev.flash.sim.governors.Governor;
import dev.flash.sim.governors.OraclePolicy;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Energy and performance of deciders on the simulated node, from the simulator's ground truth
 * ({@link IntervalTruth}), never from its noisy counters.
 *
 * <p>For each application and each decider: a fresh node of {@code spec} runs the application on
 * every policy for {@code seconds} of simulated time, with the same seed (so every decider sees the
 * same load noise). Each period the decider sees the record, its targets go through the node's
 * actuator, and the node advances one period. Per decider, over all applications and policies:
 * <pre>
 *   energy          = sum of the true joules
 *   saving          = 1 - energy / energy(performance)
 *   slowdown        = 1 - sum(work) / sum(work at fmax)        (the performance governor's is ~0)
 *   budget held     = share of policy-seconds whose interval slowdown was within the budget
 * </pre>
 */
public final class GovernorComparison {

    /** The deciders compared, in table order: flashd's fallback, the Linux governors, the oracle. */
    public static final List<String> DECIDERS = List.of("fallback", "performance", "powersave", "ondemand",
            "conservative", "schedutil", "oracle");

    /** Inputs of one comparison. */
    public record Setup(NodeSpec node, List<AppSpec> apps, double seconds, double periodSeconds,
                        double slowdownBudget, long seed) {
        public Setup {
            if (apps.isEmpty()) {
                throw new IllegalArgumentException("no applications to run");
            }
            if (!(seconds > 0) || !(periodSeconds > 0) || periodSeconds > seconds) {
                throw new IllegalArgumentException("need 0 < period <= seconds, got period " + periodSeconds
                        + " s, seconds " + seconds);
            }
            if (!(slowdownBudget >= 0 && slowdownBudget < 1)) {
                throw new IllegalArgumentException("slowdown budget must be in [0, 1), got " + slowdownBudget);
            }
            apps = List.copyOf(apps);
        }
    }

    /** Ground-truth totals of one decider on one application (or over all of them). */
    public static final class Totals {
        public double energyJoules;
        public double work;
        public double workAtFmax;
        public double seconds;
        public double secondsWithinBudget;

        void add(Totals o) {
            energyJoules += o.energyJoules;
            work += o.work;
            workAtFmax += o.workAtFmax;
            seconds += o.seconds;
            secondsWithinBudget += o.secondsWithinBudget;
        }

        public double slowdown() {
            return workAtFmax <= 0 ? 0 : Math.max(0, 1 - work / workAtFmax);
        }

        public double budgetHeld() {
            return seconds <= 0 ? Double.NaN : secondsWithinBudget / seconds;
        }
    }

    /** One row of the table. */
    public record Row(String decider, Totals total, Map<String, Totals> perApp) {
        public double savingVs(Row performance) {
            return 1 - total.energyJoules / performance.total.energyJoules;
        }
    }

    private GovernorComparison() {
    }

    /** Runs every decider of {@link #DECIDERS} over every application. */
    public static List<Row> run(Setup setup) {
        List<Row> rows = new ArrayList<>();
        for (String name : DECIDERS) {
            rows.add(run(setup, name, node -> decider(name, node, setup.slowdownBudget())));
        }
        return rows;
    }

    /** Runs one decider (built per application, on that application's node) over every application. */
    public static Row run(Setup setup, String name, Function<SimulatedNode, FrequencyPolicy> deciders) {
        Totals total = new Totals();
        Map<String, Totals> perApp = new LinkedHashMap<>();
        for (AppSpec app : setup.apps()) {
            SimulatedNode node = new SimulatedNode(setup.node(), List.of(app), setup.seed());
            Totals t;
            try (FrequencyPolicy decider = deciders.apply(node)) {
                t = runOne(setup, node, decider);
            }
            perApp.merge(app.name(), t, (a, b) -> {
                a.add(b);
                return a;
            });
            total.add(t);
        }
        return new Row(name, total, perApp);
    }

    static FrequencyPolicy decider(String name, SimulatedNode node, double budget) {
        return switch (name) {
            case "fallback" -> new FallbackController();
            case "oracle" -> new OraclePolicy(node, budget);
            default -> Governor.byName(name);
        };
    }

    private static Totals runOne(Setup setup, SimulatedNode node, FrequencyPolicy decider) {
        Totals t = new Totals();
        TelemetryRecord record = node.sample(); // zero-length: what the decider sees at the start
        int steps = (int) Math.round(setup.seconds() / setup.periodSeconds());
        for (int step = 0; step < steps; step++) {
            List<PolicyDecision> decisions;
            try {
                decisions = decider.decide(record, TrajectoryContexts.EMPTY);
            } catch (DecisionException e) {
                throw new IllegalStateException(decider.name() + " failed: " + e.getMessage(), e);
            }
            for (PolicyDecision d : decisions) {
                try {
                    node.actuator().apply(record.policy(d.policyId()), d.targetKhz());
                } catch (ActuationException e) {
                    throw new IllegalStateException("simulated write failed: " + e.getMessage(), e);
                }
            }
            node.advance(setup.periodSeconds());
            record = node.sample();
            for (int id = 0; id < node.policyCount(); id++) {
                IntervalTruth truth = node.lastInterval(id);
                t.energyJoules += truth.energyJoules();
                t.work += truth.work();
                t.workAtFmax += truth.workAtFmax();
                t.seconds += truth.seconds();
                if (truth.slowdown() <= setup.slowdownBudget() + 1e-9) {
                    t.secondsWithinBudget += truth.seconds();
                }
            }
        }
        return t;
    }
}
