"""`python -m models.reference`: run the official-algorithm reference on a local HF checkpoint.

Used by people checking a result by hand and by `dexar bench` (issue 5) as the baseline timing.
Prints one JSON line of timings to stdout; with --out also writes every map and score.

  python -m models.reference --hf CKPT --image img.png --prompt "What color is the circle?" \
      [--answer "The circle is red." | --max-new-tokens 32] [--layers 20-31] [--top-k 1] \
      [--single-final-norm] [--keep-column-after-image] [--threads 4] [--out result.json]

With --serve (no --prompt) the model stays loaded and each stdin line, a JSON request
{"prompt", "max_new_tokens", "layers", "ignore_eos"}, gets one JSON timing line back (or
{"error": ...}): the benchmark times warm runs in every round instead of one cold process each.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
from PIL import Image

from models.reference import (
    DexarSettings,
    answer_token_ids,
    build_prompt_inputs,
    explain,
)
from models.reference.prompt import LLAVA_15_TEMPLATE


def parse_layers(spec: str | None) -> tuple[int, ...] | None:
    """"20-31" or "1,3,5" or "0-3,7" -> layer indices; None keeps the default (last 10)."""
    if spec is None:
        return None
    layers: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            first, last = (int(x) for x in part.split("-", 1))
            layers.extend(range(first, last + 1))
        else:
            layers.append(int(part))
    return tuple(layers)


def greedy_answer(model, inputs, max_new_tokens: int, eos_id: int | None) -> list[int]:
    """Greedy decoding with HF's KV cache, stopping at EOS unless `eos_id` is None (not part of
    the timed explanation)."""
    output = model.generate(
        input_ids=torch.tensor([inputs.input_ids]),
        pixel_values=inputs.pixel_values,
        max_new_tokens=max_new_tokens,
        do_sample=False,
        eos_token_id=eos_id,
    )
    return output[0, len(inputs.input_ids) :].tolist()


def settings_from(args: argparse.Namespace, layers: tuple[int, ...] | None) -> DexarSettings:
    """The command line's DEX-AR settings with the given layer set (None: the default)."""
    return DexarSettings(
        layers=layers,
        top_k=args.top_k,
        double_final_norm=not args.single_final_norm,
        drop_column_after_image=not args.keep_column_after_image,
    )


def timed_run(model, processor, inputs, settings: DexarSettings, answer_text: str | None,
              max_new_tokens: int, ignore_eos: bool):
    """Generate (unless an answer is given) and explain; returns (timings, answer ids, result)."""
    started = time.perf_counter()
    if answer_text is not None:
        answer = answer_token_ids(processor.tokenizer, answer_text)
    else:
        eos_id = None if ignore_eos else processor.tokenizer.eos_token_id
        answer = greedy_answer(model, inputs, max_new_tokens, eos_id)
    generated = time.perf_counter()
    result = explain(model, inputs, answer, settings)
    explained = time.perf_counter()
    timings = {
        "tokens": len(answer),
        "generate_seconds": round(generated - started, 4),
        "explain_seconds": round(explained - generated, 4),
        "explain_seconds_per_token": round((explained - generated) / len(answer), 4),
        "threads": torch.get_num_threads(),
    }
    return timings, answer, result


def serve(model, processor, image, args) -> None:
    """One JSON request per stdin line, one JSON line back; the model stays loaded."""
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            inputs = build_prompt_inputs(processor, image, str(request["prompt"]), args.template)
            layers = request.get("layers")
            settings = settings_from(args, tuple(int(x) for x in layers) if layers is not None else None)
            timings, _, _ = timed_run(model, processor, inputs, settings, None,
                                      int(request.get("max_new_tokens", 32)), bool(request.get("ignore_eos", True)))
            print(json.dumps(timings), flush=True)
        except Exception as err:  # one bad request must not end the session
            print(json.dumps({"error": f"{type(err).__name__}: {err}"}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Official DEX-AR reference on a HF LLaVA checkpoint.")
    parser.add_argument("--hf", type=Path, required=True, help="local HF checkpoint folder")
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--prompt", help="the question (required unless --serve)")
    parser.add_argument("--answer", help="answer to explain (teacher forcing); else generate one")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--ignore-eos", action="store_true", help="generate all --max-new-tokens (benchmarks compare equal lengths)")
    parser.add_argument("--template", default=LLAVA_15_TEMPLATE, help="prompt template, {prompt}")
    parser.add_argument("--layers", help='layer set, e.g. "20-31" or "1,3" (default: last 10)')
    parser.add_argument("--top-k", type=int, default=1)
    parser.add_argument("--single-final-norm", action="store_true", help="official quirk 1 off")
    parser.add_argument("--keep-column-after-image", action="store_true", help="official quirk 2 off")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    parser.add_argument("--out", type=Path, help="write all results as JSON here")
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin, one per line")
    args = parser.parse_args()
    if not args.serve and args.prompt is None:
        parser.error("--prompt is required (or --serve)")
    if args.serve:
        # Per-request values come with each request; these flags would be silently ignored.
        given = [f for f, v in (("--prompt", args.prompt), ("--answer", args.answer), ("--layers", args.layers),
                                ("--out", args.out), ("--ignore-eos", args.ignore_eos or None)) if v is not None]
        if given:
            parser.error(f"--serve takes the prompt, max_new_tokens, layers and ignore_eos from each request; drop {', '.join(given)}")

    from transformers import AutoProcessor, LlavaForConditionalGeneration

    if args.threads:
        torch.set_num_threads(args.threads)
    model = LlavaForConditionalGeneration.from_pretrained(
        args.hf, attn_implementation="eager", dtype=torch.float32
    ).eval()
    processor = AutoProcessor.from_pretrained(args.hf)
    with Image.open(args.image) as opened:
        image = opened.convert("RGB")
    if args.serve:
        serve(model, processor, image, args)
        return
    inputs = build_prompt_inputs(processor, image, args.prompt, args.template)
    settings = settings_from(args, parse_layers(args.layers))
    timings, answer, result = timed_run(model, processor, inputs, settings, args.answer, args.max_new_tokens, args.ignore_eos)
    print(json.dumps(timings))
    if args.out:
        document = {
            "timings": timings,
            "answer_ids": answer,
            "answer_tokens": [processor.tokenizer.decode([token]) for token in answer],
            "layers": list(result.layers),
            "grid": list(result.grid),
            "token_weights": result.token_weights.tolist(),
            "token_maps": result.token_maps.tolist(),
            "sentence_map": result.sentence_map.tolist(),
            "unfiltered_token_maps": result.unfiltered_token_maps.tolist(),
            "unfiltered_sentence_map": result.unfiltered_sentence_map.tolist(),
            "attention_maps": result.attention_maps.tolist(),
        }
        args.out.write_text(json.dumps(document) + "\n")


if __name__ == "__main__":
    main()
