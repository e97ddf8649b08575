"""Shared adapter for `LlavaForConditionalGeneration` with a Llama-style LM (LLaVA-1.5, BakLLaVA).

Graphs (DESIGN §2), all fp32 unless the exporter is asked otherwise:
  vision.onnx   pixel_values (B,3,H,W)                        → image_embeds (B,N,d)
  embed.onnx    input_ids (B,S) int64                         → inputs_embeds (B,S,d)
  decoder.onnx  inputs_embeds (B,S,d), position_ids (B,S) int64,
                past_keys / past_values (L,B,H_kv,P,hd), explain_rows (R,) int64
                → logits (B,S,V), present_keys / present_values (L,B,H_kv,P+S,hd),
                  explain_m (L,B,R,d), explain_attn (L,B,H,R,P+S)
  explain.onnx  m (K,T,d), values (K,H_kv,S,hd) (the value cache of the layers in layer_ids, in
                that order), layer_ids (K,) int64, target_ids (T,) int64,
                norm_twice_last () float (>0.5 means on)
                → G (K,T,H,S), lens_scores (K,T); computes the K requested layers only
"""

from __future__ import annotations

import torch
from torch import nn

from models.export.errors import UnsupportedFamilyError
from models.families.base import FamilyAdapter, GraphSpec, TextDims
from models.families.llama_explain import LlamaExplainHead
from models.families.llama_text import Embedder, LlamaStyleDecoder, LlavaVision

# RoPE types whose frequencies are fixed at load time (no dependence on sequence length).
STATIC_ROPE_TYPES = ("default", "linear", "llama3")


def _rope_type(text_config: dict) -> str:
    params = text_config.get("rope_parameters") or text_config.get("rope_scaling") or {}
    return params.get("rope_type") or params.get("type") or "default"


class LlavaFamily(FamilyAdapter):
    """LLaVA with a Llama-style decoder; subclasses fix the text model type."""

    text_model_type: str = ""  # text_config.model_type this adapter accepts

    @classmethod
    def matches(cls, config: dict) -> bool:
        text = config.get("text_config") or {}
        # LlavaConfig defaults its text model to Llama when text_config omits model_type.
        return config.get("model_type") == "llava" and text.get("model_type", "llama") == cls.text_model_type

    def check_supported(self, config: dict) -> None:
        text, vision = config.get("text_config") or {}, config.get("vision_config") or {}
        archs = config.get("architectures") or []
        if archs and "LlavaForConditionalGeneration" not in archs:
            raise UnsupportedFamilyError(
                f"{self.name} architectures", "LlavaForConditionalGeneration", ", ".join(archs))
        if text.get("hidden_act", "silu") != "silu":
            raise UnsupportedFamilyError(f"{self.name} MLP activation", "silu (SwiGLU)", text.get("hidden_act"))
        if _rope_type(text) not in STATIC_ROPE_TYPES:
            raise UnsupportedFamilyError(f"{self.name} RoPE type", " | ".join(STATIC_ROPE_TYPES), _rope_type(text))
        if vision.get("model_type", "clip_vision_model") != "clip_vision_model":
            raise UnsupportedFamilyError(f"{self.name} vision tower", "clip_vision_model", vision.get("model_type"))
        strategy = config.get("vision_feature_select_strategy", "default")
        if strategy != "default":
            # "full" keeps the CLS token, which has no place on the patch grid of the heatmaps.
            raise UnsupportedFamilyError(f"{self.name} vision_feature_select_strategy", "default", strategy)

    def graph_specs(self) -> dict[str, GraphSpec]:
        kv = {1: "batch", 3: "past"}
        return {
            "vision": GraphSpec(
                "vision", "vision.onnx", ("pixel_values",), ("image_embeds",),
                {"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}},
                {"image_embeds": 1e-4}),
            "embed": GraphSpec(
                "embed", "embed.onnx", ("input_ids",), ("inputs_embeds",),
                {"input_ids": {0: "batch", 1: "seq"}, "inputs_embeds": {0: "batch", 1: "seq"}},
                {"inputs_embeds": 0.0}),
            "decoder": GraphSpec(
                "decoder", "decoder.onnx",
                ("inputs_embeds", "position_ids", "past_keys", "past_values", "explain_rows"),
                ("logits", "present_keys", "present_values", "explain_m", "explain_attn"),
                {
                    "inputs_embeds": {0: "batch", 1: "seq"},
                    "position_ids": {0: "batch", 1: "seq"},
                    "past_keys": kv, "past_values": kv,
                    "explain_rows": {0: "rows"},
                    "logits": {0: "batch", 1: "seq"},
                    "present_keys": {1: "batch", 3: "total"},
                    "present_values": {1: "batch", 3: "total"},
                    "explain_m": {1: "batch", 2: "rows"},
                    "explain_attn": {1: "batch", 3: "rows", 4: "total"},
                },
                {"logits": 1e-4, "present_keys": 1e-4, "present_values": 1e-4,
                 "explain_m": 1e-4, "explain_attn": 1e-5}),
            "explain": GraphSpec(
                "explain", "explain.onnx",
                ("m", "values", "layer_ids", "target_ids", "norm_twice_last"),
                ("G", "lens_scores"),
                {"m": {0: "layers", 1: "targets"}, "values": {0: "layers", 2: "total"},
                 "layer_ids": {0: "layers"}, "target_ids": {0: "targets"},
                 "G": {0: "layers", 1: "targets", 3: "total"},
                 "lens_scores": {0: "layers", 1: "targets"}},
                {"G": 1e-4, "lens_scores": 1e-4}),
        }

    @staticmethod
    def _parts(model: nn.Module):
        """(LlavaModel, language model, lm_head) of a loaded LlavaForConditionalGeneration."""
        return model.model, model.model.language_model, model.lm_head

    def build_modules(self, model: nn.Module) -> dict[str, nn.Module]:
        llava, lm, head = self._parts(model)
        cfg = model.config
        return {
            "vision": LlavaVision(llava, cfg.vision_feature_layer, cfg.vision_feature_select_strategy).eval(),
            "embed": Embedder(lm.embed_tokens).eval(),
            "decoder": LlamaStyleDecoder(lm, head, cfg.text_config).eval(),
            "explain": LlamaExplainHead(lm, head, cfg.text_config).eval(),
        }

    def sample_inputs(self, model: nn.Module, variant: str) -> dict[str, tuple[torch.Tensor, ...]]:
        # Different sizes per variant so a traced constant shape cannot pass validation.
        sizes = {"trace": (1, 5, 3, 2), "prefill": (1, 9, 0, 3), "decode": (1, 1, 9, 1)}
        if variant not in sizes:
            raise ValueError(f"variant: expected one of {sorted(sizes)}; found {variant!r}")
        batch, seq, past, rows = sizes[variant]
        gen = torch.Generator().manual_seed(len(variant))
        dims = self.text_dims(model)
        vis = model.config.vision_config
        size = vis.image_size
        layers = list(range(dims.num_layers))
        # Validation covers all layers in order and an unordered subset (the gather must follow layer_ids).
        layer_ids = {"trace": layers[-2:], "prefill": layers, "decode": layers[::-1][::2]}[variant]
        return {
            "vision": (torch.randn(batch if variant == "trace" else 2, 3, size, size, generator=gen),),
            "embed": (torch.randint(0, dims.vocab_size, (batch, seq + 2), generator=gen),),
            "decoder": (
                torch.randn(batch, seq, dims.hidden_size, generator=gen),
                (torch.arange(seq) + past)[None].repeat(batch, 1),
                torch.randn(dims.num_layers, batch, dims.num_kv_heads, past, dims.head_dim, generator=gen),
                torch.randn(dims.num_layers, batch, dims.num_kv_heads, past, dims.head_dim, generator=gen),
                torch.arange(seq - rows, seq),
            ),
            "explain": (
                torch.randn(len(layer_ids), seq, dims.hidden_size, generator=gen),
                torch.randn(len(layer_ids), dims.num_kv_heads, past + seq, dims.head_dim, generator=gen),
                torch.tensor(layer_ids),
                torch.randint(0, dims.vocab_size, (seq,), generator=gen),
                torch.tensor(1.0),
            ),
        }

    def text_dims(self, model: nn.Module) -> TextDims:
        t = model.config.text_config
        return TextDims(
            num_layers=t.num_hidden_layers, num_heads=t.num_attention_heads,
            num_kv_heads=t.num_key_value_heads,
            head_dim=getattr(t, "head_dim", None) or t.hidden_size // t.num_attention_heads,
            hidden_size=t.hidden_size, vocab_size=t.vocab_size,
            intermediate_size=t.intermediate_size, rms_norm_eps=float(t.rms_norm_eps),
            max_positions=int(t.max_position_embeddings))

    def vision_info(self, model: nn.Module) -> dict:
        cfg = model.config
        vis = cfg.vision_config
        grid = vis.image_size // vis.patch_size
        return {
            "image_size": [vis.image_size, vis.image_size],
            "patch_size": vis.patch_size,
            "grid": [grid, grid],
            "num_image_tokens": grid * grid,
            "image_token_id": int(cfg.image_token_id),
            "image_token_expansion": "repeat",
            "feature_layer": cfg.vision_feature_layer,
            "select_strategy": cfg.vision_feature_select_strategy,
        }
