package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.ModelContract;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Fuzzes the configuration-search readers: a measurements file in either format (what
 * {@code train}, {@code evaluate} and {@code reproduce config-search} read) gives a data set or a
 * {@link DataFormatException} naming the file; a new workload's samples (what {@code recommend}
 * reads, with the shipped multi-cloud model behind) give a recommendation, a
 * {@link DataFormatException} or the {@link IllegalArgumentException} the command reports as bad
 * input (exit 2), nothing else. A config-search model whose {@code flash.params} (its
 * configurations, encoding and references, JSON) is broken is rejected at load, or its params
 * are refused as not a config-search model's, or it recommends: never another exception.
 */
@AddLifecycleHook(FuzzReport.class)
class ConfigSearchFuzzTest {
    private static final Path DIR = FuzzDirs.fresh("configsearch");
    private static final Path MODEL_FILE = Path.of("models/configsearch-multicloud.onnx");
    private static OnnxModel model;

    @Provide
    Arbitrary<String> multicloudFiles() throws IOException {
        return Mutations.of(Files.readString(Fixtures.multicloud()));
    }

    @Provide
    Arbitrary<String> longFiles() throws IOException {
        return Mutations.of(Files.readString(Fixtures.longFormat()));
    }

    /** Three measured configurations of one workload, as a user hands them to recommend. */
    @Provide
    Arbitrary<String> samples() throws IOException {
        return Mutations.of(validSamples());
    }

    private static String validSamples() throws IOException {
        List<String> lines = Files.readAllLines(Fixtures.multicloud());
        String workload = lines.get(1).split(",")[10];
        String rows = lines.stream().skip(1).filter(l -> l.contains("," + workload + ",") && l.endsWith(",ok"))
                .limit(3).collect(Collectors.joining("\n"));
        return lines.get(0) + "\n" + rows + "\n";
    }

    private static java.util.Map<String, String> metadata(byte[] model) throws IOException {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (ai.onnx.proto.OnnxMl.StringStringEntryProto e
                : ai.onnx.proto.OnnxMl.ModelProto.parseFrom(model).getMetadataPropsList()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** The shipped model's {@code flash.params}, broken. */
    @Provide
    Arbitrary<String> modelParams() throws IOException {
        return Mutations.of(metadata(Files.readAllBytes(MODEL_FILE)).get(ModelContract.META_PARAMS));
    }

    @Property
    void modelParamsLoadRecommendOrAreRefused(@ForAll("modelParams") String params) throws Exception {
        Path file = withParams(params);
        Path samples = DIR.resolve("valid-samples.csv");
        Mutations.write(samples, validSamples());
        try (OnnxModel m = OnnxModel.load(file)) {
            ModelParams p = ModelParams.of(m.description());
            ConfigDataset s = ConfigDataReader.readSamples(samples, ConfigDataReader.Format.parse(p.format()));
            if (!s.configColumns().equals(p.encoding().configColumns())) {
                FuzzReport.count("columns differ");
                return;
            }
            Recommender.recommend(m, p, s.workloads().get(0).measurements(), p.encoding().target(), Double.NaN);
            FuzzReport.ok();
        } catch (ModelRejectedException | IllegalArgumentException | DataFormatException e) {
            FuzzReport.named(e);
        }
    }

    /**
     * What the params property found: {@code config_mean} one value short of the configuration
     * columns (two numbers run together) loaded, and the first recommendation threw
     * ArrayIndexOutOfBoundsException ("Index 10 out of bounds for length 10", a stack trace from
     * {@code flash config-search recommend}). Now the params are refused, and the command says the
     * model is rejected (exit 7); so is an encoding that does not match the network.
     */
    @Example
    void paramsThatDisagreeWithThemselvesOrTheNetworkAreRefused() throws Exception {
        com.google.gson.JsonObject valid = com.google.gson.JsonParser.parseString(
                metadata(Files.readAllBytes(MODEL_FILE)).get(ModelContract.META_PARAMS)).getAsJsonObject();
        com.google.gson.JsonObject shortMean = valid.deepCopy();
        shortMean.getAsJsonObject("encoding").getAsJsonArray("config_mean").remove(0);
        com.google.gson.JsonObject otherContext = valid.deepCopy();
        otherContext.getAsJsonObject("encoding").addProperty("context_length", 2);
        for (com.google.gson.JsonObject params : List.of(shortMean, otherContext)) {
            Path file = withParams(params.toString());
            try (OnnxModel m = OnnxModel.load(file)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ModelParams.of(m.description()));
                assertTrue(e.getMessage().contains(params == shortMean ? "config_mean" : "does not match the network"),
                        e.getMessage());
            }
            Path samples = DIR.resolve("example-samples.csv");
            Mutations.write(samples, validSamples());
            int code = dev.flash.cli.FlashMain.commandLine().execute("config-search", "recommend", "--model",
                    file.toString(), "--samples", samples.toString());
            assertEquals(dev.flash.cli.ExitCodes.INVALID_MODEL, code);
        }
    }

    /** The shipped model with {@code flash.params} replaced. */
    private static Path withParams(String params) throws IOException {
        return Fixtures.withParams(MODEL_FILE, params, DIR.resolve("params.onnx"));
    }

    @Property
    void multicloudGivesADatasetOrADataFormatException(@ForAll("multicloudFiles") String text) throws IOException {
        readOrNamedFailure(text, ConfigDataReader.Format.MULTICLOUD);
    }

    @Property
    void longFormatGivesADatasetOrADataFormatException(@ForAll("longFiles") String text) throws IOException {
        readOrNamedFailure(text, ConfigDataReader.Format.LONG);
    }

    @Property
    void samplesGiveARecommendationOrBadInput(@ForAll("samples") String text) throws Exception {
        Path file = DIR.resolve("samples.csv");
        Mutations.write(file, text);
        try {
            OnnxModel m = model();
            ModelParams params = ModelParams.of(m.description());
            ConfigDataset s = ConfigDataReader.readSamples(file, ConfigDataReader.Format.parse(params.format()));
            if (!s.configColumns().equals(params.encoding().configColumns())) {
                FuzzReport.count("columns differ");
                return;
            }
            Recommender.Recommendation r = Recommender.recommend(m, params, s.workloads().get(0).measurements(),
                    params.encoding().target(), Double.NaN);
            assertTrue(!r.ranked().isEmpty(), "a recommendation ranks at least the measured configuration");
            for (Recommender.Candidate c : r.ranked()) {
                assertTrue(c.value() >= 0 && !Double.isInfinite(c.value()) || Double.isNaN(c.value()),
                        c.key() + " " + c.value());
            }
            FuzzReport.ok();
        } catch (DataFormatException e) {
            assertNamesTheFile(e, file);
            FuzzReport.named(e);
        } catch (IllegalArgumentException e) {
            FuzzReport.named(e);
        }
    }

    @AfterContainer
    static void closeModel() {
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private static synchronized OnnxModel model() throws Exception {
        if (model == null) {
            model = OnnxModel.load(MODEL_FILE);
        }
        return model;
    }

    private static void readOrNamedFailure(String text, ConfigDataReader.Format format) throws IOException {
        Path file = DIR.resolve(format.label() + ".csv");
        Mutations.write(file, text);
        try {
            ConfigDataset d = ConfigDataReader.read(file, format, false);
            for (Workload w : d.workloads()) {
                for (Measurement m : w.measurements()) {
                    for (Target t : d.targets()) {
                        double v = m.target(t);
                        assertTrue(v > 0 && Double.isFinite(v), w.name() + " " + t.label() + " " + v);
                    }
                }
            }
            FuzzReport.ok();
        } catch (DataFormatException e) {
            assertNamesTheFile(e, file);
            FuzzReport.named(e);
        }
    }

    private static void assertNamesTheFile(DataFormatException e, Path file) {
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
    }
}
