"""Prompt formatting and image-token expansion, written out as Hugging Face's LlavaProcessor does.

The TypeScript engine has no processor, so the steps are spelled out here and tested against
`LlavaProcessor.__call__` (transformers 5.x `ProcessorMixin.__call__` + `LlavaProcessor.
replace_image_token`):
1. the chat template puts one image placeholder ("<image>") in the prompt text;
2. the placeholder is replaced by N copies of itself, N = (H // p) * (W // p)
   + num_additional_image_tokens, minus 1 when vision_feature_select_strategy == "default"
   (the CLS feature is dropped), H x W being the preprocessed image size;
3. the expanded text is tokenized with the tokenizer's default special tokens (BOS for Llama).
Pixel values come from the processor's own image processor.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from PIL import Image

# LLaVA-1.5's conversation format (llava-hf model cards); BakLLaVA uses the same one.
LLAVA_15_TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:"


@dataclass(frozen=True)
class PromptInputs:
    text: str  # the formatted prompt, one image placeholder
    expanded_text: str  # the placeholder repeated N times
    input_ids: list[int]  # token ids of expanded_text, S0 of them
    pixel_values: torch.Tensor  # (1, 3, height, width), float32, from the image processor
    image_start: int  # i0: column of the first image token
    num_image_tokens: int  # N = gh * gw
    grid: tuple[int, int]  # (gh, gw): the vision grid the N tokens fill row-major


def format_prompt(prompt: str, template: str = LLAVA_15_TEMPLATE) -> str:
    """Put the user's prompt into the chat template ({prompt} marks where)."""
    if "{prompt}" not in template:
        raise ValueError(f"format_prompt: expected '{{prompt}}' in the template, found {template!r}")
    return template.replace("{prompt}", prompt)


def count_image_tokens(
    height: int,
    width: int,
    patch_size: int,
    num_additional_image_tokens: int = 0,
    vision_feature_select_strategy: str = "default",
) -> int:
    """N exactly as LlavaProcessor.replace_image_token computes it."""
    count = (height // patch_size) * (width // patch_size) + num_additional_image_tokens
    if vision_feature_select_strategy == "default":
        count -= 1
    return count


def expand_image_token(text: str, image_token: str, count: int) -> str:
    """Replace the single image placeholder by `count` copies of itself."""
    found = text.count(image_token)
    if found != 1:
        raise ValueError(
            f"expand_image_token: expected exactly one {image_token!r} in the prompt, found {found}"
        )
    return text.replace(image_token, image_token * count)


def build_prompt_inputs(
    processor, image: Image.Image, prompt: str, template: str = LLAVA_15_TEMPLATE
) -> PromptInputs:
    """Format, expand and tokenize the prompt; preprocess the image with the processor."""
    pixel_values = processor.image_processor(image, return_tensors="pt")["pixel_values"]
    pixel_values = pixel_values.to(torch.float32)
    height, width = pixel_values.shape[-2:]
    patch_size = processor.patch_size
    count = count_image_tokens(
        height,
        width,
        patch_size,
        processor.num_additional_image_tokens,
        processor.vision_feature_select_strategy,
    )
    grid = (height // patch_size, width // patch_size)
    if grid[0] * grid[1] != count:
        raise ValueError(
            f"build_prompt_inputs: expected N = gh*gw = {grid[0] * grid[1]} image tokens "
            f"(one per patch, CLS dropped), found N = {count}"
        )
    text = format_prompt(prompt, template)
    expanded = expand_image_token(text, processor.image_token, count)
    input_ids = processor.tokenizer(expanded)["input_ids"]
    image_start = _image_start(input_ids, processor.image_token_id, count)
    return PromptInputs(text, expanded, list(input_ids), pixel_values, image_start, count, grid)


def answer_token_ids(tokenizer, answer: str) -> list[int]:
    """Token ids of a given answer, without special tokens, as the official code encodes it."""
    ids = list(tokenizer(answer, add_special_tokens=False)["input_ids"])
    if not ids:
        raise ValueError(f"answer_token_ids: expected at least one token, found none for {answer!r}")
    return ids


def _image_start(input_ids: list[int], image_token_id: int, count: int) -> int:
    positions = [i for i, token in enumerate(input_ids) if token == image_token_id]
    if len(positions) != count or positions[-1] - positions[0] + 1 != count:
        raise ValueError(
            f"build_prompt_inputs: expected {count} contiguous image tokens (id {image_token_id}), "
            f"found {len(positions)} at {positions[:3]}...{positions[-3:]}"
        )
    return positions[0]
