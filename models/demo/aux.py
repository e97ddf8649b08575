"""Dense auxiliary supervision of the image tokens, used only while training the demo model.

Answer tokens give the vision tower a sparse, slow signal: a from-scratch CLIP tower learns
colours quickly but shapes and positions only after tens of thousands of questions (run log in
models/README.md). Here every image token is also asked, through a linear probe on the
projector's output (the rows the LM reads), what its own patch shows: background or object, and
for object patches that object's colour, shape, size, grid row and column, how many objects of
its shape the scene holds and its rank in the template-5 reading order. Targets are per patch, so
an object's attributes live on the tokens that cover it (the property DEX-AR's maps are scored
on), not spread over the image. The probe is discarded after training; the checkpoint is a
plain LlavaForConditionalGeneration.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from models.shapes_qa import grammar
from models.shapes_qa.scene import Scene

IGNORE = -100

# (name, number of classes); the order is the column order of the target matrix.
ATTRIBUTES = (
    ("object", 2),
    ("color", len(grammar.COLORS)),
    ("shape", len(grammar.SHAPES)),
    ("size", len(grammar.SIZES)),
    ("row", 3),
    ("col", 3),
    ("same_shape", grammar.MAX_OBJECTS),
    ("rank", grammar.MAX_OBJECTS),
    ("objects", grammar.MAX_OBJECTS),
)

COLOR_IDS = {c: i for i, c in enumerate(grammar.COLORS)}


@dataclass(frozen=True)
class PatchGrid:
    image_size: int  # px, square
    patch_size: int  # px; the grid is (image_size / patch_size)²

    @property
    def side(self) -> int:
        return self.image_size // self.patch_size


def patch_cover(mask: np.ndarray, grid: PatchGrid) -> np.ndarray:
    """(N,) fraction of each patch a binary image mask covers, row-major over the patch grid."""
    n, p = grid.side, grid.patch_size
    return mask.reshape(n, p, n, p).mean(axis=(1, 3)).reshape(-1)


def patch_targets(scene: Scene, masks: list[np.ndarray], grid: PatchGrid, min_cover: float = 0.2) -> np.ndarray:
    """(N, len(ATTRIBUTES)) int64 targets, row-major over the patch grid.

    A patch belongs to the object covering most of it when that cover is ≥ `min_cover`; each
    object also owns its best-covered patch, so a small object is never left without tokens.
    Object attributes are IGNORE on background patches.
    """
    assert scene.size == grid.image_size, f"scene is {scene.size} px, grid expects {grid.image_size}"
    cover = np.stack([patch_cover(m, grid) for m in masks])  # (objects, N)
    owner = np.where(cover.max(axis=0) >= min_cover, cover.argmax(axis=0), -1)
    for k in range(len(masks)):
        owner[cover[k].argmax()] = k
    order = sorted(range(len(scene.objects)), key=lambda i: (scene.objects[i].col, scene.objects[i].row))
    rank = {i: r for r, i in enumerate(order)}
    out = np.full((cover.shape[1], len(ATTRIBUTES)), IGNORE, dtype=np.int64)
    out[:, 0] = owner >= 0
    for j in np.flatnonzero(owner >= 0):
        k = int(owner[j])
        o = scene.objects[k]
        same = sum(1 for q in scene.objects if q.shape == o.shape)
        out[j, 1:] = (COLOR_IDS[o.color], grammar.SHAPES.index(o.shape), grammar.SIZES.index(o.size),
                      o.row, o.col, same - 1, rank[k], len(scene.objects) - 1)
    return out


class PatchProbe(nn.Module):
    """One linear map from an image token to every attribute's logits."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.sizes = [k for _, k in ATTRIBUTES]
        self.linear = nn.Linear(width, sum(self.sizes))

    def _split(self, tokens: torch.Tensor, targets: torch.Tensor):
        logits = self.linear(tokens).reshape(-1, sum(self.sizes)).split(self.sizes, dim=-1)
        return logits, targets.reshape(-1, len(self.sizes))

    def loss(self, tokens: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean over attributes of the cross-entropy on the patches where each one is defined."""
        logits, flat = self._split(tokens, targets)
        losses = [nn.functional.cross_entropy(lg, flat[:, a], ignore_index=IGNORE) for a, lg in enumerate(logits)]
        return torch.stack(losses).mean()

    @torch.no_grad()
    def accuracy(self, tokens: torch.Tensor, targets: torch.Tensor) -> dict[str, float]:
        """Per-attribute accuracy on the patches where it is defined (a training diagnostic)."""
        logits, flat = self._split(tokens, targets)
        out = {}
        for a, ((name, _), lg) in enumerate(zip(ATTRIBUTES, logits)):
            keep = flat[:, a] != IGNORE
            out[name] = round(float((lg[keep].argmax(-1) == flat[keep, a]).float().mean()), 3)
        return out


def capture_output(module: nn.Module, key: str) -> dict[str, torch.Tensor]:
    """Keep `module`'s latest forward output in the returned dict under `key`."""
    box: dict[str, torch.Tensor] = {}
    module.register_forward_hook(lambda _m, _i, out: box.__setitem__(key, out))
    return box


def capture_projector(model) -> dict[str, torch.Tensor]:
    """Keep the projector's latest output (B, N, d) in the returned dict under "tokens"."""
    return capture_output(model.model.multi_modal_projector, "tokens")
