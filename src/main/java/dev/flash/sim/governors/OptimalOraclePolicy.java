package dev.flash.sim.governors;

import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.sim.SimulatedNode;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code oracle-optimal}: replays the {@link OptimalOraclePlan} of the run it is created for, the
 * least-energy per-second clock plan whose whole-run slowdown stays within the budget, knowing
 * the run's whole future. The upper reference of the in-budget share: no policy deciding once a
 * second saves more on that run within the budget. Create it on the fresh node of the run (time
 * 0, as the evaluation harness does); it plans {@code seconds} of that node at once.
 */
public final class OptimalOraclePolicy implements FrequencyPolicy {

    /** Report name. */
    public static final String NAME = "oracle-optimal";

    private final SimulatedNode node;
    private final double tickSeconds;
    private final OptimalOraclePlan plan;

    public OptimalOraclePolicy(SimulatedNode node, double slowdownBudget, double seconds, double tickSeconds) {
        if (node.simulatedSeconds() > 0) {
            throw new IllegalStateException("the budget oracle plans a run from its start; the node is at "
                    + node.simulatedSeconds() + " s");
        }
        if (!(tickSeconds > 0) || !(seconds >= tickSeconds)) {
            throw new IllegalArgumentException("the budget oracle needs a run of at least one tick, got " + seconds
                    + " s in ticks of " + tickSeconds + " s");
        }
        this.node = node;
        this.tickSeconds = tickSeconds;
        this.plan = OptimalOraclePlan.of(node.spec(), OptimalOraclePlan.applications(node), node.seed(),
                (int) Math.round(seconds / tickSeconds), tickSeconds, slowdownBudget);
    }

    /** The plan it replays. */
    public OptimalOraclePlan plan() {
        return plan;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
        int tick = (int) Math.round(node.simulatedSeconds() / tickSeconds);
        List<PolicyDecision> out = new ArrayList<>(record.policies().size());
        for (PolicySample p : record.policies()) {
            out.add(new PolicyDecision(p.id(), -1, NAME, plan.khz(p.id(), tick), new float[0], Double.NaN));
        }
        return out;
    }
}
