package dev.flash.meta;

/**
 * A supervised few-shot task: a set of measured examples of one workload, indexed
 * {@code 0 .. size()-1}. Which floats an example turns into is the case's business
 * ({@link EpisodeBuilder}); the core only draws shots and queries among the indices.
 */
public interface SupervisedTask extends MetaTask {

    /** Number of measured examples of this task. */
    int size();
}
