package dev.flash.policy;

import dev.flash.telemetry.SignalGroups;
import java.util.Map;
import java.util.Set;

/**
 * Which signal groups ({@link SignalGroups}) a model requires and which it tolerates missing, as
 * its file states them ({@link ModelContract#META_REQUIRED_SIGNALS},
 * {@link ModelContract#META_TOLERATED_MISSING}).
 *
 * <p>A model that states neither key keeps the meaning every model had before the keys existed:
 * it requires nothing and runs on whatever the node gives, an unavailable signal reading 0
 * ({@link #UNDECLARED}). A group a declaring model lists in neither key is required: a model
 * that has not said it copes without a signal is not trusted to.
 *
 * @param declared  whether the file states the keys
 * @param required  groups the model must have; a node lacking one gets the fallback instead
 * @param tolerated groups the model was made to run without
 */
public record SignalNeeds(boolean declared, Set<String> required, Set<String> tolerated) {

    /** A model from before the keys: requires nothing. */
    public static final SignalNeeds UNDECLARED = new SignalNeeds(false, Set.of(), Set.of());

    public SignalNeeds {
        required = Set.copyOf(required);
        tolerated = Set.copyOf(tolerated);
        for (String g : required) {
            if (tolerated.contains(g)) {
                throw new IllegalArgumentException("signal group '" + g + "' is both required and tolerated missing");
            }
        }
    }

    /**
     * Reads the two keys' values (null when a key is absent).
     *
     * @throws IllegalArgumentException naming the key and the unknown or doubly listed group
     */
    public static SignalNeeds parse(String requiredValue, String toleratedValue) {
        if (requiredValue == null && toleratedValue == null) {
            return UNDECLARED;
        }
        Set<String> required = parseKey(ModelContract.META_REQUIRED_SIGNALS, requiredValue);
        Set<String> tolerated = parseKey(ModelContract.META_TOLERATED_MISSING, toleratedValue);
        for (String g : required) {
            if (tolerated.contains(g)) {
                throw new IllegalArgumentException("signal group '" + g + "' is both in "
                        + ModelContract.META_REQUIRED_SIGNALS + " and in " + ModelContract.META_TOLERATED_MISSING);
            }
        }
        java.util.Set<String> all = new java.util.LinkedHashSet<>(required);
        // unlisted groups are required (see the class comment)
        for (String g : SignalGroups.SIGNALS.keySet()) {
            if (!tolerated.contains(g)) {
                all.add(g);
            }
        }
        return new SignalNeeds(true, all, tolerated);
    }

    private static Set<String> parseKey(String key, String value) {
        try {
            return SignalGroups.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /**
     * Why this model must not decide on a node reporting {@code unavailable}, naming each
     * required group it lacks and the node's reasons; null when the node gives all it requires.
     */
    public String lackingReason(Map<String, String> unavailable) {
        if (required.isEmpty() || !lacksAny(unavailable)) {
            return null; // the daemon asks every tick: the usual answer allocates nothing
        }
        // in the groups' report order, so the same lack always reads the same
        java.util.List<String> ordered = SignalGroups.SIGNALS.keySet().stream().filter(required::contains).toList();
        Map<String, String> lacking = SignalGroups.lacking(ordered, unavailable);
        if (lacking.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("requires signals the node does not provide: ");
        String sep = "";
        for (Map.Entry<String, String> e : lacking.entrySet()) {
            sb.append(sep).append(e.getKey()).append(" (").append(e.getValue()).append(')');
            sep = ", ";
        }
        return sb.toString();
    }

    private boolean lacksAny(Map<String, String> unavailable) {
        if (unavailable == null || unavailable.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, java.util.List<String>> group : SignalGroups.SIGNALS.entrySet()) {
            if (required.contains(group.getKey())) {
                for (String signal : group.getValue()) {
                    if (unavailable.get(signal) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
