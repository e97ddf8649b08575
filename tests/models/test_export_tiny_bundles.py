"""tests/fixtures/bundles: the committed tiny bundles are valid and current.

They must equal a fresh export of the tiny checkpoints (same seed): regenerate with
`models/.venv/bin/python -m models.export.tiny_bundles` after changing the exporter or tiny.py.
"""

import json

import pytest

from models.export.tiny_bundles import DEFAULT_OUT
from models.runtime import Bundle
from models.tiny import TINY_SPECS


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_committed_tiny_bundle_is_valid_and_current(name, tiny_bundles):
    committed = Bundle.load(DEFAULT_OUT / name)  # schema + sha256 of every file
    fresh = json.loads((tiny_bundles[name].out_dir / "manifest.json").read_text())
    assert committed.manifest == fresh, (
        f"{DEFAULT_OUT / name} is stale: rerun python -m models.export.tiny_bundles")
    size = sum(entry["bytes"] for entry in committed.manifest["files"].values())
    assert size < 5_000_000, f"tiny bundle {name}: expected < 5 MB; found {size} bytes"


def test_large_graph_layout_uses_external_data_files(tiny_checkpoints, tiny_bundles, tmp_path, monkeypatch):
    """Graphs above the threshold (7B models) get `<file>.data`; the bundle still loads and runs."""
    import numpy as np

    from models.export import onnx_io
    from models.export.bundle import export_bundle

    monkeypatch.setattr(onnx_io, "EXTERNAL_DATA_THRESHOLD", 0)
    result = export_bundle(tiny_checkpoints["tiny-llama"], tmp_path / "big", log=lambda _m: None)
    for role, graph in result.manifest["graphs"].items():
        assert graph["external_data"] == f"{role}.onnx.data"
        assert graph["external_data"] in result.manifest["files"]
    big, small = Bundle.load(result.out_dir), Bundle.load(tiny_bundles["tiny-llama"].out_dir)
    ids = small.prompt_ids("What shape is the blue object?")
    pixels = np.zeros((1, 3, 32, 32), np.float32)
    np.testing.assert_array_equal(big.prefill(ids, pixels).logits, small.prefill(ids, pixels).logits)
