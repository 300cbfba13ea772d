package dev.flash.meta.yardstick;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.ApplicationSet;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses transfer learning's online learning rate and schedule by a sweep on TRAINING
 * applications only (never held-out ones): each candidate fine-tunes the pre-trained network on
 * the same training applications under the {@link Budget}, and the candidate whose evaluated
 * curves have the highest mean reward (the area under the curve: how high, how soon) wins. The
 * chosen setting is the online rule of every contestant.
 */
public final class FineTuneSweep {
    private FineTuneSweep() {
    }

    /** A learning rate, constant or annealed linearly to 0 over the budget. */
    public record Setting(double learningRate, boolean anneal) implements java.io.Serializable {
        public String label() {
            return learningRate + (anneal ? " annealed" : " constant");
        }
    }

    /** Every candidate's score (mean evaluated reward per step over points and apps) and the winner. */
    public record Result(Setting chosen, List<Setting> candidates, double[] scores, int trainApps)
            implements java.io.Serializable {

        /**
         * The sweep as a reproduction reports it ({@code fine_tune_sweep}): the chosen setting, how
         * many training applications it was chosen on (under {@code trainingKey}, each case's word
         * for them), and every candidate's score.
         */
        public com.google.gson.JsonObject toJson(String trainingKey) {
            com.google.gson.JsonObject sweep = new com.google.gson.JsonObject();
            sweep.addProperty("chosen_learning_rate", chosen.learningRate());
            sweep.addProperty("chosen_anneal", chosen.anneal());
            sweep.addProperty(trainingKey, trainApps);
            com.google.gson.JsonArray cands = new com.google.gson.JsonArray();
            for (int i = 0; i < candidates.size(); i++) {
                com.google.gson.JsonObject c = new com.google.gson.JsonObject();
                c.addProperty("learning_rate", candidates.get(i).learningRate());
                c.addProperty("anneal", candidates.get(i).anneal());
                Yardstick.put(c, "mean_evaluated_reward_per_step", scores[i]);
                cands.add(c);
            }
            sweep.add("candidates", cands);
            return sweep;
        }
    }

    /** The default grid: 1e-4, 3e-4, 1e-3, 3e-3, each constant and annealed. */
    public static List<Setting> defaultGrid() {
        return gridOf(1e-4, 3e-4, 1e-3, 3e-3);
    }

    /** A grid of these rates, each constant and annealed, in that order. */
    public static List<Setting> gridOf(double... rates) {
        List<Setting> g = new ArrayList<>();
        for (double lr : rates) {
            g.add(new Setting(lr, false));
            g.add(new Setting(lr, true));
        }
        return g;
    }

    /**
     * @param trainApps how many training applications (spread evenly over the split)
     */
    public static Result choose(ApplicationSet apps, int trainApps, FlashAgentNetwork pretrained, PpoConfig online,
                                List<Setting> candidates, Budget budget, long seed, NDManager manager,
                                Yardstick.Progress progress) {
        return choose(apps, trainApps, rule -> Contestant.transfer(pretrained, rule), online, candidates, budget, seed,
                manager, progress);
    }

    /**
     * The same procedure for any contestant that learns online ({@code contestant} builds it for
     * one candidate's rule): e.g. FLASH's network, encoder frozen, to ask whether the rate chosen
     * for transfer learning's base is also the one the same sweep would choose for FLASH's.
     */
    public static Result choose(ApplicationSet apps, int trainApps,
                                java.util.function.Function<PpoConfig, Contestant> contestant, PpoConfig online,
                                List<Setting> candidates, Budget budget, long seed, NDManager manager,
                                Yardstick.Progress progress) {
        int total = apps.size(Split.TRAIN);
        int n = Math.min(trainApps, total);
        if (n == 0 || candidates.isEmpty()) {
            throw new IllegalArgumentException("the sweep needs training applications and candidates, got " + n
                    + " and " + candidates.size());
        }
        double[] scores = new double[candidates.size()];
        int best = 0;
        for (int c = 0; c < candidates.size(); c++) {
            Setting s = candidates.get(c);
            Contestant tl = contestant.apply(online.withLearningRate(s.learningRate(), s.anneal()));
            double sum = 0;
            for (int k = 0; k < n; k++) {
                int index = (int) ((long) k * total / n);
                sum += Yardstick.run(tl, apps, Split.TRAIN, index, budget, seed, manager).curve().meanReward();
            }
            scores[c] = sum / n;
            if (scores[c] > scores[best]) {
                best = c;
            }
            if (progress != null) {
                progress.step(String.format(java.util.Locale.ROOT, "fine-tune %s: %.4f/step", s.label(), scores[c]));
            }
        }
        return new Result(candidates.get(best), List.copyOf(candidates), scores, n);
    }
}
