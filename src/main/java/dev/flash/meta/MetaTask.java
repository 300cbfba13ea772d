package dev.flash.meta;

/**
 * One task a meta-learner trains on or adapts to: one application, one workload. The RL cases
 * reach theirs through {@link ApplicationSet} (one {@link RlEnvironment} per application); a
 * supervised case (config search) hands its tasks to the {@link SupervisedTrainer} as
 * {@link SupervisedTask}s. Both are named, so folds, reports and early stopping speak of tasks
 * by name, whatever the case.
 */
public interface MetaTask {

    /** A stable, human-readable name (an application, a workload). */
    String name();
}
