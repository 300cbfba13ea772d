package dev.flash.meta;

/**
 * Every PPO hyperparameter in one place, CleanRL ppo.py style. Defaults ({@link #defaults()})
 * follow CleanRL's discrete-action PPO, with AWARE's entropy coefficient; AWARE's own meta-PPO
 * used gamma 0.99, lr 3e-4, 5 epochs, clip 0.2, entropy 0.01, critic weight 0.05.
 *
 * @param seed                     seeds DJL's engine (weight init) and every java.util.Random
 * @param iterations               PPO iterations (rollout + update) of {@link PpoTrainer#train}
 * @param numEnvs                  applications stepped in parallel per rollout (one batched forward pass)
 * @param rolloutSteps             steps per application per rollout; batch = numEnvs * rolloutSteps
 * @param gamma                    discount factor
 * @param gaeLambda                GAE lambda
 * @param learningRate             Adam learning rate (start value when annealed)
 * @param annealLr                 decay the learning rate linearly to 0 over the iterations
 * @param epochs                   update epochs over each batch
 * @param minibatches              minibatches per epoch
 * @param clip                     surrogate clipping coefficient
 * @param entropyCoef              entropy bonus coefficient
 * @param valueCoef                value-loss coefficient (loss = pg - ent * H + vf * 0.5 * mse)
 * @param maxGradNorm              global gradient-norm clip
 * @param normalizeAdvantages      normalise advantages per minibatch
 * @param contextMode              LATEST (ring of the last C rows) or TOP_EPISODES (AWARE bundle)
 * @param topEpisodes              M, episodes kept in TOP_EPISODES mode
 * @param contextResetProbability  chance that a rollout on an application starts from an empty
 *                                 context, so the agent also learns to act while its context fills
 * @param sampling                 which training applications each rollout steps (uniform or
 *                                 prioritized level replay)
 */
public record PpoConfig(
        long seed,
        int iterations,
        int numEnvs,
        int rolloutSteps,
        double gamma,
        double gaeLambda,
        double learningRate,
        boolean annealLr,
        int epochs,
        int minibatches,
        double clip,
        double entropyCoef,
        double valueCoef,
        double maxGradNorm,
        boolean normalizeAdvantages,
        ContextBuffer.Mode contextMode,
        int topEpisodes,
        double contextResetProbability,
        ApplicationSampling sampling) {

    public PpoConfig {
        require(iterations >= 1, "iterations", iterations);
        require(numEnvs >= 1, "numEnvs", numEnvs);
        require(rolloutSteps >= 1, "rolloutSteps", rolloutSteps);
        require(gamma > 0 && gamma <= 1, "gamma", gamma);
        require(gaeLambda >= 0 && gaeLambda <= 1, "gaeLambda", gaeLambda);
        require(learningRate > 0, "learningRate", learningRate);
        require(epochs >= 1, "epochs", epochs);
        require(minibatches >= 1 && minibatches <= numEnvs * rolloutSteps, "minibatches", minibatches);
        require(clip > 0, "clip", clip);
        require(entropyCoef >= 0, "entropyCoef", entropyCoef);
        require(valueCoef >= 0, "valueCoef", valueCoef);
        require(maxGradNorm > 0, "maxGradNorm", maxGradNorm);
        require(topEpisodes >= 1, "topEpisodes", topEpisodes);
        require(contextResetProbability >= 0 && contextResetProbability <= 1, "contextResetProbability",
                contextResetProbability);
        require(sampling != null, "sampling", sampling);
    }

    public static PpoConfig defaults() {
        return new PpoConfig(1, 100, 8, 64, 0.99, 0.95, 2.5e-4, true, 4, 4, 0.2, 0.01, 0.5, 0.5, true,
                ContextBuffer.Mode.LATEST, 20, 0.25, ApplicationSampling.UNIFORM);
    }

    public int batchSize() {
        return numEnvs * rolloutSteps;
    }

    public PpoConfig withSeed(long s) {
        return new PpoConfig(s, iterations, numEnvs, rolloutSteps, gamma, gaeLambda, learningRate, annealLr,
                epochs, minibatches, clip, entropyCoef, valueCoef, maxGradNorm, normalizeAdvantages, contextMode,
                topEpisodes, contextResetProbability, sampling);
    }

    public PpoConfig withIterations(int n) {
        return new PpoConfig(seed, n, numEnvs, rolloutSteps, gamma, gaeLambda, learningRate, annealLr,
                epochs, minibatches, clip, entropyCoef, valueCoef, maxGradNorm, normalizeAdvantages, contextMode,
                topEpisodes, contextResetProbability, sampling);
    }

    public PpoConfig withRollout(int envs, int steps, int minibatchCount) {
        return new PpoConfig(seed, iterations, envs, steps, gamma, gaeLambda, learningRate, annealLr,
                epochs, minibatchCount, clip, entropyCoef, valueCoef, maxGradNorm, normalizeAdvantages, contextMode,
                topEpisodes, contextResetProbability, sampling);
    }

    public PpoConfig withLearningRate(double lr, boolean anneal) {
        return new PpoConfig(seed, iterations, numEnvs, rolloutSteps, gamma, gaeLambda, lr, anneal,
                epochs, minibatches, clip, entropyCoef, valueCoef, maxGradNorm, normalizeAdvantages, contextMode,
                topEpisodes, contextResetProbability, sampling);
    }

    public PpoConfig withEntropyCoef(double c) {
        return new PpoConfig(seed, iterations, numEnvs, rolloutSteps, gamma, gaeLambda, learningRate, annealLr,
                epochs, minibatches, clip, c, valueCoef, maxGradNorm, normalizeAdvantages, contextMode,
                topEpisodes, contextResetProbability, sampling);
    }

    public PpoConfig withContext(ContextBuffer.Mode mode, int m, double resetProbability) {
        return new PpoConfig(seed, iterations, numEnvs, rolloutSteps, gamma, gaeLambda, learningRate, annealLr,
                epochs, minibatches, clip, entropyCoef, valueCoef, maxGradNorm, normalizeAdvantages, mode,
                m, resetProbability, sampling);
    }

    public PpoConfig withSampling(ApplicationSampling s) {
        return new PpoConfig(seed, iterations, numEnvs, rolloutSteps, gamma, gaeLambda, learningRate, annealLr,
                epochs, minibatches, clip, entropyCoef, valueCoef, maxGradNorm, normalizeAdvantages, contextMode,
                topEpisodes, contextResetProbability, s);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("invalid PPO hyperparameter " + key + " = " + value);
        }
    }
}
