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

Batched over T targets and the K layers in `layer_ids`: outputs G (K, T, H, S) and the
logit-lens scores (K, T). Only G[k, t, :, :q_t+1] is meaningful; the engine slices it.
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
    """Llama RMSNorm (transformers LlamaRMSNorm in fp32): weight ⊙ x / sqrt(mean(x²) + eps)."""
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


class LlamaExplainHead(nn.Module):
    """(m, values, layer_ids, target_ids, norm_twice_last) → (G, lens_scores).

    Unrolled over all L layers and reading the HF weights through the same transposed views the
    decoder's Linear layers export to (Wᵀ), so the exporter can store each weight once for both
    graphs (models/export/onnx_io.save_graphs) and no weights are gathered at run time. Layers not
    in layer_ids run on zeros and are dropped from the outputs; layer_ids must not repeat.
    """

    def __init__(self, language_model: nn.Module, lm_head: nn.Linear, text_config):
        super().__init__()
        self.layers = language_model.layers
        self.norm = language_model.norm
        self.lm_head = lm_head
        self.num_layers = len(self.layers)
        self.num_heads = text_config.num_attention_heads
        self.num_kv_heads = text_config.num_key_value_heads
        self.head_dim = getattr(text_config, "head_dim", None) or text_config.hidden_size // self.num_heads
        self.eps = float(text_config.rms_norm_eps)
        assert all(getattr(ly.mlp.gate_proj, "bias", None) is None for ly in self.layers), \
            "expected bias-free SwiGLU MLP projections (Llama/Mistral); found a bias"

    def _layer(self, layer, m, values, w_y, twice):
        """One layer: m (T, d), values (H_kv, S, hd), w_y (T, d), twice () bool → G (T, H, S), s (T,)."""
        eps = self.eps
        g_post = layer.post_attention_layernorm.weight
        wg_t, wu_t = layer.mlp.gate_proj.weight.t(), layer.mlp.up_proj.weight.t()  # (d, I)
        wd_t, wo_t = layer.mlp.down_proj.weight.t(), layer.self_attn.o_proj.weight.t()  # (I, d), (H·hd, d)
        # Forward through the layer tail: h = m + MLP(PostNorm(m)).
        xn = rms_norm(m, g_post, eps)
        a1, a2 = torch.matmul(xn, wg_t), torch.matmul(xn, wu_t)  # (T, I)
        sig = torch.sigmoid(a1)
        act = a1 * sig
        h = m + torch.matmul(act * a2, wd_t)
        # Logit lens, once or twice normed.
        z1 = rms_norm(h, self.norm.weight, eps)
        z2 = rms_norm(z1, self.norm.weight, eps)
        scores = torch.where(twice, (z2 * w_y).sum(-1), (z1 * w_y).sum(-1))
        # Backward, analytically. x @ W is written (Wᵀ @ xᵀ)ᵀ to reuse the stored Wᵀ.
        g_h_once = rms_norm_backward(h, w_y, self.norm.weight, eps)
        g_h_twice = rms_norm_backward(h, rms_norm_backward(z1, w_y, self.norm.weight, eps), self.norm.weight, eps)
        g_h = torch.where(twice, g_h_twice, g_h_once)  # (T, d)
        g_act = torch.matmul(wd_t, g_h.t()).t()  # (T, I)
        g_a1 = g_act * a2 * (sig * (1.0 + a1 * (1.0 - sig)))  # silu'(a) = σ(a)(1 + a(1 − σ(a)))
        g_a2 = g_act * act
        g_xn = (torch.matmul(wg_t, g_a1.t()) + torch.matmul(wu_t, g_a2.t())).t()  # (T, d)
        g_m = g_h + rms_norm_backward(m, g_xn, g_post, eps)
        # u = W_oᵀ ∂s/∂m per head, then G[h, j] = ⟨u_h, V[kv(h), j]⟩ (grouped heads share V).
        u = torch.matmul(wo_t, g_m.t()).t()  # (T, H·hd)
        t = m.shape[0]
        rep = self.num_heads // self.num_kv_heads
        u = u.reshape(t, self.num_kv_heads, rep, self.head_dim).permute(1, 0, 2, 3)
        u = u.reshape(self.num_kv_heads, t * rep, self.head_dim)
        g = torch.matmul(u, values.transpose(1, 2))  # (H_kv, T·rep, S)
        g = g.reshape(self.num_kv_heads, t, rep, -1).permute(1, 0, 2, 3).reshape(t, self.num_heads, -1)
        return g, scores

    def forward(self, m, values, layer_ids, target_ids, norm_twice_last):
        """m (K, T, d); values (L, H_kv, S, hd); layer_ids (K,); target_ids (T,); norm_twice_last ()."""
        # lm_head rows of the targets, read from the Wᵀ (d, V) the decoder's lm_head stores.
        w_y = torch.index_select(self.lm_head.weight.t(), 1, target_ids).t()  # (T, d)
        # Scatter the K given layers into L slots with a one-hot matmul (unselected layers: zeros).
        onehot = (layer_ids[:, None] == torch.arange(self.num_layers)[None, :]).to(m.dtype)  # (K, L)
        m_all = torch.matmul(onehot.t(), m.reshape(m.shape[0], -1)).reshape(self.num_layers, m.shape[1], -1)
        gs, ss = [], []
        for idx, layer in enumerate(self.layers):
            twice = norm_twice_last > 0.5 if idx == self.num_layers - 1 else torch.zeros((), dtype=torch.bool)
            g, s = self._layer(layer, m_all[idx], values[idx], w_y, twice)
            gs.append(g)
            ss.append(s)
        return torch.stack(gs)[layer_ids], torch.stack(ss)[layer_ids]
