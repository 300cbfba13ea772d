import dev.flash.cli.PngPlot;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;

/** docs/img/dvfs-oracle-shares.png from the summary lines written by summarize.py (plot.tsv). */
public class OraclePlot {
    public static void main(String[] a) throws Exception {
        var lines = Files.readAllLines(Path.of(a[0]));
        int n = lines.size();
        double[] x = new double[n], phase = new double[n], oracle = new double[n], optimal = new double[n], orOfOpt = new double[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i).split("\t");
            x[i] = i + 1;
            phase[i] = Double.parseDouble(f[1]);
            oracle[i] = Double.parseDouble(f[2]);
            optimal[i] = Double.parseDouble(f[3]);
            orOfOpt[i] = Double.parseDouble(f[4]);
        }
        new PngPlot("flash+guard's in-budget share against each reference (default node; x: 1 default, 2-5 foreign-1..4)",
                "application set", "in-budget share of the reference's saving (%)")
                .add(new PngPlot.Series("vs oracle-phase (before 2026-12-07)", Color.GRAY, x, phase, null, null))
                .add(new PngPlot.Series("vs oracle (look-ahead, adopted)", new Color(0x1f77b4), x, oracle, null, null))
                .add(new PngPlot.Series("vs oracle-optimal (upper reference)", new Color(0xd62728), x, optimal, null, null))
                .add(new PngPlot.Series("oracle itself vs oracle-optimal", new Color(0x2ca02c), x, orOfOpt, null, null))
                .add(new PngPlot.Reference("goal 75%", Color.BLACK, 75))
                .write(Path.of(a[1]), 900, 520);
    }
}
