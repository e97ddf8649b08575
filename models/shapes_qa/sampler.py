"""Deterministic stream of (scene, question) samples with balanced templates."""

import random
from collections.abc import Iterator
from dataclasses import dataclass

from . import grammar
from .questions import QA, ask
from .scene import Scene, sample_scene


@dataclass
class Sample:
    index: int  # position in the stream
    scene: Scene  # what the image shows
    qa: QA  # the question asked about it


def _scene_for(template: int, rng: random.Random, size: int) -> Scene:
    if template == 4:
        # Uniform random scenes almost never hold three or four of one shape; draw the count
        # first so every number word is well represented.
        shape = rng.choice(grammar.SHAPES)
        n = rng.randint(1, grammar.MAX_OBJECTS)
        others = [s for s in grammar.SHAPES if s != shape]
        extra = [rng.choice(others) for _ in range(rng.randint(0, grammar.MAX_OBJECTS - n))]
        shapes = [shape] * n + extra
        rng.shuffle(shapes)
        return sample_scene(rng, size, shapes)
    return sample_scene(rng, size)


def sample(rng: random.Random, template: int, size: int, index: int = 0) -> Sample:
    """One sample for `template`, redrawing scenes until its uniqueness condition holds."""
    for _ in range(1000):
        scene = _scene_for(template, rng, size)
        qa = ask(scene, template, rng)
        if qa is not None:
            return Sample(index, scene, qa)
    raise RuntimeError(f"template {template}: no valid scene in 1000 draws")


def stream(seed: int, size: int, n: int | None = None, templates: tuple[int, ...] = (1, 2, 3, 4, 5, 6)) -> Iterator[Sample]:
    """`n` samples (endless when None); templates cycle so their counts differ by at most one."""
    rng = random.Random(seed)
    k = 0
    while n is None or k < n:
        yield sample(rng, templates[k % len(templates)], size, k)
        k += 1
