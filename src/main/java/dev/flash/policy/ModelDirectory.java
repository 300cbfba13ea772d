package dev.flash.policy;

import dev.flash.policy.onnx.ModelDescription;
import dev.flash.policy.onnx.ModelRejectedException;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The models directory (default {@code /var/lib/flash/models}) and which model in it is active
 * for one agent.
 *
 * <p>The directory holds {@code *.onnx} files. Names starting with '.' and names ending in
 * {@code .tmp} or {@code .part} are ignored, so the way to install a model is to write it under
 * such a name and rename it into place. Every new or changed file is validated once
 * ({@link OnnxModel#load}, plus {@link OnnxDvfsPolicy#checkAgainstEnvironment} for DVFS files);
 * files for other agents are listed but never activated here.
 *
 * <p>Which model runs:
 * <ol>
 *   <li>a valid file dropped (new or changed) since the last {@link #poll} becomes active;</li>
 *   <li>an explicit choice ({@link #activate}, or {@code flash models activate}) is written to
 *       {@code DIR/ACTIVE} and wins until another valid file is dropped;</li>
 *   <li>an invalid file is recorded as rejected with its reason and changes nothing: the last
 *       good model keeps running, even when the rejected file replaced the active one;</li>
 *   <li>when the active file is deleted, the rule of start-up picks again (or none, and the
 *       daemon runs the fallback controller);</li>
 *   <li>at start-up: the file named in ACTIVE, unless a valid file changed after ACTIVE was
 *       written; then the most recently changed valid file.</li>
 * </ol>
 * "Changed" is the later of a file's modification and status-change time, so a rename into the
 * directory counts as a drop even when it keeps an old modification time.
 *
 * <p>What is loaded at all: files of at most {@code maxBytes} (checked before reading), and only
 * from a directory and files that {@link ModelFileTrust} trusts (owned by root or flash's user,
 * not writable by group or others, not resolving outside the directory). An untrusted directory
 * makes {@link #poll} fail with the reason; an untrusted file is listed as rejected with it.
 * {@code ACTIVE} is read and replaced without following symbolic links.
 *
 * <p>{@link #poll} is cheap when nothing changed (one directory listing and a stat per file);
 * the daemon calls it every few seconds from its loop thread, between ticks: a replaced model is
 * closed inside {@code poll}, so it must not be in use on another thread.
 */
public final class ModelDirectory implements AutoCloseable {

    /** The default models directory, as text for annotation defaults (picocli). */
    public static final String DEFAULT_DIR_TEXT = "/var/lib/flash/models";
    public static final Path DEFAULT_DIR = Path.of(DEFAULT_DIR_TEXT);
    public static final String ACTIVE_FILE = "ACTIVE";
    public static final String SUFFIX = ".onnx";

    /** One listed model file. {@code reason} is empty for a valid file, {@code agent} for an unreadable one. */
    public record Entry(String name, long size, Instant changed, boolean valid, String reason, String agent,
                        String sha256, boolean active) {
    }

    private final Path dir;
    private final String agent;
    private final long maxBytes;
    private final Map<String, Scanned> scanned = new TreeMap<>();
    private Stamp activeFileStamp;
    private boolean firstPoll = true;

    private String activeName;
    private OnnxModel activeModel;
    private OnnxDvfsPolicy activePolicy;

    public ModelDirectory(Path dir, String agent) {
        this(dir, agent, OnnxModel.DEFAULT_MAX_BYTES);
    }

    /** A directory whose model files are read only up to {@code maxBytes} each. */
    public ModelDirectory(Path dir, String agent, long maxBytes) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.maxBytes = maxBytes;
    }

    public Path dir() {
        return dir;
    }

    public String agent() {
        return agent;
    }

    /** Whether a name is a model file this directory considers (not a temporary or hidden name). */
    public static boolean isModelName(String name) {
        return name.endsWith(SUFFIX) && !name.startsWith(".") && !name.endsWith(".tmp") && !name.endsWith(".part");
    }

    /**
     * Rescans the directory: validates new or changed files and applies the activation rules.
     *
     * @return true when the active model changed (loaded, replaced or dropped)
     * @throws IOException when the directory cannot be listed, or is not to be trusted
     *                     ({@link ModelFileTrust}; the message says why)
     */
    public synchronized boolean poll() throws IOException {
        Optional<String> untrusted = ModelFileTrust.directoryProblem(dir);
        if (untrusted.isPresent()) {
            throw new IOException(untrusted.get());
        }
        Map<String, Stamp> listing = list();
        Stamp activeStamp = stamp(dir.resolve(ACTIVE_FILE));
        boolean activeFileChanged = !Objects.equals(activeStamp, activeFileStamp);
        boolean listingChanged = listing.size() != scanned.size();
        if (!listingChanged) {
            for (Map.Entry<String, Stamp> e : listing.entrySet()) {
                Scanned s = scanned.get(e.getKey());
                if (s == null || !s.stamp.equals(e.getValue())) {
                    listingChanged = true;
                    break;
                }
            }
        }
        if (!firstPoll && !listingChanged && !activeFileChanged) {
            return false;
        }
        activeFileStamp = activeStamp;

        // Validate what is new or changed; forget what is gone.
        scanned.keySet().retainAll(listing.keySet());
        List<Scanned> dropped = new ArrayList<>();
        for (Map.Entry<String, Stamp> e : listing.entrySet()) {
            Scanned old = scanned.get(e.getKey());
            if (old == null || !old.stamp.equals(e.getValue())) {
                Scanned s = validate(e.getKey(), e.getValue());
                scanned.put(e.getKey(), s);
                if (s.valid && agent.equals(s.agent)) {
                    dropped.add(s);
                }
            }
        }

        String desired;
        if (firstPoll) {
            desired = startupChoice(activeStamp);
        } else {
            desired = activeName;
            Scanned newestDrop = newest(dropped);
            String explicit = activeFileChanged ? explicitChoice() : null;
            if (newestDrop != null && (explicit == null || activeStamp == null
                    || newestDrop.stamp.changed > activeStamp.changed)) {
                desired = newestDrop.name;
            } else if (explicit != null) {
                desired = explicit;
            } else if (activeName != null && !scanned.containsKey(activeName)) {
                desired = startupChoice(activeStamp); // the active file was deleted
            }
        }
        firstPoll = false;
        final String chosen = desired;
        boolean reloadSame = chosen != null && chosen.equals(activeName)
                && dropped.stream().anyMatch(s -> s.name.equals(chosen));
        if (Objects.equals(desired, activeName) && !reloadSame) {
            return false;
        }
        return switchTo(desired);
    }

    /**
     * Makes {@code name} the active model and records the choice in {@code DIR/ACTIVE} (written
     * to a temporary file and renamed, so a reader never sees half a name).
     *
     * @throws IllegalArgumentException when the name is not a valid model of this agent in the
     *                                  directory (the message says why)
     * @throws IOException              when ACTIVE cannot be written
     */
    public synchronized void activate(String name) throws IOException {
        if (firstPoll) {
            poll();
        }
        Scanned s = scanned.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no model named '" + name + "' in " + dir);
        }
        if (!s.valid) {
            throw new IllegalArgumentException(name + " is rejected: " + s.reason);
        }
        if (!agent.equals(s.agent)) {
            throw new IllegalArgumentException(name + " is a model for agent '" + s.agent + "', not " + agent);
        }
        writeActiveFile(name);
        activeFileStamp = stamp(dir.resolve(ACTIVE_FILE));
        if (!name.equals(activeName)) {
            switchTo(name);
        }
    }

    /** The loaded active model, if any. */
    public synchronized Optional<OnnxModel> activeModel() {
        return Optional.ofNullable(activeModel);
    }

    /** The active model as a DVFS policy (agent dvfs only). */
    public synchronized Optional<FrequencyPolicy> active() {
        return Optional.ofNullable(activePolicy);
    }

    public synchronized Optional<String> activeName() {
        return Optional.ofNullable(activeName);
    }

    /** Every model file as of the last poll, by name. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Scanned s : scanned.values()) {
            out.add(new Entry(s.name, s.stamp.size, Instant.ofEpochMilli(s.stamp.changed / 1_000_000L), s.valid,
                    s.reason, s.agent, s.sha256, s.name.equals(activeName)));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        unload();
        activeName = null;
    }

    // ---- rules ------------------------------------------------------------------------------

    private String startupChoice(Stamp activeStamp) {
        Scanned newest = newest(candidates());
        String explicit = explicitChoice();
        if (explicit != null && (newest == null || activeStamp == null || newest.stamp.changed <= activeStamp.changed)) {
            return explicit;
        }
        return newest == null ? null : newest.name;
    }

    private List<Scanned> candidates() {
        List<Scanned> out = new ArrayList<>();
        for (Scanned s : scanned.values()) {
            if (s.valid && agent.equals(s.agent)) {
                out.add(s);
            }
        }
        return out;
    }

    private static Scanned newest(List<Scanned> list) {
        Scanned best = null;
        for (Scanned s : list) {
            if (best == null || s.stamp.changed > best.stamp.changed
                    || (s.stamp.changed == best.stamp.changed && s.name.compareTo(best.name) > 0)) {
                best = s;
            }
        }
        return best;
    }

    /** The first name in ACTIVE that is a valid model of this agent; null when none. */
    private String explicitChoice() {
        for (String line : readActiveFile()) {
            Scanned s = scanned.get(line);
            if (s != null && s.valid && agent.equals(s.agent)) {
                return line;
            }
        }
        return null;
    }

    private List<String> readActiveFile() {
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                Files.newInputStream(dir.resolve(ACTIVE_FILE), LinkOption.NOFOLLOW_LINKS), StandardCharsets.UTF_8))) {
            List<String> out = new ArrayList<>();
            for (String line : in.lines().limit(64).toList()) {
                if (!line.isBlank()) {
                    out.add(line.trim());
                }
            }
            return out;
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** ACTIVE holds one name per agent: the new choice first, other agents' choices kept. */
    private void writeActiveFile(String name) throws IOException {
        StringBuilder text = new StringBuilder(name).append('\n');
        for (String line : readActiveFile()) {
            Scanned s = scanned.get(line);
            if (!line.equals(name) && s != null && s.agent != null && !agent.equals(s.agent)) {
                text.append(line).append('\n');
            }
        }
        // Never through a link someone left under the temporary name: remove it (the link, not
        // its target) and create the file anew; the rename then replaces ACTIVE itself.
        Path tmp = dir.resolve("." + ACTIVE_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(tmp, java.util.Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        try {
            Files.move(tmp, dir.resolve(ACTIVE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(ACTIVE_FILE), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads {@code name} (or nothing); on failure keeps the current model and records why. */
    private boolean switchTo(String name) {
        if (name == null) {
            boolean had = activeName != null;
            unload();
            activeName = null;
            return had;
        }
        Path file = dir.resolve(name);
        OnnxModel model = null;
        OnnxDvfsPolicy policy = null;
        try {
            Optional<String> untrusted = ModelFileTrust.fileProblem(dir, file); // again: it may have changed
            if (untrusted.isPresent()) {
                throw new ModelRejectedException(file, untrusted.get());
            }
            if (ModelContract.AGENT_DVFS.equals(agent)) {
                policy = OnnxDvfsPolicy.load(file, maxBytes);
            } else {
                model = OnnxModel.load(file, maxBytes);
            }
        } catch (ModelRejectedException e) {
            Scanned s = scanned.get(name);
            if (s != null) {
                scanned.put(name, s.rejected(e.reason()));
            }
            return false;
        }
        unload();
        activeName = name;
        activePolicy = policy;
        activeModel = model;
        return true;
    }

    private void unload() {
        if (activePolicy != null) {
            activePolicy.close();
        }
        if (activeModel != null) {
            activeModel.close();
        }
        activePolicy = null;
        activeModel = null;
    }

    // ---- scanning ---------------------------------------------------------------------------

    private Map<String, Stamp> list() throws IOException {
        Map<String, Stamp> out = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (isModelName(name) && Files.isRegularFile(p)) {
                    Stamp s = stamp(p);
                    if (s != null) {
                        out.put(name, s);
                    }
                }
            }
        }
        return out;
    }

    /** Size, modification and change time of a file; null when it does not exist. */
    private static Stamp stamp(Path p) {
        try {
            Map<String, Object> attrs;
            try {
                attrs = Files.readAttributes(p, "unix:size,lastModifiedTime,ctime");
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                attrs = Files.readAttributes(p, "size,lastModifiedTime");
            }
            long size = (Long) attrs.get("size");
            long mtime = nanos((FileTime) attrs.get("lastModifiedTime"));
            Object ctime = attrs.get("ctime");
            long changed = ctime instanceof FileTime c ? Math.max(mtime, nanos(c)) : mtime;
            return new Stamp(size, mtime, changed);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long nanos(FileTime t) {
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private Scanned validate(String name, Stamp stamp) {
        Path file = dir.resolve(name);
        Optional<String> untrusted = ModelFileTrust.fileProblem(dir, file);
        if (untrusted.isPresent()) {
            return new Scanned(name, stamp, false, untrusted.get(), "", "");
        }
        try (OnnxModel model = OnnxModel.load(file, maxBytes)) {
            ModelDescription d = model.description();
            if (ModelContract.AGENT_DVFS.equals(d.agent())) {
                OnnxDvfsPolicy.checkAgainstEnvironment(d);
            }
            return new Scanned(name, stamp, true, "", d.agent(), d.sha256());
        } catch (ModelRejectedException e) {
            return new Scanned(name, stamp, false, e.reason(), "", sha256Of(file));
        }
    }

    /**
     * The content hash of a rejected file, streamed (a rejected file may be huge), so the daemon
     * reports each content once; "" when it cannot be read.
     */
    private static String sha256Of(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return "";
        }
    }

    /** What identifies a file version: size, modification time, change time (ns since epoch). */
    private record Stamp(long size, long mtime, long changed) {
    }

    private record Scanned(String name, Stamp stamp, boolean valid, String reason, String agent, String sha256) {
        Scanned rejected(String why) {
            return new Scanned(name, stamp, false, why, agent, sha256);
        }
    }
}
