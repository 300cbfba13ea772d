package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flash.sim.governors.Governor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator objective per application: within budget, and ahead of every governor that is. */
class OperatorObjectiveTest {

    private static OperatorEvaluation.Row row(String agent, String app, double saving, boolean held) {
        return new OperatorEvaluation.Row(agent, app, saving, held ? 0.02 : 0.08, held ? 1 : 0.5, held, 0, 0);
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
}
