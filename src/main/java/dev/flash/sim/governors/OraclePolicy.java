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
 * The best any policy could do on the simulated node: per policy, the lowest table frequency
 * whose slowdown in the current phase stays within the budget ({@link SimulatedNode#oracleKhz}).
 * It reads the simulator's hidden state, so it exists only for evaluation and training.
 */
public final class OraclePolicy implements FrequencyPolicy {

    private final SimulatedNode node;
    private final double slowdownBudget;

    public OraclePolicy(SimulatedNode node, double slowdownBudget) {
        if (!(slowdownBudget >= 0 && slowdownBudget < 1)) {
            throw new IllegalArgumentException("slowdown budget must be in [0, 1), got " + slowdownBudget);
        }
        this.node = node;
        this.slowdownBudget = slowdownBudget;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
        List<PolicyDecision> out = new ArrayList<>(record.policies().size());
        for (PolicySample p : record.policies()) {
            out.add(new PolicyDecision(p.id(), -1, "oracle", node.oracleKhz(p.id(), slowdownBudget),
                    new float[0], Double.NaN));
        }
        return out;
    }
}
