"""models/fixtures: deterministic output, committed files up to date, tensors well-formed."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from models.fixtures import CHECKPOINT_SEED, DEFAULT_OUT, dumps, tensor_json, write_fixtures
from models.tiny import TINY_SPECS

from fixture_compare import assert_close as _assert_close

COMMITTED = Path(__file__).resolve().parents[2] / DEFAULT_OUT


@pytest.fixture(scope="module")
def checkpoints(tiny_checkpoints):
    """conftest builds the tiny checkpoints with seed 0, the seed the fixtures record."""
    assert CHECKPOINT_SEED == 0, "conftest's tiny_checkpoints use seed 0; fixtures expect the same"
    return tiny_checkpoints


@pytest.fixture(scope="module")
def fresh(checkpoints, tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    for name, checkpoint in checkpoints.items():
        write_fixtures(name, checkpoint, out)
    return out


def test_rewriting_gives_byte_identical_files(checkpoints, fresh, tmp_path):
    name = "tiny-mistral"
    again = write_fixtures(name, checkpoints[name], tmp_path)
    assert again, "no files written"
    for path in again:
        assert path.read_bytes() == (fresh / name / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_committed_fixtures_match_a_fresh_run(fresh, name):
    committed_files = sorted(p.name for p in (COMMITTED / name).iterdir())
    assert committed_files == sorted(p.name for p in (fresh / name).iterdir()), (
        f"{COMMITTED / name} is stale: run `python -m models.fixtures`"
    )
    assert (COMMITTED / name / "image.png").read_bytes() == (fresh / name / "image.png").read_bytes()
    for filename in committed_files:
        if filename.endswith(".json"):
            expected = json.loads((COMMITTED / name / filename).read_text())
            found = json.loads((fresh / name / filename).read_text())
            _assert_close(found, expected, f"{name}/{filename}")


def test_fixture_tensors_have_consistent_shapes_and_total_size_is_small(fresh):
    total = 0
    for path in sorted(fresh.rglob("*")):
        if path.suffix == ".json":
            for tensor in _tensors(json.loads(path.read_text())):
                assert int(np.prod(tensor["shape"])) == len(tensor["data"]), path
        if path.is_file():
            total += path.stat().st_size
    assert total < 2_000_000, f"fixtures should stay under 2 MB, found {total} bytes"


def test_reference_shapes_follow_the_inputs(fresh):
    for name in TINY_SPECS:
        inputs = json.loads((fresh / name / "inputs.json").read_text())
        default = json.loads((fresh / name / "reference.default.json").read_text())
        count, s0 = len(inputs["answer_ids"]), len(inputs["expanded_ids"])
        assert default["query_rows"] == [s0 - 2 + t for t in range(1, count + 1)]
        assert [rows["shape"][-1] for rows in default["gradient_rows"]] == [
            q + 1 for q in default["query_rows"]
        ]
        assert default["token_maps"]["shape"] == [count, *inputs["grid"]]


def test_dumps_writes_float32_shortest_decimals_and_flat_lists():
    text = dumps({"a": tensor_json(torch.tensor([0.1, 2.0])), "ids": [1, 2]})
    assert text == '{\n "a": {\n  "shape": [2],\n  "data": [0.1,2.0]\n },\n "ids": [1,2]\n}'
    assert np.float32(json.loads(text)["a"]["data"][0]) == np.float32(0.1)


def _tensors(value):
    if isinstance(value, dict):
        if set(value) == {"shape", "data"}:
            yield value
        else:
            for item in value.values():
                yield from _tensors(item)
    elif isinstance(value, list):
        for item in value:
            yield from _tensors(item)
