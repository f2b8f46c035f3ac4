"""The `distilbert` model: the exact distilbert-base-uncased + sequence-classification architecture
and tensor shapes, with seeded random weights (a benchmark / plumbing model, not a classifier).

`init_weights` creates the weights, `build_graph` the ONNX graph (opset 14, LayerNorm decomposed
in the form ONNX Runtime fuses back into one LayerNormalization kernel), and `forward` a numpy
forward pass of the same computation (`quantized=True`: of the graph after quantize.py).
"""
import math

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import quantize

VOCAB, MAX_POS, DIM, HEADS, HIDDEN, LABELS = 30522, 512, 768, 12, 3072, 2
HEAD_DIM = DIM // HEADS
LN_EPS = 1e-12
MASK_NEG = float(np.finfo(np.float32).min)


def init_weights(seed=42, layers=6):
    """Random normal(0, 0.02) matrices, zero biases, LayerNorm gamma 1 / beta 0. Linear weights
    are stored [in, out] (the transpose of torch's nn.Linear layout) so they feed MatMul directly."""
    rng = np.random.default_rng(seed)

    def normal(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)).astype(np.float32)

    W = {}
    p = "distilbert.embeddings."
    W[p + "word_embeddings.weight"] = normal(VOCAB, DIM)
    W[p + "word_embeddings.weight"][0] = 0.0  # padding_idx=0 row, as nn.Embedding(padding_idx=0) does
    W[p + "position_embeddings.weight"] = normal(MAX_POS, DIM)
    W[p + "LayerNorm.weight"] = np.ones(DIM, np.float32)
    W[p + "LayerNorm.bias"] = np.zeros(DIM, np.float32)
    for i in range(layers):
        p = f"distilbert.transformer.layer.{i}."
        for lin in ("q_lin", "k_lin", "v_lin", "out_lin"):
            W[p + f"attention.{lin}.weight"] = normal(DIM, DIM)
            W[p + f"attention.{lin}.bias"] = np.zeros(DIM, np.float32)
        W[p + "sa_layer_norm.weight"] = np.ones(DIM, np.float32)
        W[p + "sa_layer_norm.bias"] = np.zeros(DIM, np.float32)
        W[p + "ffn.lin1.weight"] = normal(DIM, HIDDEN)
        W[p + "ffn.lin1.bias"] = np.zeros(HIDDEN, np.float32)
        W[p + "ffn.lin2.weight"] = normal(HIDDEN, DIM)
        W[p + "ffn.lin2.bias"] = np.zeros(DIM, np.float32)
        W[p + "output_layer_norm.weight"] = np.ones(DIM, np.float32)
        W[p + "output_layer_norm.bias"] = np.zeros(DIM, np.float32)
    W["pre_classifier.weight"] = normal(DIM, DIM)
    W["pre_classifier.bias"] = np.zeros(DIM, np.float32)
    W["classifier.weight"] = normal(DIM, LABELS)
    W["classifier.bias"] = np.zeros(LABELS, np.float32)
    return W


# ----------------------------------------------------------------------------------------------
# numpy forward
# ----------------------------------------------------------------------------------------------

def _ln(x, g, b):
    mean = x.mean(axis=-1, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=-1, keepdims=True)
    return d / np.sqrt(var + np.float32(LN_EPS)) * g + b


def _erf(x):
    # float64 erf via math.erf (vectorised); accurate to double precision
    return np.vectorize(math.erf, otypes=[np.float64])(x.astype(np.float64))


def forward(W, ids, mask, layers, quantized=False):
    f32 = np.float32

    quantized_weights = {}

    def mm(t, key):
        if not quantized:
            return t @ W[key]
        if key not in quantized_weights:
            w_q, w_scale = quantize.quantize_weight(W[key])
            quantized_weights[key] = (w_q.astype(np.float64), w_scale)  # converted once: forward reuses it per batch
        return quantize.quantized_matmul(t, *quantized_weights[key])

    B, S = ids.shape
    x = W["distilbert.embeddings.word_embeddings.weight"][ids] + \
        W["distilbert.embeddings.position_embeddings.weight"][np.arange(S)][None]
    x = _ln(x, W["distilbert.embeddings.LayerNorm.weight"], W["distilbert.embeddings.LayerNorm.bias"])
    add_mask = ((f32(1.0) - mask.astype(f32)) * f32(MASK_NEG))[:, None, None, :]
    for i in range(layers):
        p = f"distilbert.transformer.layer.{i}.attention."
        lin = lambda t, n: mm(t, p + n + ".weight") + W[p + n + ".bias"]
        heads = lambda t: t.reshape(B, S, HEADS, HEAD_DIM).transpose(0, 2, 1, 3)
        q = heads(lin(x, "q_lin")) * f32(1.0 / math.sqrt(HEAD_DIM))
        k = heads(lin(x, "k_lin"))
        v = heads(lin(x, "v_lin"))
        scores = q @ k.transpose(0, 1, 3, 2) + add_mask
        scores = scores - scores.max(axis=-1, keepdims=True)
        e = np.exp(scores)
        probs = e / e.sum(axis=-1, keepdims=True)
        ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(B, S, DIM)
        sa = _ln(lin(ctx, "out_lin") + x, W[f"distilbert.transformer.layer.{i}.sa_layer_norm.weight"],
                 W[f"distilbert.transformer.layer.{i}.sa_layer_norm.bias"])
        p = f"distilbert.transformer.layer.{i}."
        h = mm(sa, p + "ffn.lin1.weight") + W[p + "ffn.lin1.bias"]
        h = (f32(0.5) * h * (f32(1.0) + _erf(h / f32(math.sqrt(2.0))).astype(f32))).astype(f32)
        h = mm(h, p + "ffn.lin2.weight") + W[p + "ffn.lin2.bias"]
        x = _ln(h + sa, W[p + "output_layer_norm.weight"], W[p + "output_layer_norm.bias"])
    pooled = x[:, 0]
    pooled = np.maximum(mm(pooled, "pre_classifier.weight") + W["pre_classifier.bias"], f32(0.0))
    return (mm(pooled, "classifier.weight") + W["classifier.bias"]).astype(f32)


# ----------------------------------------------------------------------------------------------
# ONNX graph
# ----------------------------------------------------------------------------------------------

def build_graph(W, layers, opset=14):
    nodes, inits = [], []

    def op(op_type, inputs, name, outputs=None, **attrs):
        out = outputs or [f"/{name}/{op_type}_output_0"]
        nodes.append(helper.make_node(op_type, inputs, out, name=f"/{name}/{op_type}", **attrs))
        return out[0]

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    for k in W:
        inits.append(numpy_helper.from_array(W[k], k))
    c_eps = const("const_ln_eps", np.array(LN_EPS, np.float32))
    c_one = const("const_one", np.array(1.0, np.float32))
    c_two = const("const_two", np.array(2.0, np.float32))
    c_half = const("const_half", np.array(0.5, np.float32))
    c_sqrt2 = const("const_sqrt2", np.array(math.sqrt(2.0), np.float32))
    c_scale = const("const_attn_scale", np.array(1.0 / math.sqrt(HEAD_DIM), np.float32))
    c_maskneg = const("const_mask_neg", np.array(MASK_NEG, np.float32))
    c_heads_shape = const("const_heads_shape", np.array([0, 0, HEADS, HEAD_DIM], np.int64))
    c_dim_shape = const("const_dim_shape", np.array([0, 0, DIM], np.int64))
    c_zero_i = const("const_zero_i64", np.array(0, np.int64))
    c_one_i = const("const_one_i64", np.array(1, np.int64))
    c_mask_axes = const("const_mask_axes", np.array([1, 2], np.int64))

    def layer_norm(x, prefix, name):
        mean = op("ReduceMean", [x], name + "/mean", axes=[-1], keepdims=1)
        d = op("Sub", [x, mean], name + "/sub")
        # Pow(d, 2), not Mul(d, d): the pattern ONNX Runtime's LayerNormFusion recognizes (2-5% faster).
        var = op("ReduceMean", [op("Pow", [d, c_two], name + "/sq")], name + "/var", axes=[-1], keepdims=1)
        std = op("Sqrt", [op("Add", [var, c_eps], name + "/add_eps")], name + "/std")
        y = op("Div", [d, std], name + "/div")
        y = op("Mul", [y, prefix + ".weight"], name + "/gamma")
        return op("Add", [y, prefix + ".bias"], name + "/beta")

    def linear(x, prefix, name):
        return op("Add", [op("MatMul", [x, prefix + ".weight"], name + "/matmul"), prefix + ".bias"],
                  name + "/bias")

    # embeddings
    word = op("Gather", ["distilbert.embeddings.word_embeddings.weight", "input_ids"], "embeddings/word", axis=0)
    shape = op("Shape", ["input_ids"], "embeddings/shape")
    seq_len = op("Gather", [shape, c_one_i], "embeddings/seq_len", axis=0)
    positions = op("Range", [c_zero_i, seq_len, c_one_i], "embeddings/positions")
    pos = op("Gather", ["distilbert.embeddings.position_embeddings.weight", positions], "embeddings/position", axis=0)
    x = op("Add", [word, pos], "embeddings/add")
    x = layer_norm(x, "distilbert.embeddings.LayerNorm", "embeddings/LayerNorm")

    # additive attention mask [B,1,1,S]: 0 on kept keys, float32 min on masked keys
    maskf = op("Cast", ["attention_mask"], "mask/cast", to=TensorProto.FLOAT)
    inv = op("Sub", [c_one, maskf], "mask/invert")
    add_mask = op("Mul", [op("Unsqueeze", [inv, c_mask_axes], "mask/unsqueeze"), c_maskneg], "mask/scale")

    for i in range(layers):
        p = f"distilbert.transformer.layer.{i}"
        n = f"transformer/layer.{i}"

        def heads(t, perm, nm):
            return op("Transpose", [op("Reshape", [t, c_heads_shape], nm + "/reshape")], nm + "/transpose", perm=perm)

        q = heads(linear(x, p + ".attention.q_lin", n + "/attention/q_lin"), [0, 2, 1, 3], n + "/attention/q")
        q = op("Mul", [q, c_scale], n + "/attention/q_scale")
        k = heads(linear(x, p + ".attention.k_lin", n + "/attention/k_lin"), [0, 2, 3, 1], n + "/attention/k")
        v = heads(linear(x, p + ".attention.v_lin", n + "/attention/v_lin"), [0, 2, 1, 3], n + "/attention/v")
        scores = op("Add", [op("MatMul", [q, k], n + "/attention/scores"), add_mask], n + "/attention/masked")
        probs = op("Softmax", [scores], n + "/attention/softmax", axis=-1)
        ctx = op("MatMul", [probs, v], n + "/attention/context")
        ctx = op("Reshape", [op("Transpose", [ctx], n + "/attention/unheads", perm=[0, 2, 1, 3]), c_dim_shape],
                 n + "/attention/merge")
        out = linear(ctx, p + ".attention.out_lin", n + "/attention/out_lin")
        sa = layer_norm(op("Add", [out, x], n + "/sa_residual"), p + ".sa_layer_norm", n + "/sa_layer_norm")
        h = linear(sa, p + ".ffn.lin1", n + "/ffn/lin1")
        erf = op("Erf", [op("Div", [h, c_sqrt2], n + "/ffn/gelu_div")], n + "/ffn/gelu_erf")
        h = op("Mul", [op("Mul", [h, op("Add", [erf, c_one], n + "/ffn/gelu_add")], n + "/ffn/gelu_mul"), c_half],
               n + "/ffn/gelu")
        h = linear(h, p + ".ffn.lin2", n + "/ffn/lin2")
        x = layer_norm(op("Add", [h, sa], n + "/output_residual"), p + ".output_layer_norm", n + "/output_layer_norm")

    pooled = op("Gather", [x, c_zero_i], "pooler/first_token", axis=1)                # [B,768]
    pooled = op("Relu", [linear(pooled, "pre_classifier", "pre_classifier")], "pre_classifier/relu")
    nodes.append(helper.make_node("MatMul", [pooled, "classifier.weight"], ["/classifier/matmul_out"],
                                  name="/classifier/MatMul"))
    nodes.append(helper.make_node("Add", ["/classifier/matmul_out", "classifier.bias"], ["logits"],
                                  name="/classifier/Add"))

    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])]
    graph = helper.make_graph(nodes, "distilbert_sequence_classification", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="ModelBuilder", producer_version="1")
    model.ir_version = 8
    model.doc_string = ("DistilBertForSequenceClassification architecture (distilbert-base-uncased shapes) "
                        "with seeded random weights: a benchmark model, not a trained classifier.")
    return model
