"""Dynamic INT8 quantization of a float ONNX model's linear layers, written out as plain ONNX ops.

Every MatMul whose right-hand input is a constant 2-D float matrix (the linear layers: attention
projections, feed-forward, classifier) becomes

    DynamicQuantizeLinear(A) -> A_q (uint8), A_scale, A_zero_point     activations: per tensor, at run time
    MatMulInteger(A_q, W_q, A_zero_point, W_zero_point) -> int32         weights: int8, per output column
    Cast(float) * (A_scale * W_scale) -> the MatMul's output

which ONNX Runtime fuses into its DynamicQuantizeMatMul kernel (u8 x s8 integer GEMM). With calibration
ranges (static quantization: `ranges`, the min and max of each linear layer's input over calibration sentences,
from `calibration_graph` run by MiniLmExport `ranges`), the activation's scale and zero point are constants:

    QuantizeLinear(A, a_scale, a_zero_point) -> A_q (uint8)             activations: per tensor, fixed
    MatMulInteger(A_q, W_q, a_zero_point, W_zero_point) -> int32
    Cast(float) * (a_scale * W_scale), one constant vector -> the MatMul's output

(values outside the calibrated range saturate at 0 or 255). Weights are
quantized symmetrically (zero point 0) per output column: W_q = round(W / s), s = max|W[:, n]| / 127.
MatMuls of two run-time tensors (attention scores and context) and everything else stay float.
`forward` in distilbert_model.py takes `quantized=True` to compute the same arithmetic in numpy.
"""
import re

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WEIGHT_LIMIT = 127


def quantize_weight(w):
    """Per-column symmetric int8: (W_q int8 [K, N], scale float32 [N])."""
    w = np.asarray(w, np.float32)
    scale = (np.abs(w).max(axis=0) / np.float32(WEIGHT_LIMIT)).astype(np.float32)
    scale[scale == 0] = np.float32(1.0)  # an all-zero column: any scale gives zeros
    q = np.clip(np.rint(w / scale), -WEIGHT_LIMIT, WEIGHT_LIMIT).astype(np.int8)
    return q, scale


def dynamic_quantize(x):
    """ONNX DynamicQuantizeLinear: uint8 with a zero point, range widened to include 0."""
    x = np.asarray(x, np.float32)
    lo = np.float32(min(0.0, float(x.min())))
    hi = np.float32(max(0.0, float(x.max())))
    scale = np.float32((hi - lo) / np.float32(255.0))
    if scale == 0:
        return np.zeros(x.shape, np.uint8), np.float32(0.0), np.uint8(0)
    zero_point = np.uint8(np.clip(np.rint(-lo / scale), 0, 255))
    q = np.clip(np.rint(x / scale) + np.float32(zero_point), 0, 255).astype(np.uint8)
    return q, scale, zero_point


def activation_parameters(lo, hi):
    """Scale and zero point for a calibrated range [lo, hi], by DynamicQuantizeLinear's formula (range widened to 0)."""
    lo = np.float32(min(0.0, float(lo)))
    hi = np.float32(max(0.0, float(hi)))
    scale = np.float32((hi - lo) / np.float32(255.0))
    if scale == 0:
        scale = np.float32(1.0)
    return scale, np.uint8(np.clip(np.rint(-lo / scale), 0, 255))


def static_quantize(x, scale, zero_point):
    """ONNX QuantizeLinear to uint8 with a fixed scale and zero point (saturating)."""
    x = np.asarray(x, np.float32)
    return np.clip(np.rint(x / scale) + np.float32(zero_point), 0, 255).astype(np.uint8)


RANGE_METHODS = ("minmax", "batch-mean")


def calibrated_range(entry, method):
    """(lo, hi) of one tensor's calibration entry (MiniLmExport ranges): `minmax` the extremes over all calibration
    batches, `batch-mean` the mean over batches of each batch's min and max (ONNX Runtime's moving-average MinMax)."""
    if method == "minmax":
        return entry["min"], entry["max"]
    if method == "batch-mean":
        return entry["batch_min_mean"], entry["batch_max_mean"]
    raise ValueError(f"range method '{method}' is not one of {', '.join(RANGE_METHODS)}")


def quantized_matmul(x, w_q, w_scale, static=None):
    """The arithmetic the quantized graph performs for x @ W (`static`: (scale, zero point) from calibration)."""
    if static is None:
        q, scale, zero_point = dynamic_quantize(x)
    else:
        scale, zero_point = static
        q = static_quantize(x, scale, zero_point)
    # Integer products summed in float64: exact (|sum| <= 255 * 127 * K, far below 2^53) and BLAS-fast.
    acc = (q.astype(np.float64) - float(zero_point)) @ (w_q if w_q.dtype == np.float64 else w_q.astype(np.float64))
    return (acc.astype(np.float32) * (scale * w_scale)).astype(np.float32)


def linear_layers(model):
    """The MatMuls with a constant 2-D float weight, in graph order: (position in graph.node, weight initializer)."""
    inits = {t.name: t for t in model.graph.initializer}
    found = []
    for position, node in enumerate(model.graph.node):
        w = inits.get(node.input[1]) if node.op_type == "MatMul" else None
        if w is not None and w.data_type == TensorProto.FLOAT and len(w.dims) == 2:
            found.append((position, w))
    return found


# A BERT-style encoder block's linear layers in graph order (q, k, v, attention output, FFN in, FFN out), as the
# package's MiniLM graph and build_model.py's DistilBERT graph write them.
LAYER_ROLES = ("q", "k", "v", "attention_output", "ffn_in", "ffn_out")


def keep_float_indices(model, spec):
    """Which linear layers (indices into linear_layers(model)) a --keep-float SPEC leaves float. SPEC is a comma
    list of: `layerN` (every linear layer of block N; `layer-1` the last block), `first`/`last` (the first/last
    block), or a role of LAYER_ROLES (that layer in every block, e.g. `ffn_out`)."""
    count = len(linear_layers(model))
    if count % len(LAYER_ROLES):
        raise ValueError(f"{count} linear layers is not a whole number of encoder blocks of {len(LAYER_ROLES)}")
    blocks = count // len(LAYER_ROLES)
    keep = set()
    for item in (s.strip() for s in (spec or "").split(",") if s.strip()):
        if item in LAYER_ROLES:
            role = LAYER_ROLES.index(item)
            keep.update(b * len(LAYER_ROLES) + role for b in range(blocks))
            continue
        block = {"first": 0, "last": blocks - 1}.get(item)
        if block is None:
            m = re.fullmatch(r"layer(-?\d+)", item)
            if not m or not -blocks <= int(m.group(1)) < blocks:
                raise ValueError(f"--keep-float: '{item}' is not layerN (0..{blocks - 1}), first, last or one of "
                                 f"{', '.join(LAYER_ROLES)}")
            block = int(m.group(1)) % blocks
        keep.update(range(block * len(LAYER_ROLES), (block + 1) * len(LAYER_ROLES)))
    return keep


def calibration_graph(model):
    """A copy of `model` whose outputs are its own, then the input of every linear layer (the tensors static
    quantization needs a range for), for MiniLmExport `ranges`."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    seen = {o.name for o in out.graph.output}
    for position, w in linear_layers(model):
        a = model.graph.node[position].input[0]
        if a not in seen:
            seen.add(a)
            out.graph.output.append(helper.make_tensor_value_info(a, TensorProto.FLOAT,
                                                                  ["batch", "sequence", int(w.dims[0])]))
    return out


def quantize_model(model, keep_float=(), ranges=None, range_method="minmax"):
    """A copy of `model` with its constant-weight MatMuls quantized, except the indices `keep_float` (into
    linear_layers(model)), which stay float; the float weights the quantized ones used are dropped. With `ranges`
    ({tensor: calibration entry}, MiniLmExport ranges) the activations are quantized statically (one QuantizeLinear
    per distinct input, shared by the layers that read it), else at run time."""
    graph = model.graph
    eligible = {position: i for i, (position, _) in enumerate(linear_layers(model))}
    inits = {t.name: t for t in graph.initializer}
    replaced, new_inits, nodes = set(), [], []
    static_inputs = {}  # activation tensor -> (quantized tensor, zero point initializer, scale)
    for position, node in enumerate(graph.node):
        index = eligible.get(position)
        if index is None or index in keep_float:
            nodes.append(node)
            continue
        w = inits[node.input[1]]
        name, a, out = node.name or node.output[0], node.input[0], node.output[0]
        w_q, w_scale = quantize_weight(numpy_helper.to_array(w))
        new_inits += [numpy_helper.from_array(w_q, w.name + "_quantized")]
        if ranges is None:  # the initializers in the order of the dynamic graphs built before static quantization
            new_inits.append(numpy_helper.from_array(w_scale, w.name + "_scale"))
        new_inits.append(numpy_helper.from_array(np.zeros(w_q.shape[1], np.int8), w.name + "_zero_point"))
        if ranges is None:
            a_q, a_scale, a_zp = (f"{name}/a_quantized", f"{name}/a_scale", f"{name}/a_zero_point")
            nodes += [
                helper.make_node("DynamicQuantizeLinear", [a], [a_q, a_scale, a_zp], name=f"{name}/quantize"),
                helper.make_node("MatMulInteger", [a_q, w.name + "_quantized", a_zp, w.name + "_zero_point"],
                                 [f"{name}/int32"], name=f"{name}/matmul_integer"),
                helper.make_node("Cast", [f"{name}/int32"], [f"{name}/float"], name=f"{name}/cast",
                                 to=TensorProto.FLOAT),
                helper.make_node("Mul", [a_scale, w.name + "_scale"], [f"{name}/scale"], name=f"{name}/scales"),
                helper.make_node("Mul", [f"{name}/float", f"{name}/scale"], [out], name=f"{name}/dequantize"),
            ]
        else:
            if a not in ranges:
                raise ValueError(f"no calibration range for '{a}' (the input of {name})")
            if a not in static_inputs:
                scale, zp = activation_parameters(*calibrated_range(ranges[a], range_method))
                q_name = f"{a}/static_quantized"
                new_inits += [numpy_helper.from_array(np.array(scale, np.float32), f"{a}/static_scale"),
                              numpy_helper.from_array(np.array(zp, np.uint8), f"{a}/static_zero_point")]
                nodes.append(helper.make_node("QuantizeLinear", [a, f"{a}/static_scale", f"{a}/static_zero_point"],
                                              [q_name], name=f"{a}/static_quantize"))
                static_inputs[a] = (q_name, f"{a}/static_zero_point", scale)
            a_q, a_zp, scale = static_inputs[a]
            new_inits.append(numpy_helper.from_array((scale * w_scale).astype(np.float32), w.name + "_output_scale"))
            nodes += [
                helper.make_node("MatMulInteger", [a_q, w.name + "_quantized", a_zp, w.name + "_zero_point"],
                                 [f"{name}/int32"], name=f"{name}/matmul_integer"),
                helper.make_node("Cast", [f"{name}/int32"], [f"{name}/float"], name=f"{name}/cast",
                                 to=TensorProto.FLOAT),
                helper.make_node("Mul", [f"{name}/float", w.name + "_output_scale"], [out], name=f"{name}/dequantize"),
            ]
        replaced.add(w.name)
    still_used = {i for n in nodes for i in n.input}
    kept = [t for t in graph.initializer if t.name not in replaced or t.name in still_used]
    out_graph = helper.make_graph(nodes, graph.name, graph.input, graph.output, kept + new_inits)
    out = helper.make_model(out_graph, opset_imports=model.opset_import,
                            producer_name=model.producer_name, producer_version=model.producer_version)
    out.ir_version = model.ir_version
    kept_float = f" ({len(keep_float)} kept float)" if keep_float else ""
    how = "dynamically" if ranges is None else f"statically ({range_method} calibration ranges)"
    out.doc_string = (model.doc_string + f" Linear layers {how} quantized to INT8 (weights per column, symmetric)"
                      + kept_float + ".")
    return out, len(replaced)
