package dev.flash.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * HPA's own trade-off curve beside learned autoscale policies: misses against core-seconds, both
 * relative to HPA at its defaults on the same loads. From the TSV of {@code dev.flash.autoscale.
 * HpaFrontierExperiment} (one row per variant and set) and the JSON of {@code flash evaluate
 * autoscale --json} on the same services and load. Drawn: the lower envelope of every HPA variant
 * (targets 0.5-0.9, windows 1-10 min, tolerances 0-0.2), HPA with a 300 s window across targets,
 * HPA, HPA+VPA, the per-service hindsight pick, and one point per model. Run:
 * java -cp ... dev.flash.cli.FrontierPlot OUT.png TITLE FRONTIER.tsv SET [NAME=EVAL.json ...]
 */
public final class FrontierPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    record Point(String variant, double cores, double missed) {
    }

    public static void main(String[] args) throws Exception {
        PngPlot plot = new PngPlot(args[1], "core-seconds / HPA's", "% of requests missing the SLO");
        List<Point> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2])).subList(1, Files.readAllLines(Path.of(args[2])).size())) {
            String[] f = line.split("\t");
            if (f[0].equals(args[3])) {
                rows.add(new Point(f[1], Double.parseDouble(f[3]), Double.parseDouble(f[2])));
            }
        }
        double hpaMissed = rows.stream().filter(p -> p.variant().equals("hpa")).findFirst().orElseThrow().missed();
        List<Point> family = new ArrayList<>(rows.stream()
                .filter(p -> p.variant().startsWith("hpa t") || p.variant().equals("hpa")).toList());
        family.sort(Comparator.comparingDouble(Point::cores));
        List<Point> envelope = new ArrayList<>();
        for (Point p : family) {
            if (p.cores() >= 0.75 && p.cores() <= 2.0 && (envelope.isEmpty() || p.missed() < envelope.get(envelope.size() - 1).missed())) {
                envelope.add(p);
            }
        }
        plot.add(series("HPA variants, lower envelope", new Color(0xaaaaaa), envelope));
        List<Point> window300 = new ArrayList<>(family.stream().filter(p -> (p.variant().endsWith("w300")
                || p.variant().equals("hpa")) && p.cores() >= 0.75 && p.cores() <= 2.0).toList());
        plot.add(series("HPA, 300 s window, targets 0.5-0.85", new Color(0x666666), window300));
        for (Point p : rows) {
            if (p.variant().equals("hpa+vpa")) {
                point(plot, "HPA+VPA", Color.GRAY, p.cores(), p.missed());
            } else if (p.variant().startsWith("per-service all (")) {
                // on set A the pick is made there (hindsight); elsewhere "chosen on A" is A's pick carried over
                boolean carried = !args[3].equals("A") && p.variant().contains("chosen on A");
                point(plot, carried ? "per-service best variant on the synthetic load, carried over"
                        : "per-service best variant, hindsight on this load", carried ? new Color(0xbcbd22)
                        : new Color(0x555500), p.cores(), p.missed());
            }
        }
        double xMax = 1.4;
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            JsonObject e = JsonParser.parseString(Files.readString(Path.of(kv[1]))).getAsJsonObject();
            double x = e.get("core_seconds_vs_hpa").getAsDouble();
            double y = 100 * e.getAsJsonObject("totals").getAsJsonObject("flash").get("slo_violation_share").getAsDouble();
            xMax = Math.max(xMax, x);
            point(plot, kv[0], COLORS[(i - 4) % COLORS.length], x, y);
        }
        point(plot, "HPA", Color.BLACK, 1.0, hpaMissed);
        plot.add(new PngPlot.Reference("HPA's misses", Color.BLACK, hpaMissed));
        plot.add(new PngPlot.Series(" ", Color.WHITE, new double[] {0.75, xMax + 0.05}, new double[] {0, 0}, null, null));
        plot.write(Path.of(args[0]), 900, 600);
    }

    private static PngPlot.Series series(String name, Color c, List<Point> ps) {
        return new PngPlot.Series(name, c, ps.stream().mapToDouble(Point::cores).toArray(),
                ps.stream().mapToDouble(Point::missed).toArray(), null, null);
    }

    private static void point(PngPlot plot, String name, Color c, double x, double y) {
        plot.add(new PngPlot.Series(String.format(Locale.ROOT, "%s (%.2fx, %.2f%%)", name, x, y), c,
                new double[] {x}, new double[] {y}, null, null));
    }
}
