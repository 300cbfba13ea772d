package dev.flash.policy.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Sha256} gives the JDK's digest: known vectors, every tail length, the shipped models; and a
 * model loaded with either engine reports it (the built-in engine's computed when first asked for).
 */
class Sha256Test {

    @Test
    void knownVectors() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Sha256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void agreesWithTheJdkOnEveryLengthAroundTheBlockBoundaries() {
        Random r = new Random(5);
        for (int n = 0; n < 300; n++) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            assertEquals(OnnxModel.sha256(b), Sha256.hex(b), "length " + n);
        }
        byte[] big = new byte[1 << 20];
        r.nextBytes(big);
        assertEquals(OnnxModel.sha256(big), Sha256.hex(big));
    }

    @Test
    void agreesWithTheJdkOnTheShippedModels() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("models"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".onnx")).toList()) {
                byte[] b = Files.readAllBytes(p);
                assertEquals(OnnxModel.sha256(b), Sha256.hex(b), p.toString());
            }
        }
    }

    @Test
    void bothEnginesDescriptionsCarryTheFilesDigest() throws Exception {
        Path p = Path.of("models", "configsearch-multicloud.onnx");
        String jdk = OnnxModel.sha256(Files.readAllBytes(p));
        try (OnnxModel builtin = OnnxModel.loadBuiltin(p); OnnxModel ort = OnnxModel.load(p)) {
            assertEquals(jdk, builtin.description().sha256());
            assertEquals(jdk, builtin.description().sha256()); // once computed, kept
            assertEquals(jdk, ort.description().sha256());
        }
    }
}
