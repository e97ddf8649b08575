"""models/families/llama_explain + explain.onnx: analytic G rows vs torch autograd on the HF model.

Autograd side (independent of our code): one HF forward with output_attentions; the logit-lens
score s_{l,t} = lm_head(norm(hidden_states[l+1][q_t]))[y_t] (hidden_states[L] is already normed,
so the last layer is normed twice in official mode); G = ∂s/∂attentions[l][0, :, q_t, :].
"""

import numpy as np
import pytest
import torch

from models.families import detect_family
from models.runtime import Bundle, BundleError
from models.tiny import TINY_SPECS

REL_TOL = 1e-5


def relative_error(found, expected) -> float:
    found, expected = np.asarray(found, np.float64), np.asarray(expected, np.float64)
    return float(np.abs(found - expected).max() / np.abs(expected).max())


def autograd_rows(model, inputs, answer, norm_twice_last: bool):
    """(G (L, T, H, S), scores (L, T)) by autograd through the HF forward, teacher-forced."""
    ids = inputs["input_ids"][0].tolist()
    seq = torch.tensor([ids + answer[:-1]])
    out = model(input_ids=seq, pixel_values=inputs["pixel_values"], output_attentions=True,
                output_hidden_states=True)
    lm = model.model.language_model
    num_layers = len(out.attentions)
    G = np.zeros((num_layers, len(answer), out.attentions[0].shape[1], seq.shape[1]), np.float64)
    scores = np.zeros((num_layers, len(answer)))
    for layer in range(num_layers):
        for t, target in enumerate(answer):
            q = len(ids) - 1 + t
            h = out.hidden_states[layer + 1][0, q]
            last = layer == num_layers - 1
            z = lm.norm(h) if (not last or norm_twice_last) else h  # hidden_states[L] is normed
            s = model.lm_head(z)[target]
            (grad,) = torch.autograd.grad(s, out.attentions[layer], retain_graph=True)
            G[layer, t, :, : q + 1] = grad[0, :, q, : q + 1].double().numpy()
            scores[layer, t] = s.item()
    return G, scores


@pytest.mark.parametrize("norm_twice_last", [True, False])
@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_explain_head_torch_and_onnx_match_autograd(name, norm_twice_last, tiny_bundles, tiny_inputs):
    case = tiny_inputs[name]
    model, inputs, answer = case.model, case.inputs, case.answer_ids
    expected_G, expected_s = autograd_rows(model, inputs, answer, norm_twice_last)
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    layers = list(range(bundle.num_layers))
    res = bundle.explain_answer(inputs["input_ids"][0].numpy(), inputs["pixel_values"].numpy(), answer,
                                layers=layers, norm_twice_last=norm_twice_last)
    # ONNX path: only columns <= q_t are defined.
    mask = np.zeros_like(expected_G, dtype=bool)
    for t, q in enumerate(res.query_rows):
        mask[:, t, :, : q + 1] = True
    onnx_G = np.where(mask, res.G, 0.0)
    assert relative_error(onnx_G, expected_G) <= REL_TOL
    assert relative_error(res.lens_scores, expected_s) <= REL_TOL
    # PyTorch analytic head on the same m / V (the module the ONNX graph was traced from).
    adapter = detect_family(model.config.to_dict())
    head = adapter.build_modules(model)["explain"]
    step = bundle.prefill(np.concatenate([inputs["input_ids"][0].numpy(), answer[:-1]]),
                          inputs["pixel_values"].numpy(), res.query_rows)
    with torch.no_grad():
        torch_G, torch_s = head(torch.from_numpy(step.explain_m[:, 0]),
                                torch.from_numpy(bundle.layer_values(step.present_values, layers)),
                                torch.tensor(layers), torch.tensor(answer), torch.tensor(float(norm_twice_last)))
    assert relative_error(np.where(mask, torch_G.numpy(), 0.0), expected_G) <= REL_TOL
    assert relative_error(torch_s.numpy(), expected_s) <= REL_TOL


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_explain_norm_twice_changes_only_the_last_layer(name, tiny_bundles, tiny_inputs):
    case = tiny_inputs[name]
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    args = (case.inputs["input_ids"][0].numpy(), case.inputs["pixel_values"].numpy(), case.answer_ids)
    on = bundle.explain_answer(*args, layers=[0, bundle.num_layers - 1], norm_twice_last=True)
    off = bundle.explain_answer(*args, layers=[0, bundle.num_layers - 1], norm_twice_last=False)
    np.testing.assert_array_equal(on.G[0], off.G[0])
    assert np.abs(on.G[1] - off.G[1]).max() > 1e-6


def test_explain_output_size_is_linear_in_sequence(tiny_bundles):
    """Per explained row, decoder explain outputs are O(L·H·S): shapes carry no S×S term."""
    bundle = Bundle.load(tiny_bundles["tiny-llama"].out_dir)
    for seq in (20, 40):
        emb = np.random.default_rng(seq).standard_normal((1, seq, bundle.hidden_size)).astype(np.float32)
        step = bundle.step(emb, explain_rows=[seq - 1])
        assert step.explain_attn.shape == (bundle.num_layers, 1, bundle.num_heads, 1, seq)
        assert step.explain_m.shape == (bundle.num_layers, 1, 1, bundle.hidden_size)


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_explain_from_generation_steps_equals_teacher_forcing(name, tiny_bundles, tiny_inputs):
    """m rows collected while generating + the final V cache give the teacher-forced G rows."""
    case = tiny_inputs[name]
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    ids, pixels = case.inputs["input_ids"][0].numpy(), case.inputs["pixel_values"].numpy()
    step = bundle.prefill(ids, pixels, explain_rows=[len(ids) - 1])
    ms, answer = [step.explain_m[:, 0, 0]], []
    for t in range(4):
        answer.append(int(step.logits[0, -1].argmax()))
        if t < 3:
            step = bundle.decode(answer[-1], step, explain_rows=[0])
            ms.append(step.explain_m[:, 0, 0])
    layers = list(range(bundle.num_layers))
    G, scores = bundle.explain(np.stack(ms, axis=1), bundle.layer_values(step.present_values, layers), layers, answer)
    forced = bundle.explain_answer(ids, pixels, answer, layers=layers)
    for t, q in enumerate(forced.query_rows):
        assert relative_error(G[:, t, :, : q + 1], forced.G[:, t, :, : q + 1]) <= REL_TOL
    assert relative_error(scores, forced.lens_scores) <= REL_TOL
    with pytest.raises(BundleError, match="distinct ids"):
        bundle.explain(np.stack(ms, axis=1)[:2], step.present_values[:, 0], [1, 1], answer)


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_explain_subset_in_any_order_equals_those_rows_of_all_layers(name, tiny_bundles, tiny_inputs):
    """The head gathers the requested layers' weights and values: a subset in any order is exactly
    the matching rows of the all-layer run, including the last layer's twice-normed lens."""
    case = tiny_inputs[name]
    bundle = Bundle.load(tiny_bundles[name].out_dir)
    args = (case.inputs["input_ids"][0].numpy(), case.inputs["pixel_values"].numpy(), case.answer_ids)
    everything = bundle.explain_answer(*args, layers=list(range(bundle.num_layers)))
    subset = [bundle.num_layers - 1, 0]
    part = bundle.explain_answer(*args, layers=subset)
    assert part.G.shape[0] == len(subset)
    for t, q in enumerate(part.query_rows):
        assert relative_error(part.G[:, t, :, : q + 1], everything.G[subset, t, :, : q + 1]) <= REL_TOL
    assert relative_error(part.lens_scores, everything.lens_scores[subset]) <= REL_TOL


def test_explain_refuses_values_of_other_layers(tiny_bundles, tiny_inputs):
    """values must be the K requested layers' cache (format 2), not the whole (L, ...) cache."""
    case = tiny_inputs["tiny-llama"]
    bundle = Bundle.load(tiny_bundles["tiny-llama"].out_dir)
    ids = case.inputs["input_ids"][0].numpy()
    step = bundle.prefill(ids, case.inputs["pixel_values"].numpy(), explain_rows=[len(ids) - 1])
    with pytest.raises(BundleError, match="for the 1 layers in layer_ids"):
        bundle.explain(step.explain_m[:1, 0], step.present_values[:, 0], [0], [5])
