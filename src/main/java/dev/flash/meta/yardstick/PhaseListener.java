package dev.flash.meta.yardstick;

/**
 * What a reproduction tells its caller while it runs: a named phase of {@code total} steps, then
 * each step. Every case's reproduction reports through it, so one progress display serves all.
 */
public interface PhaseListener {
    void phase(String name, int total);

    void step(String detail);
}
