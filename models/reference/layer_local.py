"""G rows from the layer-local identity (DESIGN §3), in plain PyTorch, to check the autograd path.

s_{l,t} depends on A_l only through the attention output at row q_t, so
  G_{l,t}[h, j] = <u_{l,t,h}, V_l[kv(h), j]>,  u_{l,t} = W_o^T . ds/dm_l[q_t]  (split per head)
and ds/dm comes from the layer's tail alone: Llama / Mistral layers compute
h_l = m + MLP(PostNorm(m)). This is what the exported explain head computes; here it is the
independent witness that the reference's autograd rows are right (and vice versa).
"""

from __future__ import annotations

import torch


def layer_local_gradient_rows(
    model,
    sequence_ids: list[int],
    pixel_values: torch.Tensor,
    target_id: int,
    layers: tuple[int, ...],
    double_final_norm: bool,
) -> torch.Tensor:
    """(|Λ|, H, q + 1) G rows for the last row q of `sequence_ids`, without a full backward."""
    language_model = model.model.language_model
    text_config = model.config.text_config
    num_layers = text_config.num_hidden_layers
    layout = head_layout(text_config)
    query_row = len(sequence_ids) - 1

    with torch.no_grad():
        outputs = model(
            input_ids=torch.tensor([sequence_ids]),
            pixel_values=pixel_values,
            output_attentions=True,
            output_hidden_states=True,
        )

    rows = []
    for layer_index in layers:
        layer = language_model.layers[layer_index]
        attention = layer.self_attn
        layer_input = outputs.hidden_states[layer_index][0]  # (S, d): input of layer l
        with torch.no_grad():
            values = per_head(attention.v_proj(layer.input_layernorm(layer_input)), *layout)  # (S, H, d_h)
            probabilities = outputs.attentions[layer_index][0, :, query_row, :]  # (H, S)
            head_outputs = torch.einsum("hj,jhd->hd", probabilities, values)
            residual = layer_input[query_row] + attention.o_proj(head_outputs.reshape(-1))

        grad_residual = tail_gradient(
            model, layer, residual[None], torch.tensor([target_id]), layer_index == num_layers - 1,
            double_final_norm,
        )[0]
        with torch.no_grad():
            rows.append(identity_rows(grad_residual[None], attention.o_proj.weight, values[None])[0])
    return torch.stack(rows)


def head_layout(text_config) -> tuple[int, int, int]:
    """(H, H_kv, d_h) of a Llama-style text config."""
    heads = text_config.num_attention_heads
    head_dim = getattr(text_config, "head_dim", None) or text_config.hidden_size // heads
    return heads, text_config.num_key_value_heads, head_dim


def per_head(values: torch.Tensor, heads: int, kv_heads: int, head_dim: int) -> torch.Tensor:
    """Value projections (..., S, H_kv·d_h) → (..., S, H, d_h): head h reads kv(h) = h // (H / H_kv),
    the grouping of HF's repeat_kv."""
    return values.unflatten(-1, (kv_heads, head_dim)).repeat_interleave(heads // kv_heads, dim=-2)


def identity_rows(grad_residual: torch.Tensor, o_proj_weight: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """G[k, h, j] = <u_{k,h}, V[k, j, h]> with u_k = W_oᵀ·ds/dm split per head.

    `grad_residual` (K, d): ds/dm per row; `o_proj_weight` (d, H·d_h); `values` (K, S, H, d_h)
    from `per_head`. Returns (K, H, S).
    """
    heads, head_dim = values.shape[-2:]
    u = torch.einsum("kd,dhe->khe", grad_residual, o_proj_weight.view(-1, heads, head_dim))
    return torch.einsum("khe,kjhe->khj", u, values)


def tail_gradient(
    model, layer, residual: torch.Tensor, target_ids: torch.Tensor, is_last: bool, double_final_norm: bool
) -> torch.Tensor:
    """ds/dm for m = the residual after attention, through the layer's tail and the logit lens.

    `residual` (K, d): K rows, each with its own target in `target_ids` (K,). The tail and the
    lens act on each row alone, so one backward over the summed scores gives every row's gradient.
    """
    norm = model.model.language_model.norm
    m = residual.detach().requires_grad_(True)
    with torch.enable_grad():
        hidden = m + layer.mlp(layer.post_attention_layernorm(m))
        lens_input = norm(hidden)
        if is_last and double_final_norm:
            lens_input = norm(lens_input)
        scores = model.lm_head(lens_input).gather(-1, target_ids[:, None])
        (gradient,) = torch.autograd.grad(scores.sum(), m)
    return gradient
