"""Head scores, head filter, token weight and min-max normalisation (DESIGN §3).

Pure tensor functions: no model in sight, so the tests can check them against values computed
by hand.
"""

from __future__ import annotations

import torch


def top_k_mean(values: torch.Tensor, k: int) -> torch.Tensor:
    """Mean of the k largest entries along the last dimension (k = 1 is the max).

    k is clamped to the number of entries, so a text set shorter than k averages all it has.
    An empty last dimension scores 0: a head with no columns of a kind has no evidence there.
    """
    if k < 1:
        raise ValueError(f"top_k_mean: expected k >= 1, found {k}")
    width = values.shape[-1]
    if width == 0:
        return values.new_zeros(values.shape[:-1])
    return values.topk(min(k, width), dim=-1).values.mean(dim=-1)


def relevance(gradient_row: torch.Tensor, columns: torch.Tensor) -> torch.Tensor:
    """P = ReLU(G[:, columns]): the positive part of the gradient on a column set."""
    return torch.relu(gradient_row[..., columns])


def head_filter(visual_score: torch.Tensor, text_score: torch.Tensor) -> torch.Tensor:
    """w = max(0, Sv - Stxt): a head counts only as far as the image beats the text."""
    return torch.clamp(visual_score - text_score, min=0.0)


def token_weight(visual_score: torch.Tensor, text_score: torch.Tensor) -> torch.Tensor:
    """delta_t = max(0, max_{l,h} Sv - max_{l,h} Stxt) for scores shaped (T, layers, heads).

    delta_t = 0 marks a purely linguistic token.
    """
    if visual_score.dim() != 3 or visual_score.shape != text_score.shape:
        raise ValueError(
            "token_weight: expected two (T, layers, heads) tensors of one shape, "
            f"found {tuple(visual_score.shape)} and {tuple(text_score.shape)}"
        )
    best_visual = visual_score.flatten(1).max(dim=1).values
    best_text = text_score.flatten(1).max(dim=1).values
    return torch.clamp(best_visual - best_text, min=0.0)


def minmax(values: torch.Tensor) -> torch.Tensor:
    """(x - min) / (max - min) over the whole tensor; a constant tensor is returned unchanged.

    DESIGN §3 says "skip min-max when constant": with max == min there is no range to stretch,
    and dividing would give NaN. Returning the input as is keeps an all-zero map at zero (a
    token no head grounds) instead of inventing a uniform map.
    """
    low, high = values.min(), values.max()
    if high > low:
        return (values - low) / (high - low)
    return values.clone()
