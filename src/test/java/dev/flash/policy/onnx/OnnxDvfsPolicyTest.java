package dev.flash.policy.onnx;

import static dev.flash.testing.Telemetry.MAX_KHZ;
import static dev.flash.testing.Telemetry.MIN_KHZ;
import static dev.flash.testing.Telemetry.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.policy.DecisionException;
import dev.flash.policy.ModelContract;
import dev.flash.policy.PolicyDecision;
import dev.flash.policy.TrajectoryBuffer;
import dev.flash.policy.TrajectoryContexts;
import dev.flash.telemetry.TelemetryRecord;
import dev.flash.testing.Telemetry;
import dev.flash.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxDvfsPolicyTest {

    @TempDir
    Path dir;

    static TelemetryRecord threePolicies() {
        return Telemetry.record(60, policy(0, MIN_KHZ, 0.9), policy(1, 2_000_000, 0.4), policy(2, MAX_KHZ, 0.1));
    }

    @Test
    void batchOfThreePoliciesGivesThreeDecisionsFromOneInference() throws Exception {
        TrajectoryBuffer buffer = new TrajectoryBuffer(TestModels.CONTEXT_LENGTH, DvfsFeatures.COUNT,
                DvfsActions.DEFAULT.size());
        TelemetryRecord record = threePolicies();
        for (var p : record.policies()) {
            buffer.append(p.id(), DvfsFeatures.extract(p, record), 3, 0.2f);
        }
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(TestModels.spec().write(dir, "dvfs.onnx"))) {
            assertEquals("dvfs.onnx", policy.name());
            assertEquals(DvfsActions.DEFAULT_LEVELS, policy.levels());
            List<PolicyDecision> decisions = policy.decide(record, buffer);
            assertEquals(1, policy.inferences(), "one batched inference for all policies");
            assertEquals(3, decisions.size());
            for (int i = 0; i < 3; i++) {
                PolicyDecision d = decisions.get(i);
                var p = record.policies().get(i);
                assertEquals(p.id(), d.policyId());
                assertEquals(DvfsActions.DEFAULT.get(d.actionIndex()), d.actionName());
                assertEquals(DvfsActions.targetKhz(d.actionName(), p, DvfsActions.DEFAULT_LEVELS), d.targetKhz());
                assertEquals(TestModels.EMBEDDING_SIZE, d.embedding().length);
                assertTrue(Double.isFinite(d.expectedValue()));
            }
            // The context matters: an empty context changes the embedding (copied: the next call
            // reuses the arrays).
            float[] withContext = decisions.get(0).embedding().clone();
            List<PolicyDecision> noContext = policy.decide(record, TrajectoryContexts.EMPTY);
            assertEquals(2, policy.inferences());
            assertTrue(!java.util.Arrays.equals(withContext, noContext.get(0).embedding()));
        }
    }

    @Test
    void argmaxPicksTheMostProbableActionAndMapsItToTheLadder() throws Exception {
        int max = DvfsActions.DEFAULT.indexOf("max");
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(TestModels.spec().preferAction(max).write(dir, "m.onnx"))) {
            List<PolicyDecision> d = policy.decide(threePolicies(), TrajectoryContexts.EMPTY);
            for (PolicyDecision decision : d) {
                assertEquals("max", decision.actionName());
                assertEquals(MAX_KHZ, decision.targetKhz());
            }
        }
        int min = DvfsActions.DEFAULT.indexOf("min");
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(TestModels.spec().preferAction(min)
                .metadata(ModelContract.META_PARAMS, "{\"levels\": 5}").write(dir, "m5.onnx"))) {
            assertEquals(5, policy.levels());
            assertEquals(MIN_KHZ, policy.decide(threePolicies(), TrajectoryContexts.EMPTY).get(2).targetKhz());
        }
    }

    @Test
    void nonFiniteOutputIsADecisionException() throws Exception {
        // Valid on the trial inputs (features < 1), NaN once power_norm reaches 1.5.
        try (OnnxDvfsPolicy policy = OnnxDvfsPolicy.load(TestModels.spec().nanWhenFeatureAbove(1.2f)
                .write(dir, "fragile.onnx"))) {
            assertEquals(3, policy.decide(threePolicies(), TrajectoryContexts.EMPTY).size());
            TelemetryRecord hot = Telemetry.record(200, policy(0, MIN_KHZ, 0.5));
            DecisionException e = assertThrows(DecisionException.class,
                    () -> policy.decide(hot, TrajectoryContexts.EMPTY));
            assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        }
    }

    @Test
    void featureMismatchIsRejectedNamingTheFeature() throws Exception {
        String features = String.join(",", DvfsFeatures.NAMES).replace("power_norm", "temperature");
        Path file = TestModels.spec().metadata(ModelContract.META_FEATURES, features).write(dir, "f.onnx");
        OnnxModel.load(file).close(); // valid by the contract alone
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxDvfsPolicy.load(file));
        assertTrue(e.reason().contains("'temperature'") && e.reason().contains("'power_norm'"), e.reason());
    }

    @Test
    void unknownActionIsRejectedNamingTheAction() throws Exception {
        String actions = "min,down2,down1,hold,up1,turbo,max";
        Path file = TestModels.spec().metadata(ModelContract.META_ACTIONS, actions).write(dir, "a.onnx");
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxDvfsPolicy.load(file));
        assertTrue(e.reason().contains("'turbo'"), e.reason());
    }

    @Test
    void modelOfAnotherAgentIsNotADvfsPolicy() throws Exception {
        Path file = TestModels.spec().metadata(ModelContract.META_AGENT, ModelContract.AGENT_AUTOSCALE)
                .write(dir, "auto.onnx");
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxDvfsPolicy.load(file));
        assertTrue(e.reason().contains(ModelContract.AGENT_AUTOSCALE), e.reason());
    }
}
