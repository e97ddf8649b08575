"""Global normalisation and the per-token and sentence maps (DESIGN §3).

Shapes: T answer tokens, Λ explained layers, H heads, N image tokens. Maps stay flat over N
here; the caller reshapes them to the gh x gw grid (row-major, as the vision tower emits them).
"""

from __future__ import annotations

import torch

from models.reference.scores import minmax


def normalise_relevance(image_relevance: torch.Tensor) -> torch.Tensor:
    """P_hat: one min-max of P^img over every t, l, h, j together (not per token or layer)."""
    _expect_dims("normalise_relevance", image_relevance, 4)
    return minmax(image_relevance)


def token_maps(head_weight: torch.Tensor, normalised: torch.Tensor) -> torch.Tensor:
    """E_t = minmax(sum_l sum_h w_{l,t,h} * P_hat_{l,t,h}) for every t -> (T, N)."""
    _expect_dims("token_maps", normalised, 4)
    weighted = (head_weight.unsqueeze(-1) * normalised).sum(dim=(1, 2))
    return torch.stack([minmax(row) for row in weighted])


def unfiltered_token_maps(normalised: torch.Tensor) -> torch.Tensor:
    """minmax(sum_l sum_h P_hat_{l,t,h}) for every t -> (T, N): DEX-AR without the head filter."""
    _expect_dims("unfiltered_token_maps", normalised, 4)
    return torch.stack([minmax(row) for row in normalised.sum(dim=(1, 2))])


def sentence_map(
    token_weights: torch.Tensor, head_weight: torch.Tensor, normalised: torch.Tensor
) -> torch.Tensor:
    """E = minmax(sum_t delta_t sum_l sum_h w * P_hat) -> (N,).

    Built from the un-normalised per-token sums, not from the E_t maps: delta_t weighs each
    token's evidence at its own scale.
    """
    _expect_dims("sentence_map", normalised, 4)
    weighted = (head_weight.unsqueeze(-1) * normalised).sum(dim=(1, 2))
    return minmax((token_weights.unsqueeze(-1) * weighted).sum(dim=0))


def unfiltered_sentence_map(normalised: torch.Tensor) -> torch.Tensor:
    """minmax(sum_t sum_l sum_h P_hat) -> (N,)."""
    _expect_dims("unfiltered_sentence_map", normalised, 4)
    return minmax(normalised.sum(dim=(0, 1, 2)))


def attention_maps(image_attention: torch.Tensor) -> torch.Tensor:
    """Raw-attention baseline: mean over Λ and heads of A_l[h, q_t, I] -> (T, N), no min-max."""
    _expect_dims("attention_maps", image_attention, 4)
    return image_attention.mean(dim=(1, 2))


def _expect_dims(name: str, tensor: torch.Tensor, dims: int) -> None:
    if tensor.dim() != dims:
        raise ValueError(
            f"{name}: expected a (T, layers, heads, N) tensor, found shape {tuple(tensor.shape)}"
        )
