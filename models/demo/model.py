"""The demo model: a Hugging Face LlavaForConditionalGeneration at toy size.

CLIP-style vision tower (learned position embeddings, so image tokens keep their spatial
identity), LLaVA-1.5's two-layer GELU projector, a small Llama LM and the word-level tokenizer.
`save_checkpoint` writes an ordinary HF checkpoint directory laid out like models/tiny.py's, which
`AutoProcessor.from_pretrained` loads offline and `python -m models.export` converts.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from models.demo.tokenizer import BOS, EOS, IMAGE, PAD, UNK, build_tokenizer
from models.tiny import LLAVA_CHAT_TEMPLATE


@dataclass
class DemoConfig:
    image_size: int = 72  # input side in px; Shapes-QA renders at this size (3×3 cells of 24 px)
    patch_size: int = 8  # 72 / 8 = 9×9 = 81 image tokens; each grid cell is exactly 3×3 patches
    vision_hidden: int = 96  # CLIP width: 64 left shapes confusable after 12 min (run log)
    vision_layers: int = 3  # CLIP depth
    vision_heads: int = 4  # CLIP attention heads
    vision_feature_layer: int = -1  # LLaVA-1.5 reads layer -2; a 3-layer tower needs all of them
    hidden_size: int = 128  # d, LM residual width
    num_layers: int = 4  # L, LM decoder layers (DEX-AR then uses all of them: L ≤ 10)
    num_heads: int = 4  # H = H_kv, LM attention heads
    intermediate_size: int = 256  # LM SwiGLU MLP width (2×d keeps the CPU step cheap)
    max_positions: int = 256  # context limit; six packed training turns reach ~230 tokens


def build_config(cfg: DemoConfig, vocab_size: int, image_token_id: int, pad_token_id: int):
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig

    vision = CLIPVisionConfig(
        hidden_size=cfg.vision_hidden, intermediate_size=4 * cfg.vision_hidden,
        num_hidden_layers=cfg.vision_layers, num_attention_heads=cfg.vision_heads,
        image_size=cfg.image_size, patch_size=cfg.patch_size, projection_dim=cfg.vision_hidden,
        hidden_act="quick_gelu")
    text = LlamaConfig(
        vocab_size=vocab_size, hidden_size=cfg.hidden_size, intermediate_size=cfg.intermediate_size,
        num_hidden_layers=cfg.num_layers, num_attention_heads=cfg.num_heads,
        num_key_value_heads=cfg.num_heads, max_position_embeddings=cfg.max_positions,
        rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
        pad_token_id=pad_token_id, hidden_act="silu")
    llava = LlavaConfig(
        vision_config=vision, text_config=text, image_token_index=image_token_id,
        vision_feature_layer=cfg.vision_feature_layer, vision_feature_select_strategy="default",
        projector_hidden_act="gelu", image_seq_length=(cfg.image_size // cfg.patch_size) ** 2)
    llava.architectures = ["LlavaForConditionalGeneration"]
    return llava


def build_model(cfg: DemoConfig, seed: int):
    """A freshly initialised model (HF default init) and its `tokenizers.Tokenizer`.

    A 2-D sine-cosine init of the CLIP position embeddings was tried and learned more slowly
    (23% vs 32% validation accuracy after 1000 steps, same seed and recipe), so the default init
    stays.
    """
    from transformers import LlavaForConditionalGeneration

    assert cfg.image_size % cfg.patch_size == 0, (
        f"image_size {cfg.image_size} must be a multiple of patch_size {cfg.patch_size}")
    tok = build_tokenizer()
    config = build_config(cfg, tok.get_vocab_size(), tok.token_to_id(IMAGE), tok.token_to_id(PAD))
    torch.manual_seed(seed)
    model = LlavaForConditionalGeneration(config).to(torch.float32)
    return model, tok


def save_checkpoint(model, tok, cfg: DemoConfig, out_dir: str | Path, recipe: dict) -> Path:
    """Write weights, tokenizer, processor and `recipe.json` (training args, seed, results)."""
    from transformers import CLIPImageProcessor, LlavaProcessor, PreTrainedTokenizerFast

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=BOS, eos_token=EOS, unk_token=UNK, pad_token=PAD,
        extra_special_tokens={"image_token": IMAGE}, model_max_length=cfg.max_positions)
    # Shapes-QA images are already image_size²: resize/crop are no-ops for them, and other
    # images are squashed the way CLIP does it. Normalising to [-1, 1] (mean = std = 0.5).
    image_processor = CLIPImageProcessor(
        size={"shortest_edge": cfg.image_size},
        crop_size={"height": cfg.image_size, "width": cfg.image_size},
        image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5])
    processor = LlavaProcessor(
        image_processor=image_processor, tokenizer=hf_tok, patch_size=cfg.patch_size,
        vision_feature_select_strategy="default", chat_template=LLAVA_CHAT_TEMPLATE,
        num_additional_image_tokens=1)
    processor.save_pretrained(out)
    image_processor.save_pretrained(out)
    (out / "recipe.json").write_text(json.dumps({"model": asdict(cfg), **recipe}, indent=2) + "\n")
    return out
