package dev.flash.configsearch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a new workload's measured neighbours say about an unmeasured configuration, one vote per
 * training workload (log 2026-12-08-cssibling). Two configurations are <em>siblings</em> when
 * their keys differ in exactly one column (the node count of one VM type, or its vCPU class at one
 * node count; one memory size for another). Training workload j votes for query c from the
 * measured siblings s of c as the mean over them of {@code log y_s + log y_j(c) - log y_j(s)}: the
 * new workload's measurement moved along that one column the way j moved.
 *
 * <p>Why not the ratio reference's median: along the node count the training workloads split into
 * those that speed up with nodes (runtime about 1/n, cost flat) and those that do not (runtime
 * flat, cost about n); the median ratio is the majority's, so a cheap few-node sibling of a
 * measured configuration looks late for a workload of the minority. The votes keep both groups:
 * the share of votes on time is the chance that the sibling is.
 */
public final class SiblingVotes {
    /** Fewer training workloads voting than this: no votes (the caller keeps its own prediction). */
    public static final int MIN_VOTES = 3;

    /** Each training workload's log target by configuration key. */
    private final List<Map<String, Double>> tables;

    private SiblingVotes(List<Map<String, Double>> tables) {
        this.tables = List.copyOf(tables);
    }

    /** From the training workloads' measurements of {@code target}. */
    public static SiblingVotes fit(List<Workload> training, Target target) {
        return new SiblingVotes(Workload.logTables(training, target));
    }

    /** From the attention's training tables: the votes in the order of its {@link NeighbourReference#voterWeights}. */
    public static SiblingVotes of(NeighbourReference attention) {
        return new SiblingVotes(attention.tables());
    }

    /** Whether two configuration keys ({@code /}-joined columns) differ in exactly one column. */
    public static boolean siblings(String a, String b) {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        if (x.length != y.length) {
            return false;
        }
        int differ = 0;
        for (int i = 0; i < x.length; i++) {
            if (!x[i].equals(y[i]) && ++differ > 1) {
                return false;
            }
        }
        return differ == 1;
    }

    /**
     * The training workloads' log votes for {@code query} from its siblings among {@code measured}
     * (each measurement's {@code target} is the target these tables hold), one per training
     * workload in the tables' order, NaN for one that measured not the query or none of those
     * siblings; null when no measured configuration is a sibling of it or fewer than {@link
     * #MIN_VOTES} training workloads vote.
     */
    public double[] votes(List<Measurement> measured, Target target, String query) {
        List<Measurement> near = new ArrayList<>();
        for (Measurement m : measured) {
            if (siblings(m.configKey(), query)) {
                near.add(m);
            }
        }
        if (near.isEmpty()) {
            return null;
        }
        double[] out = new double[tables.size()];
        java.util.Arrays.fill(out, Double.NaN);
        int n = 0;
        for (int j = 0; j < out.length; j++) {
            Map<String, Double> t = tables.get(j);
            Double q = t.get(query);
            if (q == null) {
                continue;
            }
            double sum = 0;
            int seen = 0;
            for (Measurement s : near) {
                Double at = t.get(s.configKey());
                if (at != null) {
                    sum += Math.log(s.target(target)) + q - at;
                    seen++;
                }
            }
            if (seen > 0) {
                out[j] = sum / seen;
                n++;
            }
        }
        return n < MIN_VOTES ? null : out;
    }
}
