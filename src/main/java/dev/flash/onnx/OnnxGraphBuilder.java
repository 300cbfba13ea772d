package dev.flash.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small fluent builder for ONNX models, used by training/export and by tests to write the
 * model files the daemon loads. It writes {@code ai.onnx.proto.OnnxMl} protobuf messages
 * directly (from the optional {@code tribuo-util-onnx} dependency), so it is never loaded by the
 * daemon itself.
 *
 * <pre>{@code
 * OnnxGraphBuilder g = new OnnxGraphBuilder("mlp");
 * g.input("state", "N", 5).output("probs", "N", 3);
 * g.floatInitializer("w", weights, 5, 3).floatInitializer("b", bias, 3);
 * g.node("MatMul").inputs("state", "w").outputs("xw");
 * g.node("Add").inputs("xw", "b").outputs("logits");
 * g.node("Softmax").inputs("logits").outputs("probs").attr("axis", 1);
 * g.metadata(Map.of("flash.agent", "dvfs")).save(path);
 * }</pre>
 *
 * <p>Nodes take any operator type as a string, so the builder does not lag behind the operator
 * set (the helper enum in tribuo lacks MatMul, Relu and GRU). Nodes must be added in topological
 * order, as ONNX requires. Optional inputs that are skipped (e.g. GRU's {@code sequence_lens})
 * are given as the empty string.
 */
public final class OnnxGraphBuilder {

    /** ONNX IR version 8 is the first that carries opset 17; every ONNX Runtime since 1.12 reads it. */
    public static final long IR_VERSION = 8;
    public static final long DEFAULT_OPSET = 17;

    /** Element types of inputs and outputs (ONNX TensorProto.DataType numbers). */
    public enum ElementType {
        FLOAT(OnnxMl.TensorProto.DataType.FLOAT_VALUE),
        INT64(OnnxMl.TensorProto.DataType.INT64_VALUE),
        BOOL(OnnxMl.TensorProto.DataType.BOOL_VALUE);

        final int onnxType;

        ElementType(int onnxType) {
            this.onnxType = onnxType;
        }
    }

    private final String graphName;
    private long opset = DEFAULT_OPSET;
    private String producer = "flash";
    private String docString = "";
    private final List<OnnxMl.ValueInfoProto> inputs = new ArrayList<>();
    private final List<OnnxMl.ValueInfoProto> outputs = new ArrayList<>();
    private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public OnnxGraphBuilder(String graphName) {
        this.graphName = Objects.requireNonNull(graphName, "graphName");
    }

    /** Default opset version of the "" (ai.onnx) domain; 17 unless changed. */
    public OnnxGraphBuilder opset(long version) {
        if (version < 7) {
            throw new IllegalArgumentException("opset " + version + " is too old (need >= 7)");
        }
        this.opset = version;
        return this;
    }

    public OnnxGraphBuilder producer(String name) {
        this.producer = Objects.requireNonNull(name);
        return this;
    }

    public OnnxGraphBuilder docString(String doc) {
        this.docString = Objects.requireNonNull(doc);
        return this;
    }

    // ---- inputs and outputs ----------------------------------------------------------------

    /**
     * A float32 graph input. Each dim is a {@link String} (symbolic, e.g. "N") or a
     * {@link Number} (fixed size).
     */
    public OnnxGraphBuilder input(String name, Object... dims) {
        return input(name, ElementType.FLOAT, dims);
    }

    public OnnxGraphBuilder input(String name, ElementType type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** A float32 graph output; dims as for {@link #input(String, Object...)}. */
    public OnnxGraphBuilder output(String name, Object... dims) {
        return output(name, ElementType.FLOAT, dims);
    }

    public OnnxGraphBuilder output(String name, ElementType type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
        return this;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else if (d instanceof Number n) {
                if (n.longValue() < 0) {
                    throw new IllegalArgumentException("negative dimension " + n + " for '" + name + "'");
                }
                dim.setDimValue(n.longValue());
            } else {
                throw new IllegalArgumentException("dimension of '" + name + "' must be a String or a Number, got " + d);
            }
            shape.addDim(dim);
        }
        OnnxMl.TypeProto.Tensor tensor = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(type.onnxType)
                .setShape(shape)
                .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor))
                .build();
    }

    // ---- initializers -----------------------------------------------------------------------

    /** A float32 constant of the given shape (row-major); an empty shape is a scalar. */
    public OnnxGraphBuilder floatInitializer(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(tensor(name, OnnxMl.TensorProto.DataType.FLOAT_VALUE, raw.array(), shape));
        return this;
    }

    /** An int64 constant (axes, shapes, indices); an empty shape is a scalar. */
    public OnnxGraphBuilder int64Initializer(String name, long[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(name, OnnxMl.TensorProto.DataType.INT64_VALUE, raw.array(), shape));
        return this;
    }

    private static void checkCount(String name, int count, long[] shape) {
        long product = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in initializer '" + name + "'");
            }
            product *= d;
        }
        if (product != count) {
            throw new IllegalArgumentException("initializer '" + name + "' has " + count
                    + " values but its shape " + java.util.Arrays.toString(shape) + " holds " + product);
        }
    }

    private static OnnxMl.TensorProto tensor(String name, int dataType, byte[] raw, long[] shape) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(dataType)
                .setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            t.addDims(d);
        }
        return t.build();
    }

    // ---- nodes ------------------------------------------------------------------------------

    /** Adds a node of any operator type; set its inputs, outputs and attributes on the result. */
    public Node node(String opType) {
        Node n = new Node(opType, opType + "_" + nodes.size());
        nodes.add(n);
        return n;
    }

    /** One operator application; attributes are typed by the Java overload used. */
    public static final class Node {
        private final OnnxMl.NodeProto.Builder proto;

        private Node(String opType, String defaultName) {
            this.proto = OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(defaultName);
        }

        public Node name(String name) {
            proto.setName(name);
            return this;
        }

        /** Input value names; "" marks a skipped optional input. */
        public Node inputs(String... names) {
            for (String n : names) {
                proto.addInput(n);
            }
            return this;
        }

        public Node outputs(String... names) {
            for (String n : names) {
                proto.addOutput(n);
            }
            return this;
        }

        /** Integer attribute (ONNX INT, stored as int64), e.g. {@code axis}, {@code transB}. */
        public Node attr(String name, long value) {
            proto.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        /** Float attribute, e.g. {@code alpha}, {@code epsilon}. */
        public Node attr(String name, float value) {
            proto.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        /** String attribute, e.g. {@code direction} of GRU. */
        public Node attr(String name, String value) {
            proto.addAttribute(OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
            return this;
        }

        /** Integer list attribute, e.g. {@code perm}, {@code axes} (before opset 13/18). */
        public Node ints(String name, long... values) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            proto.addAttribute(a);
            return this;
        }

        /** Float list attribute, e.g. {@code activation_alpha}. */
        public Node floats(String name, float... values) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (float v : values) {
                a.addFloats(v);
            }
            proto.addAttribute(a);
            return this;
        }

        /** String list attribute, e.g. {@code activations} of GRU. */
        public Node strings(String name, String... values) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                    .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
            for (String v : values) {
                a.addStrings(ByteString.copyFrom(v, StandardCharsets.UTF_8));
            }
            proto.addAttribute(a);
            return this;
        }

        OnnxMl.NodeProto build() {
            return proto.build();
        }
    }

    // ---- metadata and output ----------------------------------------------------------------

    /** Adds (or replaces) entries of the model's {@code metadata_props}, kept in insertion order. */
    public OnnxGraphBuilder metadata(Map<String, String> entries) {
        entries.forEach((k, v) -> metadata.put(Objects.requireNonNull(k), Objects.requireNonNull(v, k)));
        return this;
    }

    public OnnxGraphBuilder metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key));
        return this;
    }

    /** The model as a protobuf message. */
    public OnnxMl.ModelProto toProto() {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder()
                .setName(graphName)
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .addAllInitializer(initializers);
        for (Node n : nodes) {
            graph.addNode(n.build());
        }
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(producer)
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** The serialized model, ready for {@code OrtEnvironment.createSession(byte[])}. */
    public byte[] toBytes() {
        return toProto().toByteArray();
    }

    /**
     * Writes the model next to {@code file} under a temporary dot-name, then renames it into
     * place, so a watcher (the daemon's model directory) never sees a half-written file.
     */
    public void save(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(tmp, toBytes());
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
