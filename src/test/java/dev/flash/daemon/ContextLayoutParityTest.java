package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.flash.dvfs.DvfsActions;
import dev.flash.dvfs.DvfsFeatures;
import dev.flash.dvfs.train.DvfsEnvironment;
import dev.flash.dvfs.train.DvfsTrainer;
import dev.flash.meta.ContextBuffer;
import dev.flash.meta.NetworkConfig;
import dev.flash.meta.RlEnvironment;
import dev.flash.meta.yardstick.HistoryStacking;
import dev.flash.policy.ContextLayout;
import dev.flash.policy.SignalNeeds;
import dev.flash.policy.TrajectoryBuffer;
import dev.flash.policy.TrajectoryRecorder;
import dev.flash.sim.AppSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Train/serve parity of the context rows: on a recorded DVFS trajectory (three episodes of a
 * simulated application, the actions cycling through the ladder), the rows the trainer's
 * context builds ({@link ContextBuffer}, as {@code PpoTrainer} feeds it), the rows the daemon's
 * buffer builds ({@link TrajectoryBuffer}, chosen by {@link FlashDaemon#defaultRecorder} from the
 * model's layout, fed as {@code FlashDaemon} feeds it) and the rows the history baseline stacks
 * ({@link HistoryStacking}) are the same floats after every step, for the flat layout and for a
 * layout of windows.
 */
class ContextLayoutParityTest {

    static final int A = DvfsActions.DEFAULT.size();
    static final int F = DvfsFeatures.COUNT;

    @Test
    void flatLayoutRowsAgree() {
        assertParity(ContextLayout.flat(4));
    }

    @Test
    void windowedLayoutRowsAgree() {
        assertParity(ContextLayout.parse("1,1,2,4,8,16,32"));
    }

    private static void assertParity(ContextLayout layout) {
        NetworkConfig net = DvfsTrainer.Settings.defaults(7).withContextLayout(layout).network();
        assertEquals(layout, net.contextLayout());
        ContextBuffer training = ContextBuffer.latest(net);
        PolicyProvider.Selection selection = new PolicyProvider.Selection(null, "m.onnx", "dvfs", layout.rows(), A,
                0, 0, null, "", SignalNeeds.UNDECLARED, layout);
        TrajectoryRecorder recorder = FlashDaemon.defaultRecorder(selection);
        TrajectoryBuffer daemon = assertInstanceOf(TrajectoryBuffer.class, recorder);
        assertEquals(layout, daemon.layout());

        AppSpec app = AppSpec.steady("mixed", 0.4, 0.6, 1.0);
        HistoryStacking history = new HistoryStacking(new DvfsEnvironment(app, 11, DvfsEnvironment.Options.defaults()),
                layout);
        int c = layout.rows();
        int w = F + A + 1;
        float[] trainRows = new float[c * w];
        float[] trainMask = new float[c];
        float[] daemonRows = new float[c * w];
        float[] daemonMask = new float[c];
        int policy = 3;
        int steps = 0;
        for (int episode = 0; episode < 3; episode++) {
            float[] obs = history.reset();
            boolean done = false;
            while (!done) {
                float[] state = Arrays.copyOf(obs, F);
                int action = (steps * 3 + episode) % A;
                RlEnvironment.Step s = history.step(action);
                training.add(state, action, s.contextReward());
                daemon.append(policy, state, action, s.contextReward());
                training.copyInto(trainRows, trainMask, 0);
                daemon.copyInto(policy, daemonRows, daemonMask, 0, c, w);
                assertArrayEquals(trainRows, daemonRows, "rows after step " + steps);
                assertArrayEquals(trainMask, daemonMask, "mask after step " + steps);
                assertEquals(training.filled(), daemon.filled(policy));
                done = s.done();
                if (!done) {
                    float[] stacked = s.observation();
                    assertArrayEquals(trainRows, Arrays.copyOfRange(stacked, F, F + c * w),
                            "history baseline's stacked rows after step " + steps);
                    assertArrayEquals(trainMask, Arrays.copyOfRange(stacked, F + c * w, F + c * w + c));
                }
                obs = s.observation();
                steps++;
            }
        }
        assertEquals(Math.min(layout.horizon(), steps) > 0, daemon.filled(policy) > 0);
    }
}
