package dev.flash.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flash.policy.ModelDirectory.Entry;
import dev.flash.testing.Await;
import dev.flash.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

    @TempDir
    Path dir;

    /**
     * File time stamps come from the kernel's coarse clock (a tick): the next file written is
     * stamped later than everything before, however busy the machine.
     */
    void tick() {
        Await.nextFileTime(dir);
    }

    static Entry entry(ModelDirectory d, String name) {
        return d.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void droppedValidModelBecomesActiveAndTheNextOneReplacesIt() throws Exception {
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            assertFalse(d.poll());
            assertTrue(d.active().isEmpty());
            TestModels.spec().seed(1).write(dir, "a.onnx");
            assertTrue(d.poll());
            assertEquals(Optional.of("a.onnx"), d.activeName());
            assertEquals("a.onnx", d.active().orElseThrow().name());
            assertFalse(d.poll(), "nothing changed: nothing to do");
            tick();
            TestModels.spec().seed(2).write(dir, "b.onnx");
            assertTrue(d.poll());
            assertEquals("b.onnx", d.active().orElseThrow().name());
            assertTrue(entry(d, "b.onnx").active());
            assertFalse(entry(d, "a.onnx").active());
            assertTrue(entry(d, "a.onnx").valid());
        }
    }

    @Test
    void corruptDropIsRejectedAndTheLastGoodModelKeepsRunning() throws Exception {
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            TestModels.spec().write(dir, "good.onnx");
            d.poll();
            FrequencyPolicy running = d.active().orElseThrow();
            tick();
            TestModels.write(dir, "bad.onnx", TestModels.truncated());
            TestModels.spec().metadata(ModelContract.META_FEATURES,
                            String.join(",", dev.flash.dvfs.DvfsFeatures.NAMES).replace("power_norm", "temp"))
                    .write(dir, "mismatch.onnx");
            assertFalse(d.poll(), "a rejected file changes nothing");
            assertEquals("good.onnx", d.active().orElseThrow().name());
            Entry bad = entry(d, "bad.onnx");
            assertFalse(bad.valid());
            assertTrue(bad.reason().contains("not a loadable ONNX model"), bad.reason());
            assertTrue(entry(d, "mismatch.onnx").reason().contains("'temp'"), entry(d, "mismatch.onnx").reason());

            // Even a corrupt replacement of the active file keeps the loaded model.
            tick();
            TestModels.write(dir, "good.onnx", TestModels.garbage());
            assertFalse(d.poll());
            assertTrue(d.active().isPresent());
            assertEquals(running, d.active().orElseThrow());
            assertFalse(entry(d, "good.onnx").valid());
        }
    }

    @Test
    void explicitActivationPersistsUntilAnotherFileIsDropped() throws Exception {
        TestModels.spec().seed(1).write(dir, "a.onnx");
        tick();
        TestModels.spec().seed(2).write(dir, "b.onnx");
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            assertEquals(Optional.of("b.onnx"), d.activeName(), "newest at start-up");
            tick();
            d.activate("a.onnx");
            assertEquals(Optional.of("a.onnx"), d.activeName());
            assertEquals(List.of("a.onnx"), Files.readAllLines(dir.resolve(ModelDirectory.ACTIVE_FILE)));
            assertFalse(d.poll());
            assertEquals(Optional.of("a.onnx"), d.activeName());
        }
        try (ModelDirectory restarted = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            restarted.poll();
            assertEquals(Optional.of("a.onnx"), restarted.activeName(), "ACTIVE wins over the newer b.onnx");
            tick();
            TestModels.spec().seed(3).write(dir, "c.onnx");
            assertTrue(restarted.poll());
            assertEquals(Optional.of("c.onnx"), restarted.activeName(), "a drop wins over ACTIVE");
        }
        try (ModelDirectory again = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            again.poll();
            assertEquals(Optional.of("c.onnx"), again.activeName(), "the drop still wins after a restart");
        }
    }

    @Test
    void activationWrittenByAnotherProcessIsPickedUpByPoll() throws Exception {
        TestModels.spec().seed(1).write(dir, "a.onnx");
        tick();
        TestModels.spec().seed(2).write(dir, "b.onnx");
        try (ModelDirectory daemon = new ModelDirectory(dir, ModelContract.AGENT_DVFS);
             ModelDirectory cli = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            daemon.poll();
            assertEquals(Optional.of("b.onnx"), daemon.activeName());
            tick();
            cli.activate("a.onnx");
            assertTrue(daemon.poll());
            assertEquals(Optional.of("a.onnx"), daemon.activeName());
        }
    }

    @Test
    void temporaryNamesAreIgnoredAndOtherAgentsListedButNotActivated() throws Exception {
        Files.write(dir.resolve(".hidden.onnx"), TestModels.validDvfs());
        Files.write(dir.resolve("x.onnx.part"), TestModels.validDvfs());
        Files.write(dir.resolve("y.tmp"), TestModels.validDvfs());
        TestModels.spec().metadata(ModelContract.META_AGENT, ModelContract.AGENT_AUTOSCALE).write(dir, "auto.onnx");
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            assertEquals(List.of("auto.onnx"), d.entries().stream().map(Entry::name).toList());
            Entry auto = entry(d, "auto.onnx");
            assertTrue(auto.valid());
            assertEquals(ModelContract.AGENT_AUTOSCALE, auto.agent());
            assertTrue(d.active().isEmpty());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.activate("auto.onnx"));
            assertTrue(e.getMessage().contains(ModelContract.AGENT_AUTOSCALE), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> d.activate("missing.onnx"));
        }
        try (ModelDirectory autoscale = new ModelDirectory(dir, ModelContract.AGENT_AUTOSCALE)) {
            autoscale.poll();
            assertEquals("auto.onnx", autoscale.activeModel().orElseThrow().description().name());
            assertTrue(autoscale.active().isEmpty(), "not a DVFS policy");
        }
    }

    @Test
    void deletingTheActiveFileFallsBackToAnotherValidModelOrNone() throws Exception {
        TestModels.spec().seed(1).write(dir, "a.onnx");
        tick();
        TestModels.spec().seed(2).write(dir, "b.onnx");
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            assertEquals(Optional.of("b.onnx"), d.activeName());
            Files.delete(dir.resolve("b.onnx"));
            assertTrue(d.poll());
            assertEquals(Optional.of("a.onnx"), d.activeName());
            Files.delete(dir.resolve("a.onnx"));
            assertTrue(d.poll());
            assertTrue(d.active().isEmpty());
            assertTrue(d.entries().isEmpty());
        }
    }

    // ---- what is loaded at all: size, permissions, owner, links (issue 20, defects 6 and 7) ----

    @Test
    void aFileOverTheSizeLimitIsRejectedByItsSizeUnread() throws Exception {
        // 100 MB, sparse: no disk used, but read whole it would run the daemon's 64 MiB heap out
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(dir.resolve("huge.onnx").toFile(), "rw")) {
            f.setLength(100L << 20);
        }
        TestModels.spec().write(dir, "small.onnx");
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            Entry huge = entry(d, "huge.onnx");
            assertFalse(huge.valid());
            assertTrue(huge.reason().contains("104857600 bytes, more than the limit of 16777216 (model_max_bytes"),
                    huge.reason());
            assertEquals("small.onnx", d.activeName().orElseThrow());
        }
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS, 1024)) {
            d.poll();
            assertTrue(entry(d, "small.onnx").reason().contains("more than the limit of 1024"), entry(d, "small.onnx").reason());
            assertTrue(d.active().isEmpty());
        }
    }

    @Test
    void filesGroupOrOthersCanWriteAreRefusedNamingWhy() throws Exception {
        Path open = TestModels.spec().write(dir, "open.onnx");
        Path group = TestModels.spec().seed(2).write(dir, "group.onnx");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rw-rw-r--"));
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            assertTrue(d.active().isEmpty(), "nothing loaded");
            assertTrue(entry(d, "open.onnx").reason().contains("writable by others (mode rw-rw-rw-)"),
                    entry(d, "open.onnx").reason());
            assertTrue(entry(d, "group.onnx").reason().contains("writable by its group"), entry(d, "group.onnx").reason());
            tick();
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
            d.poll();
            assertEquals("open.onnx", d.activeName().orElseThrow(), "trusted once fixed");
        }
    }

    @Test
    void aDirectoryOthersCanWriteIsNotReadAtAll() throws Exception {
        TestModels.spec().write(dir, "m.onnx");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, d::poll);
            assertTrue(e.getMessage().contains("models directory " + dir + " is writable by others"), e.getMessage());
            assertTrue(d.active().isEmpty());
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void linksOutOfTheDirectoryAreRefusedLinksWithinAreFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path outside = TestModels.spec().write(elsewhere, "outside.onnx");
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.createSymbolicLink(models.resolve("linked.onnx"), outside);
        try (ModelDirectory d = new ModelDirectory(models, ModelContract.AGENT_DVFS)) {
            d.poll();
            Entry linked = entry(d, "linked.onnx");
            assertFalse(linked.valid());
            assertTrue(linked.reason().contains("resolves to " + outside.toRealPath() + ", outside the models directory"),
                    linked.reason());
            assertTrue(d.active().isEmpty());
            tick();
            TestModels.spec().seed(3).write(models, "real.onnx");
            Files.createSymbolicLink(models.resolve("alias.onnx"), Path.of("real.onnx"));
            d.poll();
            assertTrue(entry(d, "alias.onnx").valid(), entry(d, "alias.onnx").reason());
        }
    }

    @Test
    void filesOwnedBySomeoneElseAreRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file away (chown)");
        Path theirs = TestModels.spec().write(dir, "theirs.onnx");
        java.nio.file.attribute.UserPrincipal nobody;
        try {
            nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            assumeTrue(false, "no user 'nobody' on this machine");
            return;
        }
        Files.setOwner(theirs, nobody);
        try (ModelDirectory d = new ModelDirectory(dir, ModelContract.AGENT_DVFS)) {
            d.poll();
            assertTrue(entry(d, "theirs.onnx").reason().contains("theirs.onnx is owned by nobody, not root"),
                    entry(d, "theirs.onnx").reason());
            assertTrue(d.active().isEmpty());
        }
    }

    @Test
    void activationNeverWritesThroughALink() throws Exception {
        Path victim = Files.writeString(Files.createDirectories(dir.resolve("etc")).resolve("victim"), "keep me\n");
        Path models = Files.createDirectories(dir.resolve("models"));
        TestModels.spec().write(models, "a.onnx");
        Files.createSymbolicLink(models.resolve("." + ModelDirectory.ACTIVE_FILE + ".tmp"), victim);
        Files.createSymbolicLink(models.resolve(ModelDirectory.ACTIVE_FILE), victim);
        try (ModelDirectory d = new ModelDirectory(models, ModelContract.AGENT_DVFS)) {
            d.activate("a.onnx");
        }
        assertEquals("keep me\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(models.resolve(ModelDirectory.ACTIVE_FILE)), "the link itself was replaced");
        assertEquals(List.of("a.onnx"), Files.readAllLines(models.resolve(ModelDirectory.ACTIVE_FILE)));
    }
}
