"""DEX-AR explain head for Llama-style layers: G rows from m_l[q], V_l and target ids, analytically.

DESIGN §3, layer-local identity: s_{l,t} = LMHead(FinalNorm(h_l[q_t]))[y_t] depends on the
attention probabilities A_l[:, q_t, :] only through the attention output at row q_t, so

    G_{l,t}[h, j] = ∂s_{l,t}/∂A_l[h, q_t, j] = ⟨u_{l,t,h}, V_l[kv(h), j]⟩,
    u_{l,t} = W_oᵀ ∂s_{l,t}/∂m_l[q_t]  (split per head).

ONNX has no autograd, so ∂s/∂m is written out by hand for the Llama layer tail
h = m + W_down(silu(W_gate x̂) ⊙ W_up x̂), x̂ = PostNorm(m), followed by FinalNorm (twice on the
last layer when `norm_twice_last` is set: the official code takes HF's last hidden state, which
is already normed, and norms it again) and the lm_head row of the target. tests/models checks
this against torch autograd.

Batched over K layers (`layer_ids` gathers stacked weights) and T targets: outputs
G (K, T, H, S) and the logit-lens scores (K, T). Only G[k, t, :, :q_t+1] is meaningful; the
engine slices it.
"""

from __future__ import annotations

import torch
from torch import nn


def rms_norm_backward(x: torch.Tensor, grad_out: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """∂⟨grad_out, RMSNorm(x)⟩/∂x for y = weight ⊙ x · r, r = (mean(x²) + eps)^(-1/2).

    ∂/∂x_i = r·ã_i − r³·x_i·mean(ã ⊙ x), with ã = grad_out ⊙ weight.
    """
    a = grad_out * weight
    r = torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return r * a - x * r.pow(3) * (a * x).mean(-1, keepdim=True)


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


class LlamaExplainHead(nn.Module):
    """(m, values, layer_ids, target_ids, norm_twice_last) → (G, lens_scores)."""

    def __init__(self, language_model: nn.Module, lm_head: nn.Linear, text_config):
        super().__init__()
        layers = language_model.layers
        stack = lambda fn: torch.stack([fn(layer).detach() for layer in layers])  # noqa: E731
        # Stacked per-layer weights, gathered at run time by layer_ids (one graph for any Λ).
        self.post_norm = nn.Parameter(stack(lambda ly: ly.post_attention_layernorm.weight), requires_grad=False)
        self.w_gate = nn.Parameter(stack(lambda ly: ly.mlp.gate_proj.weight), requires_grad=False)  # (L, I, d)
        self.w_up = nn.Parameter(stack(lambda ly: ly.mlp.up_proj.weight), requires_grad=False)  # (L, I, d)
        self.w_down = nn.Parameter(stack(lambda ly: ly.mlp.down_proj.weight), requires_grad=False)  # (L, d, I)
        self.w_o = nn.Parameter(stack(lambda ly: ly.self_attn.o_proj.weight), requires_grad=False)  # (L, d, H·hd)
        self.final_norm = nn.Parameter(language_model.norm.weight.detach().clone(), requires_grad=False)
        self.lm_head = nn.Parameter(lm_head.weight.detach().clone(), requires_grad=False)  # (V, d)
        self.num_layers = len(layers)
        self.num_heads = text_config.num_attention_heads
        self.num_kv_heads = text_config.num_key_value_heads
        self.head_dim = getattr(text_config, "head_dim", None) or text_config.hidden_size // self.num_heads
        self.eps = float(text_config.rms_norm_eps)
        assert all(getattr(ly.mlp.gate_proj, "bias", None) is None for ly in layers), \
            "expected bias-free SwiGLU MLP projections (Llama/Mistral); found a bias"

    def forward(self, m, values, layer_ids, target_ids, norm_twice_last):
        """m (K, T, d); values (L, H_kv, S, hd); layer_ids (K,); target_ids (T,); norm_twice_last ()."""
        eps = self.eps
        g_post = self.post_norm[layer_ids][:, None, :]  # (K, 1, d)
        w_gate, w_up, w_down = self.w_gate[layer_ids], self.w_up[layer_ids], self.w_down[layer_ids]
        # Forward through the layer tail: h = m + MLP(PostNorm(m)).
        xn = rms_norm(m, g_post, eps)
        a1 = torch.matmul(xn, w_gate.transpose(1, 2))  # (K, T, I)
        a2 = torch.matmul(xn, w_up.transpose(1, 2))
        sig = torch.sigmoid(a1)
        act = a1 * sig
        h = m + torch.matmul(act * a2, w_down.transpose(1, 2))
        # Logit lens, once or twice normed; pick per layer.
        w_y = self.lm_head[target_ids][None]  # (1, T, d)
        z1 = rms_norm(h, self.final_norm, eps)
        z2 = rms_norm(z1, self.final_norm, eps)
        twice = ((layer_ids == self.num_layers - 1) & (norm_twice_last > 0.5))[:, None]  # (K, 1)
        scores = torch.where(twice, (z2 * w_y).sum(-1), (z1 * w_y).sum(-1))  # (K, T)
        # Backward, analytically: ∂s/∂h, then through the MLP branch and PostNorm to ∂s/∂m.
        g_h_once = rms_norm_backward(h, w_y, self.final_norm, eps)
        g_h_twice = rms_norm_backward(h, rms_norm_backward(z1, w_y, self.final_norm, eps), self.final_norm, eps)
        g_h = torch.where(twice[..., None], g_h_twice, g_h_once)  # (K, T, d)
        g_act = torch.matmul(g_h, w_down)  # (K, T, I)
        g_a1 = g_act * a2 * (sig * (1.0 + a1 * (1.0 - sig)))  # silu'(a) = σ(a)(1 + a(1 − σ(a)))
        g_a2 = g_act * act
        g_xn = torch.matmul(g_a1, w_gate) + torch.matmul(g_a2, w_up)  # (K, T, d)
        g_m = g_h + rms_norm_backward(m, g_xn, g_post, eps)
        # u = W_oᵀ ∂s/∂m per head, then G[h, j] = ⟨u_h, V[kv(h), j]⟩ (grouped heads share V).
        k, t = m.shape[0], m.shape[1]
        rep = self.num_heads // self.num_kv_heads
        u = torch.matmul(g_m, self.w_o[layer_ids])  # (K, T, H·hd)
        u = u.reshape(k, t, self.num_kv_heads, rep, self.head_dim).permute(0, 2, 1, 3, 4)
        u = u.reshape(k, self.num_kv_heads, t * rep, self.head_dim)
        v = values[layer_ids]  # (K, H_kv, S, hd)
        g = torch.matmul(u, v.transpose(2, 3))  # (K, H_kv, T·rep, S)
        g = g.reshape(k, self.num_kv_heads, t, rep, -1).permute(0, 2, 1, 3, 4).reshape(k, t, self.num_heads, -1)
        return g, scores
