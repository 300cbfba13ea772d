package dev.flash.meta;

/**
 * An {@link RlEnvironment} that can say what an expert (a rule the agent should start from, e.g.
 * the Kubernetes HPA for autoscaling) would do from where the episode stands: the labels of
 * behaviour cloning ({@link PpoTrainer#imitate}) and of the imitation term PPO may keep after it
 * ({@link PpoTrainer#imitationWeight}). The expert watches the trajectory that really runs,
 * whoever chose its actions, so the labels cover the states the learner itself reaches (DAgger).
 */
public interface Demonstrated {

    /**
     * The expert's action from the current observation (the one the last {@link RlEnvironment#reset}
     * or non-final {@link RlEnvironment#step} returned); -1 when the environment has no expert.
     */
    int expertAction();
}
