package dev.flash.daemon;

import dev.flash.dvfs.DvfsFeatureSet;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.FrequencyPolicy;
import dev.flash.policy.SignalNeeds;
import dev.flash.policy.onnx.ModelDescription;

/**
 * The seam between the daemon and its deciders. The integrator's implementation watches
 * {@link DaemonConfig#modelsDir()} ({@code ModelDirectory}), loads the newest valid DVFS model
 * (the ONNX policy) and always offers the rule controller ({@code FallbackController}).
 *
 * <p>The daemon calls {@link #poll()} at start and every {@code model_poll_seconds}; never on the
 * tick path otherwise.
 */
public interface PolicyProvider extends AutoCloseable {

    /**
     * The decider to use now. Returns the same {@link Selection} object when nothing changed (the
     * daemon compares by identity and then keeps its trajectory contexts), a new one when a model
     * appeared, changed or was rejected.
     */
    Selection poll();

    /** The rule controller that stands in when the model fails; null if none (then hands-off). */
    FrequencyPolicy fallback();

    /** Model files that failed validation as of the last {@link #poll()}; called right after it. */
    default java.util.List<Rejected> rejected() {
        return java.util.List.of();
    }

    /** A model file that failed validation: its name, content hash ("" if unreadable) and why. */
    record Rejected(String name, String sha256, String reason) {
    }

    @Override
    default void close() {
    }

    /** A provider that always offers the same selection and fallback (tests, benchmarks). */
    static PolicyProvider fixed(Selection selection, FrequencyPolicy fallback) {
        return new PolicyProvider() {
            @Override
            public Selection poll() {
                return selection;
            }

            @Override
            public FrequencyPolicy fallback() {
                return fallback;
            }
        };
    }

    /** Opens the provider for a configuration and the node it will decide for. */
    @FunctionalInterface
    interface Factory {
        PolicyProvider open(DaemonConfig config, Node node);
    }

    /**
     * What {@link #poll()} chose.
     *
     * @param policy            the decider, or null when no valid model is present (the daemon then
     *                          runs the fallback and shows {@code reason})
     * @param modelName         model file name, or "fallback"
     * @param agent             the model's flash.agent, e.g. "dvfs"
     * @param contextLength     rows of FLASH context the model reads (0 for none)
     * @param actionCount       actions of the model (width of the one-hot in a context row)
     * @param expectedReward    flash.expected_reward (NaN if absent), for drift detection
     * @param expectedRewardStd flash.expected_reward_std (NaN if absent)
     * @param reason            why there is no model (null when there is one)
     * @param sha256            of the model file ("" for none or unknown)
     * @param signals           the signal groups the model requires; the daemon runs the fallback
     *                          while the node lacks one
     * @param contextLayout     which transitions the context rows hold (the flat layout of
     *                          {@code contextLength} rows unless the model states windows)
     * @param features          the state layout the model reads, and so the state part of its
     *                          context rows (null: {@link DvfsFeatureSet#PLAIN})
     */
    record Selection(FrequencyPolicy policy, String modelName, String agent, int contextLength,
                     int actionCount, double expectedReward, double expectedRewardStd, String reason,
                     String sha256, SignalNeeds signals, ContextLayout contextLayout, DvfsFeatureSet features) {

        public Selection {
            if (contextLayout == null) {
                contextLayout = ContextLayout.flat(Math.max(0, contextLength));
            }
            if (features == null) {
                features = DvfsFeatureSet.PLAIN;
            }
        }

        public Selection(FrequencyPolicy policy, String modelName, String agent, int contextLength,
                         int actionCount, double expectedReward, double expectedRewardStd, String reason,
                         String sha256, SignalNeeds signals, ContextLayout contextLayout) {
            this(policy, modelName, agent, contextLength, actionCount, expectedReward, expectedRewardStd, reason,
                    sha256, signals, contextLayout, null);
        }

        public Selection(FrequencyPolicy policy, String modelName, String agent, int contextLength,
                         int actionCount, double expectedReward, double expectedRewardStd, String reason,
                         String sha256, SignalNeeds signals) {
            this(policy, modelName, agent, contextLength, actionCount, expectedReward, expectedRewardStd, reason,
                    sha256, signals, null);
        }

        public Selection(FrequencyPolicy policy, String modelName, String agent, int contextLength,
                         int actionCount, double expectedReward, double expectedRewardStd, String reason,
                         String sha256) {
            this(policy, modelName, agent, contextLength, actionCount, expectedReward, expectedRewardStd, reason,
                    sha256, SignalNeeds.UNDECLARED);
        }

        public Selection(FrequencyPolicy policy, String modelName, String agent, int contextLength,
                         int actionCount, double expectedReward, double expectedRewardStd, String reason) {
            this(policy, modelName, agent, contextLength, actionCount, expectedReward, expectedRewardStd, reason, "");
        }

        /** A model that passed validation, described by its own metadata. */
        public static Selection of(FrequencyPolicy policy, ModelDescription d, String name) {
            return new Selection(policy, name, d.agent(), d.contextLength(), d.actions().size(),
                    d.expectedReward(), d.expectedRewardStd(), null, d.sha256(), d.signals(), d.contextLayout(),
                    DvfsFeatureSet.of(d.features()));
        }

        public static Selection none(String reason) {
            return new Selection(null, "fallback", "dvfs", 0, 0, Double.NaN, Double.NaN, reason);
        }
    }
}
