"""Parity fixtures for the TypeScript engine: `python -m models.fixtures`.

For each tiny bundle (tests/fixtures/bundles/<name>, exported from `models.tiny.build_tiny(name,
seed=0)`) this rebuilds the same Hugging Face checkpoint in a temporary folder, runs the PyTorch
reference on a fixed image, prompt and answer, and writes small JSON files under
tests/fixtures/parity/<name>/. The format is specified in models/README.md, "## Parity fixtures".
Output is deterministic: re-running rewrites byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from models.reference import (
    LLAVA_15_TEMPLATE,
    DexarResult,
    DexarSettings,
    PromptInputs,
    answer_token_ids,
    build_prompt_inputs,
    explain,
)
from models.export.manifest import checkpoint_default_layers
from models.tiny import TINY_SPECS, build_tiny

FORMAT_VERSION = 1
DEFAULT_OUT = Path("tests/fixtures/parity")
CHECKPOINT_SEED = 0  # the seed the exporter's tiny bundles are built with
PROMPT = "Describe the image."
ANSWER = "A yellow circle and a purple square."


@dataclass(frozen=True)
class FixtureInputs:
    """What one fixture folder explains; the defaults are the tiny models' case."""

    prompt: str = PROMPT  # user text put into the template
    answer: str = ANSWER  # the answer explained with teacher forcing
    template: str = LLAVA_15_TEMPLATE  # chat template with {prompt} and one <image>
    # How the checkpoint was made, written to inputs.json["checkpoint"] (weights_sha256 is added).
    source: dict = field(
        default_factory=lambda: {"builder": "models.tiny.build_tiny", "seed": CHECKPOINT_SEED}
    )

GENERATION_STEPS = 5
# The two settings cases every fixture carries: the bundle's defaults (official unless the
# checkpoint's explain.json names its layers; see write_fixtures), and every switch flipped.
CASES: dict[str, DexarSettings] = {
    "default": DexarSettings(),
    "variant": DexarSettings(
        layers=(1, 3), top_k=2, double_final_norm=False, drop_column_after_image=False
    ),
}


def fixture_image() -> Image.Image:
    """A 48x40 Shapes-QA-like picture: not square, so resize and centre crop are exercised."""
    image = Image.new("RGB", (48, 40), (235, 235, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((3, 11, 19, 27), fill=(250, 210, 20))  # yellow circle, left
    draw.rectangle((29, 12, 44, 27), fill=(130, 40, 170))  # purple square, right
    return image


def write_fixtures(
    name: str, checkpoint: Path, out_dir: Path, spec: FixtureInputs = FixtureInputs()
) -> list[Path]:
    """Write every fixture file of one bundle into out_dir/name; return the paths written."""
    from transformers import AutoProcessor, LlavaForConditionalGeneration

    model = LlavaForConditionalGeneration.from_pretrained(
        checkpoint, attn_implementation="eager", dtype=torch.float32
    ).eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    folder = out_dir / name
    folder.mkdir(parents=True, exist_ok=True)

    # The engine reads the PNG, so the reference must see the decoded PNG too.
    image_path = folder / "image.png"
    fixture_image().save(image_path, format="PNG")
    with Image.open(image_path) as stored:
        image = stored.convert("RGB")
    inputs = build_prompt_inputs(processor, image, spec.prompt, spec.template)
    answer = answer_token_ids(processor.tokenizer, spec.answer)

    # "default" is what the bundle explains by default: a checkpoint's explain.json overrides the rule.
    defaults = checkpoint_default_layers(checkpoint, model.config.text_config.num_hidden_layers)
    cases = CASES if defaults is None else {**CASES, "default": replace(CASES["default"], layers=tuple(defaults))}
    results = {case: explain(model, inputs, answer, settings) for case, settings in cases.items()}
    documents = {
        "inputs.json": _inputs_document(name, spec, model, processor, inputs, answer, image),
        "logits.json": _logits_document(results["default"]),
        "generation.json": _generation_document(model, processor, inputs),
    }
    for case, result in results.items():
        documents[f"reference.{case}.json"] = _reference_document(case, result)
    written = [image_path]
    for filename, document in documents.items():
        path = folder / filename
        path.write_text(dumps(document) + "\n")
        written.append(path)
    return written


def _inputs_document(name, spec, model, processor, inputs: PromptInputs, answer, image) -> dict:
    tokenizer = processor.tokenizer
    return {
        "format_version": FORMAT_VERSION,
        "bundle": name,
        "checkpoint": {**spec.source, "weights_sha256": weights_digest(model)},
        "image": {"file": "image.png", "width": image.width, "height": image.height},
        "prompt": spec.prompt,
        "answer": spec.answer,
        "template": spec.template,
        "prompt_text": inputs.text,
        "prompt_ids": list(tokenizer(inputs.text)["input_ids"]),
        "expanded_ids": inputs.input_ids,
        "answer_ids": answer,
        "answer_tokens": [tokenizer.decode([token]) for token in answer],
        "image_token_id": processor.image_token_id,
        "image_start": inputs.image_start,
        "num_image_tokens": inputs.num_image_tokens,
        "grid": list(inputs.grid),
        "pixel_values": tensor_json(inputs.pixel_values),
    }


def _logits_document(result: DexarResult) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "query_rows": result.query_rows,
        "prefill_last": tensor_json(result.logits[0]),
        "teacher_forced": tensor_json(result.logits),
    }


def _generation_document(model, processor, inputs: PromptInputs) -> dict:
    """Greedy decoding for a fixed number of steps, no stop tokens, full forward per step."""
    sequence = list(inputs.input_ids)
    tokens, logits_rows = [], []
    with torch.no_grad():
        for _ in range(GENERATION_STEPS):
            logits = model(
                input_ids=torch.tensor([sequence]), pixel_values=inputs.pixel_values
            ).logits[0, -1]
            token = int(logits.argmax())
            tokens.append(token)
            logits_rows.append(logits)
            sequence.append(token)
    logits = torch.stack(logits_rows)
    probabilities = torch.softmax(logits, dim=-1)
    top = probabilities.topk(5, dim=-1)
    return {
        "format_version": FORMAT_VERSION,
        "strategy": "greedy",
        "steps": GENERATION_STEPS,
        "stop_tokens": [],
        "token_ids": tokens,
        "tokens": [processor.tokenizer.decode([token]) for token in tokens],
        "logits": tensor_json(logits),
        "top5_ids": top.indices.tolist(),
        "top5_probs": tensor_json(top.values),
    }


def _reference_document(case: str, result: DexarResult) -> dict:
    document = {
        "format_version": FORMAT_VERSION,
        "case": case,
        "settings": _settings_json(result.settings),
        "layers": list(result.layers),
        "answer_ids": result.answer_ids,
        "query_rows": result.query_rows,
        "image_start": result.image_start,
        "grid": list(result.grid),
        "text_columns": [columns.tolist() for columns in result.text_columns],
    }
    for field in [
        "lens_scores",
        "image_relevance",
        "visual_scores",
        "text_scores",
        "head_weights",
        "normalised_relevance",
        "token_weights",
        "token_maps",
        "sentence_map",
        "unfiltered_token_maps",
        "unfiltered_sentence_map",
        "attention_maps",
    ]:
        document[field] = tensor_json(getattr(result, field))
    document["gradient_rows"] = [tensor_json(rows) for rows in result.gradient_rows]
    document["attention_rows"] = [tensor_json(rows) for rows in result.attention_rows]
    return document


def _settings_json(settings: DexarSettings) -> dict:
    """The settings as given (layers null = the default last-layers rule)."""
    values = asdict(settings)
    if values["layers"] is not None:
        values["layers"] = list(values["layers"])
    return values


def weights_digest(model) -> str:
    """sha256 over every parameter's name, shape and float32 bytes, in name order."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(f"{name}:{list(tensor.shape)};".encode())
        digest.update(tensor.detach().to(torch.float32).contiguous().numpy().tobytes())
    return digest.hexdigest()


def tensor_json(tensor: torch.Tensor) -> dict:
    """{"shape", "data"}: a float32 tensor flattened row-major, each value its shortest float32
    decimal (it parses back to the same float32)."""
    array = tensor.detach().to(torch.float32).contiguous().numpy()
    if not np.isfinite(array).all():
        raise ValueError(f"tensor_json: expected finite values, found non-finite in {array.shape}")
    return {"shape": list(array.shape), "data": [_Float(value) for value in array.reshape(-1)]}


class _Float(float):
    """A float32 value that serialises as its shortest float32 decimal."""

    def __new__(cls, value: np.float32):
        instance = super().__new__(cls, float(value))
        instance.text = str(np.float32(value))
        return instance


def dumps(value, indent: int = 0) -> str:
    """JSON with one key per line but every list of numbers on one line (small, diffable)."""
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(key)}: {dumps(item, indent + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return "[" + ",".join(_scalar(item) for item in value) + "]"
        if all(isinstance(item, list) and all(not isinstance(x, (dict, list)) for x in item) for item in value):
            return "[" + ",".join(dumps(item) for item in value) + "]"
        items = [f"{inner}{dumps(item, indent + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return _scalar(value)


def _scalar(value) -> str:
    if isinstance(value, _Float):
        return value.text
    if isinstance(value, float):
        raise TypeError("dumps: expected floats wrapped by tensor_json, found a bare float")
    return json.dumps(value)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the DEX-AR parity fixtures.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixture root folder")
    parser.add_argument(
        "--only", choices=sorted(TINY_SPECS), action="append", help="tiny bundle(s) to write (default all)"
    )
    # Any other LLaVA checkpoint (e.g. the Shapes-QA demo model) instead of the tiny ones.
    parser.add_argument("--checkpoint", type=Path, help="HF checkpoint folder to use instead")
    parser.add_argument("--name", help="fixture folder name for --checkpoint (its bundle's name)")
    parser.add_argument("--prompt", default=PROMPT)
    parser.add_argument("--answer", default=ANSWER)
    parser.add_argument("--template", default=LLAVA_15_TEMPLATE)
    args = parser.parse_args()
    # One thread: the fixtures must not depend on how a matmul is split across cores.
    torch.set_num_threads(1)
    if args.checkpoint is not None:
        if not args.name:
            parser.error("--checkpoint needs --name (the bundle the fixtures are for)")
        spec = FixtureInputs(
            args.prompt, args.answer, args.template, {"folder": args.checkpoint.name}
        )
        _report(write_fixtures(args.name, args.checkpoint, args.out, spec))
        return
    for name in args.only or sorted(TINY_SPECS):
        with tempfile.TemporaryDirectory() as scratch:
            checkpoint = build_tiny(name, Path(scratch) / name, seed=CHECKPOINT_SEED)
            _report(write_fixtures(name, checkpoint, args.out))


def _report(paths: list[Path]) -> None:
    for path in paths:
        print(f"{path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
