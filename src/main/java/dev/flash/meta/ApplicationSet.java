package dev.flash.meta;

import java.util.List;

/**
 * The applications a meta-learner trains on and is evaluated on, split into training and held-out
 * test applications. Each application yields its own environment; the trainer keeps one instance
 * per application so the application's context carries across its episodes.
 */
public interface ApplicationSet {

    enum Split { TRAIN, TEST }

    /** Number of applications in the split. */
    int size(Split split);

    /** A stable, human-readable name of application {@code index} of the split. */
    String name(Split split, int index);

    /** A fresh environment for application {@code index} of the split; {@code seed} drives its noise. */
    RlEnvironment environment(Split split, int index, long seed);

    /** Creates environments from a function of (split, index, seed). */
    interface Factory {
        RlEnvironment create(Split split, int index, long seed);
    }

    /** An application set from name lists and a factory. */
    static ApplicationSet of(List<String> train, List<String> test, Factory factory) {
        List<String> tr = List.copyOf(train);
        List<String> te = List.copyOf(test);
        return new ApplicationSet() {
            @Override
            public int size(Split split) {
                return names(split).size();
            }

            @Override
            public String name(Split split, int index) {
                return names(split).get(index);
            }

            @Override
            public RlEnvironment environment(Split split, int index, long seed) {
                return factory.create(split, index, seed);
            }

            private List<String> names(Split split) {
                return split == Split.TRAIN ? tr : te;
            }
        };
    }
}
