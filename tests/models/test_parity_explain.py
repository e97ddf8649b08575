"""Parity: the committed bundles' explain path (models/runtime.py) against the PyTorch reference.

For both tiny models and both logit-lens modes, the exported decoder + explain head reproduce
the reference's autograd G rows within 1e-5 relative for every layer and answer token (each
layer-token block, all heads, is compared on its own scale), and the committed parity fixtures
describe exactly these bundles: same ids, same pixels, same logits, same G rows.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.fixtures import CASES
from models.reference import explain
from models.reference.prompt import PromptInputs
from models.runtime import Bundle
from models.tiny import TINY_SPECS

ROOT = Path(__file__).resolve().parents[2]
BUNDLES, PARITY = ROOT / "tests/fixtures/bundles", ROOT / "tests/fixtures/parity"
REL_TOL = 1e-5


def block_errors(found: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Relative error of every (layer, token) block: max |diff| / max |expected| over H x S."""
    diff = np.abs(found - expected).reshape(*found.shape[:2], -1).max(-1)
    scale = np.abs(expected).reshape(*expected.shape[:2], -1).max(-1)
    return diff / scale


@pytest.fixture(scope="module", params=sorted(TINY_SPECS))
def parity(request, tiny_checkpoints):
    """HF model (seed-0 checkpoint), committed bundle and committed fixture inputs of one model."""
    from transformers import LlavaForConditionalGeneration

    name = request.param
    model = LlavaForConditionalGeneration.from_pretrained(
        tiny_checkpoints[name], attn_implementation="eager", dtype=torch.float32
    ).eval()
    bundle = Bundle.load(BUNDLES / name)
    inputs = json.loads((PARITY / name / "inputs.json").read_text())
    pixel_values = np.asarray(inputs["pixel_values"]["data"], np.float32).reshape(
        inputs["pixel_values"]["shape"]
    )
    prompt = PromptInputs(
        text=inputs["prompt_text"],
        expanded_text="",  # not needed: the ids are given
        input_ids=inputs["expanded_ids"],
        pixel_values=torch.from_numpy(pixel_values),
        image_start=inputs["image_start"],
        num_image_tokens=inputs["num_image_tokens"],
        grid=tuple(inputs["grid"]),
    )
    return name, model, bundle, inputs, prompt


def test_bundle_reads_the_fixture_inputs_like_the_processor(parity):
    name, _, bundle, inputs, prompt = parity
    assert bundle.prompt_ids(inputs["prompt"]).tolist() == inputs["expanded_ids"]
    with Image.open(PARITY / name / inputs["image"]["file"]) as image:
        pixels = bundle.preprocess(image)
    assert np.abs(pixels - prompt.pixel_values.numpy()).max() <= 1e-5


@pytest.mark.parametrize("case", sorted(CASES))
def test_exported_g_rows_match_the_reference(parity, case):
    name, model, bundle, inputs, prompt = parity
    settings = CASES[case]
    answer = inputs["answer_ids"]
    reference = explain(model, prompt, answer, settings)
    exported = bundle.explain_answer(
        np.asarray(prompt.input_ids),
        prompt.pixel_values.numpy(),
        answer,
        layers=list(reference.layers),
        norm_twice_last=settings.double_final_norm,
    )
    assert exported.query_rows.tolist() == reference.query_rows

    expected = np.zeros(exported.G.shape, np.float64)  # (K, T, H, S), zero past q_t
    found = np.zeros(exported.G.shape, np.float64)
    for t, q in enumerate(reference.query_rows):
        expected[:, t, :, : q + 1] = reference.gradient_rows[t].double().numpy()
        found[:, t, :, : q + 1] = exported.G[:, t, :, : q + 1]
    errors = block_errors(found, expected)
    worst = np.unravel_index(errors.argmax(), errors.shape)
    assert errors.max() <= REL_TOL, (
        f"{name}/{case}: G rows off by {errors.max():.2e} relative at (layer {reference.layers[worst[0]]}, "
        f"token {worst[1]}); expected <= {REL_TOL}"
    )
    lens = reference.lens_scores.T.numpy()  # (|Λ|, T)
    assert np.abs(exported.lens_scores - lens).max() <= 1e-5 * np.abs(lens).max()
    logits = exported.logits[reference.query_rows]
    assert np.abs(logits - reference.logits.numpy()).max() <= 1e-4


@pytest.mark.parametrize("case", sorted(CASES))
def test_committed_fixture_g_rows_and_logits_match_the_bundle(parity, case):
    name, _, bundle, inputs, prompt = parity
    document = json.loads((PARITY / name / f"reference.{case}.json").read_text())
    exported = bundle.explain_answer(
        np.asarray(prompt.input_ids),
        prompt.pixel_values.numpy(),
        inputs["answer_ids"],
        layers=document["layers"],
        norm_twice_last=document["settings"]["double_final_norm"],
    )
    expected = np.zeros(exported.G.shape, np.float64)
    found = np.zeros(exported.G.shape, np.float64)
    for t, (q, rows) in enumerate(zip(document["query_rows"], document["gradient_rows"])):
        expected[:, t, :, : q + 1] = np.asarray(rows["data"]).reshape(rows["shape"])
        found[:, t, :, : q + 1] = exported.G[:, t, :, : q + 1]
        attention = np.asarray(document["attention_rows"][t]["data"]).reshape(rows["shape"])
        assert np.abs(exported.attn[:, t, :, : q + 1] - attention).max() <= 1e-5
    assert block_errors(found, expected).max() <= REL_TOL, f"{name}/{case}: fixture G rows stale"

    logits = json.loads((PARITY / name / "logits.json").read_text())["teacher_forced"]
    expected_logits = np.asarray(logits["data"]).reshape(logits["shape"])
    assert np.abs(exported.logits[document["query_rows"]] - expected_logits).max() <= 1e-4
