package dev.flash.autoscale;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded population of synthetic services (docs/simulated-service.md, "The services population"),
 * split into meta-training and held-out services, and its JSON file ({@value #FORMAT}).
 *
 * <p>Each parameter is drawn independently: CPU per request log-uniform in [5, 200] ms of a core;
 * demand CV uniform in [0.2, 1.5]; parallel efficiency in [0.3, 1]; memory 100-800 MiB idle plus
 * 0.5-10 MiB per request in flight, limit 1.5-3x the idle memory; start-up 0-3 steps; the SLO 5 to
 * 20 times the request's time on one core; up to 20-60 replicas; the peak load needs 2-40 cores on
 * one-core replicas at 70% utilization; the daily cycle's trough 5-70% of the peak over 60-240
 * steps; 0-4 bursts per cycle of 1.3-3x for 2-10 steps; noise sigma 0.02-0.25.
 */
public final class ServicePopulation {
    private ServicePopulation() {
    }

    public static final String FORMAT = "flash-services/1";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** {@code n} services from {@code seed}, the last {@code round(n * testFraction)} held out. */
    public static List<ServiceSpec> sample(int n, long seed, double testFraction) {
        if (n < 1 || !(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("need n >= 1 and test fraction in [0, 1), got " + n + ", " + testFraction);
        }
        Random r = new Random(seed);
        int test = (int) Math.round(n * testFraction);
        List<ServiceSpec> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double cpu = Math.exp(uniform(r, Math.log(0.005), Math.log(0.2)));
            double cv = uniform(r, 0.2, 1.5);
            double eff = uniform(r, 0.3, 1.0);
            double memBase = uniform(r, 100, 800);
            double memPer = uniform(r, 0.5, 10);
            double memLimit = memBase * uniform(r, 1.5, 3.0);
            int startup = r.nextInt(4);
            double slo = cpu * uniform(r, 5, 20);
            int maxReplicas = 20 + r.nextInt(41);
            double peakCores = uniform(r, 2, 40);
            double peakRate = peakCores * 0.7 / cpu;
            ServiceSpec.LoadShape load = new ServiceSpec.LoadShape(round(peakRate), round(uniform(r, 0.05, 0.7)),
                    60 + r.nextInt(181), round(uniform(r, 0, 4)), round(uniform(r, 1.3, 3.0)), 2 + r.nextInt(9),
                    round(uniform(r, 0.02, 0.25)));
            String split = i >= n - test ? ServiceSpec.TEST : ServiceSpec.TRAIN;
            out.add(new ServiceSpec(String.format(Locale.ROOT, "svc-%04d", i), split, round(cpu), round(cv), round(eff),
                    round(memBase), round(memPer), round(memLimit), startup, round(slo), maxReplicas, load));
        }
        return out;
    }

    /** The services of one split, in file order. */
    public static List<ServiceSpec> split(List<ServiceSpec> all, String split) {
        return all.stream().filter(s -> s.split().equals(split)).toList();
    }

    public static void write(List<ServiceSpec> services, Writer out) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        JsonArray arr = new JsonArray();
        for (ServiceSpec s : services) {
            arr.add(toJson(s));
        }
        root.add("services", arr);
        GSON.toJson(root, out);
        out.write('\n');
    }

    static JsonObject toJson(ServiceSpec s) {
        JsonObject o = new JsonObject();
        o.addProperty("name", s.name());
        o.addProperty("split", s.split());
        o.addProperty("cpu_per_request", s.cpuPerRequest());
        o.addProperty("demand_cv", s.demandCv());
        o.addProperty("parallel_efficiency", s.parallelEfficiency());
        o.addProperty("memory_base_mib", s.memoryBaseMib());
        o.addProperty("memory_per_request_mib", s.memoryPerRequestMib());
        o.addProperty("memory_limit_mib", s.memoryLimitMib());
        o.addProperty("startup_steps", s.startupSteps());
        o.addProperty("slo_seconds", s.sloSeconds());
        o.addProperty("max_replicas", s.maxReplicas());
        JsonObject l = new JsonObject();
        ServiceSpec.LoadShape ls = s.load();
        l.addProperty("peak_rate", ls.peakRate());
        l.addProperty("trough", ls.trough());
        l.addProperty("period_steps", ls.periodSteps());
        l.addProperty("bursts_per_cycle", ls.burstsPerCycle());
        l.addProperty("burst_factor", ls.burstFactor());
        l.addProperty("burst_steps", ls.burstSteps());
        l.addProperty("noise", ls.noise());
        o.add("load", l);
        return o;
    }

    /**
     * Reads a services file; every problem names the service (index and name) and the field.
     */
    public static List<ServiceSpec> read(Path file) throws IOException, InvalidInputException {
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(file));
        } catch (JsonParseException e) {
            throw new InvalidInputException(file + ": not JSON: " + e.getMessage());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException(file + ": not UTF-8 text");
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("services")
                || !root.getAsJsonObject().get("services").isJsonArray()) {
            throw new InvalidInputException(file + ": expected {\"format\": \"" + FORMAT + "\", \"services\": [...]}");
        }
        JsonElement format = root.getAsJsonObject().get("format");
        if (format == null || !format.isJsonPrimitive() || !FORMAT.equals(format.getAsString())) {
            throw new InvalidInputException(file + ": format must be \"" + FORMAT + "\", got " + format);
        }
        JsonArray arr = root.getAsJsonObject().getAsJsonArray("services");
        List<ServiceSpec> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String where = file + ": services[" + i + "]";
            if (!arr.get(i).isJsonObject()) {
                problems.add(where + ": not an object");
                continue;
            }
            JsonObject o = arr.get(i).getAsJsonObject();
            try {
                JsonObject l = o.has("load") && o.get("load").isJsonObject() ? o.getAsJsonObject("load") : new JsonObject();
                ServiceSpec s = new ServiceSpec(text(o, "name"), text(o, "split"), num(o, "cpu_per_request"),
                        num(o, "demand_cv"), num(o, "parallel_efficiency"), num(o, "memory_base_mib"),
                        num(o, "memory_per_request_mib"), num(o, "memory_limit_mib"), integer(o, "startup_steps"),
                        num(o, "slo_seconds"), integer(o, "max_replicas"),
                        new ServiceSpec.LoadShape(num(l, "load.peak_rate"), num(l, "load.trough"),
                                integer(l, "load.period_steps"), num(l, "load.bursts_per_cycle"),
                                num(l, "load.burst_factor"), integer(l, "load.burst_steps"), num(l, "load.noise")));
                String name = o.has("name") ? " (" + o.get("name").getAsString() + ")" : "";
                for (String p : s.problems()) {
                    problems.add(where + name + ": " + p);
                }
                out.add(s);
            } catch (InvalidInputException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(String.join("\n", problems));
        }
        if (out.isEmpty()) {
            throw new InvalidInputException(file + ": no services");
        }
        return out;
    }

    private static String key(String field) {
        int dot = field.indexOf('.');
        return dot < 0 ? field : field.substring(dot + 1);
    }

    private static JsonElement field(JsonObject o, String field) throws InvalidInputException {
        JsonElement e = o.get(key(field));
        if (e == null || e.isJsonNull()) {
            throw new InvalidInputException(field + ": missing");
        }
        return e;
    }

    private static String text(JsonObject o, String field) throws InvalidInputException {
        JsonElement e = field(o, field);
        if (!e.isJsonPrimitive()) {
            throw new InvalidInputException(field + ": not a string");
        }
        return e.getAsString();
    }

    private static double num(JsonObject o, String field) throws InvalidInputException {
        JsonElement e = field(o, field);
        try {
            return e.getAsDouble();
        } catch (RuntimeException ex) {
            throw new InvalidInputException(field + ": not a number: " + e);
        }
    }

    private static int integer(JsonObject o, String field) throws InvalidInputException {
        double v = num(o, field);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new InvalidInputException(field + ": not an integer: " + v);
        }
        return (int) v;
    }

    private static double uniform(Random r, double lo, double hi) {
        return lo + (hi - lo) * r.nextDouble();
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
