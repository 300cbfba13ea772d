// Diagnosis of case II's online learning (issue 22; docs/log/2026-12-08-asonline.md): does a contestant's
// network move when it learns online, and which rate would the yardstick's sweep choose for FLASH's own network?
//
// usage (after `mvn -B -q -o package -DskipTests`):
//   java -cp 'target/classes:target/flash.jar:target/train-lib/*' bench/analysis/AutoscaleOnlineProbe.java NETS_DIR MODE ARGS
//     probe RATE[,annealed] SERVICES   per online update on the first SERVICES held-out services: the relative
//                                      change of the base's weights (||dW|| / ||W||, encoder apart), PPO's own
//                                      approximate KL and clip fraction of that update (PpoTrainer.lastOnlineUpdate),
//                                      and the evaluated reward at the yardstick's points
//     per-service "RATE[,annealed];..." TRAIN_SERVICES   the sweep's score per training service, start and end
//     curves "RATE[,annealed];..." FROM-TO  held-out services FROM..TO, FLASH's and transfer's curves as JSON lines
//     sweep RATES TRAIN_SERVICES       FineTuneSweep.choose for transfer learning's base AND for FLASH's network
//                                      (encoder frozen), every rate constant and annealed, on the same training
//                                      services, the full plan's budget (12 episodes, 8 evaluation episodes)
// Networks: FLASH (C = 8) and the transfer base (C = 0) trained as `flash reproduce autoscale --quick` trains them
// (AutoscaleTrainer.Settings.defaults(7), 150 iterations, the default population, behind the default guard), kept in
// NETS_DIR and read back on later runs (one NETS_DIR per size). Seed 7 throughout. -Dprobe.iterations=1500
// -Dprobe.context=32 trains them as the full-size run (`--iterations 1500 --context-length 32`) does.
import ai.djl.ndarray.NDManager;
import ai.djl.util.Pair;
import ai.djl.nn.Parameter;
import dev.flash.autoscale.ServicePopulation;
import dev.flash.autoscale.ServiceSpec;
import dev.flash.autoscale.train.AutoscaleServices;
import dev.flash.autoscale.train.AutoscaleTrainer;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.PpoConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.meta.RlEnvironment;
import dev.flash.meta.yardstick.Budget;
import dev.flash.meta.yardstick.Contestant;
import dev.flash.meta.yardstick.EvaluatedCurve;
import dev.flash.meta.yardstick.FineTuneSweep;
import dev.flash.meta.yardstick.Yardstick;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

public class AutoscaleOnlineProbe {
    static final long SEED = 7;

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Djl.init();
        // -Dprobe.iterations=1500 -Dprobe.context=32: the networks of the full-size yardstick run instead
        AutoscaleTrainer.Settings settings = AutoscaleTrainer.Settings.defaults(SEED)
                .withIterations(Integer.getInteger("probe.iterations", 150))
                .withContextLength(Integer.getInteger("probe.context", 8));
        List<ServiceSpec> population = ServicePopulation.sample(200, SEED, 0.2);
        AutoscaleServices apps = new AutoscaleServices(population, settings.episodeSteps()).guardedBy(settings.guard());
        int ep = settings.episodeSteps();
        // the full plan's budget: 12 episodes online, a point after each rollout schedule of Budget.points()
        Budget budget = new Budget(12L * ep, ep, ep, 8);
        PpoConfig online = settings.withContextLength(0).ppo().withRollout(1, ep, Math.min(4, ep));
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
            FlashAgentNetwork flash = trainedOrRead(dir.resolve("flash.bin"), apps, settings, manager);
            FlashAgentNetwork base = trainedOrRead(dir.resolve("base.bin"), apps, settings.withContextLength(0), manager);
            if (args[1].equals("probe")) {
                String[] r = args[2].split(",");
                PpoConfig rule = online.withLearningRate(Double.parseDouble(r[0]), r.length > 1);
                int n = Integer.parseInt(args[3]);
                System.out.printf("probe: rate %s, budget %d steps, %d held-out services%n", args[2],
                        budget.onlineSteps(), n);
                for (int i = 0; i < n; i++) {
                    probe("flash", flash, true, rule, apps, i, budget, manager);
                    probe("transfer", base, false, rule, apps, i, budget, manager);
                }
            } else if (args[1].equals("sweep")) {
                List<FineTuneSweep.Setting> grid = new ArrayList<>();
                for (String s : args[2].split(",")) {
                    grid.add(new FineTuneSweep.Setting(Double.parseDouble(s), false));
                    grid.add(new FineTuneSweep.Setting(Double.parseDouble(s), true));
                }
                int n = Integer.parseInt(args[3]);
                FineTuneSweep.Result t = FineTuneSweep.choose(apps, n, base, online, grid, budget, SEED, manager,
                        d -> System.out.println("  transfer " + d));
                System.out.println("transfer's sweep chose " + t.chosen().label());
                FineTuneSweep.Result f = FineTuneSweep.choose(apps, n, rule -> Contestant.flash(flash, rule, ep), online,
                        grid, budget, SEED, manager, d -> System.out.println("  flash " + d));
                System.out.println("FLASH's sweep chose " + f.chosen().label());
            } else if (args[1].equals("per-service")) {
                // the sweep's score broken down by its training services (the same services and runs)
                int n = Integer.parseInt(args[3]);
                int total = apps.size(Split.TRAIN);
                for (String r : args[2].split(";")) {
                    String[] p = r.split(",");
                    PpoConfig rule = online.withLearningRate(Double.parseDouble(p[0]), p.length > 1);
                    for (Contestant c : List.of(Contestant.transfer(base, rule), Contestant.flash(flash, rule, ep))) {
                        StringBuilder line = new StringBuilder(String.format("%-8s %-14s", c.name(), r));
                        for (int k = 0; k < n; k++) {
                            int index = (int) ((long) k * total / n);
                            EvaluatedCurve curve = Yardstick.run(c, apps, Split.TRAIN, index, budget, SEED, manager)
                                    .curve();
                            line.append(String.format("  train-%d: mean %.4f (start %.4f, end %.4f)", index,
                                    curve.meanReward(), curve.reward()[0], curve.reward()[curve.reward().length - 1]));
                        }
                        System.out.println(line);
                    }
                }
            } else if (args[1].equals("curves")) {
                // held-out curves as Yardstick.measure runs them, without experts: one JSON line per run, to be
                // read against a reproduce.json's expert rewards (bench/analysis/autoscale-online-rescore.py)
                String[] services = args[3].split("-");
                int from = Integer.parseInt(services[0]);
                int to = services.length > 1 ? Integer.parseInt(services[1]) : from;
                for (int i = from; i <= to; i++) {
                    for (String r : args[2].split(";")) {
                        String[] p = r.split(",");
                        PpoConfig rule = online.withLearningRate(Double.parseDouble(p[0]), p.length > 1);
                        for (Contestant c : List.of(Contestant.flash(flash, rule, ep), Contestant.transfer(base, rule))) {
                            Contestant.Run run = Yardstick.run(c, apps, Split.TEST, i, budget, SEED, manager);
                            StringBuilder pts = new StringBuilder();
                            for (int k = 0; k < run.curve().steps().length; k++) {
                                pts.append(k == 0 ? "" : ",").append(String.format("[%d,%.6f]", run.curve().steps()[k],
                                        run.curve().reward()[k]));
                            }
                            System.out.printf("{\"app\":\"%s\",\"contestant\":\"%s\",\"rule\":\"%s\",\"start\":%.6f,"
                                            + "\"fill\":%d,\"curve\":[%s]}%n", apps.name(Split.TEST, i), c.name(), r,
                                    run.startReward(), c.fillSteps(), pts);
                        }
                    }
                }
            } else {
                throw new IllegalArgumentException("probe, sweep, per-service or curves, got " + args[1]);
            }
        }
    }

    static FlashAgentNetwork trainedOrRead(Path file, AutoscaleServices apps, AutoscaleTrainer.Settings s,
                                           NDManager manager) throws Exception {
        if (Files.exists(file)) {
            FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), manager, SEED);
            try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
                net.readWeights(in);
            }
            return net;
        }
        long t0 = System.nanoTime();
        FlashAgentNetwork net = AutoscaleTrainer.train(apps, s, manager, (m, total) -> { }).network();
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            net.writeWeights(out);
        }
        System.out.printf("trained %s (C = %d) in %.0f s%n", file.getFileName(), s.contextLength(),
                (System.nanoTime() - t0) / 1e9);
        return net;
    }

    /** One contestant's online run on held-out service {@code i}, as Contestant.run does it, with a look inside. */
    static void probe(String name, FlashAgentNetwork network, boolean freezeEncoder, PpoConfig rule,
                      AutoscaleServices apps, int i, Budget budget, NDManager manager) {
        long seed = Yardstick.experienceSeed(SEED, Split.TEST, i);
        RlEnvironment env = apps.environment(Split.TEST, i, seed);
        IntFunction<RlEnvironment> eval = Yardstick.evaluationEpisodes(apps, Split.TEST, i, SEED);
        try (NDManager sub = manager.newSubManager()) {
            FlashAgentNetwork copy = network.copy(sub);
            PpoTrainer learner = new PpoTrainer(copy, rule.withSeed(seed));
            if (freezeEncoder) {
                learner.freezeParameters(n -> n.contains("encoder"));
            }
            ContextBuffer context = learner.newContext();
            float[][] start = weights(copy);
            float[][][] prev = {start};
            long[] points = budget.points();
            StringBuilder line = new StringBuilder();
            learner.learnOnline(env, budget.onlineSteps(), context, true, played -> {
                float[][] now = weights(copy);
                double[] stats = learner.lastOnlineUpdate();
                String reward = "";
                for (long p : points) {
                    if (p == played) {
                        double[] pt = EvaluatedCurve.point(PpoTrainer.evaluateGreedy(copy, eval, budget.evalEpisodes(),
                                List.of(context))[0], budget.episodeSteps());
                        reward = String.format(" eval %.4f", pt[0]);
                    }
                }
                if (played > 0) {
                    line.append(String.format("%n    %4d steps: base dW/W %.4f (from start %.4f), encoder dW %.2g; "
                                    + "KL %.4f clip %.3f entropy %.3f%s", played,
                            rel(prev[0], now, copy, false), rel(start, now, copy, false), abs(prev[0], now, copy, true),
                            stats[3], stats[4], stats[2], reward));
                } else {
                    line.append(String.format("%n       0 steps:%s", reward));
                }
                prev[0] = now;
            }, null);
            System.out.printf("%s svc %d:%s%n", name, i, line);
        }
    }

    static float[][] weights(FlashAgentNetwork net) {
        List<float[]> w = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            w.add(p.getValue().getArray().toFloatArray());
        }
        return w.toArray(new float[0][]);
    }

    static boolean isEncoder(FlashAgentNetwork net, int k) {
        return net.getParameters().get(k).getKey().contains("encoder");
    }

    /** ||now - then|| / ||then|| over the parameters that are (encoder) or are not the encoder's. */
    static double rel(float[][] then, float[][] now, FlashAgentNetwork net, boolean encoder) {
        double d = 0;
        double n = 0;
        for (int k = 0; k < now.length; k++) {
            if (isEncoder(net, k) != encoder) {
                continue;
            }
            for (int j = 0; j < now[k].length; j++) {
                double x = now[k][j] - then[k][j];
                d += x * x;
                n += (double) then[k][j] * then[k][j];
            }
        }
        return n == 0 ? 0 : Math.sqrt(d / n);
    }

    static double abs(float[][] then, float[][] now, FlashAgentNetwork net, boolean encoder) {
        double d = 0;
        for (int k = 0; k < now.length; k++) {
            if (isEncoder(net, k) != encoder) {
                continue;
            }
            for (int j = 0; j < now[k].length; j++) {
                double x = now[k][j] - then[k][j];
                d += x * x;
            }
        }
        return Math.sqrt(d);
    }
}
