"""The `default` model: a VADER-lexicon sentiment classifier written as an ONNX graph over BERT
WordPiece token ids, with the inputs/outputs of a DistilBERT SST-2 export.

`features` + `combine` are a numpy forward pass that is op-for-op the same computation as the
graph built by `build_graph`, so numpy results equal ONNX Runtime results (up to float rounding).
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

MAX_PIECES = 6          # longest lexicon word, in WordPiece pieces
HASH_SIZE = 16381       # prime number of hash buckets for whole-word lookup
HASH_MULT = 1000003     # multiplier of the rolling hash

# Negation, "but", intensifier and scope-stop word lists (common English function words).
NEGATORS = ["not", "no", "never", "nothing", "none", "nobody", "nowhere", "neither", "nor",
            "without", "cannot", "nope", "nt"]
BUT_WORDS = ["but"]
INTENSIFIERS = ["very", "really", "extremely", "so", "too", "incredibly", "absolutely", "totally",
                "completely", "utterly", "highly", "most", "deeply", "truly", "thoroughly",
                "remarkably", "exceptionally", "especially", "particularly", "genuinely",
                "entirely", "hugely", "immensely", "enormously", "terribly", "awfully",
                "amazingly", "exceedingly", "tremendously", "seriously", "wildly", "purely",
                "downright", "altogether", "consistently", "uniformly"]
DAMPENERS = ["pretty", "slightly", "somewhat", "barely", "hardly", "scarcely", "marginally", "mildly",
             "partly", "fairly", "rather", "almost", "nearly", "occasionally", "sometimes",
             "less", "least"]
SCOPE_STOPS = [".", ",", ";", ":", "!", "?", "-", "but"]
# "like" is mostly a preposition in reviews ("plays like a sitcom"); it is a verb after these.
LIKE_SUBJECTS = ["i", "we", "you", "they", "he", "she", "who", "people", "ll", "d", "would", "will",
                 "to", "do", "did", "does", "really", "t", "also", "might", "may", "could", "should",
                 "must", "just", "actually", "truly", "genuinely", "certainly"]

# Parameters found by `build_model.py tune` on SST-2 dev (see README.md).
TUNED = {
    "alpha": 15.0, "bias": -0.12699028849601746, "boost": 0.5, "but_after": 1.0, "but_before": 0.25,
    "lexicon_s": 1, "like_rule": 1, "neg_mult": -1.0, "neg_self": 1, "neg_stop": 1, "neg_weight": 1.25,
    "neg_window": 5, "scale": 1.05,
}


def read_lexicon(path):
    lex = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0]:
                lex[parts[0]] = float(parts[1])
    return lex


def inflect(lexicon):
    """Adds the plural / third-person "-s" form of every alphabetic lexicon word not already in it."""
    out = dict(lexicon)
    for w, v in sorted(lexicon.items()):
        if w.isalpha() and len(w) > 2 and not w.endswith("s") and w + "s" not in out:
            out[w + "s"] = v
    return out


def build_tables(tokenizer, lexicon):
    """Token-id indexed flag tables and the whole-word valence hash table."""
    from bert_tokenizer import basic_tokenize
    toks = tokenizer.tokens
    V = len(toks)
    ids = tokenizer.ids

    def flag(words):
        t = np.zeros(V, np.float32)
        for w in words:
            if w in ids:
                t[ids[w]] = 1.0
        return t

    cont = np.array([1.0 if t.startswith("##") else 0.0 for t in toks], np.float32)
    special = np.array([1.0 if (t.startswith("[") and t.endswith("]") and len(t) > 2) else 0.0
                        for t in toks], np.float32)
    boost = flag(INTENSIFIERS) - flag(DAMPENERS)

    # Whole-word lexicon entries as WordPiece id sequences.
    words = {}
    for w, val in sorted(lexicon.items()):
        bw = basic_tokenize(w)
        if len(bw) != 1:
            continue  # emoticons and multi-word entries
        pieces = tokenizer.wordpiece(bw[0])
        if pieces == [tokenizer.unk] or len(pieces) > MAX_PIECES:
            continue
        words.setdefault(tuple(pieces), val)
    buckets = [[] for _ in range(HASH_SIZE)]
    for seq, val in sorted(words.items()):
        buckets[word_hash(seq)].append((seq, val))
    nslot = max(len(b) for b in buckets)
    hkeys = np.full((HASH_SIZE, nslot, MAX_PIECES), -2, np.int32)   # -2: empty slot, never matches
    hvals = np.zeros((HASH_SIZE, nslot), np.float32)
    for h, b in enumerate(buckets):
        for k, (seq, val) in enumerate(b):
            hkeys[h, k, :] = -1
            hkeys[h, k, :len(seq)] = seq
            hvals[h, k] = val
    return {
        "cont": cont,
        "wordstart": (1.0 - cont) * (1.0 - special),
        "neg": flag(NEGATORS),
        "t": flag(["t"]),
        "apos": flag(["'"]),
        "but": flag(BUT_WORDS),
        "boost": boost.astype(np.float32),
        "stop": flag(SCOPE_STOPS),
        "like": flag(["like"]),
        "like_subject": flag(LIKE_SUBJECTS),
        "kind": flag(["kind", "sort"]),
        "of": flag(["of"]),
        "hkeys": hkeys,
        "hvals": hvals,
        "n_words": len(words),
    }


def word_hash(seq):
    h = len(seq)
    for a in seq:
        h = (h * HASH_MULT + a) % HASH_SIZE
    return h


# ----------------------------------------------------------------------------------------------
# numpy forward pass
# ----------------------------------------------------------------------------------------------

def _prev(x, k, fill=0):
    """x shifted right by k along axis 1: out[:, i] = x[:, i-k] (fill for i < k)."""
    if k == 0:
        return x
    pad = np.full((x.shape[0], k), fill, x.dtype)
    return np.concatenate([pad, x], axis=1)[:, : x.shape[1]]


def _next(x, k, fill=0):
    """x shifted left by k along axis 1: out[:, i] = x[:, i+k] (fill past the end)."""
    if k == 0:
        return x
    pad = np.full((x.shape[0], k), fill, x.dtype)
    return np.concatenate([x, pad], axis=1)[:, k:]


def features(ids, mask, T):
    """Parameter-independent per-token features: word valence, negator, stop, booster, but."""
    ids = ids.astype(np.int64)
    m = mask.astype(np.float32)
    cont = T["cont"][ids] * m
    nxt_cont = _next(cont, 1)
    # Word length in pieces at each position (1 + run of following continuation pieces).
    run = np.ones_like(m)
    n = np.ones_like(m)
    for k in range(1, MAX_PIECES):
        run = run * _next(cont, k)
        n = n + run
    too_long = run * _next(cont, MAX_PIECES)
    n_i = n.astype(np.int64)
    # Rolling hash over the word's pieces; pieces past the word are -1.
    h = n_i.copy()
    seq = []
    for j in range(MAX_PIECES):
        a = _next(ids, j, fill=-1)
        inword = j < n_i
        a = np.where(inword, a, -1)
        seq.append(a)
        h = np.where(inword, (h * HASH_MULT + a) % HASH_SIZE, h)
    actual = np.stack(seq, axis=-1)                                  # [B,S,L]
    keys = T["hkeys"][h].astype(np.int64)                           # [B,S,K,L]
    match = (keys == actual[:, :, None, :]).astype(np.float32).min(axis=-1)   # [B,S,K]
    val = (match * T["hvals"][h]).sum(axis=-1)                      # [B,S]
    whole = 1.0 - nxt_cont
    # Intensifiers/dampeners and "kind of"/"sort of" carry no valence of their own.
    boost = T["boost"][ids] * m * whole
    kind_of = T["kind"][ids] * m * _next(T["of"][ids] * m, 1)
    val = val * (T["wordstart"][ids] * m) * (1.0 - too_long) * (1.0 - boost * boost) * (1.0 - kind_of)
    like_prep = T["like"][ids] * m * whole * (1.0 - _prev(T["like_subject"][ids] * m, 1))
    neg = T["neg"][ids] * m * whole + T["t"][ids] * m * _prev(T["apos"][ids] * m, 1)
    stop = T["stop"][ids] * m
    but = T["but"][ids] * m
    negword = T["neg"][ids] * m * whole
    return {"val": val.astype(np.float32), "neg": neg.astype(np.float32),
            "like_prep": like_prep.astype(np.float32), "negword": negword.astype(np.float32),
            "stop": stop.astype(np.float32), "boost": boost.astype(np.float32),
            "but": but.astype(np.float32)}


def combine(F, p, return_score=False):
    f32 = np.float32
    val, neg, stop = F["val"], F["neg"], F["stop"]
    # Negation scope: a negator up to neg_window tokens back, optionally not across a stop token.
    scope = np.zeros_like(val)
    open_ = np.ones_like(val)
    for k in range(1, int(p["neg_window"]) + 1):
        if k > 1:
            open_ = open_ * (f32(1.0) - f32(p["neg_stop"]) * _prev(stop, k - 1))
        scope = scope + _prev(neg, k) * open_
    scope = np.minimum(scope, f32(1.0))
    val = val * (f32(1.0) - f32(p["like_rule"]) * F["like_prep"]) * (f32(1.0) - f32(p["neg_self"]) * F["negword"])
    v = val * (f32(1.0) + f32(p["neg_mult"] - 1.0) * scope)
    v = v * (f32(1.0) + f32(p["boost"]) * _prev(F["boost"], 1))
    v = v * (f32(1.0) + f32(p["neg_weight"] - 1.0) * (v < 0).astype(f32))
    but = F["but"]
    cum = np.cumsum(but, axis=1, dtype=f32)
    total = but.sum(axis=1, keepdims=True, dtype=f32)
    after = np.minimum(cum - but, f32(1.0))
    before = np.minimum(total, f32(1.0)) - np.minimum(cum, f32(1.0))
    w = f32(1.0) + f32(p["but_after"] - 1.0) * after + f32(p["but_before"] - 1.0) * before
    s = (v * w).sum(axis=1, dtype=f32)
    if return_score:
        return s
    c = s / np.sqrt(s * s + f32(p["alpha"]))
    z = f32(p["scale"]) * c + f32(p["bias"])
    return np.stack([-z, z], axis=1).astype(f32)


def forward(ids, mask, T, p):
    return combine(features(ids, mask, T), p)


# ----------------------------------------------------------------------------------------------
# ONNX graph
# ----------------------------------------------------------------------------------------------

class _G:
    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, value, base="c"):
        nm = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(value), nm))
        return nm

    def op(self, op_type, inputs, base=None, **attrs):
        out = self.name(base or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out


def build_graph(T, p, opset=14):
    g = _G()
    f1 = g.const(np.array(1.0, np.float32), "one")
    i64 = lambda v: g.const(np.array(v, np.int64), "i")

    def gather(table, idx, base):
        return g.op("Gather", [g.const(table, base + "_table"), idx], base)

    def shift(x, k, fill, left):
        # left=False: _prev (pad at front, drop tail); left=True: _next (pad at end, drop head)
        if k == 0:
            return x
        pads = [0, k, 0, 0] if not left else [0, 0, 0, k]
        fill_c = g.const(np.array(fill, np.float32 if fill_is_float[x] else np.int64), "fill")
        padded = g.op("Pad", [x, i64(pads), fill_c], "pad", mode="constant")
        if left:
            return g.op("Slice", [padded, i64([k]), i64([np.iinfo(np.int64).max]), i64([1])], "next")
        return g.op("Slice", [padded, i64([0]), i64([-k]), i64([1])], "prev")

    fill_is_float = {}

    def fl(x):
        fill_is_float[x] = True
        return x

    def mul(a, b):
        return fl(g.op("Mul", [a, b]))

    def add(a, b):
        return fl(g.op("Add", [a, b]))

    def sub(a, b):
        return fl(g.op("Sub", [a, b]))

    def fc(v):
        return g.const(np.array(v, np.float32), "f")

    ids = "input_ids"
    fill_is_float[ids] = False
    m = fl(g.op("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT))
    cont = mul(fl(gather(T["cont"], ids, "cont")), m)
    nxt_cont = fl(shift(cont, 1, 0.0, True))
    run = None
    n = None
    for k in range(1, MAX_PIECES):
        nk = fl(shift(cont, k, 0.0, True))
        run = nk if run is None else mul(run, nk)
        n = add(f1, run) if n is None else add(n, run)
    too_long = mul(run, fl(shift(cont, MAX_PIECES, 0.0, True)))
    n_i = g.op("Cast", [n], "n_i", to=TensorProto.INT64)
    fill_is_float[n_i] = False
    h = n_i
    seq = []
    neg1 = i64(-1)
    for j in range(MAX_PIECES):
        a = shift(ids, j, -1, True)
        fill_is_float[a] = False
        inword = g.op("Less", [i64(j), n_i], "inword")
        a = g.op("Where", [inword, a, neg1], "piece")
        seq.append(g.op("Unsqueeze", [a, i64([-1])], "piece_u"))
        hh = g.op("Mod", [g.op("Add", [g.op("Mul", [h, i64(HASH_MULT)]), a]), i64(HASH_SIZE)], "hash")
        h = g.op("Where", [inword, hh, h], "h")
    actual = g.op("Concat", seq, "actual", axis=-1)                               # [B,S,L]
    actual = g.op("Unsqueeze", [actual, i64([2])], "actual_u")                     # [B,S,1,L]
    keys = g.op("Cast", [gather(T["hkeys"], h, "hkeys")], "keys", to=TensorProto.INT64)  # [B,S,K,L]
    eq = g.op("Cast", [g.op("Equal", [keys, actual])], "eq", to=TensorProto.FLOAT)
    match = g.op("ReduceMin", [eq], "match", axes=[-1], keepdims=0)               # [B,S,K]
    val = g.op("ReduceSum", [g.op("Mul", [match, gather(T["hvals"], h, "hvals")]), i64([-1])],
               "val", keepdims=0)
    fl(val)
    whole = sub(f1, nxt_cont)
    boost = mul(mul(fl(gather(T["boost"], ids, "boost")), m), whole)
    of_next = fl(shift(mul(fl(gather(T["of"], ids, "of")), m), 1, 0.0, True))
    kind_of = mul(mul(fl(gather(T["kind"], ids, "kind")), m), of_next)
    val = mul(val, mul(fl(gather(T["wordstart"], ids, "wordstart")), m))
    val = mul(val, sub(f1, too_long))
    val = mul(val, sub(f1, mul(boost, boost)))
    val = mul(val, sub(f1, kind_of))
    subj_prev = fl(shift(mul(fl(gather(T["like_subject"], ids, "like_subject")), m), 1, 0.0, False))
    like_prep = mul(mul(mul(fl(gather(T["like"], ids, "like")), m), whole), sub(f1, subj_prev))
    apos = mul(fl(gather(T["apos"], ids, "apos")), m)
    negword = mul(mul(fl(gather(T["neg"], ids, "neg")), m), whole)
    neg = add(negword, mul(mul(fl(gather(T["t"], ids, "t")), m), fl(shift(apos, 1, 0.0, False))))
    stop = mul(fl(gather(T["stop"], ids, "stop")), m)
    but = mul(fl(gather(T["but"], ids, "but")), m)

    # combine
    scope = None
    open_ = None
    for k in range(1, int(p["neg_window"]) + 1):
        if k > 1:
            term = sub(f1, mul(fc(p["neg_stop"]), fl(shift(stop, k - 1, 0.0, False))))
            open_ = term if open_ is None else mul(open_, term)
        pk = fl(shift(neg, k, 0.0, False))
        t = pk if open_ is None else mul(pk, open_)
        scope = t if scope is None else add(scope, t)
    val = mul(val, sub(f1, mul(fc(p["like_rule"]), like_prep)))
    val = mul(val, sub(f1, mul(fc(p["neg_self"]), negword)))
    v = val
    if scope is not None:
        scope = fl(g.op("Min", [scope, f1], "scope"))
        v = mul(v, add(f1, mul(fc(p["neg_mult"] - 1.0), scope)))
    v = mul(v, add(f1, mul(fc(p["boost"]), fl(shift(boost, 1, 0.0, False)))))
    isneg = fl(g.op("Cast", [g.op("Less", [v, fc(0.0)])], "isneg", to=TensorProto.FLOAT))
    v = mul(v, add(f1, mul(fc(p["neg_weight"] - 1.0), isneg)))
    axis1 = i64(1)
    cum = fl(g.op("CumSum", [but, axis1], "cum"))
    total = fl(g.op("ReduceSum", [but, i64([1])], "total", keepdims=1))
    after = fl(g.op("Min", [sub(cum, but), f1], "after"))
    before = sub(fl(g.op("Min", [total, f1])), fl(g.op("Min", [cum, f1])))
    w = add(add(f1, mul(fc(p["but_after"] - 1.0), after)), mul(fc(p["but_before"] - 1.0), before))
    s = fl(g.op("ReduceSum", [mul(v, w), i64([1])], "score", keepdims=1))       # [B,1]
    c = fl(g.op("Div", [s, fl(g.op("Sqrt", [add(mul(s, s), fc(p["alpha"]))]))], "compound"))
    z = add(mul(fc(p["scale"]), c), fc(p["bias"]))
    negz = g.op("Neg", [z], "neg_z")
    g.nodes.append(helper.make_node("Concat", [negz, z], ["logits"], name="logits", axis=1))

    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])]
    graph = helper.make_graph(g.nodes, "vader_lexicon_classifier", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="ModelBuilder", producer_version="1")
    model.ir_version = 8
    params_doc = ", ".join(f"{k}={p[k]}" for k in sorted(p))
    model.doc_string = "VADER-lexicon sentiment classifier over BERT WordPiece ids; " + params_doc
    return model
