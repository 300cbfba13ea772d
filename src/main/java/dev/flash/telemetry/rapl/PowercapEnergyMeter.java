package dev.flash.telemetry.rapl;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.telemetry.PowerZoneSample;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * RAPL through the powercap framework ({@code /sys/class/powercap}, kernel doc
 * power/powercap/powercap.rst). Zones {@code intel-rapl:N} are packages ({@code name} =
 * {@code package-N}) or, on client parts, {@code psys}; {@code intel-rapl:N:M} are their
 * subzones (core, uncore, dram). AMD Family 17h+ uses the same names with fewer subzones.
 * {@code intel-rapl-mmio:N} is the same package energy read through MMIO: skipped, or the
 * package would count twice.
 *
 * <p>Each zone's {@code energy_uj} is a microjoule counter wrapping at
 * {@code max_energy_range_uj}. Since Linux 5.10 (CVE-2020-8694, also backported) it is readable
 * by root only; a non-root daemon gets EACCES and this meter says so instead of reporting 0 W.
 */
public final class PowercapEnergyMeter implements EnergyMeter {
    private static final Pattern ZONE = Pattern.compile("intel-rapl:(\\d+)(?::(\\d+))?");

    private final Path powercap;
    private final EnergyCounterReader reader;
    private final List<PowerZone> zones = new ArrayList<>();
    private final List<Path> energyFiles = new ArrayList<>();
    private final double referenceWatts;
    private final String unavailableReason;
    private final boolean zonesFound;
    private final long[] one = new long[1];

    /** The production meter: kept-open channels on the zones' {@code energy_uj}. */
    public PowercapEnergyMeter(SysfsRoot root) {
        this(root, EnergyCounterReader.keptOpen());
    }

    /** With an injected counter reader (tests simulate EACCES this way). */
    public PowercapEnergyMeter(SysfsRoot root, EnergyCounterReader reader) {
        this.powercap = root.resolve(SysfsRoot.POWERCAP);
        this.reader = reader;
        List<ZoneDir> found = discover(powercap);
        double reference = packageLimitSum(found);
        this.zonesFound = !found.isEmpty();
        String reason = null;
        if (found.isEmpty()) {
            reason = "no powercap RAPL zones under " + powercap;
        }
        for (ZoneDir zone : found) {
            Path energy = zone.dir.resolve("energy_uj");
            try {
                reader.read(energy); // probe: EACCES shows here, not as a silent 0 W later
            } catch (AccessDeniedException e) {
                reason = energy + ": permission denied (EACCES); energy_uj is readable by root only"
                        + " since Linux 5.10 (CVE-2020-8694): run flash as root";
                break;
            } catch (IOException e) {
                continue; // a zone that cannot be read (driver quirk) is left out, others stay
            }
            long wrapAt = SysfsRoot.readLong(zone.dir.resolve("max_energy_range_uj"), -1);
            zones.add(new PowerZone(zone.name, zone.dir.toString(), zone.limitWatts,
                    new EnergyCounter(wrapAt, 1e-6)));
            energyFiles.add(energy);
        }
        if (reason == null && zones.isEmpty()) {
            reason = "powercap RAPL zones under " + powercap + " have no readable energy_uj";
        }
        if (reason != null) {
            zones.clear();
            energyFiles.clear();
        }
        this.unavailableReason = reason;
        this.referenceWatts = reason == null ? reference : Double.NaN;
    }

    @Override
    public List<PowerZoneSample> read(long monotonicNanos) {
        if (zones.isEmpty()) {
            return List.of();
        }
        PowerZoneSample[] out = new PowerZoneSample[zones.size()];
        for (int i = 0; i < out.length; i++) {
            PowerZone zone = zones.get(i);
            try {
                one[0] = reader.read(energyFiles.get(i));
                out[i] = zone.update(one, monotonicNanos);
            } catch (IOException e) {
                out[i] = zone.unreadable();
            }
        }
        return Arrays.asList(out);
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    @Override
    public double referenceWatts() {
        return referenceWatts;
    }

    @Override
    public String describe() {
        if (unavailableReason != null) {
            return "powercap RAPL unavailable: " + unavailableReason;
        }
        StringBuilder names = new StringBuilder();
        for (PowerZone z : zones) {
            names.append(names.length() == 0 ? "" : ", ").append(z.name);
        }
        return "powercap RAPL (" + powercap + "): " + names;
    }

    /** True when RAPL zones exist, readable or not (EnergyMeters uses it to pick the reason). */
    boolean zonesFound() {
        return zonesFound;
    }

    @Override
    public void close() {
        reader.close();
    }

    // ---- discovery --------------------------------------------------------------------------

    /** A zone directory with what discovery learned about it. */
    private record ZoneDir(Path dir, int pkg, int sub, String name, double limitWatts) {
        boolean isTopLevel() {
            return sub < 0;
        }
    }

    /** Zones in kernel order: intel-rapl:0, intel-rapl:0:0, intel-rapl:0:1, intel-rapl:1, ... */
    private static List<ZoneDir> discover(Path powercap) {
        List<ZoneDir> zones = new ArrayList<>();
        if (!Files.isDirectory(powercap)) {
            return zones;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(powercap)) {
            entries = s.toList();
        } catch (IOException e) {
            return zones;
        }
        for (Path dir : entries) {
            Matcher m = ZONE.matcher(dir.getFileName().toString());
            if (!m.matches()) {
                continue; // intel-rapl (the control type itself), intel-rapl-mmio:N duplicates, others
            }
            int pkg = Integer.parseInt(m.group(1));
            int sub = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
            String name = SysfsRoot.readLine(dir.resolve("name")).orElse(dir.getFileName().toString());
            zones.add(new ZoneDir(dir, pkg, sub, name, limitWatts(dir)));
        }
        zones.sort(Comparator.comparingInt(ZoneDir::pkg).thenComparingInt(ZoneDir::sub));
        // Subzones have no limit of their own on most parts; they are bounded by their package's.
        List<ZoneDir> withLimits = new ArrayList<>(zones.size());
        for (ZoneDir z : zones) {
            double limit = z.limitWatts;
            if (!z.isTopLevel() && !(limit > 0)) {
                limit = zones.stream().filter(p -> p.isTopLevel() && p.pkg == z.pkg)
                        .mapToDouble(ZoneDir::limitWatts).findFirst().orElse(Double.NaN);
            }
            withLimits.add(new ZoneDir(z.dir, z.pkg, z.sub, z.name, limit));
        }
        return withLimits;
    }

    /** constraint_0 is the long-term limit (PL1) in microwatts; NaN when absent (AMD, VMs). */
    private static double limitWatts(Path zoneDir) {
        long uw = SysfsRoot.readLong(zoneDir.resolve("constraint_0_power_limit_uw"), -1);
        return uw > 0 ? uw / 1e6 : Double.NaN;
    }

    /** PL1 summed over package zones; NaN when any package lacks one (a partial sum would mislead). */
    private static double packageLimitSum(List<ZoneDir> zones) {
        double sum = 0;
        boolean any = false;
        for (ZoneDir z : zones) {
            if (z.isTopLevel() && z.name.startsWith("package")) {
                if (!(z.limitWatts > 0)) {
                    return Double.NaN;
                }
                sum += z.limitWatts;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }
}
