package dev.flash.dvfs.eval;

import dev.flash.dvfs.train.DvfsTrainExperiment;
import dev.flash.dvfs.train.DvfsTrainer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Not a test: the whole of {@code flash reproduce dvfs --seed 7} with {@code key=value}
 * overrides of the training settings ({@link DvfsTrainExperiment#override} keys) and of the
 * plan ({@code evalEps=N}, {@code adapt=N}, {@code heldOut=FILE} as {@code --held-out}, {@code processes=N} as
 * {@code --processes} (default 1), {@code population=wide} for {@code dev.flash.sim.WidePopulation}'s instead
 * of the default one, {@code burstMax=X} for the default population with another burst ceiling, 0 for none as
 * before bursts were added; {@code population=bursty} is the default population since then); writes
 * {@code out=DIR}/reproduce.json and prints the
 * headline figures. For trying settings before making them the defaults.
 */
public final class ReproduceExperiment {
    public static void main(String[] args) throws Exception {
        Reproduction.Plan full = Reproduction.Plan.full(7);
        java.util.Map<String, String> extras = new java.util.HashMap<>();
        DvfsTrainer.Settings s = DvfsTrainExperiment.parse(args, full.settings(), extras, "out", "evalEps", "adapt", "heldOut", "population", "burstMax", "gaps", "hosts", "processes");
        int evalEps = extras.containsKey("evalEps") ? Integer.parseInt(extras.get("evalEps")) : full.evalEpisodes();
        int adapt = extras.containsKey("adapt") ? Integer.parseInt(extras.get("adapt")) : full.adaptEpisodes();
        Path out = extras.containsKey("out") ? Path.of(extras.get("out")) : null;
        if (out == null) {
            throw new IllegalArgumentException("out=DIR is required");
        }
        Files.createDirectories(out);
        Reproduction.Plan plan = new Reproduction.Plan(false, s, full.testApps(), adapt, evalEps,
                full.operatorEpisodes());
        System.out.println("settings: " + s + " evalEps=" + evalEps + " adapt=" + adapt);
        String population = extras.getOrDefault("population", "default");
        java.util.List<dev.flash.sim.AppSpec> apps = switch (population) {
            case "wide" -> dev.flash.sim.WidePopulation.sample(EvalApps.DEFAULT_SIZE, 7, EvalApps.DEFAULT_TEST_FRACTION);
            case "default", "bursty" -> DvfsTrainExperiment.defaultPopulation(extras);
            default -> throw new IllegalArgumentException("population=" + population + ": wide, bursty or default");
        };
        if (extras.containsKey("heldOut")) {
            apps = EvalApps.withHeldOut(apps, null, Path.of(extras.get("heldOut")));
        }
        int processes = Integer.parseInt(extras.getOrDefault("processes", "1"));
        Reproduction.Result r = Reproduction.run(apps, plan, out, new Reproduction.Listener() {
            @Override
            public void phase(String name, int total) {
                System.out.println("phase " + name);
            }

            @Override
            public void step(String detail) {
            }
        }, processes);
        var json = Reproduction.toJson(r);
        Files.writeString(out.resolve("reproduce.json"), Json.PRETTY.toJson(json) + "\n");
        String[] keys = {"reward_gap_flash", "reward_gap_transfer", "adaptation_cost_ratio",
            "adaptation_cost_flash_episodes", "adaptation_cost_transfer_episodes", "share_of_oracle_saving",
            "energy_saving_vs_performance", "slowdown_vs_performance", "train_seconds", "total_seconds"};
        StringBuilder sb = new StringBuilder("RESULT");
        for (String k : keys) {
            sb.append(' ').append(k).append('=').append(json.get(k));
        }
        System.out.println(sb);
    }
}
