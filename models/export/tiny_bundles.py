"""Write the committed tiny bundles: python -m models.export.tiny_bundles [--out DIR].

Builds each tiny checkpoint (models/tiny.py, seed 0) in a scratch folder and exports it to
tests/fixtures/bundles/<name>. Deterministic: rerunning with the pinned versions rewrites the
same bytes (tests/models/test_export_tiny_bundles.py checks the committed files are current).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch

from models.export.bundle import export_bundle
from models.tiny import TINY_SPECS, build_tiny

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "bundles"
SEED = 0  # the seed the committed bundles and the reference fixtures are built with


def write_tiny_bundles(out_root: Path, names: list[str] | None = None, log=print) -> dict[str, Path]:
    """Export every tiny model (or `names`) into out_root/<name>; return name → bundle dir."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="dexar-tiny-") as tmp:
        for name in names or sorted(TINY_SPECS):
            ckpt = build_tiny(name, Path(tmp) / name, seed=SEED)
            out[name] = export_bundle(ckpt, out_root / name, name=name, log=log).out_dir
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Export the tiny test bundles.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder receiving one bundle per tiny model")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for name, path in write_tiny_bundles(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
