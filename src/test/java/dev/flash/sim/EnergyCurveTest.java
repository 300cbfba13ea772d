package dev.flash.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The node's power and energy-per-operation curves against published per-frequency figures of
 * real cores (docs/simulated-node.md, "Checked against published figures", names the sources and
 * how sure we are of them). Run with {@code mvn -B -q test -Dtest=EnergyCurveTest} to print the
 * comparison table the doc quotes.
 */
class EnergyCurveTest {

    /**
     * Intel Pentium M 1.6 GHz (Banias, 130 nm) Enhanced SpeedStep operating points, MHz and volts,
     * as Intel's datasheet gives them; checked against G. Torres, "Inside Pentium M Architecture",
     * Hardware Secrets, 2006, page 7 (the same six points). See the doc.
     */
    private static final double[][] PENTIUM_M = {
        {600, 0.956}, {800, 1.036}, {1000, 1.164}, {1200, 1.276}, {1400, 1.420}, {1600, 1.484}};

    /**
     * Intel XScale (80200, 2000) frequency, volts and power in mW, as reproduced by many DVFS
     * scheduling papers of 2002-2006 (quoted from memory; see the doc).
     */
    private static final double[][] XSCALE = {
        {150, 0.75, 80}, {400, 1.0, 170}, {600, 1.3, 400}, {800, 1.6, 900}, {1000, 1.8, 1600}};

    /**
     * Intel XScale at IDF Fall 2000 (AnandTech's report, quoted by Tweakers.net news 12820): a demo
     * board running Dhrystone 2.1, MHz and measured watts: 50 MHz 0.055 W, 600 MHz 0.5 W, 800 MHz
     * "less than 1 W" (taken as 1 W, an upper bound), 1 GHz 1.75 W.
     */
    private static final double[][] XSCALE_IDF = {{50, 0.055}, {600, 0.5}, {800, 1.0}, {1000, 1.75}};

    /** Stated tolerance of the model's relative dynamic power against the Pentium M V^2 f points. */
    static final double DYNAMIC_POWER_TOLERANCE = 0.10;

    private static final NodeSpec NODE = NodeSpec.defaults();

    /** Model dynamic power of one busy CPU at fRatio of fmax, relative to fmax (CPU-bound, m = 0). */
    private static double modelRelativeDynamic(NodeSpec node, double fRatio) {
        long khz = Math.round(fRatio * node.maxKhz());
        return Physics.busyCpuWatts(node, khz, 0, 1) / Physics.busyCpuWatts(node, node.maxKhz(), 0, 1);
    }

    /** Model power of one busy CPU with its share of the static power, watts. */
    private static double modelCpuWatts(NodeSpec node, long khz) {
        return node.idleWatts() / node.cpus() + Physics.busyCpuWatts(node, khz, 0, 1);
    }

    /** Energy per unit of CPU-bound work (work rate is proportional to f when m = 0). */
    private static double modelEnergyPerOp(NodeSpec node, long khz) {
        return modelCpuWatts(node, khz) / khz;
    }

    @Test
    void dynamicPowerFollowsThePentiumMVoltageFrequencyPointsWithinTolerance() {
        double vTop = PENTIUM_M[PENTIUM_M.length - 1][1];
        double fTop = PENTIUM_M[PENTIUM_M.length - 1][0];
        double minRatio = (double) NODE.minKhz() / NODE.maxKhz();
        System.out.println("f/fmax  PentiumM V^2f rel  model rel  error");
        int compared = 0;
        for (double[] point : PENTIUM_M) {
            double x = point[0] / fTop;
            if (x < minRatio - 1e-9) {
                continue;
            }
            double published = Math.pow(point[1] / vTop, 2) * x;
            double model = modelRelativeDynamic(NODE, x);
            double error = model / published - 1;
            System.out.printf("%.3f   %.3f              %.3f      %+.1f%%%n", x, published, model, 100 * error);
            assertEquals(0, error, DYNAMIC_POWER_TOLERANCE, "relative dynamic power at f/fmax " + x);
            compared++;
        }
        assertEquals(PENTIUM_M.length, compared, "every published point lies inside the default's range");
    }

    @Test
    void energyPerOperationHasItsMinimumAtAMiddleFrequencyAsPublishedCurvesDo() {
        // Published: XScale energy per cycle (P / f) is least at 400 of 150-1000 MHz.
        int publishedMin = argMin(XSCALE, row -> row[2] / row[0]);
        assertTrue(publishedMin > 0 && publishedMin < XSCALE.length - 1, "the published minimum is interior");

        long[] table = NODE.frequencyTable();
        int best = 0;
        for (int i = 0; i < table.length; i++) {
            if (modelEnergyPerOp(NODE, table[i]) < modelEnergyPerOp(NODE, table[best])) {
                best = i;
            }
        }
        System.out.printf("default node: least energy/op at %d MHz; fmin costs %.2fx, fmax %.2fx of it%n",
                table[best] / 1000, modelEnergyPerOp(NODE, table[0]) / modelEnergyPerOp(NODE, table[best]),
                modelEnergyPerOp(NODE, table[table.length - 1]) / modelEnergyPerOp(NODE, table[best]));
        assertTrue(best > 0 && best < table.length - 1, "model minimum is interior: " + table[best]);
        for (double[] row : XSCALE) {
            double x = row[0] / XSCALE[XSCALE.length - 1][0];
            if (x >= (double) NODE.minKhz() / NODE.maxKhz()) {
                long khz = Math.round(x * NODE.maxKhz());
                System.out.printf("f/fmax %.2f: XScale P rel %.3f, E/op rel %.2f | model P rel %.3f, E/op rel %.2f%n",
                        x, row[2] / XSCALE[XSCALE.length - 1][2],
                        (row[2] / row[0]) / (XSCALE[publishedMin][2] / XSCALE[publishedMin][0]),
                        modelCpuWatts(NODE, khz) / modelCpuWatts(NODE, NODE.maxKhz()),
                        modelEnergyPerOp(NODE, khz) / modelEnergyPerOp(NODE, table[best]));
            }
        }
    }

    @Test
    void powerRisesSuperLinearlyAtTheTopOfTheTable() {
        long[] t = NODE.frequencyTable();
        int n = t.length;
        double topSlope = (modelCpuWatts(NODE, t[n - 1]) - modelCpuWatts(NODE, t[n - 2])) / (t[n - 1] - t[n - 2]);
        double midSlope = (modelCpuWatts(NODE, t[n / 2]) - modelCpuWatts(NODE, t[n / 2 - 1])) / (t[n / 2] - t[n / 2 - 1]);
        double lowSlope = (modelCpuWatts(NODE, t[1]) - modelCpuWatts(NODE, t[0])) / (t[1] - t[0]);
        assertTrue(topSlope > midSlope && midSlope > lowSlope, "watts per MHz grow with f");
        // Published: XScale's last step costs far more per MHz than its first.
        double xTop = (XSCALE[4][2] - XSCALE[3][2]) / (XSCALE[4][0] - XSCALE[3][0]);
        double xLow = (XSCALE[1][2] - XSCALE[0][2]) / (XSCALE[1][0] - XSCALE[0][0]);
        assertTrue(xTop > 3 * xLow);
        System.out.printf("watts per MHz, top step / lowest step: model %.2f, XScale %.2f%n",
                topSlope / lowSlope, xTop / xLow);
    }

    @Test
    void aBoostBinAddsTheKneeTheDefaultCurveLacks() {
        NodeSpec boost = SimSpec.parse("[node]\nmin_mhz = 1000\nbase_mhz = 2600\nmax_mhz = 3000\nstep_mhz = 100\n"
                + "boost_volts = 1.35\n[workload]\n[[workload.apps]]\nname = \"a\"\n  [[workload.apps.phases]]\n"
                + "  memory_boundness = 0\n  load = 1\n  duration_s = 1\n", "boost.toml", null).node();
        double defaultTop = modelEnergyPerOp(NODE, 3_000_000) / modelEnergyPerOp(NODE, 2_600_000);
        double boostTop = modelEnergyPerOp(boost, 3_000_000) / modelEnergyPerOp(boost, 2_600_000);
        System.out.printf("energy/op at 3.0 GHz over 2.6 GHz: default %.2f, boost knee %.2f%n", defaultTop, boostTop);
        assertTrue(boostTop > defaultTop * 1.05, "the knee makes the last 400 MHz dearer per operation");
    }

    /**
     * The top-end energy penalty (energy per operation at fmax over the least on the table) lies
     * in the band the cited parts span: above 1 (running flat out costs energy per operation; the
     * IDF XScale measurement 2.1x), and no more than the Pentium M's dynamic-only bound (its
     * (V_max / V_min)^2 = 2.41x: static power can only lower it). A model change that flattens
     * the top (no DVFS saving left) or steepens it past any cited part fails here.
     */
    @Test
    void energyPerOperationPenaltyAtFmaxLiesInTheBandOfThePublishedParts() {
        int idfMin = argMin(XSCALE_IDF, row -> row[1] / row[0]);
        assertTrue(idfMin > 0 && idfMin < XSCALE_IDF.length - 1, "the measured minimum is interior (600 MHz)");
        double idfPenalty = (XSCALE_IDF[XSCALE_IDF.length - 1][1] / XSCALE_IDF[XSCALE_IDF.length - 1][0])
                / (XSCALE_IDF[idfMin][1] / XSCALE_IDF[idfMin][0]);
        double vRatio = PENTIUM_M[PENTIUM_M.length - 1][1] / PENTIUM_M[0][1];
        double pentiumBound = vRatio * vRatio;
        long[] table = NODE.frequencyTable();
        double least = Double.POSITIVE_INFINITY;
        for (long f : table) {
            least = Math.min(least, modelEnergyPerOp(NODE, f));
        }
        double penalty = modelEnergyPerOp(NODE, table[table.length - 1]) / least;
        System.out.printf("energy/op at fmax over the least: model %.2f, XScale IDF 2000 %.2f, Pentium M dynamic "
                + "bound %.2f%n", penalty, idfPenalty, pentiumBound);
        assertTrue(penalty > 1.05, "running at fmax costs more per operation than the best frequency: " + penalty);
        assertTrue(penalty <= pentiumBound, "no steeper than the cited parts: " + penalty);
        assertTrue(idfPenalty > 1.05 && idfPenalty <= pentiumBound, "the band holds the measured XScale too");
    }

    private static int argMin(double[][] rows, java.util.function.ToDoubleFunction<double[]> f) {
        int best = 0;
        for (int i = 1; i < rows.length; i++) {
            if (f.applyAsDouble(rows[i]) < f.applyAsDouble(rows[best])) {
                best = i;
            }
        }
        return best;
    }
}
