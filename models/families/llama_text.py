"""Llama-style text decoder with KV cache and explain-row outputs, reading HF weights.

A re-implementation of the HF Llama/Mistral decoder forward (transformers `LlamaDecoderLayer`:
pre-norm attention with RoPE and grouped-query attention, pre-norm SwiGLU MLP, final RMSNorm,
lm_head) written so that one ONNX graph serves prefill and one-token decode:

- the KV cache of all layers is one stacked tensor per K and V, shape (L, B, H_kv, P, head_dim),
  P = past length (0 on prefill);
- `explain_rows` (R,) selects rows of this step's input whose per-layer post-attention residual
  m_l (L, B, R, d) and attention-probability rows (L, B, H, R, P+S) are returned, so memory per
  explained row is O(L·H·S) and the full S×S attention is never an output (DESIGN §2).

Weights are the HF modules themselves (shared, not copied); the export test proves equality with
the HF forward. Sources: transformers `models/llama/modeling_llama.py` (5.x).
"""

from __future__ import annotations

import torch
from torch import nn


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaStyleDecoder(nn.Module):
    """inputs_embeds + position_ids + stacked past KV + explain_rows → logits, present KV, explain rows."""

    def __init__(self, language_model: nn.Module, lm_head: nn.Linear, text_config):
        super().__init__()
        self.layers = language_model.layers
        self.norm = language_model.norm
        self.lm_head = lm_head
        self.num_heads = text_config.num_attention_heads
        self.num_kv_heads = text_config.num_key_value_heads
        self.head_dim = getattr(text_config, "head_dim", None) or text_config.hidden_size // self.num_heads
        rotary = language_model.rotary_emb
        # inv_freq already carries any static RoPE scaling (linear, llama3); the adapter refuses
        # dynamic types whose frequencies depend on the sequence length.
        self.register_buffer("inv_freq", rotary.inv_freq.detach().clone().float(), persistent=False)
        self.rope_scale = float(rotary.attention_scaling)

    def _rope(self, position_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = position_ids[..., None].float() * self.inv_freq  # (B, S, hd/2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return (emb.cos() * self.rope_scale)[:, None], (emb.sin() * self.rope_scale)[:, None]

    def _attention(self, layer, x, cos, sin, past_k, past_v, mask, explain_rows):
        attn = layer.self_attn
        bsz, seq, _ = x.shape
        q = attn.q_proj(x).view(bsz, seq, self.num_heads, self.head_dim).transpose(1, 2)
        k = attn.k_proj(x).view(bsz, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        v = attn.v_proj(x).view(bsz, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k_all = torch.cat((past_k, k), dim=2)  # (B, H_kv, P+S, hd)
        v_all = torch.cat((past_v, v), dim=2)
        # Grouped-query attention without copying K/V: head h uses kv head h // rep (HF repeat_kv).
        rep = self.num_heads // self.num_kv_heads
        qg = q.reshape(bsz, self.num_kv_heads, rep * seq, self.head_dim)
        scores = torch.matmul(qg, k_all.transpose(2, 3)) * (self.head_dim ** -0.5)
        scores = scores.reshape(bsz, self.num_heads, seq, -1) + mask
        probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)  # (B, H, S, P+S)
        out = torch.matmul(probs.reshape(bsz, self.num_kv_heads, rep * seq, -1), v_all)
        out = out.reshape(bsz, self.num_heads, seq, self.head_dim).transpose(1, 2).reshape(bsz, seq, -1)
        rows = torch.index_select(probs, 2, explain_rows)  # (B, H, R, P+S)
        return attn.o_proj(out), k_all, v_all, rows

    def forward(self, inputs_embeds, position_ids, past_keys, past_values, explain_rows):
        bsz, seq, _ = inputs_embeds.shape
        past = past_keys.shape[3]
        # Causal mask with a past offset: row i sees columns j <= past + i.
        cols = torch.arange(past + seq, device=inputs_embeds.device)
        rows = torch.arange(seq, device=inputs_embeds.device) + past
        mask = torch.where(cols[None, :] <= rows[:, None], 0.0, torch.finfo(torch.float32).min)
        mask = mask.to(inputs_embeds.dtype)[None, None]
        cos, sin = self._rope(position_ids)
        x = inputs_embeds
        keys, values, ms, attn_rows = [], [], [], []
        for i, layer in enumerate(self.layers):
            a, k_all, v_all, rows_i = self._attention(
                layer, layer.input_layernorm(x), cos, sin, past_keys[i], past_values[i], mask, explain_rows)
            m = x + a  # post-attention residual m_l (DESIGN §3)
            x = m + layer.mlp(layer.post_attention_layernorm(m))
            keys.append(k_all)
            values.append(v_all)
            ms.append(torch.index_select(m, 1, explain_rows))
            attn_rows.append(rows_i)
        logits = self.lm_head(self.norm(x))
        return (logits, torch.stack(keys), torch.stack(values), torch.stack(ms), torch.stack(attn_rows))


class Embedder(nn.Module):
    """input_ids (B, S) → token embeddings (B, S, d); the engine writes image embeds over image columns."""

    def __init__(self, embed_tokens: nn.Embedding):
        super().__init__()
        self.embed_tokens = embed_tokens

    def forward(self, input_ids):
        return self.embed_tokens(input_ids)


class LlavaVision(nn.Module):
    """pixel_values (B, 3, H, W) → image embeddings after the projector (B, N, d)."""

    def __init__(self, llava_model: nn.Module, feature_layer, select_strategy: str):
        super().__init__()
        self.vision_tower = llava_model.vision_tower
        self.projector = llava_model.multi_modal_projector
        self.feature_layers = [feature_layer] if isinstance(feature_layer, int) else list(feature_layer)
        self.drop_cls = select_strategy == "default"

    def forward(self, pixel_values):
        out = self.vision_tower(pixel_values, output_hidden_states=True, return_dict=True)
        feats = [out.hidden_states[i] for i in self.feature_layers]
        if self.drop_cls:
            feats = [f[:, 1:] for f in feats]
        return self.projector(torch.cat(feats, dim=-1))
