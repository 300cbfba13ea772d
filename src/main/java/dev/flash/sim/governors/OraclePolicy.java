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
 * A per-second clairvoyant policy on the simulated node. {@code oracle} (the project's oracle):
 * per policy, the lowest table frequency that keeps the coming second within the budget, seeing
 * every phase that second holds ({@link SimulatedNode#oracleKhz}). {@code oracle-phase}
 * ({@link #currentPhase}): the oracle used before 2026-12-07, which looks at the current phase
 * only and so can break the budget on a burst that starts inside a second
 * ({@link SimulatedNode#currentPhaseOracleKhz}). Both read the simulator's hidden state, so they
 * exist only for evaluation and training. {@link OptimalOraclePolicy} is the upper reference.
 */
public final class OraclePolicy implements FrequencyPolicy {

    /** Report name of the project's oracle. */
    public static final String NAME = "oracle";
    /** Report name of the current-phase oracle used before 2026-12-07. */
    public static final String CURRENT_PHASE_NAME = "oracle-phase";

    private final SimulatedNode node;
    private final double slowdownBudget;
    private final boolean currentPhaseOnly;

    /** The project's oracle ({@link SimulatedNode#oracleKhz}). */
    public OraclePolicy(SimulatedNode node, double slowdownBudget) {
        this(node, slowdownBudget, false);
    }

    /** The current-phase oracle used before 2026-12-07 ({@link SimulatedNode#currentPhaseOracleKhz}). */
    public static OraclePolicy currentPhase(SimulatedNode node, double slowdownBudget) {
        return new OraclePolicy(node, slowdownBudget, true);
    }

    private OraclePolicy(SimulatedNode node, double slowdownBudget, boolean currentPhaseOnly) {
        if (!(slowdownBudget >= 0 && slowdownBudget < 1)) {
            throw new IllegalArgumentException("slowdown budget must be in [0, 1), got " + slowdownBudget);
        }
        this.node = node;
        this.slowdownBudget = slowdownBudget;
        this.currentPhaseOnly = currentPhaseOnly;
    }

    @Override
    public String name() {
        return currentPhaseOnly ? CURRENT_PHASE_NAME : NAME;
    }

    @Override
    public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
        List<PolicyDecision> out = new ArrayList<>(record.policies().size());
        for (PolicySample p : record.policies()) {
            long khz = currentPhaseOnly ? node.currentPhaseOracleKhz(p.id(), slowdownBudget)
                    : node.oracleKhz(p.id(), slowdownBudget);
            out.add(new PolicyDecision(p.id(), -1, name(), khz, new float[0], Double.NaN));
        }
        return out;
    }
}
