package dev.flash.autoscale.train;

import dev.flash.meta.yardstick.FineTuneSweep;
import java.util.List;
import java.util.Locale;

/**
 * DIAGNOSTIC switches of {@code flash reproduce autoscale}, off by default (issue 22, the
 * 2026-12-08 asonline log): without them every contestant learns online at the rate the sweep
 * chose for transfer learning's base, over the plan's grid, as the yardstick defines it.
 *
 * <ul>
 *   <li>{@code -Dflash.reproduce.flash-online=sweep}: FLASH's online rate is chosen by the same
 *       sweep procedure ({@link FineTuneSweep}, the same training services and grid) run on
 *       FLASH's own network, encoder frozen; {@code -Dflash.reproduce.flash-online=0.001} or
 *       {@code =0.001,annealed} fixes it. Transfer learning and the history baseline keep theirs.</li>
 *   <li>{@code -Dflash.reproduce.sweep-grid=1e-4,3e-4,1e-3,3e-3,1e-2}: the rates of the sweep
 *       (each constant and annealed) instead of the plan's grid, for every sweep of the run.</li>
 * </ul>
 *
 * A bad value fails loudly, naming the property.
 */
public record OnlineRuleSwitches(Mode flashMode, FineTuneSweep.Setting flashFixed, List<FineTuneSweep.Setting> grid) {

    public static final String FLASH_ONLINE = "flash.reproduce.flash-online";
    public static final String SWEEP_GRID = "flash.reproduce.sweep-grid";

    /** Where FLASH's online rule comes from. */
    public enum Mode { TRANSFERS, SWEEP, FIXED }

    /** The default: FLASH learns at transfer learning's rule, over the plan's grid. */
    public static final OnlineRuleSwitches DEFAULT = new OnlineRuleSwitches(Mode.TRANSFERS, null, null);

    /** From this JVM's system properties. */
    public static OnlineRuleSwitches fromSystemProperties() {
        return parse(System.getProperty(FLASH_ONLINE), System.getProperty(SWEEP_GRID));
    }

    /** From the two properties' values (null or blank: not set). */
    public static OnlineRuleSwitches parse(String flashOnline, String sweepGrid) {
        Mode mode = Mode.TRANSFERS;
        FineTuneSweep.Setting fixed = null;
        if (flashOnline != null && !flashOnline.isBlank()) {
            String v = flashOnline.trim().toLowerCase(Locale.ROOT);
            if (v.equals("sweep")) {
                mode = Mode.SWEEP;
            } else {
                String[] parts = v.split(",", -1);
                boolean anneal = parts.length == 2 && parts[1].trim().equals("annealed");
                if (parts.length > 2 || (parts.length == 2 && !anneal)) {
                    throw new IllegalArgumentException("-D" + FLASH_ONLINE + "=" + flashOnline
                            + ": expected \"sweep\", a rate (0.001) or a rate and \"annealed\" (0.001,annealed)");
                }
                fixed = new FineTuneSweep.Setting(rate(FLASH_ONLINE, parts[0]), anneal);
                mode = Mode.FIXED;
            }
        }
        List<FineTuneSweep.Setting> grid = null;
        if (sweepGrid != null && !sweepGrid.isBlank()) {
            String[] texts = sweepGrid.split(",");
            double[] rates = new double[texts.length];
            for (int i = 0; i < texts.length; i++) {
                rates[i] = rate(SWEEP_GRID, texts[i]);
            }
            grid = FineTuneSweep.gridOf(rates);
        }
        return new OnlineRuleSwitches(mode, fixed, grid == null ? null : List.copyOf(grid));
    }

    private static double rate(String property, String text) {
        double lr;
        try {
            lr = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + property + ": \"" + text.trim() + "\" is not a learning rate");
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("-D" + property + ": a learning rate must be > 0, got " + text.trim());
        }
        return lr;
    }

    /** The sweep's grid: the switch's, else the plan's. */
    public List<FineTuneSweep.Setting> gridOr(List<FineTuneSweep.Setting> plans) {
        return grid == null ? plans : grid;
    }

    /** Whether anything differs from the yardstick as defined (reported beside the figures). */
    public boolean isDefault() {
        return flashMode == Mode.TRANSFERS && grid == null;
    }
}
