"""A copy of an ONNX voice whose random noise is a function of what it is asked to say.

A VITS voice (piper's) draws Gaussian noise inside its graph with `RandomNormalLike`: the
durations' noise (noise_w) and the latent's (noise_scale). onnxruntime seeds those ops from the
clock unless the op has a `seed`, and even a seeded op's generator runs on across calls of one
session, so a segment's audio would depend on the segments spoken before it in the same process.

`seed_noise` rewrites each `RandomNormalLike` into a read from a fixed table of Gaussian noise
(numpy's PCG64, seeded from the model's sha256 and the op's name) stored in the graph, starting
at an offset hashed from the phoneme ids the graph is given. So the same text, voice and
settings give the same samples in any process, in any order, and the noise has the same
distribution as before: the voice sounds as it did (a table longer than the segment is tiled).
The rest of the graph is plain float arithmetic, the same in one thread or several (checked with
piper pinned to 1 and to 2 cores); a CPU with other vector instructions may round differently in
onnxruntime's kernels, as any neural voice may.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

# Bump when the rewrite changes: the rewritten copies are cached under a name holding it.
REWRITE = "1"
TABLE_LENGTH = 1024   # frames (or phonemes) of noise before the table repeats: about 12 s of speech
TABLE_CHANNELS = 192  # piper's latent width; a wider op tiles the table across its channels too


def seed_noise(model_path: str | Path, model_sha256: str, out_path: str | Path, ids_input: str = "input") -> int:
    """Write the rewritten copy of `model_path` to `out_path`; the number of noise ops rewritten."""
    import onnx  # Apache-2.0; only needed the first time a voice file is used
    from onnx import TensorProto, helper, numpy_helper, shape_inference

    model = onnx.load(str(model_path))
    graph = model.graph
    if ids_input not in [i.name for i in graph.input]:
        raise ValueError(f"{model_path}: no graph input named {ids_input!r} (not a piper voice?)")
    ranks = {}
    for info in [*shape_inference.infer_shapes(model).graph.value_info, *graph.input]:
        if info.type.tensor_type.HasField("shape"):
            ranks[info.name] = len(info.type.tensor_type.shape.dim)

    nodes: list = []

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def const(name: str, values, dtype=np.int64) -> str:
        graph.initializer.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    # offset = a hash of the phoneme ids (position-weighted sum, mixed by a Lehmer step) mod TABLE_LENGTH;
    # every product stays far below 2**63, so the integer arithmetic is exact everywhere
    p = "/seeded_noise"
    ids = node("Cast", [ids_input], f"{p}/ids", to=TensorProto.INT64)
    count = node("Gather", [node("Shape", [ids], f"{p}/ids_shape"), const(f"{p}/last", -1)], f"{p}/count")
    positions = node("Range", [const(f"{p}/one", 1), node("Add", [count, f"{p}/one"], f"{p}/count1"), f"{p}/one"],
                     f"{p}/positions")
    weights = node("Add", [node("Mod", [node("Mul", [positions, const(f"{p}/w_mul", 7919)], f"{p}/w_raw"),
                                        const(f"{p}/w_mod", 65521)], f"{p}/w_mod_out", fmod=0), f"{p}/one"],
                   f"{p}/weights")
    total = node("ReduceSum", [node("Mul", [ids, weights], f"{p}/weighted")], f"{p}/total", keepdims=0)
    mixed = node("Mod", [node("Mul", [node("Mod", [total, const(f"{p}/prime", 2147483647)], f"{p}/total_mod",
                                           fmod=0), const(f"{p}/lehmer", 48271)], f"{p}/mixed_raw"),
                         f"{p}/prime"], f"{p}/mixed", fmod=0)
    offset = node("Unsqueeze", [node("Mod", [mixed, const(f"{p}/length", TABLE_LENGTH)], f"{p}/offset0", fmod=0),
                                const(f"{p}/axis0", [0])], f"{p}/offset")

    rewritten = 0
    for original in list(graph.node):
        if original.op_type != "RandomNormalLike":
            nodes.append(original)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in original.attribute}
        if attrs.get("dtype", TensorProto.FLOAT) != TensorProto.FLOAT:
            raise ValueError(f"{model_path}: {original.name} draws dtype {attrs['dtype']}, not float")
        source, target = original.input[0], original.output[0]
        rank = ranks.get(source)
        if not rank:
            raise ValueError(f"{model_path}: the rank of {original.name}'s input is unknown")
        q = f"{p}{original.name}"
        seed = int.from_bytes(hashlib.sha256(f"{model_sha256}:{original.name}".encode()).digest()[:8], "big")
        shape = (1,) * (rank - 2) + (TABLE_CHANNELS, TABLE_LENGTH)
        table = const(f"{q}/table", np.random.default_rng(seed).standard_normal(shape, dtype=np.float32),
                      np.float32)
        wanted = node("Shape", [source], f"{q}/shape")
        # ends: the wanted shape, the last axis moved on by the offset; the table tiled until it covers that
        zeros = const(f"{q}/zeros", [0] * (rank - 1))
        shift = node("Concat", [zeros, offset], f"{q}/shift", axis=0)
        ends = node("Add", [wanted, shift], f"{q}/ends")
        repeats = node("Add", [node("Div", [ends, const(f"{q}/table_shape", shape)], f"{q}/whole"),
                               const(f"{q}/ones", [1] * rank)], f"{q}/repeats")
        tiled = node("Tile", [table, repeats], f"{q}/tiled")
        noise = node("Slice", [tiled, node("Concat", [zeros, offset], f"{q}/starts", axis=0), ends], f"{q}/noise")
        scale, mean = float(attrs.get("scale", 1.0)), float(attrs.get("mean", 0.0))
        if scale != 1.0:
            noise = node("Mul", [noise, const(f"{q}/scale", scale, np.float32)], f"{q}/scaled")
        nodes.append(helper.make_node("Add", [noise, const(f"{q}/mean", mean, np.float32)], [target],
                                      name=f"{q}/out"))
        rewritten += 1
    graph.ClearField("node")
    graph.node.extend(nodes)  # the offset's nodes come first: they read only the graph's input
    onnx.checker.check_model(model)
    onnx.save(model, str(out_path))
    return rewritten
