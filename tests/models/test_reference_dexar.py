"""models/reference: prompt building and G rows on the tiny LLaVA models (Llama and Mistral/GQA).

The autograd G rows of the literal algorithm are checked against the layer-local identity
computed in plain PyTorch (DESIGN §3): two independent derivations of the same quantity.
"""

import numpy as np
import pytest
import torch
from PIL import Image

from models.reference import DexarSettings, answer_token_ids, build_prompt_inputs, explain
from models.reference.gradients import explain_step
from models.reference.layer_local import layer_local_gradient_rows
from models.reference.prompt import format_prompt
from models.tiny import TINY_SPECS

PROMPT, ANSWER = "Describe the image.", "A yellow circle and a purple square."


def relative_error(found: torch.Tensor, expected: torch.Tensor) -> float:
    """max |found - expected| / max |expected|: the scale-free error the parity checks use."""
    return ((found - expected).abs().max() / expected.abs().max()).item()


@pytest.fixture(scope="module", params=sorted(TINY_SPECS))
def tiny(request, tiny_checkpoints):
    """(model, processor, image, inputs, answer ids) of one tiny model (conftest's checkpoints)."""
    from transformers import AutoProcessor, LlavaForConditionalGeneration

    path = tiny_checkpoints[request.param]
    model = LlavaForConditionalGeneration.from_pretrained(
        path, attn_implementation="eager", dtype=torch.float32
    ).eval()
    processor = AutoProcessor.from_pretrained(path)
    # Not square, so the processor's resize + centre crop is part of the path under test.
    pixels = np.random.default_rng(0).integers(0, 256, size=(40, 48, 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    inputs = build_prompt_inputs(processor, image, PROMPT)
    answer = answer_token_ids(processor.tokenizer, ANSWER)
    return model, processor, image, inputs, answer


class TestPrompt:
    def test_format_prompt_matches_the_chat_template(self, tiny):
        _, processor, _, _, _ = tiny
        messages = [
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": PROMPT}]}
        ]
        templated = processor.apply_chat_template(messages, add_generation_prompt=True)
        assert format_prompt(PROMPT) == templated

    def test_expanded_ids_and_pixels_match_the_processor(self, tiny):
        _, processor, image, inputs, _ = tiny
        expected = processor(images=image, text=inputs.text, return_tensors="pt")
        assert inputs.input_ids == expected["input_ids"][0].tolist()
        assert torch.equal(inputs.pixel_values, expected["pixel_values"])

    def test_image_span_and_grid(self, tiny):
        model, processor, _, inputs, _ = tiny
        assert inputs.grid == (4, 4) and inputs.num_image_tokens == 16
        span = inputs.input_ids[inputs.image_start : inputs.image_start + 16]
        assert span == [model.config.image_token_id] * 16
        assert inputs.input_ids[0] == processor.tokenizer.bos_token_id


class TestGradientRows:
    @pytest.mark.parametrize("double_final_norm", [True, False])
    def test_autograd_rows_equal_the_layer_local_identity(self, tiny, double_final_norm):
        model, _, _, inputs, answer = tiny
        settings = DexarSettings(double_final_norm=double_final_norm)
        result = explain(model, inputs, answer, settings)
        for t, target in enumerate(answer):
            identity = layer_local_gradient_rows(
                model,
                inputs.input_ids + answer[:t],
                inputs.pixel_values,
                target,
                result.layers,
                double_final_norm,
            )
            assert identity.shape == result.gradient_rows[t].shape
            error = relative_error(result.gradient_rows[t], identity)
            assert error <= 1e-5, f"token {t}: relative error {error:.2e} > 1e-5"

    def test_single_norm_last_layer_score_is_the_model_logit(self, tiny):
        model, _, _, inputs, answer = tiny
        last = model.config.text_config.num_hidden_layers - 1
        for double, same in [(False, True), (True, False)]:
            step = explain_step(model, inputs.input_ids, inputs.pixel_values, answer[0], (last,), double)
            logit = step.logits[answer[0]]
            assert torch.isclose(step.lens_scores[0], logit, rtol=1e-5).item() is same

    def test_a_layer_subset_gives_the_same_rows(self, tiny):
        model, _, _, inputs, answer = tiny
        full = explain(model, inputs, answer[:2])
        subset = explain(model, inputs, answer[:2], DexarSettings(layers=(1, 3)))
        assert subset.layers == (1, 3)
        for t in range(2):
            assert torch.allclose(subset.gradient_rows[t], full.gradient_rows[t][[1, 3]])


class TestResult:
    def test_query_rows_shapes_and_ranges(self, tiny):
        model, _, _, inputs, answer = tiny
        result = explain(model, inputs, answer)
        s0, count, heads = len(inputs.input_ids), len(answer), 4
        assert result.query_rows == [s0 - 2 + t for t in range(1, count + 1)]
        shapes = result.shapes()
        assert shapes["gradient_rows"] == [[4, heads, s0 - 1 + t] for t in range(1, count + 1)]
        assert shapes["image_relevance"] == [count, 4, heads, 16]
        assert shapes["token_maps"] == [count, 4, 4] and shapes["sentence_map"] == [4, 4]
        assert shapes["logits"] == [count, model.config.text_config.vocab_size]
        for name in ["token_maps", "sentence_map", "unfiltered_token_maps", "unfiltered_sentence_map"]:
            values = getattr(result, name)
            assert values.min() >= 0 and values.max() <= 1, name
        assert (result.token_weights >= 0).all()
        # Attention rows are probabilities: every head's row sums to 1.
        for rows in result.attention_rows:
            assert torch.allclose(rows.sum(-1), torch.ones(rows.shape[:2]), atol=1e-5)

    def test_teacher_forced_logits_match_one_forward_on_the_whole_answer(self, tiny):
        model, _, _, inputs, answer = tiny
        result = explain(model, inputs, answer)
        with torch.no_grad():
            full = model(
                input_ids=torch.tensor([inputs.input_ids + answer]), pixel_values=inputs.pixel_values
            ).logits[0]
        rows = full[result.query_rows]
        assert (result.logits - rows).abs().max().item() <= 1e-4
