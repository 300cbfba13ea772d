package dev.flash.meta;

/**
 * A toy application: each step, one hidden action (the application's identity) earns reward 1,
 * every other action 0. The observation carries only the time within the episode, so the only
 * way to find the rewarded action is to look at the context; an agent without context cannot do
 * better than the most common rewarded action of its training applications.
 */
public final class HiddenTargetEnvironment implements RlEnvironment {

    public static final int ACTIONS = 4;
    public static final int EPISODE_STEPS = 8;

    private final int target;
    private int t;

    HiddenTargetEnvironment(int target) {
        this.target = target;
    }

    public static ApplicationSet applications(int trainApps, int testApps) {
        java.util.List<String> train = new java.util.ArrayList<>();
        java.util.List<String> test = new java.util.ArrayList<>();
        for (int i = 0; i < trainApps; i++) {
            train.add("train-" + i);
        }
        for (int i = 0; i < testApps; i++) {
            test.add("test-" + i);
        }
        // Held-out applications use the targets in a different order than training ones.
        return ApplicationSet.of(train, test, (split, index, seed) -> new HiddenTargetEnvironment(
                split == ApplicationSet.Split.TRAIN ? index % ACTIONS : (ACTIONS - 1 - index % ACTIONS)));
    }

    @Override
    public int observationSize() {
        return 2;
    }

    @Override
    public int actionCount() {
        return ACTIONS;
    }

    @Override
    public float[] reset() {
        t = 0;
        return observation();
    }

    @Override
    public Step step(int action) {
        float reward = action == target ? 1f : 0f;
        t++;
        return new Step(observation(), reward, reward, t >= EPISODE_STEPS);
    }

    private float[] observation() {
        return new float[] {(float) t / EPISODE_STEPS, 1f};
    }
}
