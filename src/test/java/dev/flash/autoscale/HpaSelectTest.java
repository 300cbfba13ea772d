package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HpaSelect}: its variants run side by side, the chosen one acts, the selector is asked once per segment. */
class HpaSelectTest {

    private static final ServiceSpec SPEC = ServicePopulation.sample(5, 3, 0.2).get(0);
    private static final LoadTrace LOAD = LoadTrace.synthetic(SPEC.load(), 200, 11);

    @Test
    void actingAlwaysAsOneVariantIsThatVariant() {
        for (int k : new int[] {0, 4}) {
            OperatorRun alone = OperatorRun.run(HpaSelect.SETTINGS.get(k).make(), SPEC, LOAD, 5);
            HpaSelect select = new HpaSelect(HpaSelect.SETTINGS, 30, (s, recent, proposals, now, bounds) -> k);
            OperatorRun run = OperatorRun.run(select, SPEC, LOAD, 5);
            assertEquals(alone.sloMisses(), run.sloMisses(), "variant " + k);
            assertEquals(alone.coreSeconds(), run.coreSeconds(), "variant " + k);
            assertEquals(alone.scalingMoves(), run.scalingMoves(), "variant " + k);
            assertEquals(LOAD.steps() - 1, select.actingSteps()[k]);
        }
    }

    @Test
    void theSelectorIsAskedAtEachSegmentStartWithTheRecentTrajectory() {
        List<Integer> segments = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        HpaSelect select = new HpaSelect(HpaSelect.SETTINGS, 30, (s, recent, proposals, now, bounds) -> {
            segments.add(s);
            seen.add(recent.size());
            assertEquals(HpaSelect.SETTINGS.size(), proposals.length);
            return s % 2;
        });
        OperatorRun.run(select, SPEC, LOAD, 5); // 199 decisions: segments start at 0, 30, ..., 180
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), segments);
        assertEquals(List.of(1, 31, 32, 32, 32, 32, 32), seen);
        int[] acted = select.actingSteps();
        assertEquals(30 + 30 + 30 + 19, acted[0]);
        assertEquals(90, acted[1]);
    }

    @Test
    void everyVariantKeepsItsOwnHistoryWhileAnotherActs() {
        // HPA acts for the first segment; at the second segment's start t0.75/600 s proposes what it
        // would alone, fed the same 31 steps' metrics and allocations (it decided every step)
        int[][] atSwitch = new int[1][];
        List<StepMetrics> history = new ArrayList<>();
        HpaSelect select = new HpaSelect(HpaSelect.SETTINGS, 30, (s, recent, proposals, now, bounds) -> {
            if (s == 1) {
                atSwitch[0] = proposals;
                history.addAll(recent);
            }
            return s == 0 ? 0 : 4;
        });
        OperatorRun.run(select, SPEC, LOAD, 5);
        assertEquals(31, history.size());
        HpaReference alone = HpaSelect.SETTINGS.get(4).make();
        alone.setRequestShare(history.get(0).cpuRequest() / history.get(0).cpuLimit());
        ScalingAction.Bounds bounds = ScalingAction.Bounds.of(SPEC.maxReplicas());
        int last = -1;
        for (StepMetrics m : history) {
            last = alone.decide(m, new ScalingAction.Allocation(m.replicas(), m.cpuLimit()), bounds).replicas();
        }
        assertEquals(last, atSwitch[0][4]);
        assertArrayEquals(new int[] {30, 0, 0, 0, LOAD.steps() - 1 - 30, 0}, select.actingSteps());
    }

    @Test
    void aSelectorOutOfRangeFailsLoudly() {
        HpaSelect select = new HpaSelect(HpaSelect.SETTINGS, 30, (s, recent, proposals, now, bounds) -> 6);
        assertThrows(IllegalStateException.class, () -> OperatorRun.run(select, SPEC, LOAD, 5));
        assertThrows(IllegalArgumentException.class, () -> new HpaSelect(List.of(), 30, (s, r, p, n, b) -> 0));
    }

    @Test
    void theKnnSelectorActsOnlyOnAnEstimatedDomination() {
        // est[0] = change of miss share, est[1] = relative change of core-seconds, per variant (0 = HPA)
        double[][] est = {{0, -0.02, -0.03, 0.01, -0.001, 0}, {0, 0.01, -0.01, -0.05, -0.02, -0.03}};
        // 1 misses less but costs cores, 3 and 5 save cores without fewer misses: not dominations
        assertEquals(2, SegmentValue.choose(est, 0, 0, null));
        assertEquals(4, SegmentValue.choose(est, 0, 0, "145"));
        // a margin the best score does not pass: HPA
        assertEquals(0, SegmentValue.choose(est, 0, 0.05, null));
        // the cores' weight ranks the dominations: 4 (-0.001 - 0.02 x 2) against 2 (-0.03 - 0.01 x 2)
        assertEquals(2, SegmentValue.choose(est, 2, 0, null));
        assertEquals(4, SegmentValue.choose(est, 2, 0, "14"));
    }
}
