import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.flash.cli.PngPlot;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/img/dvfs-idle-clock.png: the clock the guarded shipped model set on cpufreq policy 0 over
 * the 64 simulated minutes of two hosts of bench/apps/idle-hosts.json, main's guard against
 * dvfsidle's: idle-zero-03 (0.1% of a CPU all along) and idle-cron-01 (0.2% of a CPU, a 0.6 s
 * spike at 1.5 CPUs every 20 minutes). Inputs: `flash evaluate dvfs --model models/dvfs-flash.onnx
 * --seed 7 --json --episodes 120 --apps bench/apps/idle-hosts.json --trace APP` of each jar. Run:
 * java -cp target/flash.jar docs/log/2026-12-07-dvfs-idle-plot.java OUT.png LABEL=trace.json...
 */
public class IdleClockPlot {
    public static void main(String[] a) throws Exception {
        PngPlot plot = new PngPlot("Clock of an idle host behind the guard (shipped model, seed 7, policy 0)",
                "simulated minutes", "clock set (MHz)");
        Color[] colors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};
        for (int k = 1; k < a.length; k++) {
            String[] lf = a[k].split("=", 2);
            JsonArray ticks = JsonParser.parseString(Files.readString(Path.of(lf[1]))).getAsJsonObject()
                    .getAsJsonArray("ticks");
            int n = ticks.size() / 10; // one point per 10 s (the mean clock of those ticks)
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = 0; j < 10; j++) {
                    JsonElement t = ticks.get(10 * i + j);
                    sum += t.getAsJsonObject().get("target_khz").getAsLong() / 1000.0;
                }
                x[i] = (10 * i + 5) / 60.0;
                y[i] = sum / 10;
            }
            plot.add(new PngPlot.Series(lf[0], colors[(k - 1) % colors.length], x, y, null, null));
        }
        plot.write(Path.of(a[0]), 900, 520);
    }
}
