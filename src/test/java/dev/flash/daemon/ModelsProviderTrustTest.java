package dev.flash.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flash.policy.onnx.OnnxModel;
import dev.flash.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's model source over a directory it must not trust: the models in it are not used,
 * the built-in model decides, and the status says why (rejectedModels) until it is fixed.
 */
class ModelsProviderTrustTest {
    @TempDir
    Path dir;

    @Test
    void anUntrustedDirectoryIsNamedInTheStatusAndTheBuiltInModelDecides() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        TestModels.spec().write(models, "dropped.onnx");
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (DaemonWiring.ModelsProvider provider = new DaemonWiring.ModelsProvider(models, OnnxModel.DEFAULT_MAX_BYTES)) {
            PolicyProvider.Selection s = provider.poll();
            assertTrue(s.modelName().contains("built-in"), s.modelName());
            assertEquals(1, provider.rejected().size(), provider.rejected().toString());
            PolicyProvider.Rejected directory = provider.rejected().get(0);
            assertEquals(models.toString(), directory.name());
            assertTrue(directory.reason().contains("models directory " + models + " is writable by others"),
                    directory.reason());

            Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxr-xr-x"));
            assertEquals("dropped.onnx", provider.poll().modelName(), "used once the directory is fixed");
            assertTrue(provider.rejected().isEmpty(), provider.rejected().toString());
        }
    }
}
