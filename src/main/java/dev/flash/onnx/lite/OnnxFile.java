package dev.flash.onnx.lite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model file as the built-in evaluator reads it: the fields of ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto and ValueInfoProto that flash's exports
 * ({@code OnnxGraphBuilder}) write, field numbers from onnx/onnx.proto. Fields that only name or
 * document things are skipped; any other field (functions, sparse or external tensors, sub-graphs,
 * training info, ...) is refused with an {@link UnsupportedModelException} naming it, so a file
 * is either read completely or not at all.
 *
 * @param irVersion the file's IR version
 * @param opset     the version of the default (ai.onnx) operator set it imports
 * @param metadata  metadata_props in file order
 * @param inputs    graph inputs, in order (initializers listed as inputs are not among them)
 * @param outputs   graph outputs, in order
 * @param weights   initializers by name
 * @param nodes     nodes in file (topological) order
 */
public record OnnxFile(long irVersion, long opset, Map<String, String> metadata, List<ValueInfo> inputs,
                       List<ValueInfo> outputs, Map<String, Tensor> weights, List<Node> nodes) {

    /** ONNX TensorProto.DataType numbers the evaluator knows. */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    /**
     * A graph input or output: its element type (TensorProto.DataType number) and dimensions, -1
     * for a symbolic or unknown one (as ONNX Runtime reports them).
     */
    public record ValueInfo(String name, int elemType, long[] dims) {
    }

    /** One operator application. */
    public record Node(String opType, String name, List<String> inputs, List<String> outputs,
                       Map<String, Attribute> attributes) {
    }

    /** An attribute; only the member its {@code type} names (AttributeProto.AttributeType) is set. */
    public record Attribute(String name, int type, float f, long i, String s, float[] floats, long[] ints,
                            List<String> strings) {
        static final int FLOAT = 1;
        static final int INT = 2;
        static final int STRING = 3;
        static final int FLOATS = 6;
        static final int INTS = 7;
        static final int STRINGS = 8;
    }

    /** Parses {@code bytes}; anything outside the subset above is an {@link UnsupportedModelException}. */
    public static OnnxFile parse(byte[] bytes) throws UnsupportedModelException {
        ProtoReader r = new ProtoReader(bytes, "ModelProto");
        long ir = -1;
        long opset = -1;
        Map<String, String> metadata = new LinkedHashMap<>();
        OnnxFile graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.int64();
                case 2, 3, 4, 5, 6 -> r.skip(); // producer name and version, domain, model version, doc string
                case 7 -> {
                    if (graph != null) {
                        throw r.unsupported("a second graph");
                    }
                    graph = graph(r.message("GraphProto"));
                }
                case 8 -> {
                    ProtoReader o = r.message("OperatorSetIdProto");
                    String domain = "";
                    long version = -1;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> domain = o.string();
                            case 2 -> version = o.int64();
                            default -> throw o.unsupported("unknown");
                        }
                    }
                    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                        throw new UnsupportedModelException("operator set domain '" + domain + "'");
                    }
                    if (opset >= 0) {
                        throw new UnsupportedModelException("two imports of the ai.onnx operator set");
                    }
                    opset = version;
                }
                case 14 -> {
                    ProtoReader e = r.message("StringStringEntryProto");
                    String key = "";
                    String value = "";
                    while (e.next()) {
                        switch (e.field()) {
                            case 1 -> key = e.string();
                            case 2 -> value = e.string();
                            default -> throw e.unsupported("unknown");
                        }
                    }
                    if (metadata.put(key, value) != null) {
                        throw new UnsupportedModelException("metadata key '" + key + "' given twice");
                    }
                }
                default -> throw r.unsupported("training info, functions or another ModelProto field flash does not write");
            }
        }
        if (graph == null) {
            throw new UnsupportedModelException("no graph in the file");
        }
        if (opset < 0) {
            throw new UnsupportedModelException("no import of the ai.onnx operator set");
        }
        return new OnnxFile(ir, opset, Collections.unmodifiableMap(metadata), graph.inputs, graph.outputs,
                graph.weights, graph.nodes);
    }

    private static OnnxFile graph(ProtoReader r) throws UnsupportedModelException {
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> nodes.add(node(r.message("NodeProto")));
                case 2, 10, 13 -> r.skip(); // name, doc string, value_info (shape hints of intermediate values)
                case 5 -> {
                    ProtoReader t = r.message("TensorProto");
                    String[] name = new String[1];
                    Tensor w = tensor(t, name);
                    if (weights.put(name[0], w) != null) {
                        throw new UnsupportedModelException("initializer '" + name[0] + "' given twice");
                    }
                }
                case 11 -> inputs.add(valueInfo(r.message("ValueInfoProto")));
                case 12 -> outputs.add(valueInfo(r.message("ValueInfoProto")));
                default -> throw r.unsupported("sparse initializers, quantization or another GraphProto field");
            }
        }
        // Before IR version 4 initializers were listed as inputs too: they are weights, not inputs.
        // (a loop, not removeIf with a lambda: the lambda's linkage cost a one-shot answer more than the loop)
        for (java.util.Iterator<ValueInfo> it = inputs.iterator(); it.hasNext(); ) {
            if (weights.containsKey(it.next().name())) {
                it.remove();
            }
        }
        return new OnnxFile(0, 0, Map.of(), List.copyOf(inputs), List.copyOf(outputs),
                Collections.unmodifiableMap(weights), List.copyOf(nodes));
    }

    private static Node node(ProtoReader r) throws UnsupportedModelException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = null;
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Attribute a = attribute(r.message("AttributeProto"));
                    if (attrs.put(a.name(), a) != null) {
                        throw new UnsupportedModelException("attribute '" + a.name() + "' given twice in node '" + name + "'");
                    }
                }
                case 6 -> r.skip(); // doc string
                case 7 -> {
                    String domain = r.string();
                    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
                        throw new UnsupportedModelException("operator domain '" + domain + "' of node '" + name + "'");
                    }
                }
                default -> throw r.unsupported("another NodeProto field");
            }
        }
        if (op == null) {
            throw new UnsupportedModelException("node '" + name + "' without an operator type");
        }
        return new Node(op, name, List.copyOf(in), List.copyOf(out), Collections.unmodifiableMap(attrs));
    }

    private static Attribute attribute(ProtoReader r) throws UnsupportedModelException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        List<String> strings = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> f = r.float32();
                case 3 -> i = r.int64();
                case 4 -> s = r.string();
                case 7 -> r.floats(floats);
                case 8 -> r.int64s(ints);
                case 9 -> strings.add(r.string());
                case 13 -> r.skip(); // doc string
                case 20 -> type = (int) r.int64();
                default -> throw r.unsupported("tensor, graph or reference attribute '" + name + "'");
            }
        }
        if (type < Attribute.FLOAT || type > Attribute.STRINGS || type == 4 || type == 5) {
            throw new UnsupportedModelException("attribute '" + name + "' of type " + type);
        }
        return new Attribute(name, type, f, i, s, floats.toArray(), ints.toArray(), List.copyOf(strings));
    }

    private static Tensor tensor(ProtoReader r, String[] nameOut) throws UnsupportedModelException {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        int type = 0;
        String name = "";
        byte[] raw = null;
        ProtoReader.FloatList floatData = new ProtoReader.FloatList();
        ProtoReader.LongList longData = new ProtoReader.LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s(dims);
                case 2 -> type = (int) r.int64();
                case 4 -> r.floats(floatData);
                case 7 -> r.int64s(longData);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 12 -> r.skip(); // doc string
                case 14 -> {
                    if (r.int64() != 0) {
                        throw new UnsupportedModelException("initializer '" + name + "' stored outside the file");
                    }
                }
                default -> throw r.unsupported("segments, external data or data of another type in initializer '"
                        + name + "'");
            }
        }
        nameOut[0] = name;
        int[] shape = new int[dims.n];
        long count = 1;
        for (int k = 0; k < dims.n; k++) {
            if (dims.a[k] < 0 || dims.a[k] > Integer.MAX_VALUE) {
                throw new UnsupportedModelException("initializer '" + name + "' has dimension " + dims.a[k]);
            }
            shape[k] = (int) dims.a[k];
            count *= shape[k];
        }
        if (count > Integer.MAX_VALUE / 8) {
            throw new UnsupportedModelException("initializer '" + name + "' of " + count + " values");
        }
        int n = (int) count;
        if (type == FLOAT) {
            float[] v;
            if (raw != null) {
                checkLength(name, raw.length, n, Float.BYTES, floatData.n + longData.n);
                v = new float[n];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            } else {
                checkLength(name, floatData.n * Float.BYTES, n, Float.BYTES, longData.n);
                v = floatData.toArray();
            }
            return Tensor.of(v, shape);
        }
        if (type == INT64) {
            long[] v;
            if (raw != null) {
                checkLength(name, raw.length, n, Long.BYTES, floatData.n + longData.n);
                v = new long[n];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
            } else {
                checkLength(name, longData.n * Long.BYTES, n, Long.BYTES, floatData.n);
                v = longData.toArray();
            }
            return Tensor.ofLongs(v, shape);
        }
        throw new UnsupportedModelException("initializer '" + name + "' of data type " + type
                + " (float32 and int64 only)");
    }

    private static void checkLength(String name, long bytes, int count, int width, int otherData)
            throws UnsupportedModelException {
        if (bytes != (long) count * width || otherData != 0) {
            throw new UnsupportedModelException("initializer '" + name + "' holds " + bytes + " bytes of data for "
                    + count + " values of " + width + " bytes");
        }
    }

    private static ValueInfo valueInfo(ProtoReader r) throws UnsupportedModelException {
        String name = "";
        int elem = 0;
        ProtoReader.LongList dims = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 2 -> {
                    ProtoReader t = r.message("TypeProto");
                    while (t.next()) {
                        switch (t.field()) {
                            case 1 -> {
                                ProtoReader tt = t.message("TypeProto.Tensor");
                                while (tt.next()) {
                                    switch (tt.field()) {
                                        case 1 -> elem = (int) tt.int64();
                                        case 2 -> dims = shape(tt.message("TensorShapeProto"));
                                        default -> throw tt.unsupported("unknown");
                                    }
                                }
                            }
                            case 6 -> t.skip(); // denotation
                            default -> throw t.unsupported("a value of '" + name + "' that is not a tensor");
                        }
                    }
                }
                case 3 -> r.skip(); // doc string
                default -> throw r.unsupported("unknown");
            }
        }
        if (dims == null) {
            throw new UnsupportedModelException("value '" + name + "' without a shape");
        }
        return new ValueInfo(name, elem, dims.toArray());
    }

    private static ProtoReader.LongList shape(ProtoReader r) throws UnsupportedModelException {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        while (r.next()) {
            if (r.field() != 1) {
                throw r.unsupported("unknown");
            }
            ProtoReader d = r.message("TensorShapeProto.Dimension");
            long value = -1;
            while (d.next()) {
                switch (d.field()) {
                    case 1 -> value = d.int64();
                    case 2, 3 -> d.skip(); // a symbolic dimension's name, denotation
                    default -> throw d.unsupported("unknown");
                }
            }
            dims.add(value);
        }
        return dims;
    }
}
