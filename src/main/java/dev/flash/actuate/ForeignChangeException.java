package dev.flash.actuate;

import java.util.List;

/**
 * Raised once when {@link FrequencyActuator#apply} finds that another tool changed a policy: the
 * actuator has already stepped back (its own values handed back, the other tool's left in place)
 * and will not write to the policy again until the values return or it is resumed.
 */
public final class ForeignChangeException extends ActuationException {
    private final transient List<ForeignChange> changes;

    public ForeignChangeException(String message, List<ForeignChange> changes) {
        super(message);
        this.changes = List.copyOf(changes);
    }

    public List<ForeignChange> changes() {
        return changes;
    }
}
