package dev.flash.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Misses against core-seconds of autoscale models and their references, from the JSON of
 * {@code flash evaluate autoscale --json}: one point per model (x = core-seconds over HPA's,
 * y = % of requests missing the SLO), HPA at (1, its misses) and HPA+VPA beside them. Run:
 * java -cp ... dev.flash.cli.TradeoffPlot OUT.png TITLE NAME=EVAL.json [NAME=EVAL.json ...]
 */
public final class TradeoffPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    public static void main(String[] args) throws Exception {
        PngPlot plot = new PngPlot(args[1], "core-seconds / HPA's", "% of requests missing the SLO");
        JsonObject first = null;
        double xMax = 1.0;
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            JsonObject e = JsonParser.parseString(Files.readString(Path.of(kv[1]))).getAsJsonObject();
            first = first == null ? e : first;
            JsonObject flash = e.getAsJsonObject("totals").getAsJsonObject("flash");
            xMax = Math.max(xMax, e.get("core_seconds_vs_hpa").getAsDouble());
            point(plot, kv[0], COLORS[(i - 2) % COLORS.length], e.get("core_seconds_vs_hpa").getAsDouble(),
                    100 * flash.get("slo_violation_share").getAsDouble());
        }
        JsonObject t = first.getAsJsonObject("totals");
        double hpaCores = t.getAsJsonObject("hpa").get("core_seconds").getAsDouble();
        point(plot, "HPA", Color.BLACK, 1.0, 100 * t.getAsJsonObject("hpa").get("slo_violation_share").getAsDouble());
        point(plot, "HPA+VPA", Color.GRAY, t.getAsJsonObject("hpa+vpa").get("core_seconds").getAsDouble() / hpaCores,
                100 * t.getAsJsonObject("hpa+vpa").get("slo_violation_share").getAsDouble());
        plot.add(new PngPlot.Reference("HPA's misses", Color.BLACK,
                100 * t.getAsJsonObject("hpa").get("slo_violation_share").getAsDouble()));
        // white corners so that no point sits on the frame (the chart fits its axes to the data)
        plot.add(new PngPlot.Series(" ", Color.WHITE, new double[] {0.8, xMax + 0.1}, new double[] {0, 0}, null, null));
        plot.write(Path.of(args[0]), 800, 520);
    }

    private static void point(PngPlot plot, String name, Color c, double x, double y) {
        plot.add(new PngPlot.Series(String.format(java.util.Locale.ROOT, "%s (%.2fx, %.2f%%)", name, x, y), c,
                new double[] {x}, new double[] {y}, null, null));
    }
}
