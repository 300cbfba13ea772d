package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.flash.meta.Djl;
import dev.flash.meta.OnnxExport;
import dev.flash.meta.SupervisedTrainer;
import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained config-search model, exported in both context encodings, predicts in ONNX Runtime
 * (as `recommend` runs it) what the DJL network predicts; its metadata says what it is.
 */
class ConfigSearchExportParityTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void djl() {
        Djl.init();
    }

    @Test
    void onnxRuntimePredictsWhatDjlPredicts() throws Exception {
        ConfigDataset data = ConfigDataReader.read(Fixtures.multicloud(), ConfigDataReader.Format.MULTICLOUD, false);
        SupervisedTrainer.Config cfg = new SupervisedTrainer.Config(40, 4, new int[] {1, 2, 3}, 8, 1e-3, 10, 3, 1, 3);
        try (ConfigSearchTraining training = ConfigSearchTraining.train(data, Target.RUNTIME, cfg, s -> { })) {
            Workload w = data.workloads().get(4);
            List<Measurement> shots = w.measurements().subList(0, 2);
            List<Measurement> queries = w.measurements().subList(2, w.size());
            ModelParams params = training.params();
            LogPredictor ref = params.flashReference();
            assertTrue(params.attention() != null, "the model carries FLASH's attention over the training workloads");
            FewShotEncoding enc = params.encoding();
            double[] djl = enc.decode(SupervisedTrainer.predict(training.network(),
                    enc.episode(shots, queries, ref)), shots, queries, ref);
            JsonObject provenance = new JsonObject();
            provenance.addProperty("command", "test");
            for (String encoding : ModelContract.ENCODINGS) {
                Path file = dir.resolve(encoding + ".onnx");
                Files.write(file, OnnxExport.toBytes(training.network(), training.metadata(provenance), encoding));
                try (OnnxModel model = OnnxModel.load(file)) {
                    assertEquals(ModelContract.AGENT_CONFIG_SEARCH, model.description().agent());
                    assertEquals(ModelContract.KIND_REGRESSION, model.description().kind());
                    assertEquals(3, model.description().contextLength());
                    ModelParams back = ModelParams.fromJson(model.description().paramsJson());
                    assertEquals(params.keys(), back.keys());
                    for (Measurement q : queries) {
                        assertEquals(ref.predictLog(shots, q.configKey()),
                                back.flashReference().predictLog(shots, q.configKey()), 1e-9, "attention round trip");
                    }
                    double[] onnx = Recommender.predict(model, back.encoding(), shots, queries,
                            back.flashReference());
                    for (int i = 0; i < djl.length; i++) {
                        assertEquals(djl[i], onnx[i], 1e-4, encoding + " query " + i);
                    }
                }
            }
            // the shipped default encoding of a SET encoder is row codes
            OnnxExport.write(training.network(), training.metadata(provenance), dir.resolve("default.onnx"));
            try (OnnxModel model = OnnxModel.load(dir.resolve("default.onnx"))) {
                assertTrue(model.description().rowCodes());
            }
        }
    }
}
