"""models/export: clear, typed errors for unsupported families, missing files and wrong folders."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from models.export.bundle import export_bundle
from models.export.errors import MissingFileError, UnsupportedFamilyError, WrongDirectoryError

REPO = Path(__file__).resolve().parents[2]


def _copy_checkpoint(src: Path, dst: Path, drop: tuple[str, ...] = (), config_patch=None) -> Path:
    shutil.copytree(src, dst)
    for name in drop:
        (dst / name).unlink()
    if config_patch:
        cfg = json.loads((dst / "config.json").read_text())
        config_patch(cfg)
        (dst / "config.json").write_text(json.dumps(cfg))
    return dst


def _text(cfg, **kw):
    cfg["text_config"].update(kw)


@pytest.mark.parametrize("patch, found", [
    (lambda c: _text(c, model_type="qwen2"), "text_config.model_type='qwen2'"),
    (lambda c: c.update(model_type="llama", architectures=["LlamaForCausalLM"]), "model_type='llama'"),
    (lambda c: c.update(model_type="qwen2_vl", architectures=["Qwen2VLForConditionalGeneration"]), "qwen2_vl"),
    (lambda c: _text(c, rope_parameters={"rope_type": "dynamic", "rope_theta": 1e4, "factor": 2.0}), "dynamic"),
    (lambda c: c.update(vision_feature_select_strategy="full"), "full"),
])
def test_export_errors_unsupported_family(patch, found, tiny_checkpoints, tmp_path):
    ckpt = _copy_checkpoint(tiny_checkpoints["tiny-llama"], tmp_path / "ckpt", config_patch=patch)
    with pytest.raises(UnsupportedFamilyError, match="expected .*; found .*" + found.replace("(", r"\(")):
        export_bundle(ckpt, tmp_path / "out", log=lambda _m: None)
    assert not (tmp_path / "out").exists(), "nothing is written for an unsupported checkpoint"


@pytest.mark.parametrize("drop, what", [
    (("model.safetensors",), "weights"),
    (("tokenizer.json",), "tokenizer.json"),
    (("preprocessor_config.json", "processor_config.json"), "preprocessor_config.json"),
])
def test_export_errors_missing_files(drop, what, tiny_checkpoints, tmp_path):
    ckpt = _copy_checkpoint(tiny_checkpoints["tiny-llama"], tmp_path / "ckpt", drop=drop)
    with pytest.raises(MissingFileError, match=what):
        export_bundle(ckpt, tmp_path / "out", log=lambda _m: None)


def test_export_errors_wrong_directory(tiny_checkpoints, tmp_path):
    with pytest.raises(WrongDirectoryError, match="no such path"):
        export_bundle(tmp_path / "nope", tmp_path / "out")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(WrongDirectoryError, match="expected a checkpoint directory; found a file"):
        export_bundle(tmp_path / "file.txt", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WrongDirectoryError, match="containing config.json; found an empty directory"):
        export_bundle(tmp_path / "empty", tmp_path / "out")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me")
    with pytest.raises(WrongDirectoryError, match="empty directory or an existing bundle"):
        export_bundle(tiny_checkpoints["tiny-llama"], tmp_path / "busy")
    assert (tmp_path / "busy" / "notes.txt").read_text() == "keep me"


def test_export_cli_prints_one_line_and_exits_nonzero(tiny_checkpoints, tmp_path):
    ckpt = _copy_checkpoint(tiny_checkpoints["tiny-llama"], tmp_path / "ckpt", drop=("tokenizer.json",))
    proc = subprocess.run([sys.executable, "-m", "models.export", "--hf", str(ckpt), "--out", str(tmp_path / "o")],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: tokenizer in ") and "expected tokenizer.json" in lines[0]
