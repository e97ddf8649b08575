"""Bundle manifest.json: build it from the checkpoint + exported graphs, validate it (DESIGN §2).

The schema lives in shared/schemas/bundle-manifest.schema.json so the TypeScript engine checks
the same contract before loading a bundle.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Tokenizer

from models.export.checkpoint import Checkpoint
from models.export.errors import ManifestError

FORMAT = "dexar-bundle"
# 2: explain.onnx takes the value cache of the K explained layers only, (K, H_kv, S, hd), and
#    computes only those layers (1 took all L layers' values and computed every layer).
FORMAT_VERSION = 2
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "bundle-manifest.schema.json"
# Fallback for checkpoints without a chat template: LLaVA-1.5 / BakLLaVA conversation format.
DEFAULT_PROMPT_TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:"
# DEX-AR default layer range: the last 10 layers, all of them when L <= 10 (DESIGN §3).
DEFAULT_EXPLAIN_LAYERS = 10
# Optional file in a checkpoint folder that sets the bundle's default layer range instead:
# {"default_layers": [1, 2], "why": "..."} (the demo model's choice, models/README.md).
EXPLAIN_DEFAULTS_FILE = "explain.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_manifest(manifest: dict) -> None:
    """Raise ManifestError naming the failing field when the manifest breaks the schema."""
    try:
        jsonschema.Draft202012Validator(load_schema()).validate(manifest)
    except jsonschema.ValidationError as err:
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        raise ManifestError(f"manifest field {where}", f"to match the schema ({err.validator})",
                            err.message) from err


def _token_name(value) -> str | None:
    """tokenizer_config stores special tokens as strings or {"content": ...} objects."""
    return value.get("content") if isinstance(value, dict) else value


def tokenizer_section(ckpt: Checkpoint, image_token_id: int) -> dict:
    tok = Tokenizer.from_file(str(ckpt.tokenizer_file))
    special = {}
    defaults = {"bos": "<s>", "eos": "</s>", "pad": None, "unk": "<unk>"}
    for role, default in defaults.items():
        name = _token_name(ckpt.tokenizer_config.get(f"{role}_token")) or default
        token_id = tok.token_to_id(name) if name is not None else None
        special[role] = {"token": name, "id": token_id} if token_id is not None else None
    special["image"] = {"token": tok.id_to_token(image_token_id), "id": image_token_id}
    probe = tok.encode("a").ids
    bos = special["bos"]
    return {
        "file": "tokenizer.json",
        "add_bos": bool(bos and probe and probe[0] == bos["id"]),
        "special_tokens": special,
    }


def prompt_section(ckpt: Checkpoint) -> dict:
    """Template with a "{prompt}" slot, rendered from the checkpoint's chat template when present."""
    template = DEFAULT_PROMPT_TEMPLATE
    if ckpt.chat_template:
        env = ImmutableSandboxedEnvironment()
        messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "{prompt}"}]}]
        try:
            rendered = env.from_string(ckpt.chat_template).render(messages=messages, add_generation_prompt=True)
            if "{prompt}" in rendered and "<image>" in rendered:
                template = rendered
        except Exception:  # noqa: BLE001 — an exotic template falls back to the family default
            pass
    return {"template": template, "image_placeholder": "<image>", "chat_template": ckpt.chat_template}


def checkpoint_default_layers(hf_path: Path, num_layers: int) -> list[int] | None:
    """The default layer range the checkpoint's explain.json names, or None without that file."""
    path = Path(hf_path) / EXPLAIN_DEFAULTS_FILE
    if not path.is_file():
        return None
    try:
        layers = json.loads(path.read_text(encoding="utf-8"))["default_layers"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise ManifestError(str(path), 'a JSON object with "default_layers": [layer, ...]', f"{type(e).__name__}: {e}") from e
    valid = isinstance(layers, list) and len(layers) > 0 and all(
        isinstance(x, int) and not isinstance(x, bool) and 0 <= x < num_layers for x in layers)
    if not valid or layers != sorted(set(layers)):
        raise ManifestError(f"{path}: default_layers", f"distinct ascending layer indices in [0, {num_layers})", repr(layers))
    return layers


def explain_section(num_layers: int, default_layers: list[int] | None = None) -> dict:
    first = max(0, num_layers - DEFAULT_EXPLAIN_LAYERS)
    return {
        "default_layers": default_layers if default_layers is not None else list(range(first, num_layers)),
        "norm_twice_last": True,  # official-compatible logit lens on the last layer (DESIGN §3)
        "drop_column_after_image": True,  # official code drops column i0+N from the text set X
    }


def files_section(out_dir: Path) -> dict:
    """sha256 and size of every file in the bundle except manifest.json itself."""
    return {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(out_dir.iterdir()) if p.is_file() and p.name != "manifest.json"}


def write_manifest(out_dir: Path, manifest: dict) -> Path:
    validate_manifest(manifest)
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
