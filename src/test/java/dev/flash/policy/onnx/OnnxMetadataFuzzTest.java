package dev.flash.policy.onnx;

import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import dev.flash.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the model contract's metadata: a model whose flash.* keys hold anything (or are
 * missing) loads or is rejected with a {@link ModelRejectedException}, nothing else; and the
 * file itself as bytes (a few bytes overwritten or inserted anywhere in the protobuf), which
 * ONNX Runtime parses natively: rejected, or loaded, never a crash.
 */
@AddLifecycleHook(FuzzReport.class)
class OnnxMetadataFuzzTest {
    private static final Path DIR = FuzzDirs.fresh("onnx");
    private static final Map<String, String> VALID = TestModels.dvfsMetadata();

    /** A key of the contract and what it now holds (null: removed). */
    record Edit(String key, String value) {
    }

    /** One key, chosen evenly, and a value for it: mostly its valid value broken, else removed (no flatMap). */
    @Provide
    Arbitrary<Edit> edits() {
        List<Arbitrary<Edit>> perKey = new ArrayList<>();
        for (String k : new TreeSet<>(VALID.keySet())) {
            perKey.add(Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(9, Mutations.of(VALID.get(k))),
                    net.jqwik.api.Tuple.of(1, Arbitraries.just((String) null))).map(v -> new Edit(k, v)));
        }
        return Arbitraries.oneOf(perKey);
    }

    @Provide
    Arbitrary<byte[]> modelFiles() {
        return Mutations.bytes(TestModels.spec().bytes());
    }

    @Property
    void modelFileBytesLoadOrAreRejected(@ForAll("modelFiles") byte[] bytes) throws Exception {
        Path file = DIR.resolve("bytes.onnx");
        java.nio.file.Files.write(file, bytes);
        try (OnnxModel model = OnnxModel.load(file)) {
            model.description();
            FuzzReport.ok();
        } catch (ModelRejectedException expected) {
            FuzzReport.named(expected);
        }
    }

    @Property
    void modelLoadsOrIsRejected(@ForAll("edits") Edit first, @ForAll("edits") Edit second) throws Exception {
        TestModels.Spec spec = TestModels.spec();
        for (Edit e : new Edit[] {first, second}) {
            if (e.value() == null) {
                spec.without(e.key());
            } else {
                spec.metadata(e.key(), e.value());
            }
        }
        Path file = spec.write(DIR, "fuzz.onnx");
        try (OnnxModel model = OnnxModel.load(file)) {
            model.description();
            FuzzReport.ok();
        } catch (ModelRejectedException expected) {
            FuzzReport.named(expected);
            // named: the file and why
        }
    }
}
