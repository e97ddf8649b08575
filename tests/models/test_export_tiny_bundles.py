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
