package dev.flash.dvfs.train;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.flash.BuildInfo;
import dev.flash.meta.ApplicationSet.Split;
import dev.flash.meta.Djl;
import dev.flash.meta.IterationMetrics;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.PpoTrainer;
import dev.flash.onnx.lite.WeightsDigest;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppPopulation;
import dev.flash.sim.AppSpec;
import dev.flash.sim.governors.Governor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code flash train dvfs} behind the command line: load or sample the applications, meta-train
 * the FLASH network, measure it (and, with {@code compare}, plain PPO without context and the
 * other encoder, on the same budget and seed) on the held-out applications next to the Linux
 * governors and the oracle, export the model to a temporary file, validate it with the daemon's
 * own loader, and only then move it into place and write the training report beside it.
 */
public final class DvfsTrainJob {

    /**
     * @param appsFile      population file, or null to sample the default population from the seed
     * @param seed          everything random
     * @param out           model file to write
     * @param iterations    PPO iterations, or null for the settings' default
     * @param encoder       SET or GRU
     * @param contextLength C, or null for the default
     * @param quick         tiny settings for smoke tests
     * @param compare       also train plain PPO (C = 0) and the other encoder for the report
     * @param commandLine   the command as typed, for provenance
     * @param signalDropout chance per episode and droppable signal group that a training episode runs
     *                      without it (null: the settings' default, none)
     * @param lagrangian    the slowdown budget as a constraint with a learned multiplier
     *                      ({@link SlowdownConstraint}) instead of the fixed penalty kappa
     * @param overBudgetTarget with {@code lagrangian}: share of training episodes allowed over the
     *                      budget (null: {@link SlowdownConstraint.Config#defaults()}'s)
     * @param contextWindows the context as windows of transitions ({@link ContextLayout}), or null for
     *                      the flat layout of {@code contextLength} rows
     * @param signalMask    observations with the missing-signal mask
     *                      ({@link dev.flash.dvfs.DvfsFeatureSet#WITH_MASK})
     * @param contextPositions the encoder learns which row is which window (SET encoders only)
     */
    public record Request(Path appsFile, long seed, Path out, Integer iterations, NetworkConfig.EncoderType encoder,
                          Integer contextLength, boolean quick, boolean compare, String commandLine,
                          Double signalDropout, boolean lagrangian, Double overBudgetTarget,
                          ContextLayout contextWindows, boolean signalMask, boolean contextPositions) {
        public Request(Path appsFile, long seed, Path out, Integer iterations, NetworkConfig.EncoderType encoder,
                       Integer contextLength, boolean quick, boolean compare, String commandLine,
                       Double signalDropout, boolean lagrangian, Double overBudgetTarget,
                       ContextLayout contextWindows) {
            this(appsFile, seed, out, iterations, encoder, contextLength, quick, compare, commandLine, signalDropout,
                    lagrangian, overBudgetTarget, contextWindows, false, false);
        }

        public Request(Path appsFile, long seed, Path out, Integer iterations, NetworkConfig.EncoderType encoder,
                       Integer contextLength, boolean quick, boolean compare, String commandLine,
                       Double signalDropout, boolean lagrangian, Double overBudgetTarget) {
            this(appsFile, seed, out, iterations, encoder, contextLength, quick, compare, commandLine, signalDropout,
                    lagrangian, overBudgetTarget, null);
        }

        public Request(Path appsFile, long seed, Path out, Integer iterations, NetworkConfig.EncoderType encoder,
                       Integer contextLength, boolean quick, boolean compare, String commandLine) {
            this(appsFile, seed, out, iterations, encoder, contextLength, quick, compare, commandLine, null, false,
                    null);
        }
    }

    /** What the command prints: the report (JSON) and where things went. */
    public record Outcome(JsonObject report, Path model, Path reportJson, Path reportMarkdown) {
    }

    /** Receives progress per iteration (a bar on a terminal, plain lines otherwise). */
    @FunctionalInterface
    public interface ProgressSink {
        void update(String phase, int iteration, int total, int episodes, double meanReward, double secondsSoFar);
    }

    /**
     * A behaviour check of the exported model, run before it is moved into place; its JSON (with a
     * boolean {@code passes}) goes into the report under {@code checks.<name>}. A failed check is
     * reported and warned about, not fatal: the model is what the training produced, and whether
     * to install it is the operator's call (the shipped one is guarded by the tests).
     */
    public interface ModelCheck {
        String name();

        JsonObject check(OnnxDvfsPolicy model);
    }

    private final PrintStream log;
    private final ProgressSink progress;
    private final List<ModelCheck> checks;

    public DvfsTrainJob(PrintStream log, ProgressSink progress) {
        this(log, progress, List.of());
    }

    public DvfsTrainJob(PrintStream log, ProgressSink progress, List<ModelCheck> checks) {
        this.log = log;
        this.progress = progress;
        this.checks = List.copyOf(checks);
    }

    /**
     * Runs the whole job.
     *
     * @throws dev.flash.sim.SpecException   bad apps file (the message names the field)
     * @throws IllegalArgumentException      bad settings or an unusable population
     * @throws ModelRejectedException        the exported model failed validation (nothing written)
     * @throws IOException                   reading the apps file or writing the outputs failed
     */
    public Outcome run(Request req) throws IOException, ModelRejectedException {
        long wallStart = System.nanoTime();
        DvfsTrainer.Settings s = req.quick() ? DvfsTrainer.Settings.quick(req.seed())
                : DvfsTrainer.Settings.defaults(req.seed());
        if (req.iterations() != null) {
            s = s.withIterations(req.iterations());
        }
        s = s.withEncoder(req.encoder());
        if (req.contextLength() != null) {
            s = s.withContextLength(req.contextLength());
        }
        if (req.contextWindows() != null) {
            if (req.contextLength() != null && req.contextLength() != req.contextWindows().rows()) {
                throw new IllegalArgumentException("--context-length " + req.contextLength() + " and --context-windows "
                        + req.contextWindows().key() + " (" + req.contextWindows().rows() + " rows) disagree");
            }
            s = s.withContextLayout(req.contextWindows());
        }
        if (req.contextPositions()) {
            if (req.encoder() == NetworkConfig.EncoderType.GRU) {
                throw new IllegalArgumentException("--context-positions is for the set encoders: a GRU reads the rows"
                        + " in order already");
            }
            s = s.withContextPositions(true);
        }
        if (req.signalDropout() != null) {
            s = s.withSignalDropout(req.signalDropout());
        }
        if (req.signalMask()) {
            s = s.withSignalMask(true);
        }
        if (req.lagrangian()) {
            SlowdownConstraint.Config c = SlowdownConstraint.Config.defaults();
            if (req.overBudgetTarget() != null) {
                c = new SlowdownConstraint.Config(c.initial(), c.rate(), req.overBudgetTarget(), c.max(), c.warmUp());
            }
            s = s.withConstraint(c);
        }
        s.network(); // validates the shape before any work
        s.ppo();

        // Applications: the file (validated, errors name the field) or the seeded default.
        List<AppSpec> population;
        String appsText;
        String appsSource;
        if (req.appsFile() != null) {
            population = AppPopulation.read(req.appsFile());
            appsText = Files.readString(req.appsFile(), StandardCharsets.UTF_8);
            appsSource = req.appsFile().toString();
        } else {
            population = AppPopulation.sample(DvfsApplications.DEFAULT_POPULATION, req.seed(),
                    DvfsApplications.DEFAULT_TEST_FRACTION);
            appsText = AppPopulation.toJson(population);
            // The population's defaults have changed over time (bursts, idle gaps): name them, so a
            // report says which population it was, and `flash sim apps` can write it again.
            appsSource = "sampled: AppPopulation.sample(" + DvfsApplications.DEFAULT_POPULATION + ", seed "
                    + req.seed() + ", test fraction " + DvfsApplications.DEFAULT_TEST_FRACTION
                    + ", burst max " + AppPopulation.DEFAULT_BURST_MAX
                    + ", idle gap share " + AppPopulation.DEFAULT_IDLE_GAP_SHARE_TEXT
                    + ", idle host share " + AppPopulation.DEFAULT_IDLE_HOST_SHARE_TEXT
                    + "), = flash sim apps --sample "
                    + DvfsApplications.DEFAULT_POPULATION + " --seed " + req.seed();
        }
        DvfsApplications apps = new DvfsApplications(population, DvfsEnvironment.defaultNode(), s.env());
        int nTrain = apps.size(Split.TRAIN);
        int nTest = apps.size(Split.TEST);
        log.printf("flash train dvfs: %d training and %d held-out applications (%s)%n", nTrain, nTest, appsSource);
        if (nTest == 0) {
            log.println("flash train dvfs: warning: no held-out (split 'test') application; held-out metrics are empty");
        }

        Djl.init();
        Path parent = req.out().toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + req.out().getFileName() + ".tmp-" + ProcessHandle.current().pid());

        JsonObject report = new JsonObject();
        try (NDManager manager = NDManager.newBaseManager(Djl.ENGINE)) {
            log.printf("flash train dvfs: training FLASH (%s), %d iterations of %d steps%n", s.label(), s.iterations(),
                    s.numEnvs() * s.rolloutSteps());
            DvfsTrainer.Result main = DvfsTrainer.train(apps, s, manager, sink("FLASH " + s.encoder()));
            log.printf("flash train dvfs: held-out %s: %s%n", s.label(), main.heldOut().summary());

            // Comparisons on the same seed, budget and applications.
            Map<String, DvfsTrainer.Result> compared = new LinkedHashMap<>();
            if (req.compare() && s.contextLength() > 0) {
                for (Map.Entry<String, DvfsTrainer.Settings> c : comparisons(s).entrySet()) {
                    DvfsTrainer.Settings cs = c.getValue();
                    log.printf("flash train dvfs: comparison %s: %s, %d iterations%n", c.getKey(), cs.label(),
                            cs.iterations());
                    try (NDManager m = NDManager.newBaseManager(Djl.ENGINE)) {
                        DvfsTrainer.Result r = DvfsTrainer.train(apps, cs, m, sink(c.getKey()));
                        log.printf("flash train dvfs: held-out %s: %s%n", c.getKey(), r.heldOut().summary());
                        compared.put(c.getKey(), withoutNetwork(r));
                    }
                }
            }

            Map<String, OperatorMetrics> baselines = new LinkedHashMap<>();
            if (nTest > 0) {
                baselines.put("performance", DvfsEvaluator.evaluate(apps, Split.TEST, DvfsEvaluator.performance(),
                        s.evalEpisodes(), s.seed()));
                for (String g : List.of("schedutil", "ondemand", "conservative", "powersave")) {
                    baselines.put(g, DvfsEvaluator.evaluate(apps, Split.TEST,
                            DvfsEvaluator.policy(Governor.byName(g)), s.evalEpisodes(), s.seed()));
                }
                baselines.put("oracle", DvfsEvaluator.evaluate(apps, Split.TEST, DvfsEvaluator.oracle(),
                        s.evalEpisodes(), s.seed()));
            }

            double trainingSeconds = (System.nanoTime() - wallStart) / 1e9;
            JsonObject provenance = provenance(req, s, appsSource, sha256(appsText), trainingSeconds);
            String provenanceJson = provenance.toString();

            // Export to a temporary file; only a model the daemon's loader accepts is moved into place.
            JsonObject checked = new JsonObject();
            try {
                DvfsTrainer.export(main, provenanceJson, tmp);
                try (OnnxDvfsPolicy check = OnnxDvfsPolicy.load(tmp)) {
                    if (check.levels() != s.env().levels()) {
                        throw new ModelRejectedException(tmp, "ladder of " + check.levels() + " levels, trained with "
                                + s.env().levels());
                    }
                    for (ModelCheck c : checks) {
                        JsonObject result = c.check(check);
                        checked.add(c.name(), result);
                        boolean passes = result.has("passes") && result.get("passes").getAsBoolean();
                        log.printf("flash train dvfs: check %s: %s%s%n", c.name(), passes ? "passes" : "FAILS",
                                passes ? "" : " (" + result + "); the model is written, but do not install it");
                    }
                }
                readableByAll(tmp);
                moveIntoPlace(tmp, req.out());
            } finally {
                Files.deleteIfExists(tmp);
            }

            report = report(req, s, apps, appsSource, sha256(appsText), provenance, main, compared, baselines,
                    Files.size(req.out()), sha256(Files.readAllBytes(req.out())));
            // The file's digest moves with its date and --out path; this one only with the weights.
            report.getAsJsonObject("model").addProperty("weights_sha256", WeightsDigest.of(req.out()));
            report.add("checks", checked);
        }
        Path json = req.out().resolveSibling(req.out().getFileName() + ".report.json");
        Path md = req.out().resolveSibling(req.out().getFileName() + ".report.md");
        Files.writeString(json, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                .create().toJson(report) + "\n", StandardCharsets.UTF_8);
        Files.writeString(md, TrainingReport.markdown(report), StandardCharsets.UTF_8);
        return new Outcome(report, req.out(), json, md);
    }

    /** Iterations at which the encoders are compared (the GRU costs far more per iteration). */
    public static final int ENCODER_COMPARISON_ITERATIONS = 100;
    /** GRU width per direction in the encoder comparison (AWARE's 256 is out of reach on 2 cores). */
    public static final int GRU_COMPARISON_HIDDEN = 32;

    /**
     * What the shipped model is compared with, same seed, applications and budget: plain PPO
     * without context at the full iteration count, and every encoder (SET_DELTA, SET, GRU) at
     * {@link #ENCODER_COMPARISON_ITERATIONS} iterations each.
     */
    static Map<String, DvfsTrainer.Settings> comparisons(DvfsTrainer.Settings s) {
        Map<String, DvfsTrainer.Settings> c = new LinkedHashMap<>();
        c.put("ppo_no_context", s.withContextLength(0));
        int k = Math.min(s.iterations(), ENCODER_COMPARISON_ITERATIONS);
        int setHidden = DvfsTrainer.Settings.defaults(s.seed()).encoderHidden();
        for (NetworkConfig.EncoderType type : NetworkConfig.EncoderType.values()) {
            int hidden = type == NetworkConfig.EncoderType.GRU ? GRU_COMPARISON_HIDDEN : setHidden;
            c.put("flash_" + type.name().toLowerCase(java.util.Locale.ROOT) + "@" + k,
                    s.withIterations(k).withEncoder(type).withEncoderHidden(hidden)
                            .withContextPositions(s.contextPositions() && type != NetworkConfig.EncoderType.GRU));
        }
        return c;
    }

    private static DvfsTrainer.Result withoutNetwork(DvfsTrainer.Result r) {
        return new DvfsTrainer.Result(r.settings(), null, r.curve(), r.seconds(), r.heldOut(), r.contextReward());
    }

    private PpoTrainer.Progress sink(String phase) {
        double[] elapsed = {0};
        return (IterationMetrics m, int total) -> {
            elapsed[0] += m.seconds();
            if (progress != null) {
                progress.update(phase, m.iteration(), total, m.episodes(), m.meanEpisodeReward(), elapsed[0]);
            }
        };
    }

    /** rw-r--r--: a model is not a secret, and the daemon may run under another user. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its default permissions
        }
    }

    private static void moveIntoPlace(Path tmp, Path out) throws IOException {
        try {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---------------------------------------------------------------- provenance and report

    private static JsonObject provenance(Request req, DvfsTrainer.Settings s, String appsSource, String appsSha,
                                         double seconds) {
        JsonObject p = new JsonObject();
        p.addProperty("command", req.commandLine());
        p.addProperty("seed", req.seed());
        p.addProperty("date", Instant.now().toString());
        p.addProperty("apps", appsSource);
        p.addProperty("apps_sha256", appsSha);
        BuildInfo.commit().ifPresent(commit -> p.addProperty("git_commit", commit));
        p.addProperty("training_seconds", Math.rint(seconds * 10) / 10);
        p.addProperty("iterations", s.iterations());
        p.addProperty("encoder", s.encoder().name());
        p.addProperty("context_length", s.contextLength());
        p.addProperty("context_windows", s.contextLayout().key());
        if (s.contextPositions()) { // absent: no row positions, as every model before them
            p.addProperty("context_positions", true);
        }
        p.addProperty("signal_dropout", s.env().signalDropout());
        p.addProperty("signal_mask", s.env().signalMask());
        p.addProperty("constraint", s.constraint() == null ? "fixed penalty kappa " + s.env().kappa()
                : s.constraint().describe(s.env().budget()));
        p.addProperty("trainer", "PPO (CleanRL-style) + FLASH context encoder, DJL " + Djl.ENGINE + " "
                + Djl.PYTORCH_VERSION);
        return p;
    }

    private static JsonObject report(Request req, DvfsTrainer.Settings s, DvfsApplications apps, String appsSource,
                                     String appsSha, JsonObject provenance, DvfsTrainer.Result main,
                                     Map<String, DvfsTrainer.Result> compared, Map<String, OperatorMetrics> baselines,
                                     long modelBytes, String modelSha) {
        JsonObject r = new JsonObject();
        r.addProperty("command", req.commandLine());
        r.addProperty("seed", req.seed());
        r.addProperty("date", provenance.get("date").getAsString());
        if (provenance.has("git_commit")) {
            r.addProperty("git_commit", provenance.get("git_commit").getAsString());
        }
        r.addProperty("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + ", MKL_CBWR=" + Djl.mklCbwr());
        r.addProperty("training_seconds", provenance.get("training_seconds").getAsDouble());
        JsonObject a = new JsonObject();
        a.addProperty("source", appsSource);
        a.addProperty("sha256", appsSha);
        a.addProperty("train", apps.size(Split.TRAIN));
        a.addProperty("test", apps.size(Split.TEST));
        r.add("applications", a);
        r.add("settings", settings(s));
        JsonObject env = new JsonObject();
        env.addProperty("node", "one policy of the embedded default simulated node: " + apps.node().cpus()
                + " CPUs, " + apps.node().minKhz() / 1000 + "-" + apps.node().maxKhz() / 1000 + " MHz");
        env.addProperty("step_seconds", DvfsEnvironment.STEP_SECONDS);
        env.addProperty("episode_steps", s.env().episodeSteps());
        env.addProperty("budget", s.env().budget());
        env.addProperty("kappa", s.env().kappa());
        env.addProperty("reward", DvfsEnvironment.rewardDefinition(s.env()));
        env.addProperty("signal_dropout", s.env().signalDropout());
        env.addProperty("signal_mask", s.env().signalMask());
        if (s.constraint() != null) {
            JsonObject c = new JsonObject();
            c.addProperty("method", s.constraint().describe(s.env().budget()));
            List<double[]> h = main.constraintHistory();
            if (!h.isEmpty()) {
                double[] last = h.get(h.size() - 1);
                c.addProperty("final_lambda", last[2]);
                double maxLambda = 0;
                for (double[] row : h) {
                    maxLambda = Math.max(maxLambda, row[2]);
                }
                c.addProperty("max_lambda", maxLambda);
                int tail = Math.max(1, h.size() / 10);
                double share = 0;
                double slow = 0;
                for (int i = h.size() - tail; i < h.size(); i++) {
                    share += h.get(i)[0];
                    slow += h.get(i)[1];
                }
                c.addProperty("last_tenth_share_of_episodes_over_budget", share / tail);
                c.addProperty("last_tenth_mean_episode_slowdown", slow / tail);
                com.google.gson.JsonArray lambdas = new com.google.gson.JsonArray();
                for (int i = 0; i < h.size(); i += Math.max(1, h.size() / 50)) {
                    lambdas.add(Math.rint(h.get(i)[2] * 1000) / 1000);
                }
                c.add("lambda_every_50th", lambdas);
            }
            env.add("constraint", c);
        }
        r.add("environment", env);

        JsonObject model = new JsonObject();
        model.addProperty("file", req.out().toString());
        model.addProperty("bytes", modelBytes);
        model.addProperty("sha256", modelSha);
        model.addProperty("expected_context_reward", main.contextReward()[0]);
        model.addProperty("expected_context_reward_std", main.contextReward()[1]);
        r.add("model", model);

        r.add("curve", curve(main.curve()));

        JsonObject held = new JsonObject();
        held.addProperty("episodes_per_application", s.evalEpisodes());
        held.addProperty("note", "frozen weights, greedy actions, context starts empty and carries across the "
                + "application's episodes; every method runs the same episodes");
        OperatorMetrics oracle = baselines.get("oracle");
        JsonObject methods = new JsonObject();
        JsonObject shipped = metrics(main.heldOut(), oracle);
        shipped.addProperty("iterations", s.iterations());
        shipped.addProperty("encoder", s.encoder().name());
        shipped.addProperty("training_seconds", Math.rint(main.seconds() * 10) / 10);
        methods.add("flash_" + s.encoder().name().toLowerCase() + " (this model)", shipped);
        for (Map.Entry<String, DvfsTrainer.Result> e : compared.entrySet()) {
            JsonObject m = metrics(e.getValue().heldOut(), oracle);
            DvfsTrainer.Settings cs = e.getValue().settings();
            m.addProperty("iterations", cs.iterations());
            m.addProperty("encoder", cs.contextLength() == 0 ? "none" : cs.encoder().name());
            m.addProperty("encoder_hidden", cs.encoderHidden());
            m.addProperty("context_length", cs.contextLength());
            m.addProperty("training_seconds", Math.rint(e.getValue().seconds() * 10) / 10);
            methods.add(e.getKey(), m);
        }
        for (Map.Entry<String, OperatorMetrics> e : baselines.entrySet()) {
            methods.add(e.getKey(), metrics(e.getValue(), oracle));
        }
        held.add("methods", methods);
        r.add("held_out", held);
        JsonObject curves = new JsonObject();
        for (Map.Entry<String, DvfsTrainer.Result> e : compared.entrySet()) {
            curves.add(e.getKey(), curve(e.getValue().curve()));
        }
        r.add("comparison_curves", curves);
        r.add("provenance", provenance);
        return r;
    }

    /** Operator metrics plus the reward gap to the oracle ((oracle - x) / oracle, per step). */
    private static JsonObject metrics(OperatorMetrics m, OperatorMetrics oracle) {
        JsonObject o = m.toJson();
        if (oracle != null && oracle.rewardPerStep() > 0 && Double.isFinite(m.rewardPerStep())) {
            double gap = (oracle.rewardPerStep() - m.rewardPerStep()) / oracle.rewardPerStep();
            o.addProperty("reward_gap_to_oracle", Math.rint(gap * 1e4) / 1e4);
        }
        return o;
    }

    private static JsonArray curve(List<IterationMetrics> curve) {
        JsonArray arr = new JsonArray();
        for (IterationMetrics m : curve) {
            JsonObject o = new JsonObject();
            o.addProperty("iteration", m.iteration());
            o.addProperty("steps", m.totalSteps());
            o.addProperty("episodes", m.episodes());
            o.addProperty("mean_episode_reward", round(m.meanEpisodeReward()));
            o.addProperty("step_reward_mean", round(m.stepRewardMean()));
            o.addProperty("entropy", round(m.entropy()));
            o.addProperty("approx_kl", round(m.approxKl()));
            o.addProperty("value_loss", round(m.valueLoss()));
            o.addProperty("seconds", round(m.seconds()));
            arr.add(o);
        }
        return arr;
    }

    private static JsonObject settings(DvfsTrainer.Settings s) {
        JsonObject o = new JsonObject();
        o.addProperty("iterations", s.iterations());
        o.addProperty("encoder", s.encoder().name());
        o.addProperty("context_length", s.contextLength());
        o.addProperty("context_windows", s.contextLayout().key());
        if (s.contextPositions()) {
            o.addProperty("context_positions", true);
        }
        o.addProperty("embedding_size", s.embeddingSize());
        o.addProperty("encoder_hidden", s.encoderHidden());
        o.addProperty("num_envs", s.numEnvs());
        o.addProperty("rollout_steps", s.rolloutSteps());
        o.addProperty("minibatches", s.minibatches());
        o.addProperty("epochs", s.epochs());
        o.addProperty("learning_rate", s.learningRate());
        o.addProperty("entropy_coef", s.entropyCoef());
        o.addProperty("gamma", s.gamma());
        o.addProperty("eval_episodes", s.evalEpisodes());
        JsonArray hidden = new JsonArray();
        s.baseHidden().forEach(hidden::add);
        o.add("base_hidden", hidden);
        o.addProperty("application_sampling", s.sampling().label());
        return o;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.rint(v * 1e5) / 1e5 : v;
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
