package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded default node must keep producing the numbers it produced before the opt-in
 * realism keys existed: cached experts and the shipped model were made with it. The golden
 * digests were computed on main at 854c1cf, before any of those keys; every new behaviour is
 * off unless a spec asks for it, so these must never move. If one does, a default changed.
 */
class DefaultNodeUnchangedTest {

    /** Digest of a fixed-seed 240 s trajectory of the embedded default spec (main 854c1cf). */
    private static final long DEFAULT_TRAJECTORY = 8915041248282136048L;
    /** Same for one policy slice of the default node, the trainer's environment (main 854c1cf). */
    private static final long SLICE_TRAJECTORY = 7948176455865791920L;

    @Test
    void embeddedDefaultTrajectoryIsUnchanged() {
        assertEquals(DEFAULT_TRAJECTORY, digest(SimSpec.embeddedDefault().build()));
    }

    @Test
    void policySliceOfTheDefaultNodeIsUnchanged() {
        SimSpec d = SimSpec.embeddedDefault();
        NodeSpec slice = DvfsEnvironment.policySlice(d.node());
        assertEquals(SLICE_TRAJECTORY, digest(new SimulatedNode(slice, List.of(d.apps().get(1)), 7)));
    }

    /** Walks the frequency table up and down and hashes every figure a record and the truth carry. */
    static long digest(SimulatedNode sim) {
        long[] table = sim.frequencyTable();
        long h = 1125899906842597L;
        for (int t = 0; t < 240; t++) {
            for (int p = 0; p < sim.policyCount(); p++) {
                sim.applyKhz(p, table[(t * 3 + p * 5) % table.length]);
            }
            sim.advance(1.0);
            TelemetryRecord r = sim.sample();
            h = mix(h, r.packageWatts());
            h = mix(h, r.packageJoules());
            for (PolicySample s : r.policies()) {
                h = mix(h, s.curKhz());
                h = mix(h, s.utilization());
                h = mix(h, s.ipc());
                h = mix(h, s.mpki());
                h = mix(h, s.instructionsPerSecond());
                h = mix(h, s.runWaitShare());
                IntervalTruth truth = sim.lastInterval(s.id());
                h = mix(h, truth.work());
                h = mix(h, truth.workAtFmax());
                h = mix(h, truth.energyJoules());
                h = mix(h, truth.energyAtFmaxJoules());
            }
        }
        return h;
    }

    private static long mix(long h, double v) {
        return 31 * h + Double.doubleToLongBits(v);
    }

    public static void main(String[] args) {
        SimSpec d = SimSpec.embeddedDefault();
        System.out.println("default " + digest(d.build()) + "L");
        System.out.println("slice " + digest(new SimulatedNode(DvfsEnvironment.policySlice(d.node()),
                List.of(d.apps().get(1)), 7)) + "L");
    }
}
