"""Validate and read a local Hugging Face checkpoint directory (no network, ever).

Expected layout (what `save_pretrained` writes for llava-hf/llava-1.5-7b-hf and
llava-hf/bakLlava-v1-hf): config.json, model*.safetensors (or pytorch_model*.bin), tokenizer.json,
and preprocessor_config.json (or processor_config.json with an "image_processor" object);
tokenizer_config.json and chat_template.jinja / chat_template.json are read when present.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from models.export.errors import MissingFileError, WrongDirectoryError

WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")
# PIL resample codes used in HF image processor configs → interpolation names in the manifest.
RESAMPLE_NAMES = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}


@dataclass
class Checkpoint:
    """The parsed pieces of a checkpoint directory the exporter needs."""

    path: Path  # the checkpoint directory
    config: dict  # config.json
    image_processor: dict  # image processor settings (preprocessor_config.json or nested)
    tokenizer_file: Path  # tokenizer.json
    tokenizer_config: dict  # tokenizer_config.json, {} when absent
    chat_template: str | None  # Jinja chat template when the checkpoint ships one


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise WrongDirectoryError(f"{path.name} in {path.parent}", "valid JSON", f"parse error: {err}") from err


def check_directory(path: Path) -> None:
    """Raise WrongDirectoryError unless `path` is a directory holding config.json."""
    if not path.exists():
        raise WrongDirectoryError("--hf", "an existing checkpoint directory", f"no such path {path}")
    if not path.is_dir():
        raise WrongDirectoryError("--hf", "a checkpoint directory", f"a file {path}")
    if not (path / "config.json").is_file():
        entries = sorted(p.name for p in path.iterdir())[:8]
        raise WrongDirectoryError(
            f"--hf {path}", "a Hugging Face checkpoint directory containing config.json",
            f"entries {entries}" if entries else "an empty directory")


def read_config(path: Path) -> dict:
    check_directory(path)
    return _read_json(path / "config.json")


def _image_processor(path: Path) -> dict:
    pre = path / "preprocessor_config.json"
    if pre.is_file():
        return _read_json(pre)
    proc = path / "processor_config.json"
    if proc.is_file() and isinstance(_read_json(proc).get("image_processor"), dict):
        return _read_json(proc)["image_processor"]
    raise MissingFileError(
        f"image preprocessing settings in {path}",
        "preprocessor_config.json (or processor_config.json with an image_processor object)", "neither")


def _chat_template(path: Path, tokenizer_config: dict) -> str | None:
    if (path / "chat_template.jinja").is_file():
        return (path / "chat_template.jinja").read_text(encoding="utf-8")
    if (path / "chat_template.json").is_file():
        return _read_json(path / "chat_template.json").get("chat_template")
    return tokenizer_config.get("chat_template")


def read_checkpoint(path: Path) -> Checkpoint:
    """Check every file the exporter needs is present; raise MissingFileError naming the first gap."""
    config = read_config(path)
    if not any(any(path.glob(p)) for p in WEIGHT_PATTERNS):
        raise MissingFileError(f"weights in {path}", " or ".join(WEIGHT_PATTERNS), "no weight files")
    tokenizer_file = path / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise MissingFileError(
            f"tokenizer in {path}",
            "tokenizer.json (a slow-only checkpoint can be converted offline with "
            "AutoTokenizer.from_pretrained(dir).save_pretrained(dir))", "no tokenizer.json")
    tok_cfg_path = path / "tokenizer_config.json"
    tokenizer_config = _read_json(tok_cfg_path) if tok_cfg_path.is_file() else {}
    return Checkpoint(path, config, _image_processor(path), tokenizer_file, tokenizer_config,
                      _chat_template(path, tokenizer_config))


def preprocessing_section(image_processor: dict, image_size: list[int]) -> dict:
    """Manifest "preprocessing": the CLIP/LLaVA image pipeline as explicit steps, in order.

    HF order: convert RGB → (LlavaImageProcessor do_pad: pad to square with the mean colour)
    → resize → center crop → rescale → normalize.
    """
    size = image_processor.get("size") or {}
    if "shortest_edge" in size:
        resize = {"mode": "shortest_edge", "size": [size["shortest_edge"]] * 2}
    elif "height" in size and "width" in size:
        resize = {"mode": "exact", "size": [size["height"], size["width"]]}
    else:
        resize = {"mode": "exact", "size": list(image_size)}
    crop = image_processor.get("crop_size") or {}
    mean = image_processor.get("image_mean") or [0.48145466, 0.4578275, 0.40821073]
    do_pad = bool(image_processor.get("do_pad", False))
    return {
        "processor": image_processor.get("image_processor_type", "CLIPImageProcessor"),
        "convert_rgb": bool(image_processor.get("do_convert_rgb", True)),
        "pad": {"mode": "square" if do_pad else "none",
                "fill": [int(m * 255) for m in mean]},
        "resize": {**resize, "enabled": bool(image_processor.get("do_resize", True)),
                   "interpolation": RESAMPLE_NAMES.get(int(image_processor.get("resample", 3)), "bicubic")},
        "crop": {"mode": "center" if image_processor.get("do_center_crop", True) else "none",
                 "size": [crop.get("height", image_size[0]), crop.get("width", image_size[1])]},
        "rescale_factor": float(image_processor.get("rescale_factor", 1 / 255))
        if image_processor.get("do_rescale", True) else 1.0,
        "normalize": {"enabled": bool(image_processor.get("do_normalize", True)), "mean": list(mean),
                      "std": list(image_processor.get("image_std") or [0.26862954, 0.26130258, 0.27577711])},
        "order": ["convert_rgb", "pad", "resize", "crop", "rescale", "normalize"],
        "layout": "NCHW",
    }
