package dev.flash.meta;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Meta-trains a regression {@link FlashAgentNetwork} on few-shot episodes: each step draws a
 * batch of training tasks, k shots (k picked from {@link Config#shots}) and queries per task,
 * and takes one Adam step on the mean squared error of the queries' targets. DJL autograd does
 * the gradients. Every {@link Config#evalEvery} steps the loss on fixed draws of the validation
 * tasks decides early stopping: the weights of the best validation loss are kept, and training
 * stops after {@link Config#patience} evaluations without improvement.
 *
 * <p>With C = 0 the same loop trains the plain base network (the no-context baseline), and
 * {@link #fineTune} is transfer learning's step: a few Adam steps on one task's own episodes.
 */
public final class SupervisedTrainer {

    /**
     * @param maxSteps    Adam steps at most
     * @param batchTasks  tasks per step
     * @param shots       the k values drawn from, uniformly, per task and step
     * @param maxQueries  queries per task and step (0: every non-shot example)
     * @param learningRate Adam's step size
     * @param evalEvery   steps between validation evaluations
     * @param patience    evaluations without improvement before stopping
     * @param valDraws    fixed draws per validation task and k
     * @param seed        drives weights, task and shot sampling
     */
    public record Config(int maxSteps, int batchTasks, int[] shots, int maxQueries, double learningRate,
                         int evalEvery, int patience, int valDraws, long seed) {
        public Config {
            shots = shots.clone();
            if (maxSteps < 1 || batchTasks < 1 || shots.length == 0 || evalEvery < 1 || patience < 1 || valDraws < 1) {
                throw new IllegalArgumentException("invalid supervised training config: steps " + maxSteps
                        + ", batch " + batchTasks + ", shots " + shots.length + ", evalEvery " + evalEvery
                        + ", patience " + patience + ", valDraws " + valDraws);
            }
        }

        public Config withSeed(long s) {
            return new Config(maxSteps, batchTasks, shots, maxQueries, learningRate, evalEvery, patience, valDraws, s);
        }

        public Config withMaxSteps(int steps) {
            return new Config(steps, batchTasks, shots, maxQueries, learningRate, evalEvery, patience, valDraws, seed);
        }
    }

    /**
     * @param stepsRun       Adam steps taken
     * @param bestStep       step whose weights were kept (the last one without validation tasks)
     * @param bestValLoss    validation MSE at that step (NaN without validation tasks)
     * @param trainLoss      mean training MSE per evaluation interval
     * @param valLoss        validation MSE per evaluation
     */
    public record Result(int stepsRun, int bestStep, double bestValLoss, List<Double> trainLoss, List<Double> valLoss) {
    }

    private SupervisedTrainer() {
    }

    /**
     * Trains {@code net} in place on {@code train}; {@code validation} (may be empty) drives early
     * stopping. Tasks too small for a k are not drawn for that k. {@code progress} receives the
     * step count.
     */
    public static <T extends SupervisedTask> Result train(FlashAgentNetwork net, Config cfg, List<T> train,
                                                          List<T> validation, EpisodeBuilder<T> builder,
                                                          IntConsumer progress) {
        if (net.config().kind() != NetworkConfig.Kind.REGRESSION) {
            throw new IllegalArgumentException("supervised training needs a regression network, got "
                    + net.config().kind());
        }
        Random rng = new Random(cfg.seed());
        Engine.getInstance().setRandomSeed((int) cfg.seed());
        List<Episode> valEpisodes = fixedEpisodes(validation, cfg, builder, new Random(cfg.seed() ^ 0x5eedL));
        Optimizer adam = Optimizer.adam().optLearningRateTracker((id, n) -> (float) cfg.learningRate()).build();
        NDManager manager = net.getParameters().get(0).getValue().getArray().getManager();
        ParameterStore ps = new ParameterStore(manager, false);
        List<Double> trainCurve = new ArrayList<>();
        List<Double> valCurve = new ArrayList<>();
        float[][] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestStep = 0;
        int sinceBest = 0;
        double intervalLoss = 0;
        int intervalSteps = 0;
        int step = 0;
        while (step < cfg.maxSteps()) {
            List<Episode> batch = new ArrayList<>();
            for (int b = 0; b < cfg.batchTasks(); b++) {
                int k = cfg.shots()[rng.nextInt(cfg.shots().length)];
                T task = train.get(rng.nextInt(train.size()));
                if (task.size() >= k + 1) {
                    batch.add(builder.build(task, ShotSampler.draw(task.size(), k, cfg.maxQueries(), rng)));
                }
            }
            step++;
            if (!batch.isEmpty()) {
                intervalLoss += adamStep(net, ps, manager, adam, batch);
                intervalSteps++;
            }
            progress.accept(step);
            if (step % cfg.evalEvery() == 0 || step == cfg.maxSteps()) {
                trainCurve.add(intervalSteps == 0 ? Double.NaN : intervalLoss / intervalSteps);
                intervalLoss = 0;
                intervalSteps = 0;
                if (!valEpisodes.isEmpty()) {
                    double v = loss(net, valEpisodes);
                    valCurve.add(v);
                    if (v < bestLoss) {
                        bestLoss = v;
                        bestStep = step;
                        best = snapshot(net);
                        sinceBest = 0;
                    } else if (++sinceBest >= cfg.patience()) {
                        break;
                    }
                }
            }
        }
        if (best != null) {
            restore(net, best);
        } else {
            bestStep = step;
            bestLoss = Double.NaN;
        }
        return new Result(step, bestStep, bestLoss, trainCurve, valCurve);
    }

    /**
     * Transfer learning's adaptation: {@code steps} Adam steps at {@code learningRate} on the
     * given episodes (one task's own shots), all of them in every step.
     */
    public static void fineTune(FlashAgentNetwork net, List<Episode> episodes, int steps, double learningRate) {
        if (episodes.isEmpty()) {
            return;
        }
        Optimizer adam = Optimizer.adam().optLearningRateTracker((id, n) -> (float) learningRate).build();
        NDManager manager = net.getParameters().get(0).getValue().getArray().getManager();
        ParameterStore ps = new ParameterStore(manager, false);
        for (int s = 0; s < steps; s++) {
            adamStep(net, ps, manager, adam, episodes);
        }
    }

    /** The network's predictions for every row of {@code episode}, without gradients. */
    public static float[] predict(FlashAgentNetwork net, Episode episode) {
        NDManager manager = net.getParameters().get(0).getValue().getArray().getManager();
        try (NDManager sub = manager.newSubManager()) {
            Inputs in = inputs(net.config(), sub, List.of(episode));
            return net.heads(new ParameterStore(sub, false), in.state, in.context, in.mask, false)
                    .prediction().toFloatArray();
        }
    }

    /** Mean squared error over every row of {@code episodes}. */
    public static double loss(FlashAgentNetwork net, List<Episode> episodes) {
        double sum = 0;
        long rows = 0;
        for (Episode e : episodes) {
            float[] p = predict(net, e);
            for (int i = 0; i < e.rows(); i++) {
                double d = p[i] - e.target()[i];
                sum += d * d;
            }
            rows += e.rows();
        }
        return rows == 0 ? Double.NaN : sum / rows;
    }

    /**
     * The fixed validation draws {@link #train} evaluates on (the same tasks, settings and seed
     * give the same episodes).
     */
    public static <T extends SupervisedTask> List<Episode> validationEpisodes(List<T> tasks, Config cfg,
                                                                             EpisodeBuilder<T> builder) {
        return fixedEpisodes(tasks, cfg, builder, new Random(cfg.seed() ^ 0x5eedL));
    }

    /**
     * The scale {@code a} in [0, 1] of the given outputs that minimises the squared error to the
     * episodes' targets, {@code sum(t p) / sum(p p)} clipped: fitted on held-out tasks, it shrinks a
     * network's output toward 0. When the target is a residual over a prior, 0 says the network
     * adds nothing to the prior on tasks it has not seen, 1 that it adds all it predicts.
     * {@code outputs} are per episode, as {@link #predict} returns them.
     */
    public static double outputShrinkage(List<Episode> episodes, List<float[]> outputs) {
        double tp = 0;
        double pp = 0;
        for (int e = 0; e < episodes.size(); e++) {
            float[] p = outputs.get(e);
            float[] t = episodes.get(e).target();
            for (int i = 0; i < t.length; i++) {
                tp += (double) t[i] * p[i];
                pp += (double) p[i] * p[i];
            }
        }
        return pp <= 0 ? 0 : Math.max(0, Math.min(1, tp / pp));
    }

    private static <T extends SupervisedTask> List<Episode> fixedEpisodes(List<T> tasks, Config cfg,
                                                                         EpisodeBuilder<T> builder, Random rng) {
        List<Episode> out = new ArrayList<>();
        for (T task : tasks) {
            for (int k : cfg.shots()) {
                for (int d = 0; d < cfg.valDraws() && task.size() >= k + 1; d++) {
                    out.add(builder.build(task, ShotSampler.draw(task.size(), k, 0, rng)));
                }
            }
        }
        return out;
    }

    /** One Adam step on the mean squared error over every row of {@code batch}; returns the loss. */
    private static double adamStep(FlashAgentNetwork net, ParameterStore ps, NDManager manager, Optimizer adam,
                                   List<Episode> batch) {
        double lossValue;
        try (NDManager sub = manager.newSubManager()) {
            Inputs in = inputs(net.config(), sub, batch);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray pred = net.heads(ps, in.state, in.context, in.mask, true).prediction().squeeze(1);
                NDArray loss = pred.sub(in.target).square().mean();
                gc.backward(loss);
                lossValue = loss.getFloat();
            }
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                g.attach(sub); // a view of the parameter's gradient; closing it leaves the gradient alone
                if (Double.isFinite(lossValue)) {
                    adam.update(p.getValue().getId(), p.getValue().getArray(), g);
                }
                PpoTrainer.zeroInPlace(g);
            }
        }
        return lossValue;
    }

    private record Inputs(NDArray state, NDArray context, NDArray mask, NDArray target) {
    }

    /** Stacks episodes into one batch; each row gets its episode's context (repeated per row). */
    private static Inputs inputs(NetworkConfig c, NDManager sub, List<Episode> episodes) {
        int rows = 0;
        for (Episode e : episodes) {
            rows += e.rows();
        }
        int f = c.stateSize();
        int cl = c.contextLength();
        int w = c.contextWidth();
        float[] state = new float[rows * f];
        float[] target = new float[rows];
        float[] ctx = c.hasContext() ? new float[rows * cl * w] : null;
        float[] mask = c.hasContext() ? new float[rows * cl] : null;
        int r = 0;
        for (Episode e : episodes) {
            if (e.state().length != e.rows() * f) {
                throw new IllegalArgumentException("episode state has " + e.state().length + " floats for "
                        + e.rows() + " rows of " + f);
            }
            System.arraycopy(e.state(), 0, state, r * f, e.rows() * f);
            System.arraycopy(e.target(), 0, target, r, e.rows());
            if (c.hasContext()) {
                if (e.context().length != cl * w || e.mask().length != cl) {
                    throw new IllegalArgumentException("episode context has " + e.context().length
                            + " floats and " + e.mask().length + " mask entries for C=" + cl + ", W=" + w);
                }
                for (int i = 0; i < e.rows(); i++) {
                    System.arraycopy(e.context(), 0, ctx, (r + i) * cl * w, cl * w);
                    System.arraycopy(e.mask(), 0, mask, (r + i) * cl, cl);
                }
            }
            r += e.rows();
        }
        return new Inputs(sub.create(state, new Shape(rows, f)),
                c.hasContext() ? sub.create(ctx, new Shape(rows, cl, w)) : null,
                c.hasContext() ? sub.create(mask, new Shape(rows, cl)) : null,
                sub.create(target));
    }

    private static float[][] snapshot(FlashAgentNetwork net) {
        List<Pair<String, Parameter>> params = net.getParameters().stream().toList();
        float[][] out = new float[params.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = params.get(i).getValue().getArray().toFloatArray();
        }
        return out;
    }

    private static void restore(FlashAgentNetwork net, float[][] weights) {
        List<Pair<String, Parameter>> params = net.getParameters().stream().toList();
        for (int i = 0; i < weights.length; i++) {
            params.get(i).getValue().getArray().set(FloatBuffer.wrap(weights[i]));
        }
    }
}
