package dev.flash.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A small line chart written as PNG with Java2D and ImageIO (headless; no extra dependency):
 * series of (x, mean) with an optional shaded band (e.g. min..max or mean +- std), horizontal
 * reference lines, axis ticks, a title and a legend. Enough for adaptation curves.
 */
public final class PngPlot {

    /** One curve; {@code lo}/{@code hi} may be null (no band). */
    public record Series(String name, Color color, double[] x, double[] mean, double[] lo, double[] hi) {
        public Series {
            if (x.length != mean.length || (lo != null && lo.length != x.length) || (hi != null && hi.length != x.length)) {
                throw new IllegalArgumentException("series " + name + ": x, mean, lo, hi must have the same length");
            }
        }
    }

    /** A dashed horizontal line at {@code y}. */
    public record Reference(String name, Color color, double y) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    public PngPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public PngPlot add(Series s) {
        series.add(s);
        return this;
    }

    public PngPlot add(Reference r) {
        references.add(r);
        return this;
    }

    /** Draws and writes the chart; writes to a temporary sibling and renames, so no half file is left. */
    public void write(Path file, int width, int height) throws IOException {
        BufferedImage img = render(width, height);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
        if (!ImageIO.write(img, "png", tmp.toFile())) {
            throw new IOException("no PNG writer available");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public BufferedImage render(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("plot too small: " + width + "x" + height);
        }
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int left = 70;
            int right = 20;
            int top = 40;
            int bottom = 50;
            int pw = width - left - right;
            int ph = height - top - bottom;
            double[] xr = range(true);
            double[] yr = range(false);
            Axis ax = new Axis(xr[0], xr[1], left, pw, false);
            Axis ay = new Axis(yr[0], yr[1], top, ph, true);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(new Color(235, 235, 235));
            for (double t : ticks(yr[0], yr[1])) {
                g.drawLine(left, ay.px(t), left + pw, ay.px(t));
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(left, top, pw, ph);
            for (double t : ticks(yr[0], yr[1])) {
                String s = fmt(t);
                g.drawString(s, left - 6 - g.getFontMetrics().stringWidth(s), ay.px(t) + 4);
            }
            for (double t : ticks(xr[0], xr[1])) {
                String s = fmt(t);
                g.drawLine(ax.px(t), top + ph, ax.px(t), top + ph + 4);
                g.drawString(s, ax.px(t) - g.getFontMetrics().stringWidth(s) / 2, top + ph + 17);
            }
            g.drawString(xLabel, left + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, height - 12);
            Graphics2D gy = (Graphics2D) g.create();
            gy.rotate(-Math.PI / 2);
            gy.drawString(yLabel, -(top + ph / 2 + gy.getFontMetrics().stringWidth(yLabel) / 2), 16);
            gy.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, left, 24);

            g.setClip(left, top, pw + 1, ph + 1);
            for (Series s : series) {
                if (s.lo() != null && s.hi() != null && s.x().length > 1) {
                    Polygon band = new Polygon();
                    for (int i = 0; i < s.x().length; i++) {
                        band.addPoint(ax.px(s.x()[i]), ay.px(s.hi()[i]));
                    }
                    for (int i = s.x().length - 1; i >= 0; i--) {
                        band.addPoint(ax.px(s.x()[i]), ay.px(s.lo()[i]));
                    }
                    Color c = s.color();
                    g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
                    g.fillPolygon(band);
                }
            }
            for (Reference r : references) {
                g.setColor(r.color());
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
                g.drawLine(left, ay.px(r.y()), left + pw, ay.px(r.y()));
            }
            g.setStroke(new BasicStroke(2f));
            for (Series s : series) {
                g.setColor(s.color());
                for (int i = 1; i < s.x().length; i++) {
                    g.drawLine(ax.px(s.x()[i - 1]), ay.px(s.mean()[i - 1]), ax.px(s.x()[i]), ay.px(s.mean()[i]));
                }
                if (s.x().length == 1) {
                    g.fillOval(ax.px(s.x()[0]) - 3, ay.px(s.mean()[0]) - 3, 6, 6);
                }
            }
            g.setClip(null);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int ly = top + 14;
            int widest = 0;
            for (Series s : series) {
                widest = Math.max(widest, g.getFontMetrics().stringWidth(s.name()));
            }
            for (Reference r : references) {
                widest = Math.max(widest, g.getFontMetrics().stringWidth(r.name()));
            }
            int lx = left + pw - widest - 40;
            for (Series s : series) {
                legend(g, lx, ly, s.color(), s.name(), false);
                ly += 15;
            }
            for (Reference r : references) {
                legend(g, lx, ly, r.color(), r.name(), true);
                ly += 15;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String name, boolean dashed) {
        g.setColor(c);
        g.setStroke(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 3f}, 0f) : new BasicStroke(2f));
        g.drawLine(x, y - 4, x + 22, y - 4);
        g.setColor(Color.DARK_GRAY);
        g.drawString(name, x + 28, y);
    }

    private double[] range(boolean xAxis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            List<double[]> arrays = xAxis ? List.of(s.x()) : new ArrayList<>(List.of(s.mean()));
            if (!xAxis && s.lo() != null) {
                arrays.add(s.lo());
            }
            if (!xAxis && s.hi() != null) {
                arrays.add(s.hi());
            }
            for (double[] a : arrays) {
                for (double v : a) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (!xAxis) {
            for (Reference r : references) {
                if (Double.isFinite(r.y())) {
                    lo = Math.min(lo, r.y());
                    hi = Math.max(hi, r.y());
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return new double[] {0, 1};
        }
        if (hi - lo < 1e-12) {
            hi = lo + 1;
        }
        if (!xAxis) {
            double pad = 0.05 * (hi - lo);
            lo -= pad;
            hi += pad;
        }
        return new double[] {lo, hi};
    }

    /** About five round tick values inside [lo, hi]. */
    static List<Double> ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
            out.add(Math.abs(t) < 1e-12 * step ? 0 : t);
        }
        return out;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private record Axis(double lo, double hi, int origin, int length, boolean flip) {
        int px(double v) {
            double f = (v - lo) / (hi - lo);
            return (int) Math.round(flip ? origin + length - f * length : origin + f * length);
        }
    }
}
