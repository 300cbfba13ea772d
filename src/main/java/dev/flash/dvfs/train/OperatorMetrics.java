package dev.flash.dvfs.train;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * The operator's view of a set of DVFS episodes: how much energy was saved against the
 * performance governor, how much performance it cost, and how often the slowdown budget held.
 * Means are over episodes (each episode weighs the same, whatever its energy).
 *
 * @param episodes          episodes aggregated
 * @param energySaving      mean energy saving vs fmax, fraction
 * @param slowdown          mean slowdown vs fmax, fraction
 * @param budgetHeld        fraction of episodes whose slowdown stayed within the budget
 * @param rewardPerStep     mean training reward per step
 * @param budget            the slowdown budget used
 */
public record OperatorMetrics(int episodes, double energySaving, double slowdown, double budgetHeld,
                              double rewardPerStep, double budget) {

    public static OperatorMetrics of(List<EpisodeStats> stats, double budget) {
        if (stats.isEmpty()) {
            return new OperatorMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, budget);
        }
        double saving = 0;
        double slow = 0;
        double held = 0;
        double reward = 0;
        for (EpisodeStats s : stats) {
            saving += s.energySaving();
            slow += s.slowdown();
            held += s.budgetHeld(budget) ? 1 : 0;
            reward += s.rewardPerStep();
        }
        int n = stats.size();
        return new OperatorMetrics(n, saving / n, slow / n, held / n, reward / n, budget);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("episodes", episodes);
        o.addProperty("energy_saving", round(energySaving));
        o.addProperty("slowdown", round(slowdown));
        o.addProperty("budget_held", round(budgetHeld));
        o.addProperty("reward_per_step", round(rewardPerStep));
        o.addProperty("budget", budget);
        return o;
    }

    /** e.g. "saving 23.1%, slowdown 3.2%, budget held 95%, reward 0.201/step". */
    public String summary() {
        return String.format("saving %.1f%%, slowdown %.1f%%, budget held %.0f%%, reward %.3f/step",
                100 * energySaving, 100 * slowdown, 100 * budgetHeld, rewardPerStep);
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.rint(v * 1e5) / 1e5 : v;
    }
}
