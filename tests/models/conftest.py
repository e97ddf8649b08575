"""Shared fixtures for the exporter tests: tiny checkpoints, their HF models and fresh bundles.

Session-scoped so each tiny model is built and exported once per test run (a few seconds).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from models.tiny import TINY_SPECS, build_tiny

PROMPT = "What color is the circle?"
ANSWER = "The circle is red."


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory) -> dict:
    """name → checkpoint dir for every tiny model."""
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("tiny-ckpt")
    return {name: build_tiny(name, root / name, seed=0) for name in sorted(TINY_SPECS)}


@pytest.fixture(scope="session")
def tiny_bundles(tiny_checkpoints, tmp_path_factory) -> dict:
    """name → (bundle dir, ExportResult) exported by export_bundle with validation on."""
    from models.export.bundle import export_bundle

    root = tmp_path_factory.mktemp("tiny-bundles")
    return {name: export_bundle(path, root / name, log=lambda _msg: None)
            for name, path in tiny_checkpoints.items()}


@pytest.fixture(scope="session")
def tiny_inputs(tiny_checkpoints) -> dict:
    """name → namespace(model, processor, inputs, image, prompt, answer_ids): HF side of PROMPT on a 40×48 image."""
    from transformers import AutoProcessor, LlavaForConditionalGeneration

    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, size=(40, 48, 3), dtype=np.uint8))
    out = {}
    for name, path in tiny_checkpoints.items():
        model = LlavaForConditionalGeneration.from_pretrained(
            path, attn_implementation="eager", dtype=torch.float32).eval()
        processor = AutoProcessor.from_pretrained(path)
        conv = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": PROMPT}]}]
        text = processor.apply_chat_template(conv, add_generation_prompt=True)
        inputs = processor(images=image, text=text, return_tensors="pt")
        answer = processor.tokenizer(ANSWER, add_special_tokens=False)["input_ids"]
        out[name] = SimpleNamespace(model=model, processor=processor, inputs=inputs, image=image,
                                    prompt=PROMPT, answer_ids=list(answer))
    return out
