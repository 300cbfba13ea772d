package dev.flash.configsearch;

import java.net.URISyntaxException;
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

    private static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/configsearch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
