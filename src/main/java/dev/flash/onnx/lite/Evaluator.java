package dev.flash.onnx.lite;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs an {@link OnnxFile} in plain Java: the operators flash's exports use (MatMul, Add, Sub, Mul,
 * Div, Max, Relu, Tanh, Softmax, Concat, Slice, Reshape, Unsqueeze, Transpose, ReduceSum, Shape,
 * Identity, GRU) on float32 and int64 tensors. Made for one-shot commands, where loading ONNX
 * Runtime's native library costs more than the few inferences they run.
 *
 * <p>{@link #of} checks the whole graph before anything runs: operator set 13-17, every operator
 * and attribute one of the above with values the kernels implement, every node input defined
 * before it is used, graph inputs float32; anything else is an {@link UnsupportedModelException}
 * (the caller may fall back to ONNX Runtime). Safe to share between threads:
 * {@link #run} keeps its values in a map of its own.
 */
public final class Evaluator {
    /** Operator sets whose semantics of the operators below the kernels follow. */
    static final long MIN_OPSET = 13;
    static final long MAX_OPSET = 17;

    /** Attributes each operator may carry; any other attribute is refused. */
    private static final Map<String, Set<String>> OPS = Map.ofEntries(
            Map.entry("MatMul", Set.of()), Map.entry("Add", Set.of()), Map.entry("Sub", Set.of()),
            Map.entry("Mul", Set.of()), Map.entry("Div", Set.of()), Map.entry("Max", Set.of()),
            Map.entry("Relu", Set.of()), Map.entry("Tanh", Set.of()), Map.entry("Identity", Set.of()),
            Map.entry("Softmax", Set.of("axis")), Map.entry("Concat", Set.of("axis")),
            Map.entry("Slice", Set.of()), Map.entry("Reshape", Set.of("allowzero")),
            Map.entry("Unsqueeze", Set.of()), Map.entry("Transpose", Set.of("perm")),
            Map.entry("ReduceSum", Set.of("keepdims", "noop_with_empty_axes")), Map.entry("Shape", Set.of()),
            Map.entry("GRU", Set.of("hidden_size", "direction", "linear_before_reset", "layout")));

    private final OnnxFile file;

    private Evaluator(OnnxFile file) {
        this.file = file;
    }

    public OnnxFile file() {
        return file;
    }

    /** Parses and checks {@code bytes}. */
    public static Evaluator of(byte[] bytes) throws UnsupportedModelException {
        return of(OnnxFile.parse(bytes));
    }

    public static Evaluator of(OnnxFile file) throws UnsupportedModelException {
        if (file.opset() < MIN_OPSET || file.opset() > MAX_OPSET) {
            throw new UnsupportedModelException("operator set version " + file.opset() + " (reads "
                    + MIN_OPSET + " to " + MAX_OPSET + ")");
        }
        Set<String> defined = new HashSet<>(file.weights().keySet());
        for (OnnxFile.ValueInfo v : file.inputs()) {
            if (v.elemType() != OnnxFile.FLOAT) {
                throw new UnsupportedModelException("input '" + v.name() + "' of data type " + v.elemType()
                        + " (float32 only)");
            }
            defined.add(v.name());
        }
        for (OnnxFile.Node n : file.nodes()) {
            check(n);
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new UnsupportedModelException("node '" + n.name() + "' (" + n.opType() + ") reads '" + in
                            + "' before any node writes it");
                }
            }
            for (String out : n.outputs()) {
                if (!out.isEmpty() && !defined.add(out)) {
                    throw new UnsupportedModelException("value '" + out + "' is written twice");
                }
            }
        }
        for (OnnxFile.ValueInfo v : file.outputs()) {
            if (!defined.contains(v.name())) {
                throw new UnsupportedModelException("output '" + v.name() + "' is not computed by any node");
            }
        }
        return new Evaluator(file);
    }

    private static void check(OnnxFile.Node n) throws UnsupportedModelException {
        String op = n.opType();
        Set<String> allowed = OPS.get(op);
        if (allowed == null) {
            throw new UnsupportedModelException("operator " + op + " in " + where(n));
        }
        for (OnnxFile.Attribute a : n.attributes().values()) {
            if (!allowed.contains(a.name())) {
                throw new UnsupportedModelException("attribute '" + a.name() + "' of " + op + " in " + where(n));
            }
        }
        int in = n.inputs().size();
        int out = n.outputs().size();
        int[] inputs = switch (op) { // {least, most} inputs
            case "Relu", "Tanh", "Identity", "Softmax", "Transpose", "Shape" -> new int[] {1, 1};
            case "MatMul", "Add", "Sub", "Mul", "Div", "Reshape", "Unsqueeze" -> new int[] {2, 2};
            case "ReduceSum" -> new int[] {1, 2};
            case "Slice" -> new int[] {3, 5};
            case "GRU" -> new int[] {3, 4};
            default -> new int[] {1, Integer.MAX_VALUE}; // Max, Concat
        };
        if (in < inputs[0] || in > inputs[1] || n.inputs().subList(0, Math.min(in, inputs[0])).contains("")) {
            throw new UnsupportedModelException(op + " with " + in + " inputs " + n.inputs() + " in " + where(n));
        }
        if (op.equals("GRU") ? out < 1 || out > 2 : out != 1) {
            throw new UnsupportedModelException(op + " with " + out + " outputs in " + where(n));
        }
        switch (op) {
            case "Concat" -> intAttr(n, "axis", null);
            case "Softmax" -> intAttr(n, "axis", -1L);
            case "Reshape" -> only(n, "allowzero", 0);
            case "ReduceSum" -> {
                only(n, "noop_with_empty_axes", 0);
                intAttr(n, "keepdims", 1L);
            }
            case "Transpose" -> {
                OnnxFile.Attribute p = n.attributes().get("perm");
                if (p != null && p.type() != OnnxFile.Attribute.INTS) {
                    throw new UnsupportedModelException("perm of type " + p.type() + " in " + where(n));
                }
            }
            case "GRU" -> {
                only(n, "layout", 0);
                only(n, "linear_before_reset", 0, 1);
                if (intAttr(n, "hidden_size", null) < 1) {
                    throw new UnsupportedModelException("GRU hidden_size < 1 in " + where(n));
                }
                OnnxFile.Attribute d = n.attributes().get("direction");
                if (d != null && (d.type() != OnnxFile.Attribute.STRING
                        || !Set.of("forward", "bidirectional").contains(d.s()))) {
                    throw new UnsupportedModelException("GRU direction " + (d.s() == null ? "?" : d.s()) + " in " + where(n));
                }
            }
            default -> {
            }
        }
    }

    /** Built only for a message: string concatenation's first use costs milliseconds at start-up. */
    private static String where(OnnxFile.Node n) {
        return "node '" + n.name() + "'";
    }

    private static long intAttr(OnnxFile.Node n, String name, Long fallback) throws UnsupportedModelException {
        OnnxFile.Attribute a = n.attributes().get(name);
        if (a == null) {
            if (fallback == null) {
                throw new UnsupportedModelException(n.opType() + " without its '" + name + "' attribute in node '"
                        + n.name() + "'");
            }
            return fallback;
        }
        if (a.type() != OnnxFile.Attribute.INT) {
            throw new UnsupportedModelException(n.opType() + " attribute '" + name + "' of type " + a.type()
                    + " in node '" + n.name() + "'");
        }
        return a.i();
    }

    private static void only(OnnxFile.Node n, String name, long... values) throws UnsupportedModelException {
        long v = intAttr(n, name, values[0]);
        for (long ok : values) {
            if (v == ok) {
                return;
            }
        }
        throw new UnsupportedModelException(n.opType() + " " + name + " = " + v + " in node '" + n.name() + "'");
    }

    /**
     * Runs the graph. {@code inputs} must name every graph input, each float32 of the declared
     * rank and fixed dimensions. Returns every graph output, by name, in the file's order.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, Tensor> values = new HashMap<>(file.weights());
        for (OnnxFile.ValueInfo v : file.inputs()) {
            Tensor t = inputs.get(v.name());
            if (t == null) {
                throw new IllegalArgumentException("missing input '" + v.name() + "'");
            }
            if (!t.isFloat() || t.rank() != v.dims().length) {
                throw new IllegalArgumentException("input '" + v.name() + "' is " + t + ", the graph declares rank "
                        + v.dims().length + " float32");
            }
            for (int d = 0; d < t.rank(); d++) {
                if (v.dims()[d] >= 0 && v.dims()[d] != t.shape[d]) {
                    throw new IllegalArgumentException("input '" + v.name() + "' is " + t + ", dimension " + d
                            + " must be " + v.dims()[d]);
                }
            }
            values.put(v.name(), t);
        }
        if (inputs.size() != file.inputs().size()) {
            throw new IllegalArgumentException("inputs " + inputs.keySet() + ", the graph takes " + file.inputs().size());
        }
        for (OnnxFile.Node n : file.nodes()) {
            Tensor[] in = new Tensor[n.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                String name = n.inputs().get(i);
                in[i] = name.isEmpty() ? null : values.get(name);
            }
            Tensor[] out;
            try {
                out = apply(n, in);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("node '" + n.name() + "' (" + n.opType() + "): " + e.getMessage(), e);
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                if (!n.outputs().get(i).isEmpty()) {
                    values.put(n.outputs().get(i), out[i]);
                }
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (OnnxFile.ValueInfo v : file.outputs()) {
            result.put(v.name(), values.get(v.name()));
        }
        return result;
    }

    private static Tensor[] apply(OnnxFile.Node n, Tensor[] in) {
        Map<String, OnnxFile.Attribute> at = n.attributes();
        Tensor r = switch (n.opType()) {
            case "MatMul" -> Kernels.matMul(in[0], in[1]);
            case "Add" -> Kernels.binary(Kernels.Binary.ADD, in[0], in[1]);
            case "Sub" -> Kernels.binary(Kernels.Binary.SUB, in[0], in[1]);
            case "Mul" -> Kernels.binary(Kernels.Binary.MUL, in[0], in[1]);
            case "Div" -> Kernels.binary(Kernels.Binary.DIV, in[0], in[1]);
            case "Max" -> {
                Tensor m = in[0];
                for (int i = 1; i < in.length; i++) {
                    m = Kernels.binary(Kernels.Binary.MAX, m, in[i]);
                }
                yield m;
            }
            case "Relu" -> Kernels.relu(in[0]);
            case "Tanh" -> Kernels.tanh(in[0]);
            case "Identity" -> in[0];
            case "Softmax" -> Kernels.softmax(in[0], at.containsKey("axis") ? at.get("axis").i() : -1);
            case "Concat" -> Kernels.concat(in, at.get("axis").i());
            case "Slice" -> Kernels.slice(in[0], in[1], in[2], in.length > 3 ? in[3] : null, in.length > 4 ? in[4] : null);
            case "Reshape" -> Kernels.reshape(in[0], in[1]);
            case "Unsqueeze" -> Kernels.unsqueeze(in[0], in[1]);
            case "Transpose" -> Kernels.transpose(in[0], at.containsKey("perm") ? at.get("perm").ints() : null);
            case "ReduceSum" -> Kernels.reduceSum(in[0], in.length > 1 && in[1] != null ? axes(in[1]) : null,
                    !at.containsKey("keepdims") || at.get("keepdims").i() != 0);
            case "Shape" -> Kernels.shape(in[0]);
            case "GRU" -> null;
            default -> throw new IllegalStateException("unchecked operator " + n.opType());
        };
        if (r != null) {
            return new Tensor[] {r};
        }
        OnnxFile.Attribute dir = at.get("direction");
        OnnxFile.Attribute lbr = at.get("linear_before_reset");
        return Gru.run(in[0], in[1], in[2], in.length > 3 ? in[3] : null, (int) at.get("hidden_size").i(),
                dir != null && "bidirectional".equals(dir.s()), lbr != null && lbr.i() != 0);
    }

    private static long[] axes(Tensor t) {
        if (t.isFloat() || t.rank() != 1) {
            throw new IllegalArgumentException("axes must be a 1-D int64 tensor, got " + t);
        }
        return t.longs;
    }

    /** The graph's inputs and outputs, as the file declares them. */
    public List<OnnxFile.ValueInfo> inputs() {
        return file.inputs();
    }

    public List<OnnxFile.ValueInfo> outputs() {
        return file.outputs();
    }

    public Map<String, String> metadata() {
        return file.metadata();
    }
}
