"""models/families: registry meta-test (STYLE §12) and adapter contract."""

import pytest

from models.families import FAMILIES, detect_family
from models.families.base import GRAPH_ROLES, OPSET
from models.tiny import TINY_SPECS, build_config


def _tiny_family(spec) -> str:
    return detect_family(build_config(spec, vocab_size=100, image_token_id=98, pad_token_id=99).to_dict()).name


def test_every_registered_family_has_a_tiny_model():
    covered = {_tiny_family(spec) for spec in TINY_SPECS.values()}
    missing = sorted(set(FAMILIES) - covered)
    assert not missing, f"families without a tiny test model in models/tiny.py: {missing}"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_adapter_declares_every_graph(family):
    adapter = FAMILIES[family]()
    specs = adapter.graph_specs()
    assert tuple(specs) == GRAPH_ROLES
    assert adapter.opset == OPSET <= 21  # onnxruntime-node 1.30 supports opset <= 21
    for role, spec in specs.items():
        assert spec.file == f"{role}.onnx"
        for name in spec.dynamic_axes:
            assert name in spec.inputs + spec.outputs, f"{role}: dynamic axis for unknown tensor {name}"
        assert set(spec.atol) == set(spec.outputs), f"{role}: every output needs a tolerance"
