"""Writing a Shapes-QA dataset folder in the DESIGN §5 format.

Layout: annotations.jsonl, images/<id>.png, masks/<id>_o<k>.png (one per object) and
masks/<id>_o<j>+<k>.png for regions grounded in several objects (template 4 counts).
"""

import json
from pathlib import Path

import numpy as np
from PIL import Image

from . import grammar
from .sampler import Sample, stream
from .scene import render


def _mask_name(sample_id: str, objects: list[int]) -> str:
    return f"masks/{sample_id}_o{'+'.join(str(i) for i in objects)}.png"


def _save_mask(path: Path, mask: np.ndarray) -> None:
    Image.fromarray(mask.astype(np.uint8) * 255, mode="L").save(path)


def annotation(sample: Sample, sample_id: str) -> dict:
    """The annotations.jsonl row for one sample (without writing any file)."""
    qa, scene = sample.qa, sample.scene
    return {
        "id": sample_id,
        "image": f"images/{sample_id}.png",
        "prompt": qa.prompt,
        "answer": qa.answer,
        "regions": [
            {"words": r.words, "mask": _mask_name(sample_id, r.objects), "indices": r.indices}
            for r in qa.regions
        ],
        # Extra fields: the template and the full scene, so evaluations can slice by either.
        "template": qa.template,
        "template_name": grammar.TEMPLATE_NAMES[qa.template],
        "answer_words": grammar.split_words(qa.answer),
        "background": scene.background,
        "objects": [
            {
                "shape": o.shape,
                "color": o.color,
                "size": o.size,
                "position": o.position,
                "row": o.row,
                "col": o.col,
                "mask": _mask_name(sample_id, [k]),
            }
            for k, o in enumerate(scene.objects)
        ],
    }


def write_dataset(out: Path, n: int, seed: int, size: int) -> Path:
    """Generate `n` samples from `seed` into `out`; returns the annotations path."""
    out = Path(out)
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(exist_ok=True)
    ann_path = out / "annotations.jsonl"
    with ann_path.open("w") as f:
        for sample in stream(seed, size, n):
            sample_id = f"s{seed}-{sample.index:06d}"
            img, masks = render(sample.scene)
            Image.fromarray(img, mode="RGB").save(out / "images" / f"{sample_id}.png")
            for k, m in enumerate(masks):
                _save_mask(out / _mask_name(sample_id, [k]), m)
            for region in sample.qa.regions:
                if len(region.objects) > 1:
                    union = np.any([masks[k] for k in region.objects], axis=0)
                    _save_mask(out / _mask_name(sample_id, region.objects), union)
            f.write(json.dumps(annotation(sample, sample_id)) + "\n")
    return ann_path
