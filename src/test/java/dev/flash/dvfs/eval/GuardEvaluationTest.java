package dev.flash.dvfs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.SimSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardEvaluationTest {

    @Test
    void theGuardDoesNotAddOverBudgetApplicationsAndKeepsSomeSaving() throws Exception {
        // A small mixed set: the first held-out applications of the default population and of a
        // set written outside the project.
        List<AppSpec> apps = new ArrayList<>(EvalApps.heldOut(EvalApps.load(null), null).subList(0, 5));
        List<AppSpec> foreign = EvalApps.heldOut(EvalApps.load(Path.of("bench/apps/foreign-apps.json")), null);
        apps.addAll(foreign.subList(0, 5));
        try (OnnxDvfsPolicy model = OnnxDvfsPolicy.load(Path.of("models/dvfs-flash.onnx"))) {
            OperatorEvaluation.Report report = ModelEvaluation.evaluate(model, apps, SimSpec.embeddedDefault().node(),
                    32, 3, java.util.Set.of(), true, null);
            long alone = report.appsWithinBudget(ModelEvaluation.MODEL_AGENT);
            long guarded = report.appsWithinBudget(ModelEvaluation.GUARDED_AGENT);
            assertTrue(guarded >= alone, "guarded " + guarded + " < alone " + alone);
            // A guard that always chose fmax would hold the budget and save nothing.
            assertTrue(report.overall(ModelEvaluation.GUARDED_AGENT).energySaving() > 0.02,
                    "saving " + report.overall(ModelEvaluation.GUARDED_AGENT).energySaving());
            double share = report.inBudgetShareOfOracleSaving(ModelEvaluation.GUARDED_AGENT);
            assertTrue(share > 0 && share <= 1, "in-budget share " + share);
        }
    }

    @Test
    void theEstimatorIsMeasuredOnTheNodeWithoutTheDroppedSignals() throws Exception {
        // Without schedstat the guard cannot read run-queue wait: its estimates, and so their
        // errors, must be those of the reduced node, not of the full one.
        List<AppSpec> apps = EvalApps.heldOut(EvalApps.load(null), null).subList(0, 3);
        try (OnnxDvfsPolicy model = OnnxDvfsPolicy.load(Path.of("models/dvfs-flash.onnx"))) {
            var node = SimSpec.embeddedDefault().node();
            GuardAccuracy.Result full = GuardAccuracy.measure(model, apps, node, 32, 3, java.util.Set.of());
            GuardAccuracy.Result again = GuardAccuracy.measure(model, apps, node, 32, 3, java.util.Set.of());
            GuardAccuracy.Result reduced = GuardAccuracy.measure(model, apps, node, 32, 3,
                    java.util.Set.of("schedstat"));
            assertEquals(full, again, "deterministic for a seed");
            assertEquals(full.intervals(), reduced.intervals());
            assertTrue(full.meanAbsError() != reduced.meanAbsError() || full.p95AbsError() != reduced.p95AbsError(),
                    "same errors without schedstat: " + full + " / " + reduced);
        }
    }

    @Test
    void inBudgetShareCountsZeroOverBudgetAndCapsAtOne() {
        List<OperatorEvaluation.Row> rows = List.of(
                row("a", "x", 0.10, true), row("oracle", "x", 0.20, true),      // half the oracle's saving
                row("a", "y", 0.30, false), row("oracle", "y", 0.20, true),     // over budget: 0
                row("a", "z", 0.25, true), row("oracle", "z", 0.20, true));     // more than the oracle: 1
        OperatorEvaluation.Report report = new OperatorEvaluation.Report(List.of("a", "oracle"),
                List.of("x", "y", "z"), rows, List.of(), 32);
        assertEquals((0.5 + 0 + 1) / 3, report.inBudgetShareOfOracleSaving("a"), 1e-12);
    }

    @Test
    void estimatorErrorsAreSummarizedWithUnderestimatesOnTheDangerousSide() {
        GuardAccuracy.Result r = GuardAccuracy.summarize(List.of(
                new double[] {0.00, 0.00}, new double[] {0.05, 0.03}, new double[] {0.01, 0.08},
                new double[] {0.02, 0.022}), 0.05);
        assertEquals(4, r.intervals());
        assertEquals((0 + 0.02 + 0.07 + 0.002) / 4, r.meanAbsError(), 1e-12);
        assertEquals(0.07, r.p95AbsError(), 1e-12);
        assertEquals(0.25, r.underestimated(), 1e-12, "0.002 below is within tolerance; 0.07 below is not");
        assertEquals(0.25, r.underestimatedOverBudget(), 1e-12);
    }

    private static OperatorEvaluation.Row row(String agent, String app, double saving, boolean held) {
        return new OperatorEvaluation.Row(agent, app, saving, held ? 0.01 : 0.09, 1, held, Double.NaN, 0, 0);
    }
}
