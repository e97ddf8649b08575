"""Tiny random LLaVA checkpoints, built in-process (no downloads).

`build_tiny(name, out_dir, seed)` writes an ordinary Hugging Face checkpoint directory
(config.json, model.safetensors, tokenizer.json + tokenizer_config.json, preprocessor_config.json,
processor_config.json / chat template) that `LlavaForConditionalGeneration.from_pretrained` and
`AutoProcessor.from_pretrained` load offline. The shapes follow LLaVA-1.5 (Llama LM, H == H_kv)
and BakLLaVA (Mistral LM, grouped-query attention) at toy size, so the exporter, the PyTorch
reference and the TypeScript engine can all be tested on CPU in seconds.

The two tokenizers differ on purpose (Llama-style byte-fallback BPE vs WordLevel) so the
TypeScript tokenizer is exercised on both model types.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

# LLaVA-1.5's chat template as published with llava-hf checkpoints: yields
# "USER: <image>\n{prompt} ASSISTANT:" for one user turn with one image.
LLAVA_CHAT_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] != 'system' %}"
    "{{ message['role'].upper() + ': '}}{% endif %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}"
    "{{ '<image>\n' }}{% endfor %}"
    "{% if message['role'] != 'assistant' %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{{ content['text'] + ' '}}{% endfor %}"
    "{% else %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{{ content['text'] + ' '}}{% endfor %}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)
# The same template as a plain string, for the bundle manifest and simple callers.
PROMPT_TEMPLATE = "USER: <image>\n{prompt} ASSISTANT:"

# Sentences the tiny tokenizers are trained on: Shapes-QA style questions and answers (DESIGN §5)
# so the demo vocabulary tokenizes into reasonable pieces.
CORPUS = [
    "USER: What color is the circle? ASSISTANT: The circle is red.",
    "What shape is the blue object? The blue object is a square.",
    "Where is the green triangle? The green triangle is at the top left.",
    "How many stars are there? There are two stars. There is one star.",
    "Describe the image. A yellow circle and a purple square.",
    "Is there an orange star? Yes, there is an orange star. No, there is no orange star.",
    "small large center right bottom three four one two left top",
]
SPECIAL_TOKENS = {"unk": "<unk>", "bos": "<s>", "eos": "</s>", "pad": "<pad>", "image": "<image>"}


@dataclass(frozen=True)
class TinySpec:
    """Shape of one tiny LLaVA checkpoint."""

    name: str  # registry key, also the checkpoint/bundle folder name
    text_model_type: str  # "llama" (LLaVA-1.5) or "mistral" (BakLLaVA)
    tokenizer_kind: str  # "bpe" (Llama-style byte-fallback BPE) or "wordlevel"
    num_layers: int = 4  # L, decoder layers
    hidden_size: int = 64  # d, residual width
    num_heads: int = 4  # H, attention heads
    num_kv_heads: int = 4  # H_kv, key/value heads (< H means grouped-query attention)
    intermediate_size: int = 128  # SwiGLU MLP width
    image_size: int = 32  # vision input is image_size x image_size
    patch_size: int = 8  # CLIP patch; grid = (image_size / patch_size)^2 = N image tokens
    vision_hidden: int = 32  # CLIP width
    vision_layers: int = 3  # CLIP depth; feature layer -2 is the second-to-last hidden state
    max_positions: int = 256  # RoPE table size; prompts are N + ~30 tokens
    bpe_vocab: int = 400  # BPE trainer target size (bytes + merges), ignored for wordlevel


TINY_SPECS: dict[str, TinySpec] = {
    "tiny-llama": TinySpec("tiny-llama", "llama", "bpe"),
    "tiny-mistral": TinySpec("tiny-mistral", "mistral", "wordlevel", num_kv_heads=2),
}


def _byte_tokens() -> list[str]:
    return [f"<0x{i:02X}>" for i in range(256)]


def build_bpe_tokenizer(spec: TinySpec) -> Tokenizer:
    """Llama-style BPE: Metaspace pre-tokenizer (prepend on first), byte fallback, <s> prefix."""
    trainer_tok = Tokenizer(models.BPE(unk_token=SPECIAL_TOKENS["unk"]))
    # Train on whole words (split=True) so no piece spans a word boundary, as in SentencePiece;
    # encode with split=False like HF's converted Llama tokenizers.
    trainer_tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=spec.bpe_vocab, show_progress=False, special_tokens=[])
    trainer_tok.train_from_iterator(CORPUS, trainer=trainer)
    learned = json.loads(trainer_tok.to_str())["model"]
    # Llama layout: <unk>, <s>, </s>, the 256 byte tokens, then the learned pieces.
    vocab: dict[str, int] = {}
    for tok in [SPECIAL_TOKENS["unk"], SPECIAL_TOKENS["bos"], SPECIAL_TOKENS["eos"], *_byte_tokens()]:
        vocab[tok] = len(vocab)
    for tok, _ in sorted(learned["vocab"].items(), key=lambda kv: kv[1]):
        if tok not in vocab:
            vocab[tok] = len(vocab)
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in learned["merges"]]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token=SPECIAL_TOKENS["unk"],
                               byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    return tok


def build_wordlevel_tokenizer(spec: TinySpec) -> Tokenizer:
    """Word-level vocabulary over the corpus; lower-cased, split on whitespace and punctuation."""
    del spec
    trainer_tok = Tokenizer(models.WordLevel(unk_token=SPECIAL_TOKENS["unk"]))
    trainer_tok.normalizer = normalizers.Lowercase()
    trainer_tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(
        show_progress=False, special_tokens=[SPECIAL_TOKENS[k] for k in ("unk", "bos", "eos")])
    trainer_tok.train_from_iterator(CORPUS, trainer=trainer)
    return trainer_tok


def build_tokenizer(spec: TinySpec) -> Tokenizer:
    """The tokenizer for `spec`, with <s> prepended and <image>/<pad> as special added tokens."""
    tok = build_bpe_tokenizer(spec) if spec.tokenizer_kind == "bpe" else build_wordlevel_tokenizer(spec)
    tok.add_special_tokens([SPECIAL_TOKENS["image"], SPECIAL_TOKENS["pad"]])
    bos = SPECIAL_TOKENS["bos"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tok.token_to_id(bos))])
    return tok


def build_config(spec: TinySpec, vocab_size: int, image_token_id: int, pad_token_id: int):
    """A LlavaConfig with a tiny CLIP tower and a tiny Llama/Mistral LM."""
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig, MistralConfig

    vision = CLIPVisionConfig(
        hidden_size=spec.vision_hidden, intermediate_size=2 * spec.vision_hidden,
        num_hidden_layers=spec.vision_layers, num_attention_heads=2, image_size=spec.image_size,
        patch_size=spec.patch_size, projection_dim=spec.vision_hidden, hidden_act="quick_gelu")
    text_kwargs = dict(
        vocab_size=vocab_size, hidden_size=spec.hidden_size, intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.num_layers, num_attention_heads=spec.num_heads,
        num_key_value_heads=spec.num_kv_heads, max_position_embeddings=spec.max_positions,
        rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
        pad_token_id=pad_token_id, hidden_act="silu")
    if spec.text_model_type == "llama":
        text = LlamaConfig(**text_kwargs)
    else:
        text = MistralConfig(**text_kwargs, sliding_window=None)
    cfg = LlavaConfig(
        vision_config=vision, text_config=text, image_token_index=image_token_id,
        vision_feature_layer=-2, vision_feature_select_strategy="default",
        projector_hidden_act="gelu", image_seq_length=(spec.image_size // spec.patch_size) ** 2)
    cfg.architectures = ["LlavaForConditionalGeneration"]
    return cfg


def _init_weights(model: torch.nn.Module, seed: int) -> None:
    """Deterministic random weights; std large enough that logits and attention are non-trivial."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if name.endswith("norm.weight") or "layer_norm" in name or "layernorm" in name:
                # Norm gains near 1 (not exactly 1) so the analytic norm gradients are tested.
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name.endswith("bias"):
                p.copy_(0.02 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(0.15 * torch.randn(p.shape, generator=gen))


def build_tiny(name: str, out_dir: str | Path, seed: int = 0) -> Path:
    """Write the tiny checkpoint `name` ("tiny-llama" | "tiny-mistral") to `out_dir`; return it."""
    from transformers import CLIPImageProcessor, LlavaForConditionalGeneration, LlavaProcessor
    from transformers import PreTrainedTokenizerFast

    if name not in TINY_SPECS:
        raise KeyError(f"unknown tiny model {name!r}; expected one of {sorted(TINY_SPECS)}")
    spec = TINY_SPECS[name]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    tok = build_tokenizer(spec)
    image_id = tok.token_to_id(SPECIAL_TOKENS["image"])
    pad_id = tok.token_to_id(SPECIAL_TOKENS["pad"])
    config = build_config(spec, tok.get_vocab_size(), image_id, pad_id)
    torch.manual_seed(seed)
    model = LlavaForConditionalGeneration(config).to(torch.float32).eval()
    _init_weights(model, seed)
    model.save_pretrained(out)

    hf_tok = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        pad_token="<pad>", extra_special_tokens={"image_token": "<image>"},
        model_max_length=spec.max_positions)
    image_processor = CLIPImageProcessor(
        size={"shortest_edge": spec.image_size},
        crop_size={"height": spec.image_size, "width": spec.image_size})
    processor = LlavaProcessor(
        image_processor=image_processor, tokenizer=hf_tok, patch_size=spec.patch_size,
        vision_feature_select_strategy="default", chat_template=LLAVA_CHAT_TEMPLATE,
        num_additional_image_tokens=1)
    processor.save_pretrained(out)
    # Real llava-hf checkpoints also ship a standalone preprocessor_config.json; write it too so
    # the exporter's reader sees the same layout on tiny and real checkpoints.
    image_processor.save_pretrained(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Write tiny random LLaVA checkpoints.")
    parser.add_argument("--name", choices=sorted(TINY_SPECS), required=True)
    parser.add_argument("--out", required=True, help="output checkpoint directory")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(build_tiny(args.name, args.out, args.seed))


if __name__ == "__main__":
    main()
