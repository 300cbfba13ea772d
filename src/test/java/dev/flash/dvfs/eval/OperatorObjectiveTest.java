package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flash.sim.governors.Governor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator objective per application: within budget, and ahead of every governor that is. */
class OperatorObjectiveTest {

    private static OperatorEvaluation.Row row(String agent, String app, double saving, boolean held) {
        return new OperatorEvaluation.Row(agent, app, saving, held ? 0.02 : 0.08, held ? 1 : 0.5, held, 0, 0, 0);
    }

    @Test
    void countsAppsWhereTheAgentHoldsTheBudgetAndOutsavesEveryGovernorThatHoldsIt() {
        List<String> apps = List.of("a", "b", "c", "d");
        List<OperatorEvaluation.Row> rows = new ArrayList<>();
        for (String app : apps) {
            for (String g : Governor.NAMES) {
                // powersave saves most everywhere but breaks the budget: it does not count
                boolean powersave = g.equals("powersave");
                rows.add(row(g, app, powersave ? 0.5 : g.equals("schedutil") ? 0.10 : 0.0, !powersave));
            }
        }
        rows.add(row("flash", "a", 0.20, true));  // ahead
        rows.add(row("flash", "b", 0.30, false)); // more saving, budget broken: not ahead
        rows.add(row("flash", "c", 0.10, true));  // ties schedutil: not ahead
        rows.add(row("flash", "d", 0.11, true));  // ahead
        OperatorEvaluation.Report report = new OperatorEvaluation.Report(List.of("flash"), apps, rows, List.of(), 32);
        assertEquals(2, report.appsAheadOfEveryGovernor("flash"));
        assertEquals(3, report.appsWithinBudget("flash"));
    }

    /** Alternates every policy between its lowest and highest frequency, tick after tick. */
    private static final class Hunter implements dev.flash.policy.FrequencyPolicy {
        private boolean high;

        @Override
        public String name() {
            return "hunter";
        }

        @Override
        public List<dev.flash.policy.PolicyDecision> decide(dev.flash.telemetry.TelemetryRecord record,
                                                            dev.flash.policy.TrajectoryContexts contexts) {
            high = !high;
            List<dev.flash.policy.PolicyDecision> out = new ArrayList<>();
            for (dev.flash.telemetry.PolicySample p : record.policies()) {
                out.add(new dev.flash.policy.PolicyDecision(p.id(), -1, "hunt",
                        high ? p.cpuinfoMaxKhz() : p.cpuinfoMinKhz(), new float[0], Double.NaN));
            }
            return out;
        }
    }

    @Test
    void countsFrequencyChangesPerPolicyPerMinute() {
        dev.flash.sim.NodeSpec node = dev.flash.sim.SimSpec.embeddedDefault().node();
        dev.flash.sim.AppSpec app = dev.flash.sim.AppSpec.steady("steady", 0.3, 0.5, 1.0);
        OperatorEvaluation.RunStats performance = OperatorEvaluation.run("performance",
                OperatorEvaluation.referenceAgents().get("performance"), node, app, 60, 1, 0, 7);
        assertEquals(0.0, performance.changesPerMinute(), 1e-12); // the node starts at fmax and stays
        OperatorEvaluation.RunStats hunter = OperatorEvaluation.run("hunter", n -> new Hunter(), node, app, 60, 1, 0, 7);
        // The first tick asks for fmax where the node already is; every later tick changes.
        assertEquals(59, hunter.frequencyChanges() / node.policyCount());
        assertEquals(59.0, hunter.changesPerMinute(), 1e-9);
        OperatorEvaluation.RunStats oracle = OperatorEvaluation.run("oracle",
                OperatorEvaluation.referenceAgents().get("oracle"), node, app, 60, 1, 0, 7);
        assertEquals(1.0, oracle.changesPerMinute(), 1e-9); // one move to its level, then it holds
    }
}
