package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.ContextLayout;
import dev.flash.policy.ModelContract;
import dev.flash.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flash.context_windows} on load: absent is the flat layout; a bad value rejects the model, naming the key. */
class ContextWindowsContractTest {

    @TempDir
    Path dir;

    private String rejectReason(byte[] bytes) throws Exception {
        Path file = TestModels.write(dir, "m.onnx", bytes);
        ModelRejectedException e = assertThrows(ModelRejectedException.class, () -> OnnxModel.load(file));
        return e.reason();
    }

    private static void assertMentions(String reason, String... parts) {
        for (String p : parts) {
            assertTrue(reason.contains(p), "reason '" + reason + "' should mention '" + p + "'");
        }
    }

    @Test
    void absentKeyIsTheFlatLayoutAndAStatedOneIsRead() throws Exception {
        try (OnnxModel m = OnnxModel.load(TestModels.write(dir, "flat.onnx", TestModels.validDvfs()))) {
            assertEquals(ContextLayout.flat(TestModels.CONTEXT_LENGTH), m.description().contextLayout());
        }
        byte[] windows = TestModels.spec().metadata(ModelContract.META_CONTEXT_WINDOWS, "1,1,2,4,8,16,32,64").bytes();
        try (OnnxModel m = OnnxModel.load(TestModels.write(dir, "windows.onnx", windows))) {
            assertEquals("1,1,2,4,8,16,32,64", m.description().contextLayout().key());
            assertEquals(128, m.description().contextLayout().horizon());
        }
    }

    @Test
    void badValuesAreRejectedNamingTheKey() throws Exception {
        String key = ModelContract.META_CONTEXT_WINDOWS;
        assertMentions(rejectReason(TestModels.spec().metadata(key, "1,two,4").bytes()), key, "'two'");
        assertMentions(rejectReason(TestModels.spec().metadata(key, "").bytes()), key);
        assertMentions(rejectReason(TestModels.spec().metadata(key, "1,0,1,1,1,1,1,1").bytes()), key);
        assertMentions(rejectReason(TestModels.spec().metadata(key, "1,2,4").bytes()), key, "3 windows",
                ModelContract.META_CONTEXT_LENGTH + " is " + TestModels.CONTEXT_LENGTH);
    }
}
