import dev.flash.configsearch.ConfigDataReader;
import dev.flash.configsearch.ConfigDataset;
import dev.flash.configsearch.ConfigurationPrior;
import dev.flash.configsearch.FewShotEvaluation;
import dev.flash.configsearch.Measurement;
import dev.flash.configsearch.RatioReference;
import dev.flash.configsearch.Target;
import dev.flash.configsearch.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Why cost under a deadline is hard from 3 chosen shots (log 2026-12-07-config-search-7): per test
 * workload of the data-set folds, how many configurations are within 5% of the cheapest on time,
 * where the cost prior's first measurement lands, and what the ratio reference's searcher picks.
 * Not learned (no network): it runs in seconds.
 *
 * usage: java -cp target/flash.jar bench/analysis/config-search-deadline/Probe.java MULTICLOUD.csv
 */
public class Probe {
    public static void main(String[] args) throws Exception {
        ConfigDataset data = ConfigDataReader.read(Path.of(args[0]), ConfigDataReader.Format.MULTICLOUD, false);
        List<Workload> all = data.usable(2);
        System.out.println("workload  configs  on-time  near(<=5%)  first: rt/D cost/cheapest  pick regret after 3 (reference searcher)");
        for (FewShotEvaluation.Fold f : FewShotEvaluation.groupFolds(all)) {
            RatioReference rt = RatioReference.fit(f.train(), Target.RUNTIME);
            RatioReference cost = RatioReference.fit(f.train(), Target.COST);
            ConfigurationPrior prior = ConfigurationPrior.fit(f.train(), Target.COST);
            for (Workload w : f.test()) {
                double[] r = new double[w.size()];
                for (int i = 0; i < r.length; i++) {
                    r[i] = w.get(i).runtime();
                }
                Arrays.sort(r);
                double d = r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
                double cheapest = Double.POSITIVE_INFINITY;
                int onTime = 0;
                for (Measurement m : w.measurements()) {
                    if (m.runtime() <= d) {
                        cheapest = Math.min(cheapest, m.cost());
                        onTime++;
                    }
                }
                int near = 0;
                for (Measurement m : w.measurements()) {
                    near += m.runtime() <= d && m.cost() <= 1.05 * cheapest ? 1 : 0;
                }
                int first = prior.first(w);
                List<Integer> measured = new ArrayList<>(List.of(first));
                StringBuilder trail = new StringBuilder();
                while (measured.size() < 3) {
                    List<Measurement> ms = new ArrayList<>();
                    for (int i : measured) {
                        ms.add(w.get(i));
                    }
                    int pick = -1;
                    double best = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < w.size(); i++) {
                        if (measured.contains(i)) {
                            continue;
                        }
                        String key = w.get(i).configKey();
                        if (Math.exp(rt.predictLog(ms, key)) <= d && cost.predictLog(ms, key) < best) {
                            best = cost.predictLog(ms, key);
                            pick = i;
                        }
                    }
                    if (pick < 0) {
                        break;
                    }
                    trail.append(String.format(" [pred rt/D %.2f true %.2f, cost/cheapest %.2f]",
                            Math.exp(rt.predictLog(ms, w.get(pick).configKey())) / d, w.get(pick).runtime() / d,
                            w.get(pick).cost() / cheapest));
                    measured.add(pick);
                }
                double picked = Double.POSITIVE_INFINITY;
                for (int i : measured) {
                    if (w.get(i).runtime() <= d) {
                        picked = Math.min(picked, w.get(i).cost());
                    }
                }
                System.out.printf("%-34s %3d %3d %2d   %.2f %.2f   %s%s%n", w.name(), w.size(), onTime, near,
                        w.get(first).runtime() / d, w.get(first).cost() / cheapest,
                        Double.isInfinite(picked) ? "none on time" : String.format("%.1f%%", 100 * (picked / cheapest - 1)),
                        trail);
            }
        }
    }
}
