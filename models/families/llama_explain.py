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

Batched over T targets and the K layers in `layer_ids`: inputs m (K, T, d) and the value cache
of those K layers only (K, H_kv, S, hd); outputs G (K, T, H, S) and the logit-lens scores (K, T).
Only G[k, t, :, :q_t+1] is meaningful; the engine slices it. Work and input size scale with K,
not with the model's L (bundle format_version 2; version 1 computed all L layers).
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
    """(m, values, layer_ids, target_ids, norm_twice_last) → (G, lens_scores), cost O(K), not O(L).

    The per-layer tail weights are held stacked along a leading layer axis (post-attention norm
    (L, d), W_gateᵀ / W_upᵀ (L, d, I), W_downᵀ (L, I, d), W_oᵀ (L, H·hd, d)); the graph gathers
    the K requested slices first and runs the tail batched over K, so unrequested layers cost
    nothing. Slice l of each stack holds exactly the bytes of the Wᵀ initializer the decoder's
    Linear layer exports to, which lets the external weight store (models/export/onnx_io) keep
    one copy on disk for both graphs. layer_ids may repeat (each entry is computed on its own);
    the runtimes still refuse repeats as a contract.
    """

    def __init__(self, language_model: nn.Module, lm_head: nn.Linear, text_config):
        super().__init__()
        layers = language_model.layers
        self.norm = language_model.norm
        self.lm_head = lm_head
        self.num_layers = len(layers)
        self.num_heads = text_config.num_attention_heads
        self.num_kv_heads = text_config.num_key_value_heads
        self.head_dim = getattr(text_config, "head_dim", None) or text_config.hidden_size // self.num_heads
        self.eps = float(text_config.rms_norm_eps)
        assert all(getattr(ly.mlp.gate_proj, "bias", None) is None for ly in layers), \
            "expected bias-free SwiGLU MLP projections (Llama/Mistral); found a bias"

        def stack(get) -> torch.Tensor:
            return torch.stack([get(ly).detach() for ly in layers]).contiguous()

        # Stacked copies made at export time. Persistent buffers, because the ONNX exporter writes
        # those as initializers (which the external weight store shares with the decoder), while
        # non-persistent ones become inline Constant nodes (too big for a 7B graph's protobuf).
        self.register_buffer("post_norm", stack(lambda ly: ly.post_attention_layernorm.weight))
        self.register_buffer("gate_t", stack(lambda ly: ly.mlp.gate_proj.weight.t()))  # (L, d, I)
        self.register_buffer("up_t", stack(lambda ly: ly.mlp.up_proj.weight.t()))  # (L, d, I)
        self.register_buffer("down_t", stack(lambda ly: ly.mlp.down_proj.weight.t()))  # (L, I, d)
        self.register_buffer("o_t", stack(lambda ly: ly.self_attn.o_proj.weight.t()))  # (L, H·hd, d)

    def forward(self, m, values, layer_ids, target_ids, norm_twice_last):
        """m (K, T, d); values (K, H_kv, S, hd) of the layers in layer_ids, in that order; layer_ids (K,);
        target_ids (T,); norm_twice_last () float, > 0.5 means on → G (K, T, H, S), lens_scores (K, T)."""
        eps = self.eps
        # Gather first: every op below runs on the K requested layers only.
        g_post = torch.index_select(self.post_norm, 0, layer_ids)[:, None, :]  # (K, 1, d)
        wg_t = torch.index_select(self.gate_t, 0, layer_ids)  # (K, d, I)
        wu_t = torch.index_select(self.up_t, 0, layer_ids)
        wd_t = torch.index_select(self.down_t, 0, layer_ids)  # (K, I, d)
        wo_t = torch.index_select(self.o_t, 0, layer_ids)  # (K, H·hd, d)
        # Official mode norms the last layer twice (see module docstring); per explained layer.
        twice = ((layer_ids == self.num_layers - 1) & (norm_twice_last > 0.5))[:, None]  # (K, 1)
        g_final = self.norm.weight
        # lm_head rows of the targets, read from the Wᵀ (d, V) the decoder's lm_head stores.
        w_y = torch.index_select(self.lm_head.weight.t(), 1, target_ids).t()[None]  # (1, T, d)
        # Forward through the layer tail: h = m + MLP(PostNorm(m)).
        xn = rms_norm(m, g_post, eps)
        a1, a2 = torch.matmul(xn, wg_t), torch.matmul(xn, wu_t)  # (K, T, I)
        sig = torch.sigmoid(a1)
        act = a1 * sig
        h = m + torch.matmul(act * a2, wd_t)  # (K, T, d)
        # Logit lens, once or twice normed.
        z1 = rms_norm(h, g_final, eps)
        z2 = rms_norm(z1, g_final, eps)
        scores = torch.where(twice, (z2 * w_y).sum(-1), (z1 * w_y).sum(-1))  # (K, T)
        # Backward, analytically. x @ W is written (Wᵀ @ xᵀ)ᵀ so no transposed weight copy is made.
        g_h_once = rms_norm_backward(h, w_y, g_final, eps)
        g_h_twice = rms_norm_backward(h, rms_norm_backward(z1, w_y, g_final, eps), g_final, eps)
        g_h = torch.where(twice[:, :, None], g_h_twice, g_h_once)  # (K, T, d)
        g_act = torch.matmul(wd_t, g_h.transpose(1, 2)).transpose(1, 2)  # (K, T, I)
        g_a1 = g_act * a2 * (sig * (1.0 + a1 * (1.0 - sig)))  # silu'(a) = σ(a)(1 + a(1 − σ(a)))
        g_a2 = g_act * act
        g_xn = (torch.matmul(wg_t, g_a1.transpose(1, 2)) + torch.matmul(wu_t, g_a2.transpose(1, 2))).transpose(1, 2)
        g_m = g_h + rms_norm_backward(m, g_xn, g_post, eps)
        # u = W_oᵀ ∂s/∂m per head, then G[h, j] = ⟨u_h, V[kv(h), j]⟩ (grouped heads share V).
        u = torch.matmul(wo_t, g_m.transpose(1, 2)).transpose(1, 2)  # (K, T, H·hd)
        k, t = m.shape[0], m.shape[1]
        rep = self.num_heads // self.num_kv_heads
        u = u.reshape(k, t, self.num_kv_heads, rep, self.head_dim).permute(0, 2, 1, 3, 4)
        u = u.reshape(k, self.num_kv_heads, t * rep, self.head_dim)
        # V @ uᵀ, not u @ Vᵀ: only the small (T·rep, S) result is transposed, never the value cache.
        g = torch.matmul(values, u.transpose(2, 3))  # (K, H_kv, S, T·rep)
        g = g.reshape(k, self.num_kv_heads, -1, t, rep).permute(0, 3, 1, 4, 2).reshape(k, t, self.num_heads, -1)
        return g, scores
