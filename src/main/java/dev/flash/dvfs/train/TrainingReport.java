package dev.flash.dvfs.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/** The human-readable twin of a training report ({@code <model>.report.md}). */
final class TrainingReport {
    private TrainingReport() {
    }

    static String markdown(JsonObject r) {
        StringBuilder b = new StringBuilder();
        b.append("# DVFS model training report\n\n");
        b.append("- Command: `").append(r.get("command").getAsString()).append("`\n");
        b.append("- Seed: ").append(r.get("seed").getAsLong()).append("\n");
        b.append("- Date: ").append(r.get("date").getAsString()).append("\n");
        if (r.has("git_commit")) {
            b.append("- Git commit: ").append(r.get("git_commit").getAsString()).append("\n");
        }
        b.append("- Machine: ").append(r.get("machine").getAsString()).append("\n");
        b.append(String.format("- Wall time (training, comparisons, evaluation): %.1f s%n",
                r.get("training_seconds").getAsDouble()));
        JsonObject a = r.getAsJsonObject("applications");
        b.append("- Applications: ").append(a.get("source").getAsString()).append(" (sha256 ")
                .append(a.get("sha256").getAsString(), 0, 16).append("...), ").append(a.get("train").getAsInt())
                .append(" training, ").append(a.get("test").getAsInt()).append(" held out\n");
        JsonObject m = r.getAsJsonObject("model");
        b.append("- Model: ").append(m.get("file").getAsString()).append(", ").append(m.get("bytes").getAsLong())
                .append(" bytes, sha256 ").append(m.get("sha256").getAsString(), 0, 16).append("...")
                .append(m.has("weights_sha256") ? ", weights sha256 " + m.get("weights_sha256").getAsString().substring(0, 16)
                        + "... (compare this one between runs)" : "").append("\n");
        JsonObject env = r.getAsJsonObject("environment");
        b.append("- Environment: ").append(env.get("node").getAsString()).append("; ")
                .append(env.get("episode_steps").getAsInt()).append(" steps of ")
                .append(env.get("step_seconds").getAsDouble()).append(" s per episode\n");
        b.append("- Reward: ").append(env.get("reward").getAsString()).append("\n");
        if (env.has("signal_dropout") && env.get("signal_dropout").getAsDouble() > 0) {
            b.append("- Signal dropout: each of pmu, rapl, schedstat missing with chance ")
                    .append(env.get("signal_dropout").getAsDouble()).append(" per training episode\n");
        }
        if (env.has("constraint")) {
            JsonObject c = env.getAsJsonObject("constraint");
            b.append("- Slowdown budget: ").append(c.get("method").getAsString());
            if (c.has("final_lambda")) {
                b.append(String.format("; final lambda %.2f (max %.2f), last tenth of training: %.1f%% of episodes "
                        + "over budget, mean episode slowdown %.1f%%", c.get("final_lambda").getAsDouble(),
                        c.get("max_lambda").getAsDouble(),
                        100 * c.get("last_tenth_share_of_episodes_over_budget").getAsDouble(),
                        100 * c.get("last_tenth_mean_episode_slowdown").getAsDouble()));
            }
            b.append("\n");
        }
        b.append("- Settings: ").append(r.getAsJsonObject("settings").toString()).append("\n\n");

        JsonObject held = r.getAsJsonObject("held_out");
        b.append("## Held-out applications\n\n");
        b.append(held.get("note").getAsString()).append("; ").append(held.get("episodes_per_application").getAsInt())
                .append(" episodes per application. Saving and slowdown are against the performance governor "
                        + "(fmax) on the same episodes; reward gap = (oracle - method) / oracle per step.\n\n");
        b.append("| method | energy saving | slowdown | budget held | reward/step | gap to oracle |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, JsonElement> e : held.getAsJsonObject("methods").entrySet()) {
            JsonObject x = e.getValue().getAsJsonObject();
            b.append(String.format("| %s | %s | %s | %s | %s | %s |%n", e.getKey(), pct(x, "energy_saving"),
                    pct(x, "slowdown"), pct(x, "budget_held"), num(x, "reward_per_step"),
                    x.has("reward_gap_to_oracle") ? pct(x, "reward_gap_to_oracle") : "-"));
        }
        JsonObject checks = r.has("checks") ? r.getAsJsonObject("checks") : new JsonObject();
        if (checks.size() > 0) {
            b.append("\n## Checks of the written model\n\n");
            for (Map.Entry<String, JsonElement> e : checks.entrySet()) {
                JsonObject c = e.getValue().getAsJsonObject();
                b.append("- ").append(e.getKey()).append(": **").append(c.get("passes").getAsBoolean() ? "passes" : "FAILS")
                        .append("**");
                for (Map.Entry<String, JsonElement> f : c.entrySet()) {
                    if (!f.getKey().equals("passes")) {
                        b.append("; ").append(f.getKey()).append(" ").append(f.getValue().isJsonPrimitive()
                                ? f.getValue().getAsString() : f.getValue().toString());
                    }
                }
                b.append("\n");
            }
        }
        b.append("\n## Training curve (this model)\n\n");
        b.append("| iteration | steps | episodes | mean episode reward | entropy | approx KL | seconds |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        JsonArray curve = r.getAsJsonArray("curve");
        int every = Math.max(1, curve.size() / 25);
        for (int i = 0; i < curve.size(); i++) {
            if (i % every != 0 && i != curve.size() - 1) {
                continue;
            }
            JsonObject c = curve.get(i).getAsJsonObject();
            b.append(String.format("| %d | %d | %d | %s | %s | %s | %s |%n", c.get("iteration").getAsInt(),
                    c.get("steps").getAsLong(), c.get("episodes").getAsInt(), num(c, "mean_episode_reward"),
                    num(c, "entropy"), num(c, "approx_kl"), num(c, "seconds")));
        }
        b.append("\nEvery iteration is in the JSON report (`curve`, `comparison_curves`).\n");
        return b.toString();
    }

    private static String pct(JsonObject o, String key) {
        double v = o.get(key).getAsDouble();
        return Double.isFinite(v) ? String.format("%.1f%%", 100 * v) : "-";
    }

    private static String num(JsonObject o, String key) {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            return "-";
        }
        double v = o.get(key).getAsDouble();
        return Double.isFinite(v) ? String.format("%.3f", v) : "-";
    }
}
