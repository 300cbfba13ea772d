package dev.flash.daemon;

import dev.flash.dvfs.DvfsActions;
import dev.flash.policy.DecisionException;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.telemetry.PolicySample;
import dev.flash.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Stand-ins for the ONNX policy and the FallbackController that other branches build: a "model"
 * that steps down one ladder level per tick (and can be told to throw or to emit NaN), and a rule
 * controller that always asks for the maximum.
 */
final class FakePolicies implements PolicyProvider {
    /** Inject: next decide() throws / returns a NaN embedding. */
    volatile boolean modelThrows;
    volatile boolean modelNaN;
    int modelCalls;
    int fallbackCalls;
    int lastContextRows;

    final FrequencyPolicy model = new FrequencyPolicy() {
        @Override
        public String name() {
            return "fake-model.onnx";
        }

        @Override
        public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) throws DecisionException {
            modelCalls++;
            if (modelThrows) {
                throw new DecisionException("fake: ONNX Runtime error");
            }
            List<PolicyDecision> out = new ArrayList<>();
            for (PolicySample p : record.policies()) {
                lastContextRows = contexts.filled(p.id());
                float[] emb = modelNaN ? new float[] {Float.NaN, 1f} : new float[] {3f, 4f, 0f, 0f, 1f};
                out.add(new PolicyDecision(p.id(), 2, "down1", DvfsActions.targetKhz("down1", p, 10), emb, 0.5));
            }
            return out;
        }
    };

    final FrequencyPolicy fallback = new FrequencyPolicy() {
        @Override
        public String name() {
            return "fallback";
        }

        @Override
        public List<PolicyDecision> decide(TelemetryRecord record, TrajectoryContexts contexts) {
            fallbackCalls++;
            List<PolicyDecision> out = new ArrayList<>();
            for (PolicySample p : record.policies()) {
                out.add(new PolicyDecision(p.id(), -1, "max", p.cpuinfoMaxKhz(), new float[0], Double.NaN));
            }
            return out;
        }
    };

    private final Selection selection;

    FakePolicies() {
        this(0.1, 0.05);
    }

    /** A model that claims these training figures (the drift verdict compares against them). */
    FakePolicies(double expectedReward, double expectedRewardStd) {
        selection = new Selection(model, "fake-model.onnx", "dvfs", 4, 7, expectedReward, expectedRewardStd, null);
    }

    @Override
    public Selection poll() {
        return selection;
    }

    @Override
    public FrequencyPolicy fallback() {
        return fallback;
    }
}
