"""shapes_qa: generator invariants (DESIGN §5)."""

import json
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.shapes_qa import grammar
from models.shapes_qa.dataset import write_dataset
from models.shapes_qa.sampler import stream
from models.shapes_qa.scene import render

N = 240  # 40 per template: enough for every answer form to appear


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("sqa")
    write_dataset(out, N, seed=11, size=72)
    rows = [json.loads(line) for line in (out / "annotations.jsonl").read_text().splitlines()]
    return out, rows


def _load_mask(root: Path, rel: str) -> np.ndarray:
    m = np.asarray(Image.open(root / rel))
    assert m.ndim == 2 and set(np.unique(m)) <= {0, 255}, f"{rel}: expected a binary L mask"
    return m > 0


def _cell_of(mask: np.ndarray, size: int) -> tuple[int, int]:
    ys, xs = np.nonzero(mask)
    cell = size / 3
    rows, cols = set((ys // cell).astype(int)), set((xs // cell).astype(int))
    assert len(rows) == 1 and len(cols) == 1, f"object spans cells rows={rows} cols={cols}"
    return rows.pop(), cols.pop()


def test_shapes_qa_masks_match_drawn_objects(dataset):
    root, rows = dataset
    for row in rows:
        img = np.asarray(Image.open(root / row["image"]).convert("RGB"))
        union = np.zeros(img.shape[:2], bool)
        for obj in row["objects"]:
            mask = _load_mask(root, obj["mask"])
            assert mask.sum() > 10, f"{row['id']}: object mask nearly empty"
            assert not (mask & union).any(), f"{row['id']}: objects overlap"
            union |= mask
            # Every masked pixel carries the object's colour ...
            assert (img[mask] == grammar.COLORS[obj["color"]]).all(), f"{row['id']}: mask/colour mismatch"
            # ... and the mask lies in the cell its position word names.
            r, c = _cell_of(mask, img.shape[0])
            assert grammar.POSITIONS[r][c] == obj["position"], f"{row['id']}: position {obj['position']} vs cell {(r, c)}"
        # No object colour outside the masks: nothing was drawn that is not annotated.
        for rgb in grammar.COLORS.values():
            assert not (img[~union] == rgb).all(-1).any(), f"{row['id']}: object colour outside masks"


def _expected_answer(row: dict) -> str:
    """Recompute the answer from the scene objects and the question alone."""
    objs, q = row["objects"], row["prompt"]
    t = row["template"]
    if t == 1:
        shape = re.fullmatch(r"What color is the (\w+)\?", q).group(1)
        matches = [o for o in objs if o["shape"] == shape]
        assert len(matches) == 1, f"{row['id']}: template 1 needs a unique shape"
        return f"The {shape} is {matches[0]['color']}."
    if t == 2:
        color = re.fullmatch(r"What shape is the (\w+) object\?", q).group(1)
        matches = [o for o in objs if o["color"] == color]
        assert len(matches) == 1, f"{row['id']}: template 2 needs a unique colour"
        return f"The {color} object is a {matches[0]['shape']}."
    if t == 3:
        color, shape = re.fullmatch(r"Where is the (\w+) (\w+)\?", q).groups()
        (o,) = [o for o in objs if (o["color"], o["shape"]) == (color, shape)]
        return f"The {color} {shape} is at the {o['position']}."
    if t == 4:
        shape = re.fullmatch(r"How many (\w+)s are there\?", q).group(1)
        n = sum(o["shape"] == shape for o in objs)
        return f"There is one {shape}." if n == 1 else f"There are {grammar.NUMBER_WORDS[n - 1]} {shape}s."
    if t == 5:
        assert q == "Describe the image."
        parts = [f"{o['color']} {o['shape']}" for o in sorted(objs, key=lambda o: (o["col"], o["row"]))]
        text = "A " + parts[0]
        if len(parts) > 1:
            text += "".join(", a " + p for p in parts[1:-1]) + " and a " + parts[-1]
        return text + "."
    color, shape = re.fullmatch(r"Is there a (\w+) (\w+)\?", q).groups()
    if any((o["color"], o["shape"]) == (color, shape) for o in objs):
        return f"Yes, there is a {color} {shape}."
    return f"No, there is no {color} {shape}."


def test_shapes_qa_answers_consistent_with_scene(dataset):
    _, rows = dataset
    for row in rows:
        assert row["answer"] == _expected_answer(row), row["id"]
        assert 1 <= len(row["objects"]) <= 4
        pairs = [(o["color"], o["shape"]) for o in row["objects"]]
        assert len(set(pairs)) == len(pairs), f"{row['id']}: repeated colour+shape pair"


def test_shapes_qa_regions_ground_the_right_words(dataset):
    root, rows = dataset
    for row in rows:
        words = row["answer_words"]
        assert words == grammar.split_words(row["answer"])
        for region in row["regions"]:
            assert [words[i] for i in region["indices"]] == region["words"], row["id"]
            mask = _load_mask(root, region["mask"])
            if row["template"] != 4:
                # The region's colour and shape words must pick out exactly one object: its mask.
                colors = [w for w in region["words"] if w in grammar.COLORS]
                shapes = [w for w in region["words"] if w in grammar.SHAPES]
                assert len(colors) == 1 and len(shapes) == 1, f"{row['id']}: region {region['words']}"
                named = [o for o in row["objects"] if (o["color"], o["shape"]) == (colors[0], shapes[0])]
                assert len(named) == 1, f"{row['id']}: region {region['words']} names {len(named)} objects"
                expected = _load_mask(root, named[0]["mask"])
            else:
                shape = region["words"][-1].removesuffix("s")
                expected = np.any([_load_mask(root, o["mask"]) for o in row["objects"] if o["shape"] == shape], axis=0)
            assert (mask == expected).all(), f"{row['id']}: region mask is not its objects' mask"
        if row["answer"].startswith("No,"):
            assert row["regions"] == [], f"{row['id']}: absent objects must not be grounded"


def test_shapes_qa_covers_every_template_and_grounded_word_kind(dataset):
    _, rows = dataset
    assert Counter(r["template"] for r in rows) == {t: N // 6 for t in range(1, 7)}
    grounded = {w for r in rows for reg in r["regions"] for w in reg["words"]}
    kinds = {
        "colour": set(grammar.COLORS),
        "shape": set(grammar.SHAPES) | {grammar.plural(s) for s in grammar.SHAPES},
        "number": set(grammar.NUMBER_WORDS),
        "position": {w for row in grammar.POSITIONS for p in row for w in p.split()},
    }
    for kind, vocab in kinds.items():
        assert grounded & vocab, f"no grounded {kind} word in {N} samples"
    assert set(grammar.NUMBER_WORDS) <= grounded, "every number word should appear grounded"
    answers = [r["answer"] for r in rows]
    assert any(a.startswith("Yes,") for a in answers) and any(a.startswith("No,") for a in answers)
    assert any(a.startswith("There is one") for a in answers)
    assert {len(r["objects"]) for r in rows if r["template"] == 5} == {1, 2, 3, 4}


def test_shapes_qa_deterministic_per_seed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_dataset(a, 12, seed=5, size=72)
    write_dataset(b, 12, seed=5, size=72)
    assert (a / "annotations.jsonl").read_text() == (b / "annotations.jsonl").read_text()
    for p in sorted((a / "images").iterdir()) + sorted((a / "masks").iterdir()):
        assert p.read_bytes() == (b / p.parent.name / p.name).read_bytes(), p.name
    other = [s.qa.answer for s in stream(6, 72, 12)]
    assert other != [s.qa.answer for s in stream(5, 72, 12)], "different seeds should differ"


def test_shapes_qa_render_is_pure():
    s = next(stream(9, 72, 1)).scene
    img1, m1 = render(s)
    img2, m2 = render(s)
    assert (img1 == img2).all() and all((x == y).all() for x, y in zip(m1, m2))
