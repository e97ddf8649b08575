"""BakLLaVA family: CLIP ViT + MLP projector + Mistral decoder (grouped-query attention)."""

from models.export.errors import UnsupportedFamilyError
from models.families.llava import LlavaFamily


class LlavaMistralFamily(LlavaFamily):
    name = "llava_mistral"
    description = "LlavaForConditionalGeneration with a Mistral text model (BakLLaVA)"
    text_model_type = "mistral"

    def check_supported(self, config: dict) -> None:
        super().check_supported(config)
        text = config.get("text_config") or {}
        window = text.get("sliding_window")
        # The decoder graph uses full causal attention; a window shorter than the context would
        # silently change the model, so it is refused (BakLLaVA ships with it off).
        if window is not None and window < text.get("max_position_embeddings", 0):
            raise UnsupportedFamilyError(
                "llava_mistral sliding_window", "null or >= max_position_embeddings", str(window))
