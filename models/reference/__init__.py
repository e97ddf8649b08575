"""PyTorch reference of DEX-AR on Hugging Face LLaVA models (DESIGN §3); see dexar.py."""

from models.reference.config import DexarSettings
from models.reference.dexar import DexarResult, explain
from models.reference.prompt import (
    LLAVA_15_TEMPLATE,
    PromptInputs,
    answer_token_ids,
    build_prompt_inputs,
)

__all__ = [
    "LLAVA_15_TEMPLATE",
    "DexarResult",
    "DexarSettings",
    "PromptInputs",
    "answer_token_ids",
    "build_prompt_inputs",
    "explain",
]
