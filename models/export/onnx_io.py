"""Export one torch module to ONNX and check it against PyTorch (per-output max abs diff).

Uses the TorchScript exporter (dynamo=False): it handles the dynamic past/seq/rows axes of the
decoder graph directly. Graphs whose weights exceed ~1.8 GB are written with one external data
file next to them (`<file>.data`), the layout onnxruntime-node loads from a folder.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

from models.export.errors import AtolError
from models.families.base import GraphSpec

# Above this many bytes of initializers a graph is saved with external data (protobuf limit 2 GB).
EXTERNAL_DATA_THRESHOLD = 1_800_000_000


def export_graph(module: nn.Module, spec: GraphSpec, sample: tuple[torch.Tensor, ...], out_dir: Path,
                 opset: int) -> list[Path]:
    """Write `spec.file` (and `spec.file + '.data'` when large) into out_dir; return the paths."""
    target = out_dir / spec.file
    data_name = spec.file + ".data"
    (out_dir / data_name).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="dexar-export-") as tmp:
        # Export into a scratch folder: for >2 GB models torch writes one file per tensor there.
        raw = Path(tmp) / spec.file
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TracerWarnings about shape-derived python ints
            torch.onnx.export(
                module, sample, str(raw), input_names=list(spec.inputs), output_names=list(spec.outputs),
                dynamic_axes=spec.dynamic_axes, opset_version=opset, dynamo=False, do_constant_folding=True)
        model = onnx.load(str(raw), load_external_data=True)
    with torch.no_grad():
        ref = module(*sample)
    _pin_static_dims(model, spec, (ref,) if isinstance(ref, torch.Tensor) else tuple(ref))
    model.producer_name, model.producer_version = "dexar-models-export", "1"
    weight_bytes = sum(t.ByteSize() for t in model.graph.initializer)
    if weight_bytes > EXTERNAL_DATA_THRESHOLD:
        onnx.save_model(model, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data_name, size_threshold=1024)
        return [target, out_dir / data_name]
    onnx.save_model(model, str(target))
    return [target]


def _pin_static_dims(model: onnx.ModelProto, spec: GraphSpec, outputs: tuple[torch.Tensor, ...]) -> None:
    """Replace tracer-invented symbolic output dims (e.g. "Reshape_dim_2") with their fixed size.

    Every axis not named in spec.dynamic_axes is static, so its traced size is the real one.
    """
    for value, tensor in zip(model.graph.output, outputs):
        declared = spec.dynamic_axes.get(value.name, {})
        for axis, dim in enumerate(value.type.tensor_type.shape.dim):
            if axis in declared:
                dim.dim_param = declared[axis]
            elif dim.dim_param:
                dim.dim_value = int(tensor.shape[axis])


def io_signature(path: Path) -> dict[str, list[dict]]:
    """Graph inputs/outputs as [{name, dtype, shape}] with symbolic dims as strings."""
    model = onnx.load(str(path), load_external_data=False)

    def describe(values) -> list[dict]:
        out = []
        for v in values:
            t = v.type.tensor_type
            dims = [d.dim_param if d.dim_param else int(d.dim_value) for d in t.shape.dim]
            out.append({"name": v.name, "dtype": onnx.helper.tensor_dtype_to_np_dtype(t.elem_type).name,
                        "shape": dims})
        return out

    return {"inputs": describe(model.graph.input), "outputs": describe(model.graph.output)}


def compare_graph(path: Path, module: nn.Module, spec: GraphSpec,
                  cases: list[tuple[torch.Tensor, ...]]) -> dict[str, float]:
    """Max abs diff per output over all cases; raise AtolError when one exceeds spec.atol."""
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = {name: 0.0 for name in spec.outputs}
    for case in cases:
        with torch.no_grad():
            ref = module(*case)
        ref = (ref,) if isinstance(ref, torch.Tensor) else tuple(ref)
        got = sess.run(list(spec.outputs), {n: x.numpy() for n, x in zip(spec.inputs, case)})
        for name, r, g in zip(spec.outputs, ref, got):
            r = r.float().numpy()
            if r.shape != g.shape:
                raise AtolError(f"{spec.file} output {name} shape", str(r.shape), str(g.shape))
            diff = float(np.abs(r - g.astype(np.float32)).max()) if r.size else 0.0
            worst[name] = max(worst[name], diff)
    for name, diff in worst.items():
        tol = spec.atol.get(name, 1e-4)
        if diff > tol:
            raise AtolError(f"{spec.file} output {name} vs PyTorch", f"max abs diff <= {tol:g}", f"{diff:.3g}")
    return worst
