#!/usr/bin/python3
"""Builds a tiny model directory (HF export layout) whose faults tests can trigger with a word.

usage: make_faulty_model.py OUT_DIR
writes OUT_DIR/model.onnx, vocab.txt and config.json.

  logits = ReduceSum(Gather(embedding[7, 2], input_ids) * attention_mask, axis 1)   -> [batch, 2]

  good, bad   ordinary words: (-1, 1) and (1, -1)
  overflow    (3e38, -3e38): finite alone; twice ("overflow overflow") the float32 sum overflows to (+inf, -inf)
  crash       id 7, one past the embedding table: ONNX Runtime's Gather fails the whole run
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper, save

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "good", "bad", "overflow", "crash"]


def main(out_dir: str) -> None:
    embedding = np.zeros((len(VOCAB) - 1, 2), dtype=np.float32)
    embedding[VOCAB.index("good")] = [-1, 1]
    embedding[VOCAB.index("bad")] = [1, -1]
    embedding[VOCAB.index("overflow")] = [3e38, -3e38]

    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["emb"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis_last"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis_seq"], ["logits"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "faulty_classifier",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2])],
        [
            numpy_helper.from_array(embedding, "embedding"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis_seq"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis_last"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="grains-tests")
    model.ir_version = 8
    checker.check_model(model)

    os.makedirs(out_dir, exist_ok=True)
    save(model, os.path.join(out_dir, "model.onnx"))
    with open(os.path.join(out_dir, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(VOCAB) + "\n")
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump({"id2label": {"0": "NEGATIVE", "1": "POSITIVE"}, "max_position_embeddings": 32}, f)


if __name__ == "__main__":
    main(sys.argv[1])
