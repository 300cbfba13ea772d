package dev.flash.autoscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.core.Linear;
import dev.flash.autoscale.train.AutoscaleTrainer;
import dev.flash.meta.Djl;
import dev.flash.meta.FlashAgentNetwork;
import dev.flash.policy.ModelContract;
import dev.flash.meta.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Real exported autoscale models for tests: random weights, optionally one action made certain. */
public final class TestModels {
    private TestModels() {
    }

    /**
     * Writes an autoscale model with context length {@code c}; with {@code favoured >= 0} its
     * actor's last bias makes that action win whatever the input.
     */
    public static Path write(Path dir, int c, int favoured) throws IOException {
        return write(dir, c, favoured, MoveGuard.DEFAULT.id());
    }

    /**
     * As {@link #write(Path, int, int)}, the model's params naming {@code guard} as the guard it
     * was trained behind (null: no such key, as in every model made before there was a choice).
     */
    public static Path write(Path dir, int c, int favoured, String guard) throws IOException {
        Djl.init();
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoscaleTrainer.Settings s = AutoscaleTrainer.Settings.quick(3).withContextLength(c);
            FlashAgentNetwork net = FlashAgentNetwork.create(s.network(), manager, 3);
            if (favoured >= 0) {
                List<Linear> actor = net.actorLayers();
                NDArray bias = actor.get(actor.size() - 1).getParameters().get("bias").getArray();
                float[] b = new float[ScalingAction.values().length];
                b[favoured] = 50f;
                bias.set(b);
            }
            Path file = dir.resolve("autoscale-test-" + c + "-" + favoured + "-" + guard + ".onnx");
            OnnxExport.Metadata m = AutoscaleTrainer.metadata(s, 0.5, "{\"command\":\"test\"}");
            String own = ",\"" + MoveGuard.PARAM + "\":\"" + s.guard().id() + "\"";
            String params = m.paramsJson().replace(own, guard == null ? "" : ",\"" + MoveGuard.PARAM + "\":\"" + guard + "\"");
            m = new OnnxExport.Metadata(m.agent(), m.features(), m.actions(), m.contextColumns(), m.reward(),
                    m.expectedReward(), m.expectedRewardStd(), m.provenanceJson(), params, m.signals());
            Files.write(file, OnnxExport.toBytes(net, m, ModelContract.ENCODING_ROWS));
            return file;
        }
    }
}
