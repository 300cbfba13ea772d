package dev.flash.configsearch;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.flash.meta.Djl;
import dev.flash.meta.Episode;
import dev.flash.meta.EpisodeBuilder;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.meta.OnnxExport;
import dev.flash.meta.ShotSampler;
import dev.flash.meta.SupervisedTrainer;
import dev.flash.policy.ModelContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Trains the shipped config-search model: FLASH ({@link FewShotEncoding.Mode#FLASH}) on every
 * usable workload of a file, two of them held out for early stopping, and writes it in the model
 * contract with its {@link ModelParams}.
 */
public final class ConfigSearchTraining implements AutoCloseable {

    private final NDManager manager;
    private final FlashAgentNetwork net;
    private final ModelParams params;
    private final SupervisedTrainer.Result result;

    private ConfigSearchTraining(NDManager manager, FlashAgentNetwork net, ModelParams params,
                                 SupervisedTrainer.Result result) {
        this.manager = manager;
        this.net = net;
        this.params = params;
        this.result = result;
    }

    /** Trains on {@code data}'s workloads with at least {@code maxShots + 1} measurements. */
    public static ConfigSearchTraining train(ConfigDataset data, Target target, SupervisedTrainer.Config cfg,
                                             IntConsumer progress) {
        return train(data, target, cfg, ReferenceBlend.DEFAULT, progress);
    }

    /** Trains as above with FLASH's reference made as {@code blend} says. */
    public static ConfigSearchTraining train(ConfigDataset data, Target target, SupervisedTrainer.Config cfg,
                                             ReferenceBlend blend, IntConsumer progress) {
        Djl.init();
        int maxShots = 0;
        for (int k : cfg.shots()) {
            maxShots = Math.max(maxShots, k);
        }
        List<Workload> usable = data.usable(maxShots + 1);
        if (usable.size() < 3) {
            throw new IllegalArgumentException(data.file() + ": " + usable.size() + " workloads with at least "
                    + (maxShots + 1) + " measurements; training needs 3 or more");
        }
        List<Workload> fit = new ArrayList<>(usable);
        List<Workload> validation = new ArrayList<>();
        if (usable.size() >= 6) {
            int[] order = ShotSampler.permutation(usable.size(), new Random(cfg.seed()));
            validation.add(usable.get(order[0]));
            validation.add(usable.get(order[1]));
            fit.removeAll(validation);
        }
        // The attention's temperatures weighted by leave-one-workload-out on the training workloads;
        // while training, each workload's reference is fitted without it, as it will be for a new one.
        NeighbourReference attention = blend.fit(usable, target, cfg.shots(),
                NeighbourReference.selectionDraws(usable.size()), cfg.seed());
        Map<Workload, NeighbourReference> leaveOneOut = new HashMap<>();
        for (Workload w : usable) {
            List<Workload> rest = new ArrayList<>(usable);
            rest.remove(w);
            leaveOneOut.put(w, attention.refit(rest));
        }
        FewShotEncoding enc = FewShotEncoding.fit(FewShotEncoding.Mode.FLASH, target, maxShots, data, usable);
        NDManager manager = NDManager.newBaseManager(Djl.ENGINE);
        FlashAgentNetwork net = FlashAgentNetwork.create(enc.network(), manager, cfg.seed());
        EpisodeBuilder<Workload> builder = (w, d) -> enc.episode(FewShotEvaluation.pick(w, d.shots()),
                FewShotEvaluation.pick(w, d.queries()), leaveOneOut.get(w));
        SupervisedTrainer.Result r = SupervisedTrainer.train(net, cfg, fit, validation, builder, progress);
        // How much of the residual to trust, and the error left: on the early-stopping workloads.
        double scale = 1;
        double mse = r.bestValLoss();
        if (!validation.isEmpty()) {
            List<Episode> episodes = SupervisedTrainer.validationEpisodes(validation, cfg.withSeed(cfg.seed() + 977),
                    builder);
            List<float[]> outputs = new ArrayList<>();
            for (Episode e : episodes) {
                outputs.add(SupervisedTrainer.predict(net, e));
            }
            scale = SupervisedTrainer.outputShrinkage(episodes, outputs);
            double sum = 0;
            long rows = 0;
            for (int i = 0; i < episodes.size(); i++) {
                for (int q = 0; q < episodes.get(i).rows(); q++) {
                    double d = episodes.get(i).target()[q] - scale * outputs.get(i)[q];
                    sum += d * d;
                }
                rows += episodes.get(i).rows();
            }
            mse = sum / Math.max(1, rows);
        }
        Map<Target, RatioReference> refs = new LinkedHashMap<>();
        for (Target t : data.targets()) {
            refs.put(t, RatioReference.fit(usable, t));
        }
        // The network's output is a scaled residual: its validation MSE times the scale squared is
        // the log-space error the recommendation quotes as its floor.
        double rmse = Double.isNaN(mse) ? Double.NaN : Math.sqrt(mse) * enc.logTargetStd();
        ModelParams params = new ModelParams(data.format(), enc.withResidualScale(scale), refs, attention, ModelParams.configurationsOf(data),
                rmse);
        return new ConfigSearchTraining(manager, net, params, r);
    }

    public SupervisedTrainer.Result result() {
        return result;
    }

    public ModelParams params() {
        return params;
    }

    public FlashAgentNetwork network() {
        return net;
    }

    /** The model-contract metadata of this model; {@code provenance} is a JSON object. */
    public OnnxExport.Metadata metadata(JsonObject provenance) {
        FewShotEncoding enc = params.encoding();
        return new OnnxExport.Metadata(ModelContract.AGENT_CONFIG_SEARCH, enc.stateFeatures(), List.of(),
                enc.contextColumns(), "prediction = (log(" + enc.target().column + ") - reference_log_"
                + enc.target().label() + ") / log_target_std: the residual over the attention reference",
                Double.isNaN(result.bestValLoss()) ? 0 : result.bestValLoss(), 0, provenance.toString(),
                params.toJson().toString());
    }

    /** Writes the ONNX model to {@code file}. */
    public void write(Path file, JsonObject provenance) throws IOException {
        OnnxExport.write(net, metadata(provenance), file);
    }

    @Override
    public void close() {
        manager.close();
    }
}
