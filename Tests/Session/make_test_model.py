#!/usr/bin/python3
"""Builds the tiny text-classifier model the Session tests run.

usage: make_test_model.py OUT_DIR
writes OUT_DIR/classifier.onnx and OUT_DIR/weights.json (the same weights, so the tests can compute the expected
logits by hand, independently of any ONNX runtime).

Graph (opset 17, dynamic 'batch' and 'sequence' axes):
  input_ids int64 [batch, sequence], attention_mask int64 [batch, sequence]
  emb    = Gather(embedding[V, D], input_ids)                  -> [batch, sequence, D]
  mask   = Unsqueeze(Cast<float>(attention_mask), axis 2)      -> [batch, sequence, 1]
  pooled = ReduceSum(emb * mask, axis 1) / max(ReduceSum(mask, axis 1), 1e-9)   -> [batch, D]   (output)
  logits = pooled @ W[D, 2] + b[2]                             -> [batch, 2]   (output)
  token_count = ReduceSum(attention_mask, axis 1, keepdims)    -> int64 [batch, 1]   (output, non-float)

Also OUT_DIR/wrong_inputs.onnx, a model a text classifier must refuse at load: input_ids int64 of rank 1 [batch],
attention_mask float [batch, sequence]; logits float [batch, 2] (its mask's row sums, twice).
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, save

VOCAB, DIM, CLASSES = 50, 8, 2


def main(out_dir: str) -> None:
    rng = np.random.default_rng(20240611)
    embedding = rng.normal(0, 1, (VOCAB, DIM)).astype(np.float32)
    weight = rng.normal(0, 0.5, (DIM, CLASSES)).astype(np.float32)
    bias = np.array([0.25, -0.5], dtype=np.float32)

    ints = lambda name, values: numpy_helper.from_array(np.array(values, dtype=np.int64), name)
    initializers = [
        numpy_helper.from_array(embedding, "embedding"),
        numpy_helper.from_array(weight, "classifier_weight"),
        numpy_helper.from_array(bias, "classifier_bias"),
        ints("axis_seq", [1]),
        ints("axis_last", [2]),
        numpy_helper.from_array(np.array(1e-9, dtype=np.float32), "epsilon"),
    ]
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["emb"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis_last"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_seq"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "axis_seq"], ["count"], keepdims=0),
        helper.make_node("Max", ["count", "epsilon"], ["safe_count"]),
        helper.make_node("Div", ["summed", "safe_count"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "classifier_weight"], ["projected"]),
        helper.make_node("Add", ["projected", "classifier_bias"], ["logits"]),
        helper.make_node("ReduceSum", ["attention_mask", "axis_seq"], ["token_count"], keepdims=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_classifier",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", CLASSES]),
            helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", DIM]),
            helper.make_tensor_value_info("token_count", TensorProto.INT64, ["batch", 1]),
        ],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="grains-tests")
    model.ir_version = 8
    checker.check_model(model)

    os.makedirs(out_dir, exist_ok=True)
    save(model, os.path.join(out_dir, "classifier.onnx"))
    save_wrong_inputs(os.path.join(out_dir, "wrong_inputs.onnx"))
    with open(os.path.join(out_dir, "weights.json"), "w") as f:
        json.dump(
            {
                "vocab": VOCAB,
                "dim": DIM,
                "classes": CLASSES,
                "embedding": embedding.flatten().tolist(),
                "weight": weight.flatten().tolist(),
                "bias": bias.tolist(),
            },
            f,
        )


def save_wrong_inputs(path: str) -> None:
    nodes = [
        helper.make_node("ReduceSum", ["attention_mask", "axis_seq"], ["row_sum"], keepdims=1),
        helper.make_node("Concat", ["row_sum", "row_sum"], ["logits"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "wrong_inputs",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", CLASSES])],
        [numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_seq")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="grains-tests")
    model.ir_version = 8
    checker.check_model(model)
    save(model, path)


if __name__ == "__main__":
    main(sys.argv[1])
