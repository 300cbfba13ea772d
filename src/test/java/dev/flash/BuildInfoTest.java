package dev.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BuildInfoTest {
    private static final String ID = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void aRecordedCommitIsReportedAndMarkedWhenTheTreeWasDirty() {
        Properties clean = new Properties();
        clean.setProperty("git.commit.id", ID);
        clean.setProperty("git.dirty", "false");
        assertEquals(Optional.of(ID), BuildInfo.commit(clean));

        Properties dirty = new Properties();
        dirty.setProperty("git.commit.id", ID);
        dirty.setProperty("git.dirty", "true");
        assertEquals(Optional.of(ID + "-dirty"), BuildInfo.commit(dirty));
    }

    @Test
    void noRecordOrAMalformedOneIsNoCommit() {
        assertEquals(Optional.empty(), BuildInfo.commit(new Properties()));
        Properties odd = new Properties();
        odd.setProperty("git.commit.id", "${git.commit.id.full}");
        assertEquals(Optional.empty(), BuildInfo.commit(odd));
    }

    @Test
    void theBuildOfThisCheckoutRecordedItsCommit() {
        // Maven built these classes inside a git checkout, so the plugin wrote the record.
        if (BuildInfo.class.getResource(BuildInfo.RESOURCE) != null) {
            assertTrue(BuildInfo.commit().orElseThrow().matches("[0-9a-f]{40}(-dirty)?"), BuildInfo.commit()::toString);
            assertTrue(BuildInfo.describe("dev").matches("flash dev \\(commit [0-9a-f]{12}(-dirty)?\\)"));
        } else {
            assertEquals("flash dev", BuildInfo.describe("dev"));
        }
    }
}
