"""HF checkpoint directory → DEX-AR bundle folder (DESIGN §2). Entry point: export_bundle()."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import torch

from models.export import checkpoint as ckpt_io
from models.export import manifest as mf
from models.export.errors import WrongDirectoryError
from models.export.onnx_io import WEIGHTS_FILE, OutputCheck, WeightStore, compare_graph, export_graph, \
    io_signature, uses_external_weights
from models.families import detect_family
from models.families.base import GRAPH_ROLES


@dataclass
class ExportResult:
    """What export_bundle produced."""

    out_dir: Path  # the bundle folder
    manifest: dict  # the written manifest.json
    checks: dict[str, dict[str, OutputCheck]]  # role → output → ONNX vs PyTorch ({} if skipped)


def training_section(hf_path: Path) -> dict:
    """{"training": {seed, recipe}} from the checkpoint's recipe.json (models/train_demo.py writes
    one), so a bundle says how its weights were made; {} for checkpoints without one."""
    recipe_file = hf_path / "recipe.json"
    if not recipe_file.is_file():
        return {}
    recipe = json.loads(recipe_file.read_text(encoding="utf-8"))
    return {"training": {"seed": int(recipe["seed"]), "recipe": recipe}}


def _prepare_out_dir(out_dir: Path) -> None:
    """Create out_dir; refuse a non-empty folder that is not a bundle (never clobber user files)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WrongDirectoryError("--out", "a directory path", f"a file {out_dir}")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file():
        raise WrongDirectoryError("--out", "an empty directory or an existing bundle", f"other files in {out_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.iterdir():
        if stale.is_file():
            stale.unlink()


def load_hf_model(path: Path):
    """The checkpoint as an fp32 eager LlavaForConditionalGeneration, strictly offline."""
    from transformers import LlavaForConditionalGeneration

    return LlavaForConditionalGeneration.from_pretrained(
        path, dtype=torch.float32, attn_implementation="eager", local_files_only=True).eval()


def export_bundle(hf_dir: str | Path, out_dir: str | Path, *, name: str | None = None,
                  validate: bool = True, log=print) -> ExportResult:
    """Export the checkpoint at hf_dir into out_dir; raises models.export.errors.ExportError subclasses."""
    hf_path, out_path = Path(hf_dir), Path(out_dir)
    adapter = detect_family(ckpt_io.read_config(hf_path))
    ckpt = ckpt_io.read_checkpoint(hf_path)
    _prepare_out_dir(out_path)
    model = load_hf_model(hf_path)
    modules = adapter.build_modules(model)
    specs = adapter.graph_specs()
    trace = adapter.sample_inputs(model, "trace")
    checks = [adapter.sample_inputs(model, v) for v in ("prefill", "decode")]
    store = WeightStore(out_path / WEIGHTS_FILE) if uses_external_weights(model) else None
    graphs, results = {}, {}
    # explain before decoder: its stacked per-layer weights go into the store first, so the
    # decoder's per-layer tensors become views into them (WeightStore) instead of second copies.
    for role in sorted(GRAPH_ROLES, key=lambda r: r == "decoder"):
        spec = specs[role]
        log(f"[export] {role}: writing {spec.file}" + (f" (weights in {WEIGHTS_FILE})" if store else ""))
        path = export_graph(modules[role], spec, trace[role], out_path, adapter.opset, store)
        if validate:
            results[role] = compare_graph(path, modules[role], spec, [c[role] for c in checks])
            for output, check in results[role].items():
                log(f"[export] {role}.{output} vs PyTorch: {check.describe()}")
        graphs[role] = {"file": spec.file, "sha256": mf.sha256_file(path),
                        "external_data": WEIGHTS_FILE if store else None, **io_signature(path)}
    graphs = {role: graphs[role] for role in GRAPH_ROLES}
    shutil.copyfile(ckpt.tokenizer_file, out_path / "tokenizer.json")
    dims = adapter.text_dims(model)
    vision = adapter.vision_info(model)
    manifest = {
        "format": mf.FORMAT,
        "format_version": mf.FORMAT_VERSION,
        "name": name or out_path.name,
        "family": adapter.name,
        "source": {"checkpoint": hf_path.name, "model_type": ckpt.config.get("model_type"),
                   "text_model_type": (ckpt.config.get("text_config") or {}).get("model_type", "llama"),
                   "architectures": ckpt.config.get("architectures") or [],
                   **training_section(hf_path)},
        "dtype": "float32",
        "opset": adapter.opset,
        "graphs": graphs,
        "vision": vision,
        "preprocessing": ckpt_io.preprocessing_section(ckpt.image_processor, vision["image_size"]),
        "text": dict(dims.__dict__),
        "tokenizer": mf.tokenizer_section(ckpt, vision["image_token_id"]),
        "prompt": mf.prompt_section(ckpt),
        "explain": mf.explain_section(dims.num_layers, mf.checkpoint_default_layers(hf_path, dims.num_layers)),
        "files": mf.files_section(out_path),
    }
    mf.write_manifest(out_path, manifest)
    log(f"[export] wrote {out_path / 'manifest.json'}")
    return ExportResult(out_path, manifest, results)
