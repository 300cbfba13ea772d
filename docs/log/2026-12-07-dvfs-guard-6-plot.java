import dev.flash.cli.PngPlot;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * docs/img/dvfs-guard-6-tradeoff.png: per guard variant of dvfsguard6, applications over budget
 * summed over the 14 set x node rows GuardDiagnosis ran (default, foreign-1..5 on the default
 * node; default, foreign-3..5 with one thread per CPU; foreign-4/-5 without PMU+RAPL and on the
 * boost node) against the mean of their in-budget shares of the oracle's saving.
 * Input: lines "variant TAB apps-over TAB mean-share". Run:
 * java -cp target/flash.jar docs/log/2026-12-07-dvfs-guard-6-plot.java plot.tsv docs/img/dvfs-guard-6-tradeoff.png
 */
public class GuardTradeoffPlot {
    public static void main(String[] a) throws Exception {
        List<String[]> rows = Files.readAllLines(Path.of(a[0])).stream().map(l -> l.split("\t")).toList();
        PngPlot plot = new PngPlot("Guard variants: applications over budget vs share (14 rows; main and the committed rule marked)",
                "applications over the 5% budget, 14 rows (720 runs)", "mean in-budget share of the oracle's saving (%)");
        Color[] colors = {Color.BLACK, new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
        int i = 0;
        for (String[] r : rows) {
            double x = Double.parseDouble(r[1]);
            double y = Double.parseDouble(r[2]);
            // One short horizontal mark per variant (PngPlot draws series as lines).
            plot.add(new PngPlot.Series(r[0], colors[i++ % colors.length], new double[] {x - 0.25, x + 0.25},
                    new double[] {y, y}, null, null));
        }
        plot.write(Path.of(a[1]), 900, 520);
    }
}
