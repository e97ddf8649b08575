"""LLaVA-1.5 family: CLIP ViT + MLP projector + Llama decoder (H == H_kv)."""

from models.families.llava import LlavaFamily


class LlavaLlamaFamily(LlavaFamily):
    name = "llava_llama"
    description = "LlavaForConditionalGeneration with a Llama text model (LLaVA-1.5)"
    text_model_type = "llama"
