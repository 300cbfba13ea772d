package dev.flash.dvfs.eval;

import com.google.gson.JsonObject;
import dev.flash.dvfs.train.DvfsTrainJob;
import dev.flash.policy.onnx.OnnxDvfsPolicy;
import dev.flash.sim.AppSpec;
import dev.flash.sim.NodeSpec;
import dev.flash.sim.SimSpec;
import java.util.Map;

/**
 * Does a DVFS model park on an idle host? An idle server is the commonest server there is and
 * where parking at the lowest frequency saves the most; a model that keeps moving the frequency
 * there (a write to sysfs every second or few, for nothing) is not one to install. Models
 * trained on populations with idle gaps did exactly that in some training runs and not in others
 * (docs/log/2026-11-dvfs-experiments-log.md, "Idle gaps"), so every {@code flash train dvfs} checks the model it
 * wrote and says so in its report.
 *
 * <p>The model runs as {@code flash evaluate dvfs} runs it (the daemon's decision path, context
 * starting empty) on {@link #APP} for {@link #SECONDS} of simulated time. It parks when it makes
 * at most {@link #MAX_CHANGES_PER_MINUTE} frequency changes per minute and reaches at least
 * {@link #MIN_SHARE_OF_ORACLE_SAVING} of the oracle's saving (the oracle parks at the floor).
 */
public final class IdleHostCheck implements DvfsTrainJob.ModelCheck {

    /** The idle host of bench/apps/idle-host.json and ShippedModelAdaptsTest: 1% load, one CPU in four. */
    public static final AppSpec APP = AppSpec.steady("idle-host", 0.2, 0.01, 0.25);
    public static final double SECONDS = 300;
    /** The shipped model settles in a few seconds and then holds: under 1 change per minute. */
    public static final double MAX_CHANGES_PER_MINUTE = 2;
    public static final double MIN_SHARE_OF_ORACLE_SAVING = 0.9;
    public static final long SEED = 7;

    /** What the check measured. */
    public record Result(double changesPerMinute, double shareOfOracleSaving, double energySaving) {
        public boolean parks() {
            return changesPerMinute <= MAX_CHANGES_PER_MINUTE && shareOfOracleSaving >= MIN_SHARE_OF_ORACLE_SAVING;
        }
    }

    /** Runs the check on the embedded default simulated node (the one flash evaluate dvfs uses). */
    public static Result run(OnnxDvfsPolicy model) {
        return run(model, SimSpec.embeddedDefault().node());
    }

    /** The model, the performance governor and the oracle on the same load (the other references are not needed). */
    public static Result run(OnnxDvfsPolicy model, NodeSpec node) {
        Map<String, OperatorEvaluation.Agent> refs = OperatorEvaluation.referenceAgents();
        int actions = model.description().actions().size();
        long seed = OperatorEvaluation.appSeed(SEED, 0);
        OperatorEvaluation.RunStats own = OperatorEvaluation.run(ModelEvaluation.MODEL_AGENT, n -> model, node, APP,
                SECONDS, seed, model.description().contextLayout(), model.featureSet(), actions, null);
        OperatorEvaluation.RunStats perf = OperatorEvaluation.run("performance", refs.get("performance"), node, APP,
                SECONDS, seed, 0, actions);
        OperatorEvaluation.RunStats oracle = OperatorEvaluation.run("oracle", refs.get("oracle"), node, APP,
                SECONDS, seed, 0, actions);
        OperatorEvaluation.Row row = OperatorEvaluation.row(own, perf, oracle);
        return new Result(row.changesPerMinute(), row.shareOfOracleSaving(), row.energySaving());
    }

    @Override
    public String name() {
        return "idle_host";
    }

    @Override
    public JsonObject check(OnnxDvfsPolicy model) {
        Result r = run(model);
        JsonObject o = new JsonObject();
        o.addProperty("application", "steady load " + APP.phases().get(0).load() + ", parallelism "
                + APP.phases().get(0).parallelism() + ", " + (int) SECONDS + " s (flash evaluate dvfs --apps "
                + "bench/apps/idle-host.json)");
        Json.put(o, "changes_per_minute", r.changesPerMinute());
        Json.put(o, "share_of_oracle_saving", r.shareOfOracleSaving());
        Json.put(o, "energy_saving", r.energySaving());
        o.addProperty("criterion", "at most " + MAX_CHANGES_PER_MINUTE + " changes/min and at least "
                + MIN_SHARE_OF_ORACLE_SAVING + " of the oracle's saving");
        o.addProperty("passes", r.parks());
        return o;
    }
}
