package dev.flash.actuate;

import dev.flash.sysfs.SysfsRoot;
import dev.flash.testing.FakeKernel;
import dev.flash.testing.FakeSysfs;
import dev.flash.testing.FuzzDirs;
import dev.flash.testing.FuzzReport;
import dev.flash.testing.Mutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes {@code state.json}: whatever the file holds, reading it and restoring from it give
 * saved policies, a report, or an {@link ActuationException} naming the file; nothing else.
 */
@AddLifecycleHook(FuzzReport.class)
class StateStoreFuzzTest {
    private static final FakeSysfs TREE = FakeSysfs.acpiCpufreq(FuzzDirs.fresh("state-tree"), 4, 2);
    private static final SysfsRoot ROOT = TREE.sysfs(new FakeKernel());
    private static final String VALID = validStateFile();

    private static String validStateFile() {
        try {
            Path dir = FuzzDirs.fresh("state-valid");
            StateStore store = new StateStore(dir);
            store.save(ROOT, new SavedPolicy(0, "schedutil", 800000, 2601000, -1));
            store.save(ROOT, new SavedPolicy(2, "userspace", 1000000, 2400000, 1800000));
            return Files.readString(dir.resolve(StateStore.FILE_NAME));
        } catch (IOException | ActuationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String> stateFiles() {
        return Mutations.of(VALID.replace(ROOT.root().toString(), "ROOT"));
    }

    @Property
    void readAndRestoreGiveStateOrAnActuationException(@ForAll("stateFiles") String text) throws IOException {
        Path dir = FuzzDirs.fresh("state");
        Mutations.write(dir.resolve(StateStore.FILE_NAME), text.replace("ROOT", ROOT.root().toString()));
        try {
            new StateStore(dir).savedPolicies();
            new StateStore(dir).restore(ROOT);
            FuzzReport.ok();
        } catch (ActuationException expected) {
            FuzzReport.named(expected);
            if (!expected.getMessage().contains(StateStore.FILE_NAME) && !expected.getMessage().contains("policy")) {
                throw new AssertionError("the message names neither the file nor the policy: " + expected.getMessage());
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
