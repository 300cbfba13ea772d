package dev.flash.meta.yardstick;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.Episode;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.ShotDraw;
import dev.flash.meta.ShotSampler;
import dev.flash.meta.SupervisedTask;
import dev.flash.meta.SupervisedTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The supervised analog of {@link FineTuneSweep}: chooses transfer learning's fine-tuning rate
 * and step count by a sweep on TRAINING tasks the pre-trained network did not fit (its
 * early-stopping tasks, say), never on held-out ones. Each candidate fine-tunes a copy of the
 * pre-trained network on a task's k shots and is scored by the error on that task's other
 * examples; the lowest mean error over tasks, k and draws wins. A candidate of 0 steps (no
 * fine-tuning) is always in the grid, so the sweep can say that fine-tuning does not help.
 */
public final class SupervisedFineTuneSweep {
    private SupervisedFineTuneSweep() {
    }

    /** Adam steps at a learning rate; 0 steps: the pre-trained network as it is. */
    public record Setting(double learningRate, int steps) {
        public String label() {
            return steps == 0 ? "no fine-tuning" : String.format(Locale.ROOT, "%d steps at %.0e", steps, learningRate);
        }
    }

    /** Every candidate's mean error and the winner. */
    public record Result(Setting chosen, List<Setting> candidates, double[] errors, int tasks) {
    }

    /** The error of a (fine-tuned) network on a task's queries of a draw, from its shots. */
    @FunctionalInterface
    public interface Scorer<T extends SupervisedTask> {
        double error(FlashAgentNetwork net, T task, ShotDraw draw);
    }

    /** The default grid: no fine-tuning, and 10 / 30 / 100 steps at 1e-4, 1e-3, 1e-2. */
    public static List<Setting> defaultGrid() {
        List<Setting> g = new ArrayList<>();
        g.add(new Setting(0, 0));
        for (double lr : new double[] {1e-4, 1e-3, 1e-2}) {
            for (int steps : new int[] {10, 30, 100}) {
                g.add(new Setting(lr, steps));
            }
        }
        return g;
    }

    /**
     * @param fineTuneEpisodes what a candidate fine-tunes on: the task's shots of a draw
     * @param draws            random draws of k shots per task and k
     */
    public static <T extends SupervisedTask> Result choose(FlashAgentNetwork pretrained, List<T> tasks, int[] shots,
                                                           int draws, List<Setting> grid,
                                                           BiFunction<T, ShotDraw, List<Episode>> fineTuneEpisodes,
                                                           Scorer<T> scorer, long seed) {
        if (tasks.isEmpty() || grid.isEmpty()) {
            throw new IllegalArgumentException("the sweep needs training tasks and candidates, got " + tasks.size()
                    + " and " + grid.size());
        }
        // The same draws for every candidate.
        List<T> drawTask = new ArrayList<>();
        List<ShotDraw> drawn = new ArrayList<>();
        Random rng = new Random(seed);
        for (T task : tasks) {
            for (int k : shots) {
                for (int d = 0; d < draws && task.size() >= k + 1; d++) {
                    drawTask.add(task);
                    drawn.add(ShotSampler.draw(task.size(), k, 0, rng));
                }
            }
        }
        if (drawn.isEmpty()) {
            throw new IllegalArgumentException("no sweep task has enough examples for the shots");
        }
        NDManager manager = pretrained.getParameters().get(0).getValue().getArray().getManager();
        double[] errors = new double[grid.size()];
        int best = 0;
        for (int c = 0; c < grid.size(); c++) {
            Setting s = grid.get(c);
            double sum = 0;
            for (int i = 0; i < drawn.size(); i++) {
                if (s.steps() == 0) {
                    sum += scorer.error(pretrained, drawTask.get(i), drawn.get(i));
                    continue;
                }
                try (NDManager sub = manager.newSubManager()) {
                    FlashAgentNetwork tuned = pretrained.copy(sub);
                    SupervisedTrainer.fineTune(tuned, fineTuneEpisodes.apply(drawTask.get(i), drawn.get(i)),
                            s.steps(), s.learningRate());
                    sum += scorer.error(tuned, drawTask.get(i), drawn.get(i));
                }
            }
            errors[c] = sum / drawn.size();
            if (errors[c] < errors[best]) {
                best = c;
            }
        }
        return new Result(grid.get(best), List.copyOf(grid), errors, tasks.size());
    }
}
