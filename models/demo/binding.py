"""Training-only question choices that force colour-shape binding.

The held-out split showed the demo model answering template 6 by the shape alone ("Is there a
purple star?" → "Yes" whenever any star is present: 8% right on such questions, 100% when the
shape is absent) and template 3 by whichever attribute matches first (about 50% right when
another object shares the colour or the shape, 100% otherwise). Under the generator's uniform
choices those shortcuts are right most of the time, so training rarely corrects them. These
samplers ask the same grammar about the confusable cases: a "where" question about an object
that shares its colour or shape with another, an "exists" question whose "No" names an absent
pair whose colour or shape is present. Answers and grounding come from models/shapes_qa, so the
supervision is the generator's own.
"""

import random

from models.shapes_qa.questions import QA, exists, where
from models.shapes_qa.scene import Scene


def confusable_where(scene: Scene, rng: random.Random) -> QA | None:
    """A "where" question about an object another object resembles by colour or by shape."""
    objs = scene.objects
    among = [i for i, o in enumerate(objs)
             if any(p.color == o.color or p.shape == o.shape for j, p in enumerate(objs) if j != i)]
    return where(scene, rng, among) if among else None


def confusable_exists(scene: Scene, rng: random.Random) -> QA | None:
    """An "exists" question; a "No" names an absent pair sharing its colour or shape with an object."""
    objs = scene.objects
    return exists(scene, rng, lambda c, s: any(o.color == c or o.shape == s for o in objs))


CONFUSABLE = {3: confusable_where, 6: confusable_exists}
