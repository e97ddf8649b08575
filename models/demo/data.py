"""Turning Shapes-QA samples into training batches for the demo model.

Sequence layout (LLaVA-1.5 prompt, one image): <s> USER : <image>×N {prompt} ASSISTANT : {answer} </s>
Training packs several questions about the same image as a LLaVA-style multi-turn conversation,
"... ASSISTANT: {a1}</s>USER: {q2} ASSISTANT: {a2}</s>...": the 81 image tokens are paid once
for up to six answers (about 3× more supervision per CPU second). The first turn is exactly the
inference format. Only answer tokens and their </s> carry loss (targets are -100 elsewhere).
"""

import random
from functools import lru_cache

import numpy as np
import torch
from tokenizers import Tokenizer

from models.demo.aux import PatchGrid, patch_targets
from models.demo.tokenizer import EOS, IMAGE, PAD
from models.shapes_qa.questions import ask
from models.shapes_qa.sampler import Sample, sample
from models.shapes_qa.scene import render, sample_scene
from models.tiny import PROMPT_TEMPLATE

IGNORE = -100  # cross-entropy ignore index for non-answer positions


class Encoder:
    """Caches token ids per distinct prompt/answer string (the grammar has few of them)."""

    def __init__(self, tok: Tokenizer, num_image_tokens: int) -> None:
        self.tok = tok
        self.num_image_tokens = num_image_tokens
        self.image_id = tok.token_to_id(IMAGE)
        self.eos_id = tok.token_to_id(EOS)
        self.pad_id = tok.token_to_id(PAD)
        self.prompt_ids = lru_cache(maxsize=None)(self._prompt_ids)
        self.answer_ids = lru_cache(maxsize=None)(self._answer_ids)
        self.turn_ids = lru_cache(maxsize=None)(self._turn_ids)

    def _prompt_ids(self, prompt: str) -> tuple[int, ...]:
        ids = self.tok.encode(PROMPT_TEMPLATE.format(prompt=prompt)).ids
        assert ids.count(self.image_id) == 1, f"expected one {IMAGE} in the prompt, found {ids}"
        k = ids.index(self.image_id)
        return tuple(ids[:k] + [self.image_id] * self.num_image_tokens + ids[k + 1:])

    def _turn_ids(self, prompt: str) -> tuple[int, ...]:
        """A follow-up turn: "USER: {prompt} ASSISTANT:" with no <s> and no image."""
        follow = PROMPT_TEMPLATE.replace("<image>\n", "").format(prompt=prompt)
        return tuple(self.tok.encode(follow, add_special_tokens=False).ids)

    def _answer_ids(self, answer: str) -> tuple[int, ...]:
        return tuple(self.tok.encode(answer, add_special_tokens=False).ids) + (self.eos_id,)


def pixel_values(img: np.ndarray) -> torch.Tensor:
    """uint8 H×W×3 → 3×H×W in [-1, 1], identical to the saved CLIPImageProcessor (mean=std=0.5)."""
    return (torch.from_numpy(img).permute(2, 0, 1).float() / 255.0 - 0.5) / 0.5


def collate(samples: list[Sample], enc: Encoder, extra: list[list] | None = None,
            grid: PatchGrid | None = None) -> dict[str, torch.Tensor]:
    """Right-padded batch with input_ids, attention_mask, pixel_values and answer-only targets.

    `extra[i]` lists follow-up QAs about sample i's image, appended as further turns. With a
    `grid`, "patch_targets" (B, N, attributes) holds the auxiliary per-patch labels (models/demo/aux.py).
    """
    seqs, targets = [], []
    for i, s in enumerate(samples):
        p, a = enc.prompt_ids(s.qa.prompt), enc.answer_ids(s.qa.answer)
        seq, tgt = p + a, (IGNORE,) * len(p) + a
        for qa in extra[i] if extra else []:
            p, a = enc.turn_ids(qa.prompt), enc.answer_ids(qa.answer)
            seq, tgt = seq + p + a, tgt + (IGNORE,) * len(p) + a
        seqs.append(seq)
        targets.append(tgt)
    width = max(len(x) for x in seqs)
    ids = torch.full((len(seqs), width), enc.pad_id)
    tgt = torch.full((len(seqs), width), IGNORE)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, (x, t) in enumerate(zip(seqs, targets)):
        ids[i, : len(x)] = torch.tensor(x)
        tgt[i, : len(t)] = torch.tensor(t)
        mask[i, : len(x)] = 1
    rendered = [render(s.scene) for s in samples]
    batch = {"input_ids": ids, "attention_mask": mask, "targets": tgt,
             "pixel_values": torch.stack([pixel_values(img) for img, _ in rendered])}
    if grid is not None:
        batch["patch_targets"] = torch.from_numpy(
            np.stack([patch_targets(s.scene, masks, grid) for s, (_, masks) in zip(samples, rendered)]))
    return batch


def patch_batches(seed: int, batch_size: int, grid: PatchGrid):
    """Endless (pixel_values, patch_targets) batches of random scenes for the vision-only stage."""
    rng = random.Random(seed)
    while True:
        scenes = [sample_scene(rng, grid.image_size) for _ in range(batch_size)]
        rendered = [render(sc) for sc in scenes]
        yield {"pixel_values": torch.stack([pixel_values(img) for img, _ in rendered]),
               "patch_targets": torch.from_numpy(np.stack([patch_targets(sc, m, grid) for sc, (_, m) in zip(scenes, rendered)]))}


def batches(seed: int, batch_size: int, size: int, weights: dict[int, float], enc: Encoder, turns: int = 1,
            grid: PatchGrid | None = None):
    """Endless batches of `batch_size` images. Each image's first question has a template drawn
    with the given relative weights; up to `turns - 1` follow-ups use the other templates that
    apply to the scene, in random order."""
    rng = random.Random(seed)
    templates, w = list(weights), list(weights.values())
    k = 0
    while True:
        chunk, extra = [], []
        for _ in range(batch_size):
            first = sample(rng, rng.choices(templates, w)[0], size, k)
            others = [t for t in templates if t != first.qa.template]
            rng.shuffle(others)
            follow = [qa for t in others if (qa := ask(first.scene, t, rng)) is not None]
            chunk.append(first)
            extra.append(follow[: turns - 1])
            k += 1
        yield collate(chunk, enc, extra, grid)
