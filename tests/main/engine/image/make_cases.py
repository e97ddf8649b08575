"""Writes resample-cases.json: Pillow resize results the TypeScript resampler must equal exactly.
    PYTHONPATH=. models/.venv/bin/python tests/main/engine/image/make_cases.py
"""

import json
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).parent
FILTERS = {"nearest": 0, "lanczos": 1, "bilinear": 2, "bicubic": 3, "box": 4, "hamming": 5}


def main() -> None:
    rng = np.random.default_rng(0)
    src = rng.integers(0, 256, size=(17, 23, 3), dtype=np.uint8)
    # A sharp edge makes the bicubic overshoot hit the 0/255 clipping.
    src[:, 11:] = 255
    src[:, :11, 0] = 0
    image = Image.fromarray(src, "RGB")
    cases = []
    for name, code in FILTERS.items():
        for size in [(11, 9), (40, 30), (23, 8), (7, 17)]:
            out = np.asarray(image.resize(size, resample=code, reducing_gap=None))
            cases.append({"filter": name, "width": size[0], "height": size[1], "data": out.reshape(-1).tolist()})
    doc = {"width": 23, "height": 17, "data": src.reshape(-1).tolist(), "cases": cases}
    (HERE / "resample-cases.json").write_text(json.dumps(doc) + "\n")


if __name__ == "__main__":
    main()
