"""Sampling and rendering Shapes-QA scenes.

A scene is 1–4 objects, each in its own cell of a 3×3 grid, so objects never overlap and every
object's named position is unambiguous. Every (colour, shape) pair occurs at most once, so
templates 3 and 6 always name at most one object.
"""

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from . import grammar


@dataclass(frozen=True)
class SceneObject:
    shape: str  # one of grammar.SHAPES
    color: str  # a key of grammar.COLORS
    size: str  # one of grammar.SIZES
    row: int  # grid row 0..2 (top to bottom)
    col: int  # grid column 0..2 (left to right)
    cx: float  # centre x in pixels
    cy: float  # centre y in pixels
    radius: float  # half the bounding-box side in pixels

    @property
    def position(self) -> str:
        return grammar.POSITIONS[self.row][self.col]


@dataclass(frozen=True)
class Scene:
    size: int  # image side in pixels (square images)
    background: str  # "plain", "noise" or "stripes"
    background_rgb: tuple[int, int, int]  # base background colour
    texture_seed: int  # seeds the background texture so rendering is a pure function
    objects: tuple[SceneObject, ...]  # in generation order

    def left_to_right(self) -> list[SceneObject]:
        """Objects in reading order for template 5: by column, then top to bottom in a column."""
        return sorted(self.objects, key=lambda o: (o.col, o.row))


# Radius as a fraction of the cell side: large objects fill most of their cell, small ones
# about half, so the size difference is obvious at 72 px.
RADIUS_FRACTION = {"small": 0.24, "large": 0.40}


def sample_scene(rng: random.Random, size: int, shapes: list[str] | None = None) -> Scene:
    """Draw a random scene. `shapes` fixes the objects' shapes (colours stay random and every
    (colour, shape) pair distinct); None draws 1–4 objects with random pairs."""
    assert size % 3 == 0, f"image size must be divisible by 3 (3×3 grid), found {size}"
    if shapes is None:
        n = rng.randint(grammar.MIN_OBJECTS, grammar.MAX_OBJECTS)
        pairs = rng.sample([(c, s) for c in grammar.COLORS for s in grammar.SHAPES], n)
    else:
        n = len(shapes)
        pairs = []
        for s in shapes:
            used = {c for c, s2 in pairs if s2 == s}
            pairs.append((rng.choice([c for c in grammar.COLORS if c not in used]), s))
    assert grammar.MIN_OBJECTS <= n <= grammar.MAX_OBJECTS, f"expected 1..4 objects, found {n}"
    cell = size / 3
    cells = rng.sample(range(9), n)
    objects = []
    for cell_index, (color, shape) in zip(cells, pairs):
        row, col = divmod(cell_index, 3)
        obj_size = rng.choice(grammar.SIZES)
        radius = RADIUS_FRACTION[obj_size] * cell
        # Jitter keeps the whole object (plus a 1 px margin) inside its cell.
        slack = max(0.0, cell / 2 - radius - 1)
        cx = (col + 0.5) * cell + rng.uniform(-slack, slack)
        cy = (row + 0.5) * cell + rng.uniform(-slack, slack)
        objects.append(SceneObject(shape, color, obj_size, row, col, cx, cy, radius))
    background = rng.choice(("plain", "noise", "stripes"))
    base = tuple(rng.randint(215, 250) for _ in range(3))
    return Scene(size, background, base, rng.randrange(2**31), tuple(objects))


def _polygon(obj: SceneObject) -> list[tuple[float, float]] | None:
    """Vertices for polygonal shapes; None for the circle (drawn as an ellipse)."""
    x, y, r = obj.cx, obj.cy, obj.radius
    if obj.shape == "square":
        return [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    if obj.shape == "triangle":
        return [(x, y - r), (x + r, y + r), (x - r, y + r)]
    if obj.shape == "star":
        pts = []
        for k in range(10):
            rad = r if k % 2 == 0 else r * 0.45
            ang = -math.pi / 2 + k * math.pi / 5
            pts.append((x + rad * math.cos(ang), y + rad * math.sin(ang)))
        return pts
    assert obj.shape == "circle", f"unknown shape {obj.shape!r}"
    return None


def render_mask(obj: SceneObject, size: int) -> np.ndarray:
    """Binary mask (H×W bool) of exactly the pixels the object paints."""
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    poly = _polygon(obj)
    if poly is None:
        draw.ellipse([obj.cx - obj.radius, obj.cy - obj.radius, obj.cx + obj.radius, obj.cy + obj.radius], fill=255)
    else:
        draw.polygon(poly, fill=255)
    return np.asarray(mask) > 0


def _background(scene: Scene) -> np.ndarray:
    rng = np.random.default_rng(scene.texture_seed)
    img = np.empty((scene.size, scene.size, 3), dtype=np.float32)
    img[:] = scene.background_rgb
    if scene.background == "noise":
        img += rng.normal(0, 6, size=img.shape)
    elif scene.background == "stripes":
        period = rng.integers(6, 14)
        phase = np.arange(scene.size)[:, None] + np.arange(scene.size)[None, :] * rng.choice([-1, 0, 1])
        img += (8 * (np.sin(2 * np.pi * phase / period) > 0) - 4)[..., None]
    return np.clip(img, 180, 255).astype(np.uint8)


def render(scene: Scene) -> tuple[np.ndarray, list[np.ndarray]]:
    """The RGB image (H×W×3 uint8) and one binary mask per object, in scene.objects order."""
    img = _background(scene)
    masks = []
    for obj in scene.objects:
        mask = render_mask(obj, scene.size)
        img[mask] = grammar.COLORS[obj.color]
        masks.append(mask)
    return img, masks
