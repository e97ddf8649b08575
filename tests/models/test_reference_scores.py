"""models/reference: column sets, head scores, normalisation and maps against hand-computed values."""

import pytest
import torch

from models.reference.columns import image_columns, text_columns
from models.reference.config import DexarSettings
from models.reference.maps import (
    attention_maps,
    normalise_relevance,
    sentence_map,
    token_maps,
    unfiltered_sentence_map,
    unfiltered_token_maps,
)
from models.reference.scores import head_filter, minmax, relevance, token_weight, top_k_mean


class TestColumns:
    def test_image_columns_are_the_image_span(self):
        assert image_columns(3, 4).tolist() == [3, 4, 5, 6]

    def test_text_columns_official_drop_the_column_after_the_image(self):
        # i0 = 2, N = 3 -> I = {2, 3, 4}; q = 8; official mode also drops column 5.
        assert text_columns(8, 2, 3, drop_column_after_image=True).tolist() == [0, 1, 6, 7, 8]

    def test_text_columns_without_the_quirk_keep_it(self):
        assert text_columns(8, 2, 3, drop_column_after_image=False).tolist() == [0, 1, 5, 6, 7, 8]

    def test_text_columns_may_be_empty_after_the_drop(self):
        # Image at the very start and q right after it: only column i0+N is text, and it is dropped.
        assert text_columns(3, 0, 3, drop_column_after_image=True).tolist() == []

    def test_query_inside_the_image_is_refused(self):
        with pytest.raises(ValueError, match="query row after the image"):
            text_columns(3, 2, 3, drop_column_after_image=True)


class TestScores:
    def test_top_k_mean_is_max_for_k1_and_mean_of_largest_for_k2(self):
        values = torch.tensor([[0.1, 0.7, 0.3], [0.0, 0.0, 0.2]])
        assert top_k_mean(values, 1).tolist() == pytest.approx([0.7, 0.2])
        assert top_k_mean(values, 2).tolist() == pytest.approx([0.5, 0.1])

    def test_top_k_mean_clamps_k_and_scores_empty_rows_zero(self):
        values = torch.tensor([[0.2, 0.4]])
        assert top_k_mean(values, 5).tolist() == pytest.approx([0.3])
        assert top_k_mean(torch.zeros(2, 3, 0), 1).shape == (2, 3)
        assert top_k_mean(torch.zeros(2, 3, 0), 1).abs().sum() == 0

    def test_relevance_keeps_positive_gradient_on_the_columns(self):
        gradient = torch.tensor([[-1.0, 2.0, -3.0, 4.0], [5.0, -6.0, 7.0, 0.5]])
        assert relevance(gradient, torch.tensor([1, 2])).tolist() == [[2.0, 0.0], [0.0, 7.0]]

    def test_head_filter_is_positive_part_of_the_difference(self):
        visual, text = torch.tensor([0.5, 0.2, 0.9]), torch.tensor([0.1, 0.4, 0.9])
        assert head_filter(visual, text).tolist() == pytest.approx([0.4, 0.0, 0.0])

    def test_token_weight_compares_the_best_visual_and_text_heads(self):
        # token 0: max Sv 0.8 (layer 1), max Stxt 0.5 -> 0.3; token 1: max Sv 0.2 < max Stxt 0.6 -> 0.
        visual = torch.tensor([[[0.1, 0.2], [0.8, 0.0]], [[0.2, 0.1], [0.0, 0.1]]])
        text = torch.tensor([[[0.5, 0.0], [0.1, 0.1]], [[0.0, 0.6], [0.3, 0.0]]])
        assert token_weight(visual, text).tolist() == pytest.approx([0.3, 0.0])

    def test_minmax_stretches_to_unit_range(self):
        assert minmax(torch.tensor([2.0, 4.0, 3.0])).tolist() == pytest.approx([0.0, 1.0, 0.5])

    def test_minmax_returns_a_constant_tensor_unchanged(self):
        assert minmax(torch.zeros(3)).tolist() == [0.0, 0.0, 0.0]
        assert minmax(torch.full((2,), 0.7)).tolist() == pytest.approx([0.7, 0.7])


class TestMaps:
    # T = 2 tokens, 1 layer, 2 heads, N = 2 image tokens.
    relevance = torch.tensor([[[[0.0, 2.0], [4.0, 0.0]]], [[[1.0, 1.0], [0.0, 0.0]]]])
    weights = torch.tensor([[[1.0, 0.5]], [[0.0, 2.0]]])

    def test_normalisation_is_one_global_minmax(self):
        expected = self.relevance / 4.0  # min 0, max 4 over all tokens, layers, heads, columns
        assert torch.allclose(normalise_relevance(self.relevance), expected)

    def test_token_maps_weight_heads_then_minmax_each_token(self):
        normalised = self.relevance / 4.0
        # token 0: 1*[0, .5] + .5*[1, 0] = [.5, .5] -> constant, kept as is.
        # token 1: 0*[.25, .25] + 2*[0, 0] = [0, 0] -> constant zero.
        maps = token_maps(self.weights, normalised)
        assert torch.allclose(maps, torch.tensor([[0.5, 0.5], [0.0, 0.0]]))

    def test_unfiltered_token_maps_sum_heads_then_minmax(self):
        normalised = self.relevance / 4.0
        # token 0: [1, .5] -> [1, 0]; token 1: [.25, .25] constant.
        expected = torch.tensor([[1.0, 0.0], [0.25, 0.25]])
        assert torch.allclose(unfiltered_token_maps(normalised), expected)

    def test_sentence_map_weights_tokens_by_delta(self):
        normalised = torch.tensor([[[[0.0, 1.0]]], [[[1.0, 0.0]]]])
        weights = torch.tensor([[[1.0]], [[1.0]]])
        # delta [3, 1]: 3*[0, 1] + 1*[1, 0] = [1, 3] -> [0, 1].
        assert sentence_map(torch.tensor([3.0, 1.0]), weights, normalised).tolist() == [0.0, 1.0]
        # the unfiltered sentence map ignores delta and w: [1, 1] is constant.
        assert unfiltered_sentence_map(normalised).tolist() == [1.0, 1.0]

    def test_attention_baseline_averages_layers_and_heads_without_minmax(self):
        # one token, 2 layers x 2 heads: column 0 averages to 0.2, column 1 to 0.3.
        attention = torch.tensor([[[[0.2, 0.4], [0.0, 0.2]], [[0.4, 0.0], [0.2, 0.6]]]])
        assert torch.allclose(attention_maps(attention), torch.tensor([[0.2, 0.3]]))


class TestSettings:
    def test_default_layers_are_the_last_ten_or_all(self):
        assert DexarSettings().resolve_layers(4) == (0, 1, 2, 3)
        assert DexarSettings().resolve_layers(32) == tuple(range(22, 32))

    def test_explicit_layers_are_sorted_and_checked(self):
        assert DexarSettings(layers=(3, 1)).resolve_layers(4) == (1, 3)
        with pytest.raises(ValueError, match=r"expected indices in \[0, 4\)"):
            DexarSettings(layers=(4,)).resolve_layers(4)

    def test_top_k_must_be_positive(self):
        with pytest.raises(ValueError, match="expected k >= 1"):
            DexarSettings(top_k=0)


class TestCli:
    def test_parse_layers_accepts_ranges_and_lists(self):
        from models.reference.__main__ import parse_layers

        assert parse_layers(None) is None
        assert parse_layers("20-23") == (20, 21, 22, 23)
        assert parse_layers("0-1,7") == (0, 1, 7)

    def test_serve_answers_each_request_line_and_survives_a_bad_one(self):
        import json
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parents[2]
        image = sorted((root / "models" / "samples" / "images").iterdir())[0]
        requests = [
            {"max_new_tokens": 2},  # no prompt
            {"prompt": "What color is the star?", "max_new_tokens": 3, "layers": [1, 2], "ignore_eos": True},
        ]
        done = subprocess.run(
            [sys.executable, "-m", "models.reference", "--serve", "--hf", str(root / "models" / "checkpoints" / "shapes-llava-tiny"),
             "--image", str(image), "--threads", "1"],
            input="".join(json.dumps(r) + "\n" for r in requests), capture_output=True, text=True, cwd=root, timeout=300, check=True)
        replies = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        assert replies[0] == {"error": "KeyError: 'prompt'"}
        assert replies[1]["tokens"] == 3
        assert replies[1]["explain_seconds"] > 0 and replies[1]["generate_seconds"] > 0
        assert len(replies) == 2
        # Flags that a request carries are refused beside --serve rather than silently ignored.
        refused = subprocess.run(
            [sys.executable, "-m", "models.reference", "--serve", "--hf", "x", "--image", str(image), "--layers", "1-2"],
            capture_output=True, text=True, cwd=root, timeout=120)
        assert refused.returncode == 2
        assert "--serve takes the prompt, max_new_tokens, layers and ignore_eos from each request; drop --layers" in refused.stderr
