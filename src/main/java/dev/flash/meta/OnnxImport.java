package dev.flash.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse of {@link OnnxExport} for the networks it writes with a SET or SET_DELTA encoder
 * (or none): reads every Linear layer's weight and bias back from the model's initializers
 * ({@code enc_row<i>}, {@code enc_out}, {@code actor<i>}, {@code critic<i>}, {@code head<i>};
 * each {@code _W} stored as [in, out]) into a DJL network of the same configuration. How a
 * shipped model is measured by the yardsticks (which learn online, so they need DJL weights)
 * without training it again. A layer missing or of another shape is an error naming it; GRU
 * encoders are refused (their gates are reordered on export).
 */
public final class OnnxImport {
    private OnnxImport() {
    }

    /** Replaces every weight of {@code net} with the model's in {@code file}. */
    public static void readInto(FlashAgentNetwork net, Path file) throws IOException {
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(file + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
        Map<String, OnnxMl.TensorProto> init = new HashMap<>();
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            init.put(t.getName(), t);
        }
        NetworkConfig c = net.config();
        if (c.hasContext()) {
            ContextEncoder enc = net.encoder().orElseThrow();
            if (!(enc instanceof SetContextEncoder set)) {
                throw new IOException(file + ": importing a " + c.encoder() + " encoder is not supported (SET only)");
            }
            for (int i = 0; i < set.rowLayers().size(); i++) {
                load(file, init, "enc_row" + i, set.rowLayers().get(i));
            }
            load(file, init, "enc_out", set.output());
            positions(file, init, set);
        }
        boolean rl = c.kind() == NetworkConfig.Kind.RL;
        layers(file, init, rl ? "actor" : "head", net.actorLayers());
        if (rl) {
            layers(file, init, "critic", net.criticLayers());
        }
    }

    /** The learned row positions when the network has them; a file with them for a network without is refused. */
    private static void positions(Path file, Map<String, OnnxMl.TensorProto> init, SetContextEncoder set)
            throws IOException {
        OnnxMl.TensorProto t = init.get("enc_positions");
        if (set.positions().isEmpty()) {
            if (t != null) {
                throw new IOException(file + ": the model's encoder has row positions (enc_positions), the network"
                        + " has none");
            }
            return;
        }
        NDArray a = set.positions().get().getArray();
        if (t == null) {
            throw new IOException(file + ": no initializer enc_positions (the network's encoder has row positions)");
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        float[] values = floats(t);
        if (!new Shape(dims).equals(a.getShape()) || values.length != a.getShape().size()) {
            throw new IOException(file + ": initializer enc_positions is " + new Shape(dims) + ", the network's is "
                    + a.getShape());
        }
        try (NDArray loaded = a.getManager().create(values, a.getShape())) {
            loaded.copyTo(a);
        }
    }

    private static void layers(Path file, Map<String, OnnxMl.TensorProto> init, String prefix, List<Linear> layers)
            throws IOException {
        for (int i = 0; i < layers.size(); i++) {
            load(file, init, prefix + i, layers.get(i));
        }
        if (init.containsKey(prefix + layers.size() + "_W")) {
            throw new IOException(file + ": layer " + prefix + layers.size() + " is beyond the network's "
                    + layers.size() + " " + prefix + " layers (another network shape)");
        }
    }

    private static void load(Path file, Map<String, OnnxMl.TensorProto> init, String name, Linear layer)
            throws IOException {
        for (var p : layer.getParameters()) {
            Parameter param = p.getValue();
            NDArray a = param.getArray();
            boolean weight = param.getType() == Parameter.Type.WEIGHT;
            String key = name + (weight ? "_W" : "_b");
            OnnxMl.TensorProto t = init.get(key);
            if (t == null) {
                throw new IOException(file + ": no initializer " + key + " (not a model of this network's shape)");
            }
            long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
            // The export stores W transposed: [in, out] for DJL's [out, in].
            Shape expected = weight ? new Shape(a.getShape().get(1), a.getShape().get(0)) : a.getShape();
            if (!new Shape(dims).equals(expected)) {
                throw new IOException(file + ": initializer " + key + " is " + new Shape(dims) + ", the network's "
                        + (weight ? "transposed weight " : "bias ") + "is " + expected);
            }
            float[] values = floats(t);
            if (values.length != expected.size()) {
                throw new IOException(file + ": initializer " + key + " holds " + values.length + " values, "
                        + expected.size() + " expected");
            }
            try (NDArray loaded = a.getManager().create(values, expected)) {
                if (weight) {
                    try (NDArray back = loaded.transpose()) {
                        back.copyTo(a);
                    }
                } else {
                    loaded.copyTo(a);
                }
            }
        }
    }

    private static float[] floats(OnnxMl.TensorProto t) {
        if (t.getFloatDataCount() > 0) {
            float[] v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
            return v;
        }
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(v);
        return v;
    }
}
