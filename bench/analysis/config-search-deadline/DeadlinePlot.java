import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.cli.PngPlot;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cost under the median-runtime deadline from chosen shots against k per searcher (the regret of
 * what is run over the cheapest configuration truly on time), from one `flash evaluate
 * config-search --json` output, drawn with the project's PngPlot (the 5% goal as a dashed line).
 * The random shots' row (250-550%) is left out so that the others can be read.
 *
 * usage: java -cp target/flash.jar bench/analysis/config-search-deadline/DeadlinePlot.java TITLE EVAL.json OUT.png
 */
public class DeadlinePlot {
    public static void main(String[] args) throws Exception {
        JsonObject o = JsonParser.parseString(Files.readString(Path.of(args[1]))).getAsJsonObject();
        Map<String, Color> searchers = new LinkedHashMap<>();
        searchers.put("flash-consensus", new Color(0x94, 0x67, 0xbd));
        searchers.put("flash-consensus-rt", new Color(0xd6, 0x27, 0x28));
        searchers.put("flash-saving", new Color(0xff, 0x7f, 0x0e));
        searchers.put("reference", new Color(0x7f, 0x7f, 0x7f));
        searchers.put("portfolio", new Color(0x2c, 0xa0, 0x2c));
        PngPlot p = new PngPlot(args[0], "measurements chosen (k)", "cost of the pick over the cheapest on time, - 1");
        double[] x = {1, 2, 3};
        for (Map.Entry<String, Color> e : searchers.entrySet()) {
            double[] y = new double[3];
            for (int k = 1; k <= 3; k++) {
                y[k - 1] = o.get(e.getKey() + ".cost_regret_chosen." + k).getAsDouble();
            }
            p.add(new PngPlot.Series(e.getKey(), e.getValue(), x, y, null, null));
        }
        p.add(new PngPlot.Reference("goal 5%", Color.BLACK, 0.05));
        p.write(Path.of(args[2]), 800, 500);
    }
}
