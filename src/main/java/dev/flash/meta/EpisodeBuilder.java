package dev.flash.meta;

/**
 * Turns a draw of shots and queries of a task into the floats of an {@link Episode}: the one
 * place a supervised case says what its state, context row and target are.
 */
@FunctionalInterface
public interface EpisodeBuilder<T extends SupervisedTask> {

    Episode build(T task, ShotDraw draw);
}
