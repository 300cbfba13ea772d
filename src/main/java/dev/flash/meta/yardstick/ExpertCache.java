package dev.flash.meta.yardstick;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Converged experts on disk, one small JSON file per expert, keyed by what determines it: the
 * simulator's version, the application's content hash and the expert's training configuration
 * (the caller names them in {@link #key}). A reproduction reuses them; a changed simulator,
 * application or configuration gives a new key, so a stale expert is never read. Writes go to
 * a temporary file renamed into place, so an interrupted run leaves no half file.
 */
public final class ExpertCache {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private final Path directory;
    private final boolean rebuild;
    private int hits;
    private int builds;
    private double buildSeconds;

    /**
     * @param directory where the experts live (created on first write)
     * @param rebuild   ignore what is there and train every expert again (then overwrite)
     */
    public ExpertCache(Path directory, boolean rebuild) {
        this.directory = directory;
        this.rebuild = rebuild;
    }

    /** The key of an expert: a SHA-256 over its parts, in order. */
    public static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The expert of {@code key}: read from disk, or built by {@code train} and stored. */
    public ConvergedExpert.Expert get(String key, String app, Supplier<ConvergedExpert.Expert> train)
            throws IOException {
        Path file = directory.resolve(key + ".json");
        if (!rebuild && Files.isRegularFile(file)) {
            ConvergedExpert.Expert e = read(file);
            hits++;
            return e;
        }
        ConvergedExpert.Expert e = train.get();
        builds++;
        buildSeconds += e.seconds();
        write(file, key, app, e);
        return e;
    }

    public Path directory() {
        return directory;
    }

    /** Whether every expert is trained again rather than read. */
    public boolean rebuild() {
        return rebuild;
    }

    /** Experts read from disk so far. */
    public int hits() {
        return hits;
    }

    /** Experts trained so far, and their total training time. */
    public int builds() {
        return builds;
    }

    public double buildSeconds() {
        return buildSeconds;
    }

    private static void write(Path file, String key, String app, ConvergedExpert.Expert e) throws IOException {
        Files.createDirectories(file.getParent());
        JsonObject o = new JsonObject();
        o.addProperty("key", key);
        o.addProperty("app", app);
        o.add("expert", GSON.toJsonTree(e));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, GSON.toJson(o));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ConvergedExpert.Expert read(Path file) throws IOException {
        try {
            JsonObject o = GSON.fromJson(Files.readString(file), JsonObject.class);
            ConvergedExpert.Expert e = GSON.fromJson(o.get("expert"), ConvergedExpert.Expert.class);
            if (e == null || e.curve() == null) {
                throw new JsonParseException("no expert in it");
            }
            // Re-validated through the record's constructor; the training time was paid earlier.
            if (e.attempts() < 1) {
                throw new JsonParseException("no attempt count (an expert of an older rule?)");
            }
            return new ConvergedExpert.Expert(e.rewardPerStep(), e.converged(), e.steps(), 0,
                    new EvaluatedCurve(e.curve().steps(), e.curve().reward(), e.curve().standardError()),
                    e.doNothingReward(), e.attempts(), e.failed());
        } catch (JsonParseException | IllegalStateException | NullPointerException e) {
            throw new IOException(file + ": not a valid cached expert (" + e.getMessage()
                    + "); delete it or rebuild the experts", e);
        }
    }
}
