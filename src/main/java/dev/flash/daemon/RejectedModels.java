package dev.flash.daemon;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model files the provider rejected, as the status lists them, and the log line each rejected
 * content gets once: a file that stays broken is not logged again at every poll, a new content
 * of it is (keyed by sha256; by name and reason when the file could not be read).
 */
final class RejectedModels {
    /** Contents remembered for logging once; beyond this the memory starts over. */
    static final int MAX_REMEMBERED = 1024;

    private final DaemonLog log;
    private final Map<String, DaemonStatus.RejectedModel> current = new LinkedHashMap<>();
    private final Set<String> logged = new HashSet<>();

    RejectedModels(DaemonLog log) {
        this.log = log;
    }

    /** Replaces the list with the provider's latest (called after each poll). */
    void update(List<PolicyProvider.Rejected> rejected) {
        Map<String, DaemonStatus.RejectedModel> next = new LinkedHashMap<>();
        for (PolicyProvider.Rejected r : rejected) {
            String sha = r.sha256() == null ? "" : r.sha256();
            String key = sha.isEmpty() ? r.name() + "\n" + r.reason() : sha;
            DaemonStatus.RejectedModel m = new DaemonStatus.RejectedModel();
            DaemonStatus.RejectedModel before = current.get(key);
            m.since = before != null ? before.since : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            m.name = r.name();
            m.sha256 = sha.isEmpty() ? null : sha;
            m.reason = r.reason();
            next.put(key, m);
            if (logged.size() >= MAX_REMEMBERED) {
                logged.clear();
            }
            if (logged.add(key)) {
                log.warn("model " + r.name() + (sha.isEmpty() ? "" : " (sha256 " + sha.substring(0, Math.min(12, sha.length())) + ")")
                        + " rejected: " + r.reason() + "; it is not used");
            }
        }
        current.clear();
        current.putAll(next);
    }

    /** Copies for the status (Gson reads them after the daemon's lock is released). */
    List<DaemonStatus.RejectedModel> list() {
        List<DaemonStatus.RejectedModel> out = new ArrayList<>();
        for (DaemonStatus.RejectedModel r : current.values()) {
            DaemonStatus.RejectedModel copy = new DaemonStatus.RejectedModel();
            copy.name = r.name;
            copy.sha256 = r.sha256;
            copy.reason = r.reason;
            copy.since = r.since;
            out.add(copy);
        }
        return out;
    }
}
