"""BakLLaVA family: CLIP ViT + MLP projector + Mistral decoder (grouped-query attention)."""

import dataclasses

from torch import nn

from models.families.base import TextDims
from models.families.llava import LlavaFamily


class LlavaMistralFamily(LlavaFamily):
    name = "llava_mistral"
    description = "LlavaForConditionalGeneration with a Mistral text model (BakLLaVA)"
    text_model_type = "mistral"

    def text_dims(self, model: nn.Module) -> TextDims:
        dims = super().text_dims(model)
        window = getattr(model.config.text_config, "sliding_window", None)
        # The decoder graph uses full causal attention, which equals Mistral's sliding-window
        # attention while the sequence fits in the window (BakLLaVA: 4096, prompts ~600 tokens).
        # The manifest's max_positions tells the engine where that stops being true.
        if window:
            return dataclasses.replace(dims, max_positions=min(dims.max_positions, int(window)))
        return dims
