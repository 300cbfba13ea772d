package dev.flash.cli;

import dev.flash.autoscale.Recommender;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;

/** Test access to the recommend stream's loop. */
public final class AutoscaleCommandAccess {
    private AutoscaleCommandAccess() {
    }

    public static int serve(Recommender r, String input, ByteArrayOutputStream out, ByteArrayOutputStream err,
                            boolean explain) throws IOException {
        return AutoscaleCommand.serve(r, new BufferedReader(new StringReader(input)), new PrintStream(out, true),
                new PrintStream(err, true), explain);
    }

    public static String json(Recommender.Recommendation r) {
        return AutoscaleCommand.json(r).toString();
    }
}
