package dev.flash.dvfs.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the parts of a {@code reproduce.json} that re-scoring reads: plan, definitions and, per
 * held-out application, the adaptation points and each agent's evaluation episode rewards. One
 * step per episode, so an episode's total is its reward per step.
 */
public final class ReproduceJsonFixture {
    private final JsonObject root = new JsonObject();
    private final JsonObject plan = new JsonObject();
    private final JsonArray perApp = new JsonArray();

    public ReproduceJsonFixture(long seed, int evalEpisodes) {
        plan.addProperty("seed", seed);
        plan.addProperty("eval_episodes", evalEpisodes);
        plan.addProperty("kappa", 6.0);
        plan.addProperty("slowdown_budget", 0.05);
        JsonObject definitions = new JsonObject();
        definitions.addProperty("episode_steps", 1);
        root.add("plan", plan);
        root.add("definitions", definitions);
        root.add("per_app", perApp);
    }

    public JsonObject plan() {
        return plan;
    }

    /** An application evaluated at points {@code ks}; rows are [point][episode]. */
    public ReproduceJsonFixture app(String name, int[] ks, double[][] flash, double[][] transfer) {
        JsonObject a = new JsonObject();
        a.addProperty("app", name);
        JsonArray k = new JsonArray();
        for (int v : ks) {
            k.add(v);
        }
        a.add("adaptation_points_k", k);
        a.add("flash_eval_episode_rewards", matrix(flash));
        a.add("transfer_eval_episode_rewards", matrix(transfer));
        perApp.add(a);
        return this;
    }

    public Path write(Path file) throws IOException {
        Files.writeString(file, root.toString());
        return file;
    }

    private static JsonArray matrix(double[][] rows) {
        JsonArray out = new JsonArray();
        for (double[] r : rows) {
            JsonArray row = new JsonArray();
            for (double v : r) {
                row.add(v);
            }
            out.add(row);
        }
        return out;
    }
}
