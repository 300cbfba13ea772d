package dev.flash.configsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelParams.EarlyRead}: flash.params read on a second thread while the model's check goes
 * on give the params of the main thread's reading, a text the reader declines goes to the tree as
 * before, and a model the check rejects is rejected with the same message.
 */
class ModelParamsEarlyReadTest {

    @TempDir
    Path dir;

    private static String paramsJson(ModelParams p) {
        return p.toJson().toString();
    }

    @Test
    void theShippedModelsGiveTheSameParamsReadOnTheSecondThread() throws Exception {
        for (String name : new String[] {"configsearch-multicloud.onnx", "configsearch-multicloud-cost.onnx"}) {
            Path file = Path.of("models", name);
            String plain;
            try (OnnxModel m = OnnxModel.loadBuiltin(file)) {
                plain = paramsJson(ModelParams.of(m.description()));
            }
            ModelParams.EarlyRead early = new ModelParams.EarlyRead();
            try (OnnxModel m = OnnxModel.loadBuiltin(file, early)) {
                assertTrue(early.took(m.description().params()), name);
                assertNotNull(early.result(), name);
                assertEquals(plain, paramsJson(ModelParams.of(m.description(), early)), name);
            }
        }
    }

    @Test
    void aTextTheReaderDeclinesIsTheTreesAndAnotherTextIsNotTaken() throws Exception {
        String text = ParamsReaderTest.paramsOf("configsearch-multicloud.onnx");
        // a string where log_rmse's number goes: the tree reads it (Gson converts), the text reader does not
        JsonObject o = JsonParser.parseString(text).getAsJsonObject();
        o.addProperty("log_rmse", o.get("log_rmse").getAsString());
        String declined = o.toString();
        assertTrue(ParamsReader.read(declined) == null, "the reader declines it");
        ModelParams.EarlyRead early = new ModelParams.EarlyRead();
        early.accept(declined);
        early.accept(text); // a second text is ignored
        assertTrue(early.took(declined));
        assertTrue(early.result() == null, "declined");
        assertFalse(early.took(text));
        assertFalse(new ModelParams.EarlyRead().took(text)); // never started
        ModelParams.EarlyRead off = new ModelParams.EarlyRead(false);
        off.accept(text);
        assertFalse(off.took(text)); // switched off: the caller reads
        // through a model: the tree's params, as without the early reading
        Path file = withParams(declined);
        ModelParams.EarlyRead viaModel = new ModelParams.EarlyRead();
        try (OnnxModel m = OnnxModel.loadBuiltin(file, viaModel); OnnxModel plain = OnnxModel.loadBuiltin(file)) {
            assertEquals(paramsJson(ModelParams.of(plain.description())),
                    paramsJson(ModelParams.of(m.description(), viaModel)));
        }
    }

    @Test
    void aRejectedModelIsRejectedAlike() throws Exception {
        String text = ParamsReaderTest.paramsOf("configsearch-multicloud.onnx");
        for (String bad : new String[] {text.substring(0, text.length() - 1), "[1, 2]", "",
            text.replace("\"context_length\":", "\"context_length\":1")}) {
            Path file = withParams(bad);
            String plain = assertThrows(Exception.class, () -> open(file, null)).getMessage();
            ModelParams.EarlyRead early = new ModelParams.EarlyRead();
            Exception e = assertThrows(Exception.class, () -> open(file, early));
            assertEquals(plain, e.getMessage());
        }
    }

    /** Loads and reads the params, as the command does; throws what either throws. */
    private static ModelParams open(Path file, ModelParams.EarlyRead early) throws Exception {
        try (OnnxModel m = OnnxModel.loadBuiltin(file, early)) {
            return early == null ? ModelParams.of(m.description()) : ModelParams.of(m.description(), early);
        }
    }

    private Path withParams(String params) throws Exception {
        return Fixtures.withParams(Path.of("models", "configsearch-multicloud.onnx"), params,
                dir.resolve("params.onnx"));
    }

    @Test
    void rejectionIsAModelRejectedException() throws Exception {
        Path file = withParams("[1, 2]");
        assertThrows(ModelRejectedException.class, () -> OnnxModel.loadBuiltin(file, new ModelParams.EarlyRead()));
    }
}
