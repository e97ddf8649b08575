"""Turning Shapes-QA samples into training batches for the demo model.

Sequence layout (LLaVA-1.5 prompt, one image): <s> USER : <image>×N {prompt} ASSISTANT : {answer} </s>
Training packs up to six questions about the same image into one row: the image prefix
"<s> USER : <image>×N" is paid once, and each "{prompt} ASSISTANT : {answer} </s>" turn attends
only to the prefix and itself, at inference positions (see `collate`), so every turn is exactly
the inference format (about 3× more supervision per CPU second). Only answer tokens and their
</s> carry loss (targets are -100 elsewhere).
"""

import random
from functools import lru_cache

import numpy as np
import torch
from tokenizers import Tokenizer

from models.demo.aux import PatchGrid, patch_targets
from models.demo.binding import CONFUSABLE
from models.demo.grounding import region_inside, region_patches
from models.demo.presence_probe import presence_targets
from models.demo.tokenizer import EOS, IMAGE, PAD
from models.shapes_qa.questions import QA, ask
from models.shapes_qa.sampler import Sample, sample
from models.shapes_qa.scene import Scene, render, sample_scene
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
        self.image_prefix = lru_cache(maxsize=None)(self._image_prefix)

    def _prompt_ids(self, prompt: str) -> tuple[int, ...]:
        ids = self.tok.encode(PROMPT_TEMPLATE.format(prompt=prompt)).ids
        assert ids.count(self.image_id) == 1, f"expected one {IMAGE} in the prompt, found {ids}"
        k = ids.index(self.image_id)
        return tuple(ids[:k] + [self.image_id] * self.num_image_tokens + ids[k + 1:])

    def _image_prefix(self, prompt: str) -> tuple[int, ...]:
        """The prompt ids up to the last image token: the same for every question."""
        ids = self.prompt_ids(prompt)
        return ids[: ids.index(self.image_id) + self.num_image_tokens]

    @property
    def image_span(self) -> slice:
        """Positions of the image tokens, the same in every sequence (they follow one fixed prefix)."""
        end = len(self.image_prefix(""))
        return slice(end - self.num_image_tokens, end)

    def _answer_ids(self, answer: str) -> tuple[int, ...]:
        return tuple(self.tok.encode(answer, add_special_tokens=False).ids) + (self.eos_id,)


def pixel_values(img: np.ndarray) -> torch.Tensor:
    """uint8 H×W×3 → 3×H×W in [-1, 1], identical to the saved CLIPImageProcessor (mean=std=0.5)."""
    return (torch.from_numpy(img).permute(2, 0, 1).float() / 255.0 - 0.5) / 0.5


def collate(samples: list[Sample], enc: Encoder, extra: list[list] | None = None,
            grid: PatchGrid | None = None) -> dict[str, torch.Tensor]:
    """Right-padded batch: input_ids, attention_mask (B, T), pixel_values, answer-only targets,
    and for packed turns position_ids (B, T) and turn_mask (B, 1, T, T).

    `extra[i]` lists follow-up QAs about sample i's image. They share the image prefix
    "<s> USER: <image>×N" and each turn "{prompt} ASSISTANT: {answer}</s>" attends only to that
    prefix and itself, at the positions inference uses: every turn is exactly a single-turn
    inference sequence, and no answer can be read off an earlier turn's text (a describe answer
    names every object, which would teach lookups in the conversation instead of the image).
    With a `grid`, "patch_targets" (B, N, attributes) holds the per-patch labels (models/demo/aux.py),
    and "presence_rows" (K, 2: sequence, row) / "presence_targets" (K, 3) the "exists" turns' answering
    rows and their labels (models/demo/presence_probe.py), and "ground_rows" (K, 2) / "ground_ids" (K,) /
    "ground_inside" (K, N) every grounded answer token's predicting row, id and region patches
    (models/demo/grounding.py).
    """
    seqs, targets, segments, positions = [], [], [], []
    presence_rows, presence = [], []
    ground_rows, ground_ids, ground_inside = [], [], []
    rendered = [render(s.scene) for s in samples]
    insides = [region_inside(masks, grid) for _, masks in rendered] if grid is not None else []
    for i, s in enumerate(samples):
        qas = [s.qa, *(extra[i] if extra else [])]
        prefix = enc.image_prefix(s.qa.prompt)
        seq, tgt = list(prefix), [IGNORE] * len(prefix)
        seg, pos = [0] * len(prefix), list(range(len(prefix)))
        for k, qa in enumerate(qas, start=1):
            p, a = enc.prompt_ids(qa.prompt)[len(prefix):], enc.answer_ids(qa.answer)
            if (labels := presence_targets(qa, s.scene)) is not None:
                presence_rows.append((i, len(seq) + len(p) - 1))  # the row that predicts the first answer word
                presence.append(labels)
            if grid is not None:
                for w, inside in region_patches(qa, insides[i]):
                    ground_rows.append((i, len(seq) + len(p) + w - 1))  # the word-level tokenizer: word w is token w
                    ground_ids.append(a[w])
                    ground_inside.append(inside)
            seq += p + a
            tgt += [IGNORE] * len(p) + list(a)
            seg += [k] * (len(p) + len(a))
            pos += range(len(prefix), len(prefix) + len(p) + len(a))
        seqs.append(seq)
        targets.append(tgt)
        segments.append(seg)
        positions.append(pos)
    width = max(len(x) for x in seqs)
    ids = torch.full((len(seqs), width), enc.pad_id)
    tgt = torch.full((len(seqs), width), IGNORE)
    seg = torch.full((len(seqs), width), -1)
    pos = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, (x, t, g, q) in enumerate(zip(seqs, targets, segments, positions)):
        ids[i, : len(x)] = torch.tensor(x)
        tgt[i, : len(t)] = torch.tensor(t)
        seg[i, : len(g)] = torch.tensor(g)
        pos[i, : len(q)] = torch.tensor(q)
    row, col = seg[:, :, None], seg[:, None, :]
    causal = torch.ones(width, width, dtype=torch.bool).tril()
    # A token sees the image prefix and its own turn, causally; padding sees only itself.
    allowed = causal & ((col == 0) | (col == row)) & (col >= 0) | torch.eye(width, dtype=torch.bool)
    turn_mask = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)[:, None]
    batch = {"input_ids": ids, "attention_mask": (seg >= 0).long(), "targets": tgt,
             "position_ids": pos, "turn_mask": turn_mask,
             "pixel_values": torch.stack([pixel_values(img) for img, _ in rendered])}
    if grid is not None:
        batch["patch_targets"] = torch.from_numpy(
            np.stack([patch_targets(s.scene, masks, grid) for s, (_, masks) in zip(samples, rendered)]))
        batch["presence_rows"] = torch.tensor(presence_rows, dtype=torch.long).reshape(-1, 2)
        batch["presence_targets"] = torch.tensor(presence, dtype=torch.long).reshape(-1, 3)
        batch["ground_rows"] = torch.tensor(ground_rows, dtype=torch.long).reshape(-1, 2)
        batch["ground_ids"] = torch.tensor(ground_ids, dtype=torch.long)
        batch["ground_inside"] = torch.from_numpy(np.array(ground_inside, dtype=bool).reshape(-1, grid.side ** 2))
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
            grid: PatchGrid | None = None, binding: float = 0.0, hard: int = 0):
    """Endless batches of `batch_size` images. Each image's first question has a template drawn
    with the given relative weights; up to `turns - 1` follow-ups use the other templates that
    apply to the scene, in random order. With probability `binding` a follow-up "where" or
    "exists" asks about a confusable case instead (models/demo/binding.py). `hard` of the
    follow-up turns are extra "where" and "exists" questions (alternating) in place of the last
    of the others, at the same sequence length or shorter. With both at 0 the random stream is
    the one earlier recipes trained on."""
    rng = random.Random(seed)
    templates, w = list(weights), list(weights.values())
    k = 0
    while True:
        chunk, extra = [], []
        for _ in range(batch_size):
            first = sample(rng, rng.choices(templates, w)[0], size, k)
            chunk.append(first)
            extra.append(follow_ups(first, templates, turns - 1, rng, binding, hard))
            k += 1
        yield collate(chunk, enc, extra, grid)


HARD = (3, 6)  # "where" and "exists": the templates that need colour and shape bound to one object


def follow_ups(first: Sample, templates: list[int], n: int, rng: random.Random, binding: float, hard: int) -> list[QA]:
    """Up to `n` more questions about `first`'s scene: the other templates in random order, the
    last `hard` of them replaced by extra "where" / "exists" questions (alternating)."""
    others = [t for t in templates if t != first.qa.template]
    rng.shuffle(others)
    follow = [qa for t in others if (qa := follow_up(first.scene, t, rng, binding)) is not None]
    keep = max(0, n - hard)
    return follow[:keep] + [follow_up(first.scene, HARD[i % 2], rng, binding) for i in range(n - keep)]


def follow_up(scene: Scene, template: int, rng: random.Random, binding: float):
    """One follow-up question; a confusable one with probability `binding` where one exists."""
    if binding > 0 and template in CONFUSABLE and rng.random() < binding:
        qa = CONFUSABLE[template](scene, rng)
        if qa is not None:
            return qa
    return ask(scene, template, rng)
