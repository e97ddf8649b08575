"""Scale check (optional, for a GPU machine): LLaVA-1.5-7B-shaped random decoder + explain head.

    models/.venv/bin/python -m models.export.scale_check --layers 32 --seq 600 1200 --provider cuda

Exports decoder.onnx and explain.onnx of a random Llama decoder at LLaVA-1.5-7B width (d=4096,
H=32, I=11008, vocab 32064) into a scratch folder, runs a prefill with one explain row at each
sequence length S and prints the explain output sizes: they grow as O(L·H·S) per explained row
(never O(L·H·S²)). --layers below 32 keeps CPU runs small; sizes scale linearly in L.
Never run by CI.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch


def build_model(layers: int):
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig, LlavaForConditionalGeneration

    text = LlamaConfig(vocab_size=32064, hidden_size=4096, intermediate_size=11008, num_hidden_layers=layers,
                       num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096)
    # The vision tower is irrelevant here; a minimal one keeps memory down.
    vision = CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                              image_size=336, patch_size=14)
    config = LlavaConfig(vision_config=vision, text_config=text, image_token_index=32000)
    return LlavaForConditionalGeneration(config).eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=32, help="decoder layers (7B: 32)")
    parser.add_argument("--seq", type=int, nargs="+", default=[600, 1200], help="prefill lengths S")
    parser.add_argument("--provider", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()
    import onnxruntime as ort

    from models.export.onnx_io import WEIGHTS_FILE, WeightStore, export_graph
    from models.families.llava_llama import LlavaLlamaFamily

    adapter = LlavaLlamaFamily()
    t0 = time.time()
    model = build_model(args.layers)
    modules, specs = adapter.build_modules(model), adapter.graph_specs()
    trace = adapter.sample_inputs(model, "trace")
    dims = adapter.text_dims(model)
    providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if args.provider == "cuda" else ["CPUExecutionProvider"]
    with tempfile.TemporaryDirectory(prefix="dexar-scale-") as tmp:
        store = WeightStore(Path(tmp) / WEIGHTS_FILE)
        for role in ("decoder", "explain"):
            export_graph(modules[role], specs[role], trace[role], Path(tmp), adapter.opset, store)
            size = (Path(tmp) / WEIGHTS_FILE).stat().st_size
            print(f"{role}: exported, {WEIGHTS_FILE} now {size / 1e9:.2f} GB (export {time.time() - t0:.0f} s)")
        del model, modules
        dec = ort.InferenceSession(str(Path(tmp) / "decoder.onnx"), providers=providers)
        head = ort.InferenceSession(str(Path(tmp) / "explain.onnx"), providers=providers)
        L, H, Hkv, hd, d = dims.num_layers, dims.num_heads, dims.num_kv_heads, dims.head_dim, dims.hidden_size
        for seq in args.seq:
            rng = np.random.default_rng(seq)
            empty = np.zeros((L, 1, Hkv, 0, hd), np.float32)
            t = time.time()
            logits, keys, values, m, attn = dec.run(None, {
                "inputs_embeds": rng.standard_normal((1, seq, d), dtype=np.float32) * 0.02,
                "position_ids": np.arange(seq, dtype=np.int64)[None], "past_keys": empty, "past_values": empty,
                "explain_rows": np.asarray([seq - 1], np.int64)})
            t_dec = time.time() - t
            layer_ids = np.arange(max(0, L - 10), L, dtype=np.int64)
            t = time.time()
            G, scores = head.run(None, {"m": m[layer_ids, 0][:, :1], "values": values[layer_ids, 0], "layer_ids": layer_ids,
                                        "target_ids": np.asarray([1], np.int64),
                                        "norm_twice_last": np.asarray(1.0, np.float32)})
            t_head = time.time() - t
            per_row = attn.nbytes + m.nbytes
            print(f"S={seq}: explain_attn {attn.shape} + explain_m {m.shape} = {per_row / 1e6:.2f} MB per row "
                  f"(L·H·S·4 = {L * H * seq * 4 / 1e6:.2f} MB; full S×S attention would be {L * H * seq * seq * 4 / 1e6:.0f} MB); "
                  f"G {G.shape} {G.nbytes / 1e6:.2f} MB; decoder {t_dec:.2f} s, explain {t_head:.2f} s")


if __name__ == "__main__":
    main()
