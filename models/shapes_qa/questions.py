"""The six Shapes-QA question templates (DESIGN §5), with their grounded answer words.

Each template returns a `QA` or None when the scene does not meet its uniqueness condition.
Answers are built as word lists so the grounded words' indices are known by construction,
not recovered by string search.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from . import grammar
from .scene import Scene


@dataclass
class Region:
    words: list[str]  # the grounded answer words, in answer order
    indices: list[int]  # their positions in grammar.split_words(answer)
    objects: list[int]  # indices into scene.objects whose union is the region's mask


@dataclass
class QA:
    template: int  # 1..6, DESIGN §5 numbering
    prompt: str  # the question
    answer: str  # the exact expected answer
    regions: list[Region] = field(default_factory=list)


class _AnswerBuilder:
    """Accumulates answer words and records which ones are grounded in which objects."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.regions: list[Region] = []

    def text(self, *words: str) -> None:
        for w in words:
            self.words.extend(grammar.split_words(w))

    def grounded(self, objects: list[int], *words: str) -> None:
        """Append grounded words; words grounded in the same objects share one region (one mask)."""
        start = len(self.words)
        self.text(*words)
        idx = list(range(start, len(self.words)))
        for region in self.regions:
            if region.objects == objects:
                region.words += self.words[start:]
                region.indices += idx
                return
        self.regions.append(Region(self.words[start:], idx, objects))

    def answer(self) -> tuple[str, list[Region]]:
        text = " ".join(self.words)
        for p in (".", ",", "?"):
            text = text.replace(" " + p, p)
        return text, self.regions


def color_of_shape(scene: Scene, rng: random.Random) -> QA | None:
    counts = Counter(o.shape for o in scene.objects)
    unique = [i for i, o in enumerate(scene.objects) if counts[o.shape] == 1]
    if not unique:
        return None
    i = rng.choice(unique)
    o = scene.objects[i]
    b = _AnswerBuilder()
    b.text("The")
    b.grounded([i], o.shape)
    b.text("is")
    b.grounded([i], o.color)
    b.text(".")
    return QA(1, f"What color is the {o.shape}?", *b.answer())


def shape_of_color(scene: Scene, rng: random.Random) -> QA | None:
    counts = Counter(o.color for o in scene.objects)
    unique = [i for i, o in enumerate(scene.objects) if counts[o.color] == 1]
    if not unique:
        return None
    i = rng.choice(unique)
    o = scene.objects[i]
    b = _AnswerBuilder()
    b.text("The")
    b.grounded([i], o.color)
    b.text("object is a")
    b.grounded([i], o.shape)
    b.text(".")
    return QA(2, f"What shape is the {o.color} object?", *b.answer())


def where(scene: Scene, rng: random.Random, among: list[int] | None = None) -> QA | None:
    """`among` narrows which objects may be asked about (a trainer's choice; the generator never
    passes it, so its random stream and splits are unchanged)."""
    i = rng.randrange(len(scene.objects)) if among is None else rng.choice(among)
    o = scene.objects[i]
    b = _AnswerBuilder()
    b.text("The")
    b.grounded([i], o.color, o.shape)
    b.text("is at the")
    b.grounded([i], o.position)
    b.text(".")
    return QA(3, f"Where is the {o.color} {o.shape}?", *b.answer())


def count(scene: Scene, rng: random.Random) -> QA | None:
    # Only shapes present in the scene: the grammar's numbers start at one.
    shape = rng.choice(sorted({o.shape for o in scene.objects}))
    members = [i for i, o in enumerate(scene.objects) if o.shape == shape]
    n = len(members)
    b = _AnswerBuilder()
    if n == 1:
        b.text("There is")
        b.grounded(members, "one", shape)
    else:
        b.text("There are")
        b.grounded(members, grammar.NUMBER_WORDS[n - 1], grammar.plural(shape))
    b.text(".")
    return QA(4, f"How many {grammar.plural(shape)} are there?", *b.answer())


def describe(scene: Scene, rng: random.Random) -> QA | None:
    """All objects left to right: "A red circle, a blue star and a green square." """
    order = sorted(range(len(scene.objects)), key=lambda i: (scene.objects[i].col, scene.objects[i].row))
    b = _AnswerBuilder()
    for k, i in enumerate(order):
        o = scene.objects[i]
        if k == 0:
            b.text("A")
        elif k == len(order) - 1:
            b.text("and a")
        else:
            b.text(", a")
        b.grounded([i], o.color, o.shape)
    b.text(".")
    return QA(5, "Describe the image.", *b.answer())


def exists(scene: Scene, rng: random.Random, negatives: Callable[[str, str], bool] | None = None) -> QA | None:
    """`negatives` narrows which absent (colour, shape) pairs a "No" answer may name (a trainer's
    choice; the generator never passes it). When none qualifies, any absent pair is used."""
    present = {(o.color, o.shape): i for i, o in enumerate(scene.objects)}
    b = _AnswerBuilder()
    if rng.random() < 0.5:
        (color, shape), i = rng.choice(sorted(present.items()))
        b.text("Yes, there is a")
        b.grounded([i], color, shape)
    else:
        absent = [(c, s) for c in grammar.COLORS for s in grammar.SHAPES if (c, s) not in present]
        if negatives is not None:
            absent = [(c, s) for c, s in absent if negatives(c, s)] or absent
        color, shape = rng.choice(absent)
        # The words name no present object, so they are linguistic (no region).
        b.text("No, there is no", color, shape)
    b.text(".")
    return QA(6, f"Is there a {color} {shape}?", *b.answer())


TEMPLATES = {1: color_of_shape, 2: shape_of_color, 3: where, 4: count, 5: describe, 6: exists}


def ask(scene: Scene, template: int, rng: random.Random) -> QA | None:
    assert template in TEMPLATES, f"expected a template id in 1..6, found {template}"
    return TEMPLATES[template](scene, rng)
