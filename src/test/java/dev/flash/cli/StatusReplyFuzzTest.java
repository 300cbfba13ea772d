package dev.flash.cli;

import com.google.gson.GsonBuilder;
import dev.flash.daemon.DaemonStatus;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes the client side of {@code flash status}: a reply is read as {@code call()} reads it
 * ({@link StatusReply#tree}, {@link StatusReply#status}) and rendered, plain and verbose; the
 * only failure allowed is {@link StatusReply.BadReplyException} (exit 1 with a message).
 * Before issue 20's defect 8 was fixed this found a NumberFormatException out of Gson
 * ({@code {"state":"x","power":{"packageWatts":n}}}) and a NullPointerException in the summary
 * ({@code {"state":"x","node":null}}).
 */
@AddLifecycleHook(FuzzReport.class)
class StatusReplyFuzzTest {

    @Provide
    Arbitrary<String> replies() {
        DaemonStatus s = new DaemonStatus();
        s.state = "running";
        s.pid = 42;
        s.node.kind = "real";
        s.node.description = "linux cpufreq (acpi-cpufreq) under /";
        s.model.name = "dvfs-flash.onnx";
        DaemonStatus.PolicyStatus p = new DaemonStatus.PolicyStatus();
        p.id = 0;
        p.cpus = "0-1";
        p.mode = "setspeed";
        p.freqMhz = 1800.0;
        p.action = "hold";
        s.policies.add(p);
        s.lastErrors.add("2026-01-01T00:00:00Z write policy0: EBUSY");
        return Mutations.of(new GsonBuilder().serializeNulls().create().toJson(s));
    }

    @Property
    void replyRendersOrIsABadReply(@ForAll("replies") String reply) {
        try {
            DaemonStatus s = StatusReply.status(StatusReply.tree(reply));
            StatusCommand.render(s, false);
            StatusCommand.render(s, true);
            FuzzReport.ok();
        } catch (StatusReply.BadReplyException expected) {
            FuzzReport.named(expected);
            // named: the reply is not a status, and the message says why
        }
    }
}
