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


def test_large_model_layout_shares_one_external_weights_file(tiny_checkpoints, tiny_bundles, tmp_path, monkeypatch):
    """Models above the threshold (7B) store weights once in weights.data; the bundle still runs."""
    import numpy as np
    import onnx

    from models.export import onnx_io
    from models.export.bundle import export_bundle

    monkeypatch.setattr(onnx_io, "EXTERNAL_DATA_THRESHOLD", 0)
    result = export_bundle(tiny_checkpoints["tiny-llama"], tmp_path / "big", log=lambda _m: None)
    assert {g["external_data"] for g in result.manifest["graphs"].values()} == {"weights.data"}
    assert "weights.data" in result.manifest["files"]
    # The explain head's stacked (L, ...) weights are written once; the decoder's per-layer Wᵀ
    # tensors point into them, so together they add no bytes beyond the decoder's own weights.
    inline = {role: sum(t.ByteSize() for t in onnx.load(str(tiny_bundles["tiny-llama"].out_dir / g["file"])).graph.initializer)
              for role, g in result.manifest["graphs"].items()}
    stored = result.manifest["files"]["weights.data"]["bytes"]
    assert inline["explain"] > 0.5 * inline["decoder"]
    assert stored <= inline["vision"] + inline["embed"] + inline["decoder"]
    big, small = Bundle.load(result.out_dir), Bundle.load(tiny_bundles["tiny-llama"].out_dir)
    ids = small.prompt_ids("What shape is the blue object?")
    pixels = np.zeros((1, 3, 32, 32), np.float32)
    np.testing.assert_array_equal(big.prefill(ids, pixels).logits, small.prefill(ids, pixels).logits)
    rows = big.explain_answer(ids, pixels, [5, 6, 7]), small.explain_answer(ids, pixels, [5, 6, 7])
    np.testing.assert_array_equal(rows[0].G, rows[1].G)


def test_runtime_refuses_a_version_1_bundle(tmp_path):
    """Version 1's explain head took all L layers' values: the runner refuses it and says to re-export."""
    import shutil

    from models.runtime import BundleError

    old = tmp_path / "old"
    shutil.copytree(DEFAULT_OUT / "tiny-llama", old)
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["format_version"] = 1
    (old / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=r"expected format dexar-bundle version 2; found .* version 1 .*re-export"):
        Bundle.load(old)
