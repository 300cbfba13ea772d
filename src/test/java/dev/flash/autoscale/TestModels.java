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
            Path file = dir.resolve("autoscale-test-" + c + "-" + favoured + ".onnx");
            Files.write(file, OnnxExport.toBytes(net, AutoscaleTrainer.metadata(s, 0.5, "{\"command\":\"test\"}"),
                    ModelContract.ENCODING_ROWS));
            return file;
        }
    }
}
