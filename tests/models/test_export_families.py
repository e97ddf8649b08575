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
        assert set(spec.tolerance) == set(spec.outputs), f"{role}: every output needs a tolerance"


# config.json of llava-hf/llava-1.5-7b-hf and llava-hf/bakLlava-v1-hf as published (older keys:
# rope_theta / rope_scaling instead of rope_parameters, text_config without hidden_act).
LLAVA_15_CONFIG = {
    "architectures": ["LlavaForConditionalGeneration"], "ignore_index": -100, "image_token_index": 32000,
    "model_type": "llava", "pad_token_id": 32001, "projector_hidden_act": "gelu",
    "text_config": {"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096, "model_type": "llama",
                    "rms_norm_eps": 1e-05, "torch_dtype": "float16", "vocab_size": 32064},
    "tie_word_embeddings": False, "vision_config": {
        "hidden_size": 1024, "image_size": 336, "intermediate_size": 4096, "model_type": "clip_vision_model",
        "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768},
    "vision_feature_layer": -2, "vision_feature_select_strategy": "default",
}
BAKLLAVA_CONFIG = {
    **LLAVA_15_CONFIG,
    "text_config": {"architectures": ["MistralForCausalLM"], "max_position_embeddings": 32768, "model_type": "mistral",
                    "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096,
                    "vocab_size": 32002, "rope_scaling": None},
}


@pytest.mark.parametrize("config, family", [(LLAVA_15_CONFIG, "llava_llama"), (BAKLLAVA_CONFIG, "llava_mistral")])
def test_published_llava_configs_are_detected(config, family):
    assert detect_family(config).name == family
