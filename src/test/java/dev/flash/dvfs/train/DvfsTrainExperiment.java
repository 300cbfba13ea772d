package dev.flash.dvfs.train;

import ai.djl.ndarray.NDManager;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import dev.flash.meta.IterationMetrics;
import dev.flash.meta.NetworkConfig;
import java.util.List;

/**
 * Not a test: a command-line yardstick for training settings (run pinned to one core).
 * Trains FLASH with {@code key=value} overrides of {@link DvfsTrainer.Settings#defaults} and
 * prints the held-out operator metrics, the training reward of the last 30 iterations and the
 * oracle's held-out metrics on the same episodes.
 *
 * <pre>
 *   taskset -c 0 java -cp target/classes:target/test-classes:$(cat cp.txt) \
 *       dev.flash.dvfs.train.DvfsTrainExperiment iters=400 enc=GRU hidden=32 C=16
 * </pre>
 *
 * {@code out=FILE} also exports the trained network as a DVFS model (for {@code flash evaluate
 * dvfs --model FILE --apps OTHER.json}); {@code foreign=A.json,B.json} also evaluates it and the oracle
 * on each file's test applications; {@code burstMax=X} trains on the population with another burst
 * ceiling ({@code AppPopulation.sample}); {@code oracle}, {@code diag} and {@code wide=...} as in
 * {@link #main}.
 */
public final class DvfsTrainExperiment {
    /** Held-out reward per step of the network and the oracle by archetype and saturation. */
    static void diagnose(DvfsApplications apps, DvfsTrainer.Result r, DvfsTrainer.Settings s) {
        java.util.Map<String, double[]> groups = new java.util.TreeMap<>();
        for (int i = 0; i < apps.size(Split.TEST); i++) {
            dev.flash.sim.AppSpec a = apps.app(Split.TEST, i);
            long sat = a.phases().stream().filter(p -> p.load() >= 1).count();
            String key = a.name().substring(0, a.name().indexOf('-')) + (sat == a.phases().size() ? "/saturated"
                    : sat == 0 ? "/unsaturated" : "/some-saturated");
            long seed = DvfsApplications.episodeSeed(s.seed(), Split.TEST, i);
            double net = DvfsEvaluator.run(apps.environment(Split.TEST, i, seed), r.network(), s.evalEpisodes(),
                    s.seed() + i).stream().mapToDouble(EpisodeStats::rewardPerStep).average().orElse(0);
            double or = DvfsEvaluator.run(apps.environment(Split.TEST, i, seed), DvfsEvaluator.oracle(),
                    s.evalEpisodes()).stream().mapToDouble(EpisodeStats::rewardPerStep).average().orElse(0);
            double[] g = groups.computeIfAbsent(key, k -> new double[3]);
            g[0] += net;
            g[1] += or;
            g[2]++;
        }
        groups.forEach((k, g) -> System.out.printf("  %-26s n=%3.0f  net %.3f  oracle %.3f  shortfall share %.3f%n",
                k, g[2], g[0] / g[2], g[1] / g[2], (g[1] - g[0]) / apps.size(Split.TEST)));
    }

    /** The default population of seed 7 (what the shipped model trains on), with {@code burstMax=X} if given. */
    public static List<dev.flash.sim.AppSpec> defaultPopulation(java.util.Map<String, String> extras) {
        double burstMax = extras.containsKey("burstMax") ? Double.parseDouble(extras.get("burstMax"))
                : dev.flash.sim.AppPopulation.DEFAULT_BURST_MAX;
        // gaps=X: that share of applications with an idle gap (the "Idle gaps" runs: gaps=1/3).
        double gaps = extras.containsKey("gaps") ? dev.flash.sim.AppPopulation.parseShare(extras.get("gaps"))
                : dev.flash.sim.AppPopulation.DEFAULT_IDLE_GAP_SHARE;
        // hosts=X: that share of applications are idle hosts.
        double hosts = extras.containsKey("hosts") ? dev.flash.sim.AppPopulation.parseShare(extras.get("hosts"))
                : dev.flash.sim.AppPopulation.DEFAULT_IDLE_HOST_SHARE;
        return dev.flash.sim.AppPopulation.sample(DvfsApplications.DEFAULT_POPULATION, 7,
                DvfsApplications.DEFAULT_TEST_FRACTION, new dev.flash.sim.AppPopulation.Shape(burstMax, gaps, hosts));
    }

    /** {@code s} with one {@code key=value} override applied; null when the key is not a settings key. */
    public static DvfsTrainer.Settings override(DvfsTrainer.Settings s, String key, String v) {
        return switch (key) {
            case "seed" -> s.withSeed(Long.parseLong(v));
            case "iters" -> s.withIterations(Integer.parseInt(v));
            case "enc" -> s.withEncoder(NetworkConfig.EncoderType.valueOf(v));
            case "C" -> s.withContextLength(Integer.parseInt(v));
            case "hidden" -> s.withEncoderHidden(Integer.parseInt(v));
            case "base" -> s.withBaseHidden(java.util.Arrays.stream(v.split(",")).map(Integer::valueOf).toList());
            case "emb" -> s.withEmbeddingSize(Integer.parseInt(v));
            case "ent" -> s.withEntropyCoef(Double.parseDouble(v));
            case "lr" -> s.withLearningRate(Double.parseDouble(v));
            case "gamma" -> s.withGamma(Double.parseDouble(v));
            case "reset" -> s.withContextResetProbability(Double.parseDouble(v));
            case "envs" -> s.withRollout(Integer.parseInt(v), s.rolloutSteps(), s.minibatches(), s.epochs());
            case "steps" -> s.withRollout(s.numEnvs(), Integer.parseInt(v), s.minibatches(), s.epochs());
            case "epochs" -> s.withRollout(s.numEnvs(), s.rolloutSteps(), s.minibatches(), Integer.parseInt(v));
            case "mb" -> s.withRollout(s.numEnvs(), s.rolloutSteps(), Integer.parseInt(v), s.epochs());
            case "randstart" -> s.withEnv(s.env().withRandomStartProbability(Double.parseDouble(v)));
            case "kappa" -> s.withEnv(s.env().withKappa(Double.parseDouble(v)));
            case "switch" -> s.withEnv(s.env().withSwitchPenalty(Double.parseDouble(v)));
            case "plr" -> s.withSampling(v.equals("off") ? dev.flash.meta.ApplicationSampling.UNIFORM
                    : dev.flash.meta.ApplicationSampling.prioritized(Double.parseDouble(v.split("/")[0]),
                    Double.parseDouble(v.split("/")[1])));
            default -> null;
        };
    }

    /**
     * Applies {@code key=value} arguments to {@code s}: settings keys through {@link #override};
     * {@code extraKeys} (the caller's own, e.g. {@code out}) go into {@code extras}; any other key
     * is an error.
     */
    public static DvfsTrainer.Settings parse(String[] args, DvfsTrainer.Settings s, java.util.Map<String, String> extras,
                                             String... extraKeys) {
        for (String a : args) {
            String[] kv = a.split("=", 2);
            String v = kv.length > 1 ? kv[1] : "";
            DvfsTrainer.Settings o = override(s, kv[0], v);
            if (o != null) {
                s = o;
            } else if (java.util.Arrays.asList(extraKeys).contains(kv[0])) {
                extras.put(kv[0], v);
            } else {
                throw new IllegalArgumentException("unknown key " + kv[0]);
            }
        }
        return s;
    }

    public static void main(String[] args) throws java.io.IOException {
        java.util.Map<String, String> extras = new java.util.HashMap<>();
        DvfsTrainer.Settings s = parse(args, DvfsTrainer.Settings.defaults(7), extras, "oracle", "diag", "wide", "out",
                "foreign", "burstMax", "gaps", "hosts");
        boolean oracle = extras.containsKey("oracle");
        boolean diag = extras.containsKey("diag");
        // {mlpMax, ipcLo, ipcHi}: hidden parameters redrawn from wider ranges
        double[] wide = extras.containsKey("wide")
                ? java.util.Arrays.stream(extras.get("wide").split(",")).mapToDouble(Double::parseDouble).toArray()
                : null;
        Djl.init();
        List<dev.flash.sim.AppSpec> pop = defaultPopulation(extras);
        if (wide != null) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(99);
            List<dev.flash.sim.AppSpec> w = new java.util.ArrayList<>();
            for (dev.flash.sim.AppSpec a : pop) {
                double mlp = Math.exp(r.nextDouble() * Math.log(wide[0]));
                double ipc = Math.exp(Math.log(wide[1]) + r.nextDouble() * Math.log(wide[2] / wide[1]));
                w.add(new dev.flash.sim.AppSpec(a.name(), a.phases(),
                        new dev.flash.sim.HiddenParams(mlp, ipc, a.hidden().powerIntensity()), a.split()));
            }
            pop = w;
        }
        DvfsApplications apps = new DvfsApplications(pop, DvfsEnvironment.defaultNode(), s.env());
        System.out.println("settings: " + s);
        if (oracle) {
            OperatorMetrics o = DvfsEvaluator.evaluate(apps, Split.TEST, DvfsEvaluator.oracle(), s.evalEpisodes(),
                    s.seed());
            System.out.println("oracle held-out: " + o.summary());
        }
        try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
            int[] k = {0};
            DvfsTrainer.Result r = DvfsTrainer.train(apps, s, m, (it, total) -> {
                if (++k[0] % 50 == 0) {
                    System.out.printf("  iter %d/%d step reward %.4f entropy %.3f%n", it.iteration(), total,
                            it.stepRewardMean(), it.entropy());
                }
            });
            List<IterationMetrics> c = r.curve();
            double tail = c.subList(Math.max(0, c.size() - 30), c.size()).stream()
                    .mapToDouble(IterationMetrics::stepRewardMean).average().orElse(Double.NaN);
            if (diag) {
                diagnose(apps, r, s);
            }
            System.out.printf("RESULT %s | train %.1f s | train reward (last 30) %.4f | held-out %s%n", s.label(),
                    r.seconds(), tail, r.heldOut().summary());
            if (extras.containsKey("foreign")) { // held-out sets of other files, beside this population's training apps
                List<dev.flash.sim.AppSpec> trainApps = dev.flash.sim.AppPopulation.split(pop, dev.flash.sim.AppSpec.TRAIN);
                for (String f : extras.get("foreign").split(",")) {
                    List<dev.flash.sim.AppSpec> all = new java.util.ArrayList<>(trainApps);
                    all.addAll(dev.flash.sim.AppPopulation.split(dev.flash.sim.AppPopulation.read(java.nio.file.Path.of(f)),
                            dev.flash.sim.AppSpec.TEST));
                    DvfsApplications fa = new DvfsApplications(all, DvfsEnvironment.defaultNode(), s.env());
                    OperatorMetrics net = DvfsEvaluator.evaluate(fa, Split.TEST, r.network(), s.evalEpisodes(), s.seed());
                    OperatorMetrics or = DvfsEvaluator.evaluate(fa, Split.TEST, DvfsEvaluator.oracle(), s.evalEpisodes(),
                            s.seed());
                    System.out.printf("FOREIGN %s | net %s | oracle %s%n", f, net.summary(), or.summary());
                }
            }
            if (extras.containsKey("out")) { // for `flash evaluate dvfs --model FILE` on other applications
                com.google.gson.JsonObject provenance = new com.google.gson.JsonObject();
                provenance.addProperty("command", "DvfsTrainExperiment " + String.join(" ", args));
                provenance.addProperty("settings", s.toString());
                DvfsTrainer.export(r, provenance.toString(), java.nio.file.Path.of(extras.get("out")));
                System.out.println("wrote " + extras.get("out"));
            }
        }
    }
}
