package dev.flash.cli;

import dev.flash.autoscale.ControllerSettings;
import dev.flash.autoscale.k8s.ControllerLoop;
import dev.flash.policy.onnx.OnnxModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Kubernetes client (fabric8 with Jackson, SnakeYAML and OkHttp, ~17 MB) is not in flash.jar:
 * the node daemon never needs it. {@code mvn package} copies it to {@code k8s-lib/} beside
 * flash.jar (the Debian package and the image install it in /usr/share/flash/k8s-lib/).
 * {@code flash autoscale controller} runs its loop ({@link ControllerLoop}) with the client
 * from the class path when it is there (the tests, a hand-made class path), else in a class loader
 * of its own over {@code k8s-lib/*.jar} that also defines {@code dev.flash.autoscale.k8s} (whose
 * classes need fabric8) and takes every other class from flash.jar's loader. Nothing else ever
 * opens those jars: they are not on the class path, so a resource or service lookup of the
 * daemon's libraries (OSHI, SLF4J) does not scan them.
 */
final class KubernetesStack {
    private KubernetesStack() {
    }

    /** Where k8s-lib is, when not beside flash.jar. */
    static final String PROPERTY = "flash.k8s.lib";
    /** fabric8's client builder: probed without initialising it. */
    static final String CLIENT_CLASS = "io.fabric8.kubernetes.client.KubernetesClientBuilder";
    /** The package defined by the k8s-lib loader itself (it names fabric8 types). */
    static final String OWN_PACKAGE = "dev.flash.autoscale.k8s.";

    /** fabric8 is on this class path. */
    static boolean onClassPath() {
        try {
            Class.forName(CLIENT_CLASS, false, KubernetesStack.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@code k8s-lib/} beside flash.jar (target/k8s-lib for target/flash.jar or target/classes), or the property's. */
    static Path lib() {
        String set = System.getProperty(PROPERTY);
        return set != null && !set.isBlank() ? Path.of(set)
                : dev.flash.CodeLocation.beside("k8s-lib");
    }

    /** The jars of {@code lib}; empty when the client is not among them. */
    static List<Path> jars(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(lib)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            boolean client = jars.stream().anyMatch(f -> f.getFileName().toString().matches("kubernetes-client-[0-9].*\\.jar"));
            return client ? jars : List.of();
        }
    }

    /** Runs the controller's loop; empty when the client is neither on the class path nor in {@link #lib()}. */
    static java.util.Optional<Boolean> run(OnnxModel model, ControllerSettings settings, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        if (onClassPath()) {
            return java.util.Optional.of(ControllerLoop.run(model, settings, out, err));
        }
        List<Path> jars = jars(lib());
        if (jars.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<URL> urls = new ArrayList<>();
        urls.add(url(TrainingStack.codeLocation()));
        for (Path j : jars) {
            urls.add(url(j));
        }
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (OwnFirst loader = new OwnFirst(urls.toArray(URL[]::new), KubernetesStack.class.getClassLoader())) {
            // fabric8 finds its HTTP client and extensions through ServiceLoader with this loader
            thread.setContextClassLoader(loader);
            // by name: ControllerLoop.class would resolve it in flash.jar's loader, which lacks fabric8
            Method run = Class.forName(OWN_PACKAGE + "ControllerLoop", true, loader)
                    .getMethod("run", OnnxModel.class, ControllerSettings.class, PrintStream.class, PrintStream.class);
            return java.util.Optional.of((Boolean) run.invoke(null, model, settings, out, err));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the controller from " + lib() + ": " + e, e);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Defines {@link #OWN_PACKAGE} itself (from flash.jar, against the fabric8 of k8s-lib) and asks
     * flash.jar's loader first for everything else, so the controller shares ONNX Runtime, the
     * model and the recommender classes with the command that started it.
     */
    static final class OwnFirst extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        OwnFirst(URL[] urls, ClassLoader parent) {
            super("flash-k8s-lib", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(OWN_PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    static String missingMessage() {
        return "the Kubernetes client (fabric8) is neither on the class path nor in " + lib()
                + " (`mvn package` builds it as target/k8s-lib/ beside target/flash.jar; the Debian package and the "
                + "image install it in /usr/share/flash/k8s-lib/)";
    }
}
