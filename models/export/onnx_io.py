"""Export torch modules to ONNX, store their weights, check them against PyTorch.

Uses the TorchScript exporter (dynamo=False): it handles the dynamic past/seq/rows axes of the
decoder graph directly. Small models keep weights inside each .onnx file. Models above ~1.8 GB
(the protobuf limit is 2 GB) put every weight into one shared `weights.data` next to the graphs,
each distinct tensor stored once. The explain head holds its per-layer weights stacked (L, ...)
whose slice l has the bytes of the decoder's layer-l Wᵀ: the store writes each stack once and
points the decoder's per-layer tensors into it (so the explain graph must be externalized first),
so nothing is duplicated on disk. onnxruntime(-node) resolves the file relative to the graph.
"""

from __future__ import annotations

import hashlib
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper
from torch import nn

from models.export.errors import AtolError
from models.families.base import GraphSpec

# Above this many bytes of parameters a model's graphs use the shared external weights file.
EXTERNAL_DATA_THRESHOLD = 1_800_000_000
WEIGHTS_FILE = "weights.data"
# Tensors smaller than this stay inside the graph; offsets are page-aligned so they can be mapped.
EXTERNAL_MIN_BYTES, ALIGN = 1024, 4096


class WeightStore:
    """Appends initializers to one external data file, writing each distinct tensor once."""

    def __init__(self, path: Path):
        self.path = path
        self.path.unlink(missing_ok=True)
        self.seen: dict[bytes, tuple[int, int]] = {}  # content hash → (offset, length)

    @staticmethod
    def _key(raw: bytes) -> bytes:
        # Keyed by bytes alone: equal bytes may back tensors of any dtype/shape.
        return hashlib.blake2b(raw, digest_size=20).digest()

    def _remember_slices(self, raw: bytes, offset: int, dims: list[int]) -> None:
        """Also index the axis-0 slices of a stacked (L, ...) tensor, so a later per-layer tensor
        with the same bytes (the decoder's layer-l weight) is stored as a view into the stack."""
        if len(dims) < 2 or dims[0] < 2:
            return
        step = len(raw) // dims[0]
        for i in range(dims[0]):
            piece = raw[i * step:(i + 1) * step]
            if len(piece) >= EXTERNAL_MIN_BYTES:
                self.seen.setdefault(self._key(piece), (offset + i * step, step))

    def externalize(self, model: onnx.ModelProto) -> None:
        """Move the model's large initializers into the file (in place; raw data is dropped)."""
        with self.path.open("ab") as f:
            for tensor in model.graph.initializer:
                raw = tensor.raw_data if tensor.HasField("raw_data") else numpy_helper.to_array(tensor).tobytes()
                if len(raw) < EXTERNAL_MIN_BYTES:
                    continue
                key = self._key(raw)
                if key not in self.seen:
                    offset = -(-f.tell() // ALIGN) * ALIGN
                    f.write(b"\0" * (offset - f.tell()))
                    f.write(raw)
                    self.seen[key] = (offset, len(raw))
                    self._remember_slices(raw, offset, list(tensor.dims))
                offset, length = self.seen[key]
                dims, dtype, name = list(tensor.dims), tensor.data_type, tensor.name
                tensor.Clear()
                tensor.name, tensor.data_type = name, dtype
                tensor.dims.extend(dims)
                tensor.data_location = onnx.TensorProto.EXTERNAL
                for k, v in (("location", self.path.name), ("offset", str(offset)), ("length", str(length))):
                    entry = tensor.external_data.add()
                    entry.key, entry.value = k, v


def uses_external_weights(model: nn.Module) -> bool:
    return sum(p.numel() * p.element_size() for p in model.parameters()) > EXTERNAL_DATA_THRESHOLD


def export_graph(module: nn.Module, spec: GraphSpec, sample: tuple[torch.Tensor, ...], out_dir: Path,
                 opset: int, store: WeightStore | None = None) -> Path:
    """Write `spec.file` into out_dir, its weights inline or into `store`; return its path."""
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
    if store is not None:
        store.externalize(model)
    target = out_dir / spec.file
    onnx.save_model(model, str(target))
    return target


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


@dataclass(frozen=True)
class OutputCheck:
    """ONNX Runtime vs PyTorch for one graph output, worst case over the validation inputs."""

    max_abs_diff: float  # max |onnx − torch|
    scale: float  # max |torch output|
    allowed: float  # tolerance · max(1, scale): the largest max_abs_diff that passes

    def describe(self) -> str:
        return f"max abs diff {self.max_abs_diff:.2e} (allowed {self.allowed:.2e}, output scale {self.scale:.3g})"


def compare_graph(path: Path, module: nn.Module, spec: GraphSpec,
                  cases: list[tuple[torch.Tensor, ...]]) -> dict[str, OutputCheck]:
    """OutputCheck per output over all cases; raise AtolError when one exceeds its scaled tolerance.

    The allowed error is spec.tolerance[output] · max(1, max |output|): float32 rounding grows
    with the magnitude of the values, so a real checkpoint's logits (tens) get proportionally
    more room than a tiny random model's (≈ 0.1), which keeps the absolute floor of 1·tolerance.
    """
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = {name: 0.0 for name in spec.outputs}
    scale = {name: 0.0 for name in spec.outputs}
    for case in cases:
        with torch.no_grad():
            ref = module(*case)
        ref = (ref,) if isinstance(ref, torch.Tensor) else tuple(ref)
        got = sess.run(list(spec.outputs), {n: x.numpy() for n, x in zip(spec.inputs, case)})
        for name, r, g in zip(spec.outputs, ref, got):
            r = r.float().numpy()
            if r.shape != g.shape:
                raise AtolError(f"{spec.file} output {name} shape", str(r.shape), str(g.shape))
            if r.size:
                worst[name] = max(worst[name], float(np.abs(r - g.astype(np.float32)).max()))
                scale[name] = max(scale[name], float(np.abs(r).max()))
    checks = {}
    for name in spec.outputs:
        tol = spec.tolerance.get(name, 1e-4)
        checks[name] = OutputCheck(worst[name], scale[name], tol * max(1.0, scale[name]))
        if checks[name].max_abs_diff > checks[name].allowed:
            raise AtolError(f"{spec.file} output {name} vs PyTorch",
                            f"max abs diff <= {tol:g} · max(1, max|output| = {scale[name]:.3g}) = {checks[name].allowed:.3g}",
                            f"{checks[name].max_abs_diff:.3g}")
    return checks
