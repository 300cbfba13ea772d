package dev.flash;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Where flash's own code is (flash.jar, or target/classes in a build tree) and the library
 * directories installed beside it: {@code train-lib/} (DJL, PyTorch, Apache Commons: training and
 * the bzip2 reader) and {@code k8s-lib/} (the Kubernetes client), which flash.jar leaves out so
 * the daemon never loads them.
 */
public final class CodeLocation {
    private CodeLocation() {
    }

    /** flash.jar, or the classes directory. */
    public static Path code() {
        try {
            return Path.of(CodeLocation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate flash.jar: " + e.getMessage(), e);
        }
    }

    /** {@code dir} beside the code (target/train-lib for target/flash.jar or target/classes). */
    public static Path beside(String dir) {
        return code().toAbsolutePath().getParent().resolve(dir);
    }
}
