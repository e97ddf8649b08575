"""The official DEX-AR algorithm on a Hugging Face LLaVA model, literally (DESIGN §3).

Source: Bousselham et al., 2026, "DEX-AR" (arXiv 2603.06302) and the team's DESIGN §3, which
fixes the official code's quirks. Read top to bottom:
1. for each answer token t: one full forward on prompt + y_<t, autograd G_{l,t} per layer
   (models/reference/gradients.py);
2. per token and layer: P^img, P^txt on the column sets, head scores Sv / Stxt (top-k mean),
   head filter w;
3. over all tokens: global min-max P_hat, token weights delta, per-token and sentence maps,
   their unfiltered variants and the raw-attention baseline.
The model must be fp32 with attn_implementation="eager"; nothing here is fast on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import torch

from models.reference.columns import image_columns, text_columns
from models.reference.config import DexarSettings
from models.reference.gradients import explain_step
from models.reference.maps import (
    attention_maps,
    normalise_relevance,
    sentence_map,
    token_maps,
    unfiltered_sentence_map,
    unfiltered_token_maps,
)
from models.reference.prompt import PromptInputs
from models.reference.scores import head_filter, relevance, token_weight, top_k_mean


@dataclass(frozen=True)
class DexarResult:
    """Every DESIGN §3 quantity. T answer tokens, Λ layers, H heads, N = gh*gw image tokens."""

    settings: DexarSettings  # the settings the result was computed with
    layers: tuple[int, ...]  # Λ, ascending 0-based layer indices
    answer_ids: list[int]  # y_1..y_T
    query_rows: list[int]  # q_t = S0 - 2 + t, 0-based
    image_start: int  # i0
    grid: tuple[int, int]  # (gh, gw)
    logits: torch.Tensor  # (T, V) model logits at q_t (row 0 is the prefill's last row)
    lens_scores: torch.Tensor  # (T, |Λ|) s_{l,t}
    gradient_rows: list[torch.Tensor]  # T x (|Λ|, H, q_t + 1) G_{l,t}
    attention_rows: list[torch.Tensor]  # T x (|Λ|, H, q_t + 1) A_l[:, q_t, :]
    text_columns: list[torch.Tensor]  # T x (|X_t|,) the text set X of each token
    image_relevance: torch.Tensor  # (T, |Λ|, H, N) P^img = ReLU(G[:, I])
    visual_scores: torch.Tensor  # (T, |Λ|, H) Sv
    text_scores: torch.Tensor  # (T, |Λ|, H) Stxt
    head_weights: torch.Tensor  # (T, |Λ|, H) w = max(0, Sv - Stxt)
    normalised_relevance: torch.Tensor  # (T, |Λ|, H, N) P_hat, one global min-max
    token_weights: torch.Tensor  # (T,) delta_t
    token_maps: torch.Tensor  # (T, gh, gw) E_t
    sentence_map: torch.Tensor  # (gh, gw) E
    unfiltered_token_maps: torch.Tensor  # (T, gh, gw) minmax(sum_l sum_h P_hat)
    unfiltered_sentence_map: torch.Tensor  # (gh, gw) minmax(sum_t sum_l sum_h P_hat)
    attention_maps: torch.Tensor  # (T, gh, gw) raw-attention baseline, not min-maxed

    def shapes(self) -> dict[str, list]:
        """Shape of every tensor field (per-token lists give one shape per token)."""
        out: dict[str, list] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, torch.Tensor):
                out[field.name] = list(value.shape)
            elif isinstance(value, list) and value and isinstance(value[0], torch.Tensor):
                out[field.name] = [list(item.shape) for item in value]
        return out


def explain(
    model, inputs: PromptInputs, answer_ids: list[int], settings: DexarSettings = DexarSettings()
) -> DexarResult:
    """Explain a fixed answer (teacher forcing) with the official per-token loop."""
    if not answer_ids:
        raise ValueError("explain: expected at least one answer token, found none")
    num_layers = model.config.text_config.num_hidden_layers
    layers = settings.resolve_layers(num_layers)
    image_cols = image_columns(inputs.image_start, inputs.num_image_tokens)

    passes, text_sets = [], []
    relevance_img, visual, textual = [], [], []
    for t, target in enumerate(answer_ids):
        step = explain_step(
            model,
            inputs.input_ids + answer_ids[:t],
            inputs.pixel_values,
            target,
            layers,
            settings.double_final_norm,
        )
        text_cols = text_columns(
            step.query_row,
            inputs.image_start,
            inputs.num_image_tokens,
            settings.drop_column_after_image,
        )
        p_img = relevance(step.gradient_rows, image_cols)  # (|Λ|, H, N)
        p_txt = relevance(step.gradient_rows, text_cols)  # (|Λ|, H, |X_t|)
        passes.append(step)
        text_sets.append(text_cols)
        relevance_img.append(p_img)
        visual.append(top_k_mean(p_img, settings.top_k))
        textual.append(top_k_mean(p_txt, settings.top_k))

    image_relevance = torch.stack(relevance_img)
    visual_scores, text_scores = torch.stack(visual), torch.stack(textual)
    weights = head_filter(visual_scores, text_scores)
    normalised = normalise_relevance(image_relevance)
    deltas = token_weight(visual_scores, text_scores)
    image_attention = torch.stack([step.attention_rows[..., image_cols] for step in passes])

    grid = inputs.grid
    return DexarResult(
        settings=settings,
        layers=layers,
        answer_ids=list(answer_ids),
        query_rows=[step.query_row for step in passes],
        image_start=inputs.image_start,
        grid=grid,
        logits=torch.stack([step.logits for step in passes]),
        lens_scores=torch.stack([step.lens_scores for step in passes]),
        gradient_rows=[step.gradient_rows for step in passes],
        attention_rows=[step.attention_rows for step in passes],
        text_columns=text_sets,
        image_relevance=image_relevance,
        visual_scores=visual_scores,
        text_scores=text_scores,
        head_weights=weights,
        normalised_relevance=normalised,
        token_weights=deltas,
        token_maps=token_maps(weights, normalised).reshape(-1, *grid),
        sentence_map=sentence_map(deltas, weights, normalised).reshape(grid),
        unfiltered_token_maps=unfiltered_token_maps(normalised).reshape(-1, *grid),
        unfiltered_sentence_map=unfiltered_sentence_map(normalised).reshape(grid),
        attention_maps=attention_maps(image_attention).reshape(-1, *grid),
    )
