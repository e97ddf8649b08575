"""The family adapter interface: one export-config class per model family (STYLE §12).

A family adapter knows how to recognise a checkpoint's config.json, refuse the variants it cannot
export, wrap the HF model into the four exportable graphs (vision, embed, decoder, explain), give
sample inputs for tracing and validation, and describe the text dimensions for the manifest.
The exporter (models/export) drives adapters only through this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import torch
from torch import nn

# Opset fixed for every family: onnxruntime-node 1.30 runs opset ≤ 21; 17 has every op we use.
OPSET = 17
# Graph roles every bundle provides (DESIGN §2); the manifest's "graphs" object uses these keys.
GRAPH_ROLES = ("vision", "embed", "decoder", "explain")


@dataclass(frozen=True)
class GraphSpec:
    """One exported graph: file name, I/O names, named dynamic axes and the validation tolerance."""

    role: str  # one of GRAPH_ROLES
    file: str  # file name inside the bundle, e.g. "decoder.onnx"
    inputs: tuple[str, ...]  # graph input names, in the wrapped module's forward() order
    outputs: tuple[str, ...]  # graph output names, in the wrapped module's return order
    dynamic_axes: dict[str, dict[int, str]]  # name → {axis: symbolic dim name}
    # output → tolerance relative to the output's scale: ONNX vs PyTorch max abs diff must stay
    # ≤ tolerance · max(1, max |PyTorch output|), so real checkpoints (logits in the tens) validate
    # with the same numbers as tiny random ones (logits ≈ 0.1). 0 demands exact equality.
    tolerance: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TextDims:
    """Decoder dimensions recorded in the manifest (DESIGN §2)."""

    num_layers: int  # L
    num_heads: int  # H
    num_kv_heads: int  # H_kv (== H without grouped-query attention)
    head_dim: int  # d_h
    hidden_size: int  # d
    vocab_size: int  # logits width
    intermediate_size: int  # MLP width (informational)
    rms_norm_eps: float  # norm epsilon (informational, the graphs carry it)
    max_positions: int  # longest sequence the graphs reproduce exactly (RoPE table, sliding window)


class FamilyAdapter(ABC):
    """Base class of all family adapters; subclasses are registered in models.families."""

    name: str = ""  # registry key and manifest "family"
    description: str = ""  # one line for error messages and docs
    opset: int = OPSET

    @classmethod
    @abstractmethod
    def matches(cls, config: dict) -> bool:
        """True when config.json (as a dict) belongs to this family."""

    @abstractmethod
    def check_supported(self, config: dict) -> None:
        """Raise UnsupportedFamilyError naming expected vs found for variants we cannot export."""

    @abstractmethod
    def graph_specs(self) -> dict[str, GraphSpec]:
        """GraphSpec per role (keys: GRAPH_ROLES)."""

    @abstractmethod
    def build_modules(self, model: nn.Module) -> dict[str, nn.Module]:
        """Exportable torch modules per role, reading the loaded HF model's weights."""

    @abstractmethod
    def sample_inputs(self, model: nn.Module, variant: str) -> dict[str, tuple[torch.Tensor, ...]]:
        """Inputs per role; variant "trace" is used to export, "check" (other shapes) to validate."""

    @abstractmethod
    def text_dims(self, model: nn.Module) -> TextDims:
        """Dimensions of the text decoder."""

    @abstractmethod
    def vision_info(self, model: nn.Module) -> dict:
        """Manifest "vision" section: image size, patch size, grid, token count, image token."""
