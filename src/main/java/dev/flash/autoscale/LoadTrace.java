package dev.flash.autoscale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Arrivals per step (requests per second, one value per {@link SimulatedService#STEP_SECONDS}),
 * synthetic ({@link #synthetic}) or read from a file ({@link #read}).
 */
public final class LoadTrace {

    private final String source;
    private final double[] rates;

    public LoadTrace(String source, double[] rates) {
        if (rates.length == 0) {
            throw new IllegalArgumentException("a load trace needs at least one step");
        }
        this.source = source;
        this.rates = rates.clone();
    }

    public String source() {
        return source;
    }

    public int steps() {
        return rates.length;
    }

    /** Requests per second at step {@code t}, wrapping around past the end. */
    public double rate(int t) {
        return rates[Math.floorMod(t, rates.length)];
    }

    public double peak() {
        return Arrays.stream(rates).max().orElse(0);
    }

    public double mean() {
        return Arrays.stream(rates).average().orElse(0);
    }

    /** This trace with every rate multiplied so that its peak is {@code peak} requests per second. */
    public LoadTrace scaledToPeak(double peak) {
        double p = peak();
        double f = p <= 0 ? 0 : peak / p;
        return new LoadTrace(source + " (peak scaled to " + peak + "/s)", Arrays.stream(rates).map(r -> r * f).toArray());
    }

    /** Steps {@code [from, from + n)} of this trace (wrapping). */
    public LoadTrace window(int from, int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = rate(from + i);
        }
        return new LoadTrace(source + " [" + from + ", " + (from + n) + ")", w);
    }

    /**
     * {@code steps} steps of the service's synthetic load: a daily cycle between trough and peak
     * (raised cosine), bursts arriving as a Poisson process (rate multiplied by the burst factor
     * for burst_steps), and log-normal noise per step.
     */
    public static LoadTrace synthetic(ServiceSpec.LoadShape shape, int steps, long seed) {
        Random random = new Random(seed);
        double[] r = new double[steps];
        double phase = random.nextDouble() * 2 * Math.PI;
        double burstChance = shape.burstsPerCycle() / shape.periodSteps();
        int burstLeft = 0;
        for (int t = 0; t < steps; t++) {
            double cycle = 0.5 - 0.5 * Math.cos(2 * Math.PI * t / shape.periodSteps() + phase);
            double base = shape.peakRate() * (shape.trough() + (1 - shape.trough()) * cycle);
            if (burstLeft == 0 && random.nextDouble() < burstChance) {
                burstLeft = shape.burstSteps();
            }
            double burst = burstLeft > 0 ? shape.burstFactor() : 1;
            burstLeft = Math.max(0, burstLeft - 1);
            double noise = Math.exp(shape.noise() * random.nextGaussian() - shape.noise() * shape.noise() / 2);
            r[t] = base * burst * noise;
        }
        return new LoadTrace("synthetic", r);
    }

    /**
     * Reads a trace file: either counts separated by white space or newlines (one count per
     * {@code intervalSeconds}), or CSV lines {@code timestamp,count} with timestamps in seconds
     * that advance by exactly {@code intervalSeconds} (a missing interval is a gap, an error:
     * a zero count must be written). Lines starting with {@code #} and a CSV header line
     * ({@code timestamp,count}) are skipped. A {@code .bz2} file is decompressed on the fly.
     * Counts are summed (or split) into steps of {@link SimulatedService#STEP_SECONDS} and
     * multiplied by {@code scale}: the result is requests per second per step.
     *
     * @throws InvalidInputException naming the line and column of a non-numeric, negative or
     *                               non-finite count, a gap, or an empty file
     */
    public static LoadTrace read(Path file, double intervalSeconds, double scale) throws IOException, InvalidInputException {
        if (!(intervalSeconds > 0) || !(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("interval must be > 0 and scale >= 0, got " + intervalSeconds + ", " + scale);
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".bz2") ? Bzip2.open(raw, file) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            return read(reader, file.toString(), intervalSeconds, scale);
        }
    }

    static LoadTrace read(BufferedReader reader, String name, double intervalSeconds, double scale)
            throws IOException, InvalidInputException {
        StepAccumulator steps = new StepAccumulator(intervalSeconds);
        String line;
        int lineNo = 0;
        Double lastTimestamp = null;
        boolean csv = false;
        boolean first = true;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (first) {
                first = false;
                csv = trimmed.contains(",");
                if (csv && !Character.isDigit(trimmed.charAt(0)) && trimmed.charAt(0) != '-' && trimmed.charAt(0) != '.') {
                    continue; // the header line
                }
            }
            if (csv) {
                String[] f = line.split(",", -1);
                if (f.length != 2) {
                    throw new InvalidInputException(name + ":" + lineNo + ": expected `timestamp,count`, got " + f.length
                            + " field(s)");
                }
                double ts = number(f[0], name, lineNo, 1, "timestamp");
                if (lastTimestamp != null) {
                    double d = ts - lastTimestamp;
                    if (Math.abs(d - intervalSeconds) > 1e-6 * Math.max(1, intervalSeconds)) {
                        throw new InvalidInputException(name + ":" + lineNo + ":1: timestamp " + f[0].strip()
                                + (d > intervalSeconds ? " leaves a gap after " : " does not advance by the interval from ")
                                + lastTimestamp + " (interval " + intervalSeconds + " s; write a 0 count for a quiet interval)");
                    }
                }
                lastTimestamp = ts;
                steps.add(count(f[1], name, lineNo, f[0].length() + 2));
            } else {
                int col = 0;
                int n = line.length();
                while (col < n) {
                    while (col < n && Character.isWhitespace(line.charAt(col))) {
                        col++;
                    }
                    int start = col;
                    while (col < n && !Character.isWhitespace(line.charAt(col))) {
                        col++;
                    }
                    if (start < col) {
                        steps.add(count(line.substring(start, col), name, lineNo, start + 1));
                    }
                }
            }
        }
        if (steps.intervals == 0) {
            throw new InvalidInputException(name + ": empty trace (no counts)");
        }
        double[] rates = steps.finish();
        for (int i = 0; i < rates.length; i++) {
            rates[i] *= scale;
        }
        return new LoadTrace(name, rates);
    }

    private static double count(String text, String name, int line, int column) throws InvalidInputException {
        double v = number(text, name, line, column, "count");
        if (v < 0) {
            throw new InvalidInputException(name + ":" + line + ":" + column + ": negative count " + text.strip());
        }
        return v;
    }

    private static double number(String text, String name, int line, int column, String field) throws InvalidInputException {
        try {
            double v = Double.parseDouble(text.strip());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + ":" + line + ":" + column + ": " + field + " is not a number: '"
                    + text.strip() + "'");
        }
    }

    /** Turns counts per interval into mean requests per second per step. */
    private static final class StepAccumulator {
        final double interval;
        long intervals;
        double[] out = new double[1024];
        int size;

        StepAccumulator(double interval) {
            this.interval = interval;
        }

        void add(double count) {
            // The interval [i*interval, (i+1)*interval) spreads its count over the steps it covers.
            double start = intervals * interval;
            double end = start + interval;
            double rate = count / interval;
            double t = start;
            while (t < end - 1e-9) {
                int step = (int) Math.floor(t / SimulatedService.STEP_SECONDS + 1e-9);
                double stepEnd = (step + 1) * SimulatedService.STEP_SECONDS;
                double until = Math.min(end, stepEnd);
                ensure(step);
                out[step] += rate * (until - t) / SimulatedService.STEP_SECONDS;
                t = until;
            }
            intervals++;
        }

        void ensure(int step) {
            if (step >= out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, step + 1));
            }
            size = Math.max(size, step + 1);
        }

        /** Whole steps only; a last partial step is kept when it is the only one. */
        double[] finish() {
            double covered = intervals * interval;
            int whole = (int) Math.floor(covered / SimulatedService.STEP_SECONDS + 1e-9);
            if (whole == 0) {
                double[] one = {out[0] * SimulatedService.STEP_SECONDS / covered};
                return one;
            }
            return Arrays.copyOf(out, whole);
        }
    }

    /**
     * bzip2 through commons-compress, which the training stack brings (train-lib/ beside flash.jar,
     * not flash.jar itself). Loaded by reflection: a direct reference made the JVM's verifier look
     * for the class when this code was linked, so a run from flash.jar failed with a
     * NoClassDefFoundError before any catch could say what to do.
     */
    private static final class Bzip2 {
        private static final String STREAM = "org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream";

        static InputStream open(InputStream raw, Path file) throws IOException {
            Class<?> stream = streamClass();
            if (stream == null) {
                throw new IOException(file + ": reading .bz2 needs commons-compress (train-lib/ beside flash.jar, "
                        + "from `mvn package`); or decompress it first (bzcat " + file + " > trace.txt)");
            }
            try {
                return (InputStream) stream.getConstructor(InputStream.class, boolean.class).newInstance(raw, true);
            } catch (java.lang.reflect.InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io : new IOException(file + ": " + cause, cause);
            } catch (ReflectiveOperationException e) {
                throw new IOException(file + ": cannot open bzip2 with commons-compress: " + e, e);
            }
        }

        private static java.net.URL url(Path jar) {
            try {
                return jar.toUri().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The class on the class path, else from train-lib/'s commons-compress jar; null if neither. */
        private static Class<?> streamClass() {
            try {
                return Class.forName(STREAM);
            } catch (ClassNotFoundException e) {
                // not on the class path: look beside the code
            }
            try {
                Path lib = dev.flash.CodeLocation.beside("train-lib");
                if (!java.nio.file.Files.isDirectory(lib)) {
                    return null;
                }
                // commons-compress and the Apache Commons jars it needs (commons-io, commons-lang3)
                java.net.URL[] jars;
                try (java.util.stream.Stream<Path> list = java.nio.file.Files.list(lib)) {
                    jars = list.filter(j -> j.getFileName().toString().matches("commons-.*\\.jar"))
                            .map(Bzip2::url).toArray(java.net.URL[]::new);
                }
                if (jars.length == 0) {
                    return null;
                }
                return Class.forName(STREAM, true, new java.net.URLClassLoader(jars, LoadTrace.class.getClassLoader()));
            } catch (Exception | LinkageError e) {
                return null;
            }
        }
    }
}
