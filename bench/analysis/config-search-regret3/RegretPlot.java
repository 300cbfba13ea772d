import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.flash.cli.PngPlot;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chosen-shot regret against k per searcher, from one `flash evaluate config-search --json`
 * output, drawn with the project's PngPlot (the 5% goal as a dashed line).
 *
 * usage: java -cp target/flash.jar bench/analysis/config-search-regret3/RegretPlot.java TITLE EVAL.json OUT.png
 */
public class RegretPlot {
    public static void main(String[] args) throws Exception {
        JsonObject o = JsonParser.parseString(Files.readString(Path.of(args[1]))).getAsJsonObject();
        Map<String, Color> searchers = new LinkedHashMap<>();
        searchers.put("flash", new Color(0xd6, 0x27, 0x28));
        searchers.put("flash-consensus", new Color(0x94, 0x67, 0xbd));
        searchers.put("flash-optimistic", new Color(0xff, 0x7f, 0x0e));
        searchers.put("reference", new Color(0x7f, 0x7f, 0x7f));
        searchers.put("portfolio", new Color(0x2c, 0xa0, 0x2c));
        PngPlot p = new PngPlot(args[0], "measurements chosen (k)", "regret of the recommendation");
        double[] x = {1, 2, 3};
        for (Map.Entry<String, Color> e : searchers.entrySet()) {
            double[] y = new double[3];
            for (int k = 1; k <= 3; k++) {
                y[k - 1] = o.get(e.getKey() + ".regret_chosen." + k).getAsDouble();
            }
            p.add(new PngPlot.Series(e.getKey(), e.getValue(), x, y, null, null));
        }
        p.add(new PngPlot.Reference("goal 5%", Color.BLACK, 0.05));
        p.write(Path.of(args[2]), 800, 500);
    }
}
