/**
 * The yardsticks every RL case of flash is measured by (../shared notes yardsticks.md): no
 * case's types inside, so case II (autoscaling) and case III (DVFS) read alike.
 *
 * <h2>Using it from a case (a wing)</h2>
 * A wing brings an {@link dev.flash.meta.ApplicationSet} (training and held-out applications as
 * {@link dev.flash.meta.RlEnvironment}s with fixed-length episodes) and its trained networks:
 *
 * <pre>{@code
 * Budget budget = new Budget(onlineSteps, rolloutSteps, episodeSteps, evalEpisodes);
 * PpoConfig online = trainingPpo.withRollout(1, rolloutSteps, minibatches);
 * // 1. transfer learning's online rule, chosen on TRAINING applications only
 * FineTuneSweep.Result sweep = FineTuneSweep.choose(apps, 4, pretrainedBase, online,
 *         FineTuneSweep.defaultGrid(), budget, seed, manager, progress);
 * PpoConfig rule = online.withLearningRate(sweep.chosen().learningRate(), sweep.chosen().anneal());
 * // 2. the contestants, all under that rule and budget
 * List<Contestant> contestants = List.of(
 *         Contestant.flash(metaTrained, rule, episodeSteps),          // encoder frozen, base learns
 *         Contestant.transfer(pretrainedBase, rule),                 // no context, fine-tuned
 *         Contestant.history(historyNet, contextRows, rule));        // raw history stacked, no encoder
 * // 3. converged experts, cached on disk by simulator version + application hash + config
 * ExpertCache cache = new ExpertCache(dir, rebuild);
 * // the case's do-nothing policy as a constant action (DVFS: max, the performance governor)
 * DoNothing doNothing = new DoNothing(maxAction, 0.005, "performance governor (max every step)");
 * Yardstick.Experts experts = Yardstick.cachedExperts(apps, cache, i -> ExpertCache.key(SIM_VERSION,
 *         hashOf(app i), expertConfig), baseNetworkConfig, expertPpo, PlateauRule.forBudget(onlineSteps),
 *         doNothing, budget, seed, manager, progress);
 * // 4. measure
 * Yardstick.Report r = Yardstick.measure(apps, count, contestants, experts, budget, seed, manager, progress);
 * r.gap("flash"); r.cost("transfer"); r.costRatio("transfer", "flash"); r.starts("flash"); r.toJson();
 * }</pre>
 *
 * The history baseline's network is a plain base agent (C = 0) whose state is
 * {@link HistoryStacking#observationSize} ({@link HistoryStacking#network}); train it with PPO on
 * {@link HistoryStacking#training}, the same population's training environments wrapped. A
 * shipped ONNX model can be measured without training it again: read it into a network of its
 * shape with {@link dev.flash.meta.OnnxImport} (case II does). Experts need a plateau floor of the
 * order of the contestants' pre-training ({@link PlateauRule#forBudget(long, long)}), or a short
 * budget lets a do-nothing expert pass the 1% rule.
 *
 * <h2>The figures</h2>
 * <ul>
 *   <li>{@link EvaluatedCurve}: at points of online experience (steps, {@link Budget#points}),
 *       the contestant's current policy and context play the application's fixed evaluation
 *       episodes greedily (the same seeds for every point, contestant and the expert); reward
 *       per step and its standard error.</li>
 *   <li>{@link ConvergedExpert}: the base agent trained from scratch on the application alone
 *       until {@link PlateauRule} (less than 1% gain of the last quarter over the one before,
 *       after at least 10x the online budget, at a level that clearly beats the case's
 *       {@link DoNothing} policy; at most 40x, then marked not converged). Stuck at the
 *       do-nothing level it is retrained with {@link ConvergedExpert#REMEDIES}; if none helps it
 *       is failed and its application is counted apart, with no gap or cost. Never a point of
 *       a contestant's curve.</li>
 *   <li>{@link RewardGap}: {@code (R_expert - R_start) / |R_expert|}, sign kept; {@link Spread}
 *       over applications. R_start is read with the weights as deployed
 *       ({@link Contestant.Run#startReward}): FLASH after one episode of context, before its
 *       online learner's first update; the others at 0 steps.</li>
 *   <li>{@link AdaptationCost}: steps until the curve reaches and stays within 5% of the expert;
 *       censored ("&gt; budget") otherwise, counted; no floor but the contestant's own
 *       context-filling steps.</li>
 *   <li>{@link OracleShare}: per application the saving over a clairvoyant reference's, capped
 *       at 1, 0 over budget (case III's operator figure).</li>
 * </ul>
 *
 * <h2>The supervised case (case I)</h2>
 * {@link SupervisedFineTuneSweep} is transfer learning's sweep for a supervised few-shot case:
 * candidates (no fine-tuning; Adam steps x rates) fine-tune a copy of the pre-trained network on
 * k shots of training tasks it did not fit and are scored by the case's error on those tasks'
 * other examples; the lowest wins.
 *
 * Every contestant learns online by the same rule ({@link dev.flash.meta.PpoTrainer#learnOnline}):
 * one PPO update after each rollout of the budget's length, the learning rate and schedule the
 * sweep chose; FLASH keeps its encoder frozen ({@link dev.flash.meta.PpoTrainer#freezeParameters}).
 */
package dev.flash.meta.yardstick;
