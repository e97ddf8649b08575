"""models/export/manifest + shared/schemas/bundle-manifest.schema.json."""

import copy
import re
import json

import pytest

from models.export.errors import ManifestError
from models.export.manifest import sha256_file, validate_manifest
from models.tiny import TINY_SPECS


@pytest.mark.parametrize("name", sorted(TINY_SPECS))
def test_manifest_validates_and_describes_the_model(name, tiny_bundles):
    result = tiny_bundles[name]
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    validate_manifest(manifest)
    spec = TINY_SPECS[name]
    text = manifest["text"]
    assert (text["num_layers"], text["num_heads"], text["num_kv_heads"], text["hidden_size"]) == (
        spec.num_layers, spec.num_heads, spec.num_kv_heads, spec.hidden_size)
    grid = spec.image_size // spec.patch_size
    assert manifest["vision"]["grid"] == [grid, grid] and manifest["vision"]["num_image_tokens"] == grid * grid
    assert manifest["family"] == {"llama": "llava_llama", "mistral": "llava_mistral"}[spec.text_model_type]
    assert manifest["explain"]["default_layers"] == list(range(spec.num_layers))  # L <= 10: all layers
    assert manifest["explain"]["norm_twice_last"] is True
    assert manifest["prompt"]["template"] == "USER: <image>\n{prompt} ASSISTANT:"
    assert manifest["preprocessing"]["resize"]["interpolation"] == "bicubic"
    # Every file but the manifest is listed with its true hash, graphs included.
    on_disk = sorted(p.name for p in result.out_dir.iterdir() if p.name != "manifest.json")
    assert sorted(manifest["files"]) == on_disk
    for file, entry in manifest["files"].items():
        assert sha256_file(result.out_dir / file) == entry["sha256"]
    for role, graph in manifest["graphs"].items():
        assert manifest["files"][graph["file"]]["sha256"] == graph["sha256"], role
    decoder_inputs = [t["name"] for t in manifest["graphs"]["decoder"]["inputs"]]
    assert decoder_inputs == ["inputs_embeds", "position_ids", "past_keys", "past_values", "explain_rows"]


@pytest.mark.parametrize("mutate, field", [
    (lambda m: m.pop("text"), "(root)"),
    (lambda m: m["files"]["tokenizer.json"].update(sha256="abc"), "files/tokenizer.json/sha256"),
    (lambda m: m["vision"].update(grid=[4]), "vision/grid"),
    (lambda m: m["graphs"].pop("explain"), "graphs"),
    (lambda m: m.update(opset=22), "opset"),
])
def test_manifest_schema_rejects_broken_manifests(mutate, field, tiny_bundles):
    manifest = json.loads((tiny_bundles["tiny-llama"].out_dir / "manifest.json").read_text())
    broken = copy.deepcopy(manifest)
    mutate(broken)
    with pytest.raises(ManifestError, match=re.escape(f"manifest field {field}:")):
        validate_manifest(broken)


def test_manifest_limits_context_to_mistral_sliding_window(tiny_checkpoints, tmp_path):
    """Full causal attention equals a sliding window only inside it: the manifest says where."""
    import shutil

    from models.export.bundle import export_bundle

    ckpt = shutil.copytree(tiny_checkpoints["tiny-mistral"], tmp_path / "ckpt")
    cfg = json.loads((ckpt / "config.json").read_text())
    cfg["text_config"]["sliding_window"] = 48
    (ckpt / "config.json").write_text(json.dumps(cfg))
    result = export_bundle(ckpt, tmp_path / "out", validate=False, log=lambda _m: None)
    assert result.manifest["text"]["max_positions"] == 48


def test_manifest_records_the_training_recipe_when_the_checkpoint_has_one(tiny_checkpoints, tmp_path):
    import shutil

    from models.export.bundle import export_bundle

    ckpt = shutil.copytree(tiny_checkpoints["tiny-llama"], tmp_path / "ckpt")
    recipe = {"seed": 7, "steps": 12, "args": {"lr": 0.002}}
    (ckpt / "recipe.json").write_text(json.dumps(recipe))
    result = export_bundle(ckpt, tmp_path / "out", validate=False, log=lambda _m: None)
    validate_manifest(result.manifest)
    assert result.manifest["source"]["training"] == {"seed": 7, "recipe": recipe}
    without = export_bundle(tiny_checkpoints["tiny-llama"], tmp_path / "plain", validate=False, log=lambda _m: None)
    assert "training" not in without.manifest["source"]


def test_manifest_takes_the_default_layer_range_from_the_checkpoints_explain_json(tiny_checkpoints, tmp_path):
    import shutil

    from models.export.bundle import export_bundle

    ckpt = shutil.copytree(tiny_checkpoints["tiny-llama"], tmp_path / "ckpt")
    plain = export_bundle(ckpt, tmp_path / "plain", validate=False, log=lambda _m: None)
    num_layers = plain.manifest["text"]["num_layers"]
    assert plain.manifest["explain"]["default_layers"] == list(range(num_layers))  # the rule: all when L <= 10
    (ckpt / "explain.json").write_text(json.dumps({"default_layers": [1], "why": "test"}))
    chosen = export_bundle(ckpt, tmp_path / "chosen", validate=False, log=lambda _m: None)
    validate_manifest(chosen.manifest)
    assert chosen.manifest["explain"]["default_layers"] == [1]


@pytest.mark.parametrize("content, found", [
    ('{"default_layers": []}', r"\[\]"),
    ('{"default_layers": [2, 1]}', r"\[2, 1\]"),
    ('{"default_layers": [0, 99]}', r"\[0, 99\]"),
    ('{"default_layers": [true]}', r"\[True\]"),
    ('{"layers": [1]}', "KeyError"),
    ("not json", "JSONDecodeError"),
])
def test_checkpoint_default_layers_refuses_a_bad_explain_json(tmp_path, content, found):
    from models.export.manifest import checkpoint_default_layers

    (tmp_path / "explain.json").write_text(content)
    with pytest.raises(ManifestError, match=found):
        checkpoint_default_layers(tmp_path, 4)
    (tmp_path / "explain.json").unlink()
    assert checkpoint_default_layers(tmp_path, 4) is None
