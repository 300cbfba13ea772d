package dev.flash.configsearch;

import dev.flash.policy.ModelContract;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The small measurement files of src/test/resources/configsearch (synthetic, in the two formats). */
final class Fixtures {
    private Fixtures() {
    }

    /** 6 workloads x 14 configurations in the multi-cloud schema, plus a failed run, a repeat and a failed row. */
    static Path multicloud() {
        return resource("multicloud-fixture.csv");
    }

    /** 4 serverless-like functions x 6 memory sizes in the long format, with one metric. */
    static Path longFormat() {
        return resource("long-fixture.csv");
    }

    /** {@code model} with its {@code flash.params} replaced by {@code params}, written to {@code out}. */
    static Path withParams(Path model, String params, Path out) throws IOException {
        ai.onnx.proto.OnnxMl.ModelProto.Builder b = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                Files.readAllBytes(model)).toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(ModelContract.META_PARAMS)) {
                b.setMetadataProps(i, b.getMetadataProps(i).toBuilder().setValue(params));
            }
        }
        Files.write(out, b.build().toByteArray());
        return out;
    }

    private static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/configsearch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
