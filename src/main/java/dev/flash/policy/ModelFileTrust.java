package dev.flash.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Whether the models directory and a file in it may be loaded by a daemon that often runs as
 * root, after sshd's StrictModes: a model decides what the CPUs do, so a file that anyone but
 * its owner could have written, or that lives outside the directory, is refused with the reason.
 *
 * <ul>
 *   <li>the directory and every file: owned by root or by the user flash runs as, and not
 *       writable by group or others;</li>
 *   <li>a file (or the symlink it is) must resolve inside the directory: a link to
 *       {@code /home/x/m.onnx} would let whoever owns that path choose the model.</li>
 * </ul>
 * On file systems without POSIX attributes (not Linux) nothing is checked.
 */
public final class ModelFileTrust {
    private static final Set<PosixFilePermission> GROUP_OR_OTHER_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private ModelFileTrust() {
    }

    /** Why the directory is not to be trusted; empty when it is. */
    public static Optional<String> directoryProblem(Path dir) {
        return problem(dir, "models directory " + dir);
    }

    /** Why {@code file} (a name in {@code dir}) is not to be trusted; empty when it is. */
    public static Optional<String> fileProblem(Path dir, Path file) {
        Path real;
        Path realDir;
        try {
            real = file.toRealPath();
            realDir = dir.toRealPath();
        } catch (IOException e) {
            return Optional.of("cannot resolve " + file + ": " + e.getMessage());
        }
        if (!real.getParent().equals(realDir)) {
            return Optional.of(file.getFileName() + " resolves to " + real + ", outside the models directory "
                    + realDir + "; copy the model into the directory instead of linking it");
        }
        return problem(real, file.getFileName().equals(real.getFileName()) ? file.getFileName().toString()
                : file.getFileName() + " (-> " + real.getFileName() + ")");
    }

    private static Optional<String> problem(Path p, String what) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot read the attributes of " + p + ": " + e.getMessage());
        }
        Set<PosixFilePermission> perms = a.permissions();
        if (perms.stream().anyMatch(GROUP_OR_OTHER_WRITE::contains)) {
            return Optional.of(what + " is writable by " + (perms.contains(PosixFilePermission.OTHERS_WRITE)
                    ? "others" : "its group") + " (mode " + PosixFilePermissions.toString(perms)
                    + "): anyone who can write it chooses what the CPUs do; `chmod go-w " + p + "`");
        }
        String owner = a.owner().getName();
        String me = System.getProperty("user.name");
        if (!owner.equals("root") && !owner.equals(me)) {
            return Optional.of(what + " is owned by " + owner + ", not root" + (me.equals("root") ? "" : " or " + me)
                    + " (the user flash runs as); `chown root " + p + "`");
        }
        return Optional.empty();
    }
}
