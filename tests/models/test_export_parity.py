"""models/export + models/runtime: ONNX bundle vs the HF forward on both tiny models.

Logits within 1e-4 max abs for prefill and for 5 cached greedy decode steps; attention rows of
the explain outputs equal HF's attention probabilities.
"""

import numpy as np
import pytest
import torch

from models.runtime import Bundle
from models.tiny import TINY_SPECS

DECODE_STEPS = 5


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_export_parity_prefill_and_cached_decode(name, tiny_bundles, tiny_inputs):
    model, inputs = tiny_inputs[name].model, tiny_inputs[name].inputs
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    ids = inputs["input_ids"][0].numpy()
    pixels = inputs["pixel_values"].numpy()
    with torch.no_grad():
        hf = model(**inputs).logits[0].numpy()
    step = bundle.prefill(ids, pixels)
    assert step.logits.shape == (1, len(ids), bundle.manifest["text"]["vocab_size"])
    assert np.abs(step.logits[0] - hf).max() <= 1e-4

    seq = list(ids)
    for _ in range(DECODE_STEPS):
        token = int(step.logits[0, -1].argmax())
        seq.append(token)
        step = bundle.decode(token, step)
        with torch.no_grad():
            full = model(input_ids=torch.tensor([seq]), pixel_values=inputs["pixel_values"]).logits[0, -1].numpy()
        assert step.length == len(seq)
        assert np.abs(step.logits[0, -1] - full).max() <= 1e-4


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_export_parity_explain_rows_match_hf_attention(name, tiny_bundles, tiny_inputs):
    model, inputs = tiny_inputs[name].model, tiny_inputs[name].inputs
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    ids = inputs["input_ids"][0].numpy()
    rows = [3, len(ids) - 1]
    step = bundle.prefill(ids, inputs["pixel_values"].numpy(), explain_rows=rows)
    with torch.no_grad():
        attns = model(**inputs, output_attentions=True).attentions
    L, H = bundle.num_layers, bundle.num_heads
    assert step.explain_attn.shape == (L, 1, H, len(rows), len(ids))
    assert step.explain_m.shape == (L, 1, len(rows), bundle.hidden_size)
    for layer in range(L):
        expected = attns[layer][0][:, rows, :].numpy()
        assert np.abs(step.explain_attn[layer, 0] - expected).max() <= 1e-5


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_runtime_prompt_ids_and_preprocess_match_hf_processor(name, tiny_bundles, tiny_inputs):
    case = tiny_inputs[name]
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    np.testing.assert_array_equal(bundle.prompt_ids(case.prompt), case.inputs["input_ids"][0].numpy())
    assert np.abs(bundle.preprocess(case.image) - case.inputs["pixel_values"].numpy()).max() <= 1e-5
