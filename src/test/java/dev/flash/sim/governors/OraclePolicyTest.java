package dev.flash.sim.governors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.eval.OperatorEvaluation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.HiddenParams;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class OraclePolicyTest {

    private static final double BUDGET = 0.05;

    /** Quiet 2.5 s, then a 1 s CPU-bound burst: every burst starts in the middle of a second. */
    private static AppSpec burstInsideASecond() {
        return new AppSpec("burst", List.of(
                Phase.steady(0.1, 0.15, 1.0, 2.5),
                Phase.steady(0.05, 1.5, 1.0, 1.0)), HiddenParams.TYPICAL, AppSpec.TEST);
    }

    @Test
    void theOracleSeesABurstThatStartsInsideTheComingSecondWhereTheCurrentPhaseOracleDoesNot() {
        NodeSpec node = NodeSpec.defaults();
        OperatorEvaluation.RunStats oracle = OperatorEvaluation.run("oracle",
                n -> new OraclePolicy(n, BUDGET), node, burstInsideASecond(), 60, 1, 0, 0);
        OperatorEvaluation.RunStats phase = OperatorEvaluation.run("oracle-phase",
                n -> OraclePolicy.currentPhase(n, BUDGET), node, burstInsideASecond(), 60, 1, 0, 0);
        assertTrue(oracle.slowdown() <= BUDGET, "the oracle keeps the budget: " + oracle.slowdown());
        assertTrue(phase.slowdown() > BUDGET, "the current-phase oracle meets each burst at the quiet clock: "
                + phase.slowdown());
    }

    @Test
    void onASinglePhaseBothOraclesAgree() {
        NodeSpec node = NodeSpec.defaults();
        AppSpec steady = AppSpec.steady("steady", 0.3, 0.7, 1.0);
        OperatorEvaluation.RunStats oracle = OperatorEvaluation.run("oracle",
                n -> new OraclePolicy(n, BUDGET), node, steady, 20, 1, 0, 0);
        OperatorEvaluation.RunStats phase = OperatorEvaluation.run("oracle-phase",
                n -> OraclePolicy.currentPhase(n, BUDGET), node, steady, 20, 1, 0, 0);
        assertEquals(phase.energyJoules(), oracle.energyJoules(), 1e-9 * phase.energyJoules());
        assertEquals("oracle", new OraclePolicy(null, BUDGET).name());
        assertEquals("oracle-phase", OraclePolicy.currentPhase(null, BUDGET).name());
    }
}
