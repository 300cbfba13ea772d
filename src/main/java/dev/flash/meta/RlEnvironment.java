package dev.flash.meta;

/**
 * One application as an RL environment (the DVFS environment on the simulated node implements
 * this). Observations are the agent's state features; actions are indices into the agent's
 * discrete action set.
 */
public interface RlEnvironment {

    /** F: floats per observation. */
    int observationSize();

    /** A: number of discrete actions. */
    int actionCount();

    /** Starts a new episode on the same application and returns its first observation. */
    float[] reset();

    /** Applies {@code action} for one step. */
    Step step(int action);

    /**
     * @param observation   the next observation (undefined content when {@code done})
     * @param reward        the training objective for this step
     * @param contextReward the proxy reward written into the context row (what a deployed agent
     *                      can measure; for DVFS {@link dev.flash.dvfs.DvfsReward})
     * @param done          the episode ended; the next call must be {@link #reset()}
     */
    record Step(float[] observation, float reward, float contextReward, boolean done) {
    }
}
