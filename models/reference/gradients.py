"""One teacher-forced step of the official DEX-AR loop: a full forward and autograd per layer.

For answer token t the model reads prompt + y_<t (S0 + t - 1 tokens), so the last row is the
query row q_t = S0 - 2 + t that predicts y_t. From that single forward, for every layer l in Λ:
  s_{l,t} = LMHead(FinalNorm(h_l[q_t]))[y_t]          (logit lens)
  G_{l,t} = d s_{l,t} / d A_l[:, q_t, :]               (H x (q_t + 1), autograd)
A_l are the post-softmax attention probabilities returned by the eager attention function;
with `output_attentions=True` Hugging Face hands back the very tensors that multiply V, so the
gradient reaches them. h_l is `hidden_states[l + 1]` (index 0 is the embeddings); the last entry
is already passed through the final norm by Hugging Face, which is why the official logit lens
normalises the last layer twice (DexarSettings.double_final_norm).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TokenPass:
    query_row: int  # q_t: the row of the forward that predicts the target
    logits: torch.Tensor  # (V,) the model's logits at q_t
    lens_scores: torch.Tensor  # (|Λ|,) s_{l,t}
    gradient_rows: torch.Tensor  # (|Λ|, H, q_t + 1) G_{l,t}
    attention_rows: torch.Tensor  # (|Λ|, H, q_t + 1) A_l[:, q_t, :]


def check_eager(model) -> None:
    """The reference needs attention probabilities in the autograd graph: eager attention only."""
    implementation = model.config.text_config._attn_implementation
    if implementation != "eager":
        raise ValueError(
            "DEX-AR reference: expected the model loaded with attn_implementation='eager' "
            f"(attention probabilities are needed with grad), found {implementation!r}"
        )


def explain_step(
    model,
    sequence_ids: list[int],
    pixel_values: torch.Tensor,
    target_id: int,
    layers: tuple[int, ...],
    double_final_norm: bool,
) -> TokenPass:
    """Full forward on `sequence_ids` and one autograd call per explained layer."""
    check_eager(model)
    language_model = model.model.language_model
    num_layers = len(language_model.layers)
    input_ids = torch.tensor([sequence_ids], dtype=torch.long)
    query_row = len(sequence_ids) - 1

    with torch.enable_grad():
        outputs = model(
            input_ids=input_ids,
            pixel_values=pixel_values,
            output_attentions=True,
            output_hidden_states=True,
        )
        hidden_states, attentions = outputs.hidden_states, outputs.attentions
        if len(hidden_states) != num_layers + 1 or len(attentions) != num_layers:
            raise RuntimeError(
                f"DEX-AR reference: expected {num_layers + 1} hidden states and {num_layers} "
                f"attention maps, found {len(hidden_states)} and {len(attentions)}"
            )
        _check_last_hidden_is_normed(model, hidden_states[-1][0, query_row], outputs.logits[0, -1])

        scores, gradients, probabilities = [], [], []
        for layer in layers:
            attention = attentions[layer]
            if not attention.requires_grad:
                raise RuntimeError(
                    "DEX-AR reference: expected attention probabilities with grad, found none "
                    "(are the model's parameters frozen with requires_grad=False?)"
                )
            hidden = hidden_states[layer + 1][0, query_row]
            is_last = layer == num_layers - 1
            # HF's last hidden state is already FinalNorm(h_L): norm again only in official mode.
            lens_input = hidden if (is_last and not double_final_norm) else language_model.norm(hidden)
            score = model.lm_head(lens_input)[target_id]
            (gradient,) = torch.autograd.grad(score, attention, retain_graph=True)
            scores.append(score.detach())
            gradients.append(gradient[0, :, query_row, :])
            probabilities.append(attention.detach()[0, :, query_row, :])

    return TokenPass(
        query_row=query_row,
        logits=outputs.logits[0, -1].detach(),
        lens_scores=torch.stack(scores),
        gradient_rows=torch.stack(gradients),
        attention_rows=torch.stack(probabilities),
    )


def _check_last_hidden_is_normed(model, last_hidden: torch.Tensor, logits: torch.Tensor) -> None:
    # The double-norm quirk rests on HF returning FinalNorm(h_L) as the last hidden state; if a
    # transformers release stops doing that, fail loudly instead of computing another score.
    lens = model.lm_head(last_hidden)
    error = (lens - logits).abs().max().item()
    scale = logits.abs().max().item() + 1e-6
    if error > 1e-4 * scale:
        raise RuntimeError(
            "DEX-AR reference: expected hidden_states[-1] to be the final-normed state "
            f"(lm_head of it equal to the logits), found a max difference of {error:.3g}"
        )
