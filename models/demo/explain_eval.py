"""DEX-AR quality of the demo model on a held-out Shapes-QA split (issue 4, DESIGN §4).

    models/.venv/bin/python -m models.demo.explain_eval --checkpoint DIR --n N --seed S \
        [--layers SPEC] [--per-head] [--out F.json] [--max-minutes M] [--threads 1]

Read top to bottom:
1. the split: `shapes_qa.sampler.stream(seed, size, n)`, the very samples (ids s{seed}-{index:06d})
   that `python -m models.shapes_qa --seed S` writes, rendered in-process with their masks;
2. per question, the reference DEX-AR (models/reference, all decoder layers at once) teacher-forced
   on the GROUND-TRUTH answer; `answer_correct` records whether the model's own argmax agrees
   with every answer token, so results are also reported on the questions it gets right;
3. per layer set Λ (the main one from --layers, plus every contiguous range for the sweep) the
   maps of four methods are rebuilt from the stored per-layer quantities with the reference's own
   functions: DEX-AR, unfiltered DEX-AR, raw attention, and a seeded random map;
4. each gh×gw map is upsampled bilinearly (half-pixel centres, align_corners=False, as
   shared/dexar/geometry.ts) to the model input size; Shapes-QA images already are that size, so
   the inverse preprocessing is the identity (checked);
5. metrics (DESIGN §4) against the masks, printed as tables and written as JSON;
6. with --per-head, every (layer, head) scored alone (models/demo/head_eval.py; JSON key
   `per_head`).

Definitions beyond DESIGN §4, chosen here:
- Grounded tokens: every token of an answer word listed in a region; multi-token words count
  each of their tokens as one trial against the word's mask (the demo tokenizer is word-level, so
  each word is one token; `word_level` in the JSON says whether that held).
- Pointing-game ties: a hit counts the fraction of the map's maximal pixels inside the mask
  (uniform tie-breaking in expectation), so a constant map scores the mask's area fraction
  instead of whichever corner argmax picks first.
- Sentence maps: DEX-AR and unfiltered as the reference; raw attention = minmax(Σ_t attention
  map); random = one random grid. Scored against the union of the question's grounded masks;
  questions with no grounded word (a "No, …" answer) are skipped.
- Token weights for SNR_tokens: DEX-AR δ_t; unfiltered = max_{l,h} Sv (no text subtraction);
  raw attention = attention mass on the image columns (mean over Λ and heads); random = U(0,1).
  SNR_tokens is pooled over the split: mean weight over all grounded tokens / over all
  linguistic tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

# Sleeping (not spinning) OpenMP workers: the machine is shared with a training run.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from models.demo.head_eval import format_heads, head_layer_sets, head_scores, summarise_heads  # noqa: E402
from models.demo.layer_sets import label, layer_ranges, parse_layers  # noqa: E402
from models.demo.map_metrics import fmt, pointing_hit, snr_map, snr_tokens, soft_iou, upsample  # noqa: E402
from models.reference import DexarSettings, answer_token_ids, build_prompt_inputs, explain  # noqa: E402
from models.reference.maps import (  # noqa: E402
    attention_maps, normalise_relevance, sentence_map, token_maps, unfiltered_sentence_map,
    unfiltered_token_maps)
from models.reference.scores import head_filter, minmax, token_weight  # noqa: E402
from models.shapes_qa import grammar  # noqa: E402
from models.shapes_qa.sampler import Sample, stream  # noqa: E402
from models.shapes_qa.scene import render  # noqa: E402
from models.tiny import PROMPT_TEMPLATE  # noqa: E402

METHODS = ("dexar", "unfiltered", "attention", "random")
FORMAT_VERSION = 1


# ---------------------------------------------------------------- words ↔ tokens

def align_tokens(answer: str, words: list[str], offsets: list[tuple[int, int]]) -> list[int]:
    """Word index of each answer token from the tokenizer's character offsets.

    A token belongs to the word its character span overlaps; a token touching no word (e.g. a
    bare space piece) gets -1 and counts as linguistic.
    """
    spans, cursor = [], 0
    for w in words:
        start = answer.index(w, cursor)
        spans.append((start, start + len(w)))
        cursor = start + len(w)
    owner = []
    for s, e in offsets:
        hit = [k for k, (ws, we) in enumerate(spans) if s < we and ws < max(e, s + 1)]
        owner.append(hit[0] if hit else -1)
    return owner


def word_kind(word: str) -> str:
    """colour / shape / number / position: the grounded-word kinds of DESIGN §5."""
    if word in grammar.COLORS:
        return "color"
    if word in grammar.SHAPES or word in {grammar.plural(s) for s in grammar.SHAPES}:
        return "shape"
    if word in grammar.NUMBER_WORDS:
        return "number"
    return "position"


# ---------------------------------------------------------------- maps per layer set

@dataclass
class MethodMaps:
    token_maps: torch.Tensor  # (T, gh, gw)
    sentence_map: torch.Tensor  # (gh, gw)
    token_weights: torch.Tensor  # (T,)


def maps_for_layers(result, layer_ids: tuple[int, ...], rng: np.random.Generator) -> dict[str, MethodMaps]:
    """Every method's maps for the layer subset `layer_ids` of a reference result.

    Uses the reference's own functions on the stored P^img, Sv, Stxt and attention rows, so the
    subset equals running the reference with `DexarSettings(layers=layer_ids)` (tested).
    """
    idx = [result.layers.index(layer) for layer in layer_ids]
    grid = result.grid
    p_img = result.image_relevance[:, idx]
    sv, st = result.visual_scores[:, idx], result.text_scores[:, idx]
    w, p_hat = head_filter(sv, st), normalise_relevance(p_img)
    delta = token_weight(sv, st)
    n = grid[0] * grid[1]
    image = slice(result.image_start, result.image_start + n)
    attention = torch.stack([rows[idx][..., image] for rows in result.attention_rows])
    attention_token = attention_maps(attention).reshape(-1, *grid)
    t = len(result.answer_ids)
    random_maps = torch.from_numpy(rng.random((t + 1, *grid)))
    return {
        "dexar": MethodMaps(token_maps(w, p_hat).reshape(-1, *grid),
                            sentence_map(delta, w, p_hat).reshape(grid), delta),
        "unfiltered": MethodMaps(unfiltered_token_maps(p_hat).reshape(-1, *grid),
                                 unfiltered_sentence_map(p_hat).reshape(grid), sv.flatten(1).max(dim=1).values),
        "attention": MethodMaps(attention_token, minmax(attention_token.sum(dim=0)),
                                attention.sum(dim=-1).mean(dim=(1, 2))),
        "random": MethodMaps(random_maps[:t], random_maps[t], torch.from_numpy(rng.random(t))),
    }


# ---------------------------------------------------------------- one question

@dataclass
class Question:
    sample: Sample
    image: np.ndarray  # H×W×3 uint8
    grounded: list[tuple[int, np.ndarray, str]]  # (token index, region mask, word kind)
    linguistic: list[int]  # token indices of linguistic tokens
    union: np.ndarray | None  # union of grounded masks, None when nothing is grounded
    objects: np.ndarray  # union of every object's mask: "points at some object" for the per-head table
    word_level: bool  # every answer word is exactly one token


def prepare(sample: Sample, tokenizer) -> Question:
    """Render the sample, find its grounded tokens and their masks."""
    image, masks = render(sample.scene)
    qa = sample.qa
    words = grammar.split_words(qa.answer)
    enc = tokenizer(qa.answer, add_special_tokens=False, return_offsets_mapping=True)
    owner = align_tokens(qa.answer, words, enc["offset_mapping"])
    region_of = {}
    for region in qa.regions:
        mask = np.any([masks[k] for k in region.objects], axis=0)
        for i in region.indices:
            region_of[i] = mask
    grounded = [(t, region_of[o], word_kind(words[o])) for t, o in enumerate(owner) if o in region_of]
    linguistic = [t for t, o in enumerate(owner) if o not in region_of]
    union = np.any([m for _, m, _ in grounded], axis=0) if grounded else None
    word_level = sorted(owner) == list(range(len(words)))
    objects = np.any(masks, axis=0) if masks else np.zeros(image.shape[:2], bool)
    return Question(sample, image, grounded, linguistic, union, objects, word_level)


def score(q: Question, maps: dict[str, MethodMaps], size: tuple[int, int]) -> dict:
    """Per-method metrics of one question at mask resolution."""
    out = {}
    for name, m in maps.items():
        up = upsample(m.token_maps, size)
        sent = upsample(m.sentence_map, size)
        weights = m.token_weights.double().tolist()
        out[name] = {
            "hits": [pointing_hit(up[t], mask) for t, mask, _ in q.grounded],
            # A flat map (e.g. every head filtered out, w = 0) points nowhere: counted to explain misses.
            "flat": [bool(m.token_maps[t].max() == m.token_maps[t].min()) for t, _, _ in q.grounded],
            "soft_iou": soft_iou(sent, q.union) if q.union is not None else None,
            "snr_map": snr_map(sent, q.union) if q.union is not None else None,
            "w_grounded": [weights[t] for t, _, _ in q.grounded],
            "w_linguistic": [weights[t] for t in q.linguistic],
        }
    return out


# ---------------------------------------------------------------- aggregation

def summarise(scores: list[dict]) -> dict[str, dict]:
    """Pool per-question scores ({method: score()} each) into the DESIGN §4 numbers."""
    table = {}
    for name in METHODS:
        hits, flat, iou, snr, wg, wl = [], [], [], [], [], []
        for per_method in scores:
            s = per_method[name]
            hits += s["hits"]
            flat += s["flat"]
            wg += s["w_grounded"]
            wl += s["w_linguistic"]
            if s["soft_iou"] is not None:
                iou.append(s["soft_iou"])
                if not np.isnan(s["snr_map"]):
                    snr.append(s["snr_map"])
        table[name] = {
            "pointing_game": float(np.mean(hits)) if hits else None, "grounded_tokens": len(hits),
            "flat_token_maps": float(np.mean(flat)) if flat else None,
            "sentence_soft_iou": float(np.mean(iou)) if iou else None, "sentence_questions": len(iou),
            "snr_map_mean": float(np.mean(snr)) if snr else None,
            "snr_map_median": float(np.median(snr)) if snr else None,
            "snr_tokens": snr_tokens(wg, wl),
        }
    return table


def breakdown(records: list[dict], group) -> dict[str, dict[str, float]]:
    """Pointing game per method (main layers) within groups of grounded tokens.

    group(record, k) labels the record's k-th grounded token.
    """
    hits: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        for name in METHODS:
            for k, h in enumerate(r["main"][name]["hits"]):
                hits[group(r, k)][name].append(h)
    return {g: {m: float(np.mean(v)) for m, v in by.items()} for g, by in sorted(hits.items())}


# ---------------------------------------------------------------- the run

def check_seed(checkpoint: Path, seed: int) -> None:
    """Refuse the training seed: the split must be held out (recipe.json records the seeds)."""
    recipe_path = checkpoint / "recipe.json"
    if not recipe_path.exists():
        return
    args = json.loads(recipe_path.read_text()).get("args", {})
    if args.get("seed") == seed:
        raise SystemExit(f"explain_eval: --seed {seed} is the training seed in {recipe_path}; "
                         "expected a held-out seed (e.g. the recipe's eval_seed)")


def load(checkpoint: Path):
    from transformers import AutoProcessor, LlavaForConditionalGeneration

    model = LlavaForConditionalGeneration.from_pretrained(
        checkpoint, attn_implementation="eager", dtype=torch.float32).eval()
    return model, AutoProcessor.from_pretrained(checkpoint)


def evaluate(checkpoint: Path, n: int, seed: int, layers_spec: str = "default",
             max_seconds: float | None = None, top_k: int = 1, double_final_norm: bool = True,
             templates: tuple[int, ...] = (1, 2, 3, 4, 5, 6), per_head: bool = False) -> dict:
    """Run the evaluation; returns the JSON document (see models/README.md)."""
    check_seed(checkpoint, seed)
    model, processor = load(checkpoint)
    num_layers = model.config.text_config.num_hidden_layers
    side = model.config.vision_config.image_size
    size = (side, side)
    main_layers = parse_layers(layers_spec, num_layers, checkpoint)
    sweep = layer_ranges(num_layers)
    # All layers once (subsets are cheap); top_k and the final-norm quirk are the recipe knobs.
    settings = DexarSettings(layers=tuple(range(num_layers)), top_k=top_k, double_final_norm=double_final_norm)
    head_sets = head_layer_sets(main_layers, settings.layers)
    records, heads, t0 = [], [], time.time()
    for sample in stream(seed, side, n, templates):
        if max_seconds is not None and time.time() - t0 > max_seconds:
            break
        q = prepare(sample, processor.tokenizer)
        assert q.image.shape[:2] == size, (
            f"explain_eval: expected Shapes-QA images at the model input size {size} (identity "
            f"inverse preprocessing), found {q.image.shape[:2]}")
        inputs = build_prompt_inputs(processor, Image.fromarray(q.image), sample.qa.prompt, PROMPT_TEMPLATE)
        answer_ids = answer_token_ids(processor.tokenizer, sample.qa.answer)
        result = explain(model, inputs, answer_ids, settings)
        rng_seed = [seed, sample.index]
        prompt_words = set(grammar.split_words(sample.qa.prompt))
        answer_words = grammar.split_words(sample.qa.answer)
        owner = align_tokens(sample.qa.answer, answer_words, processor.tokenizer(
            sample.qa.answer, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"])
        record = {
            "id": f"s{seed}-{sample.index:06d}", "template": sample.qa.template, "answer": sample.qa.answer,
            # Grounded words the question already names ("Where is the red circle?" → "red"): the
            # model can copy them from the prompt text, so they need no evidence from the image.
            "copied": [answer_words[owner[t]] in prompt_words for t, _, _ in q.grounded],
            "answer_correct": result.logits.argmax(dim=-1).tolist() == answer_ids,
            "word_level": q.word_level, "kinds": [k for _, _, k in q.grounded],
            "grounded_tokens": [t for t, _, _ in q.grounded],
            "token_weights": result.token_weights.tolist(),
            "main": score(q, maps_for_layers(result, main_layers, np.random.default_rng(rng_seed)), size),
            "sweep": {label(ls): score(q, maps_for_layers(result, ls, np.random.default_rng(rng_seed)), size)
                      for ls in sweep},
        }
        records.append(record)
        if per_head and (h := head_scores(q, result, size, head_sets)) is not None:
            heads.append(h)
    elapsed = time.time() - t0
    correct = [r for r in records if r["answer_correct"]]
    extra = {"per_head": summarise_heads(heads, settings.layers, head_sets)} if heads else {}
    return {
        "format_version": FORMAT_VERSION,
        "checkpoint": str(checkpoint), "seed": seed, "n_requested": n, "n": len(records),
        "templates": list(templates),
        "answers": "teacher-forced ground truth",
        "settings": {"top_k": top_k, "double_final_norm": double_final_norm,
                     "drop_column_after_image": settings.drop_column_after_image},
        "layers": list(main_layers), "num_layers": num_layers, "grid": [side // model.config.vision_config.patch_size] * 2,
        "mask_size": list(size), "word_level": all(r["word_level"] for r in records),
        "seconds": round(elapsed, 1), "seconds_per_question": round(elapsed / max(1, len(records)), 3),
        "torch_threads": torch.get_num_threads(),
        "answer_correct_rate": len(correct) / max(1, len(records)),
        "methods": summarise([r["main"] for r in records]),
        "methods_answer_correct": summarise([r["main"] for r in correct]),
        "pointing_by_template": breakdown(
            records, lambda r, k: f"{r['template']} {grammar.TEMPLATE_NAMES[r['template']]}"),
        "pointing_by_word_kind": breakdown(records, lambda r, k: r["kinds"][k]),
        "pointing_by_source": breakdown(
            records, lambda r, k: "copied from the prompt" if r["copied"][k] else "image only"),
        "layer_sweep": {label(ls): summarise([r["sweep"][label(ls)] for r in records]) for ls in sweep},
        "questions": [{k: r[k] for k in ("id", "template", "answer", "answer_correct", "grounded_tokens",
                                          "kinds", "copied", "token_weights")} |
                      {"dexar_hits": r["main"]["dexar"]["hits"]} for r in records],
    } | extra


# ---------------------------------------------------------------- report

def format_report(doc: dict) -> str:
    """Markdown tables: main metrics, per template, per word kind, layer sweep."""
    lines = [f"held-out seed {doc['seed']}, {doc['n']} questions of templates {doc['templates']} "
             f"({doc['answers']}), layers "
             f"{label(tuple(doc['layers']))} of {doc['num_layers']}, grid {doc['grid'][0]}×{doc['grid'][1]} → "
             f"masks {doc['mask_size'][0]}×{doc['mask_size'][1]}, {doc['seconds_per_question']} s/question, "
             f"teacher-forced argmax = answer on {100 * doc['answer_correct_rate']:.1f}%",
             f"DEX-AR settings {doc['settings']}",
             "", "| method | pointing game | flat maps | sentence Soft-IoU | SNR_map mean / median | SNR_tokens |",
             "|---|---|---|---|---|---|"]
    for name, m in doc["methods"].items():
        lines.append(f"| {name} | {fmt(m['pointing_game'])} (n={m['grounded_tokens']}) | {fmt(m['flat_token_maps'])} | "
                     f"{fmt(m['sentence_soft_iou'])} | {fmt(m['snr_map_mean'])} / {fmt(m['snr_map_median'])} | "
                     f"{fmt(m['snr_tokens'])} |")
    for title, table in (("template", doc["pointing_by_template"]), ("word kind", doc["pointing_by_word_kind"]),
                         ("source", doc["pointing_by_source"])):
        lines += ["", f"| pointing game by {title} | " + " | ".join(METHODS) + " |", "|---" * (len(METHODS) + 1) + "|"]
        lines += [f"| {g} | " + " | ".join(fmt(by.get(m)) for m in METHODS) + " |" for g, by in table.items()]
    lines += ["", "| layers | PG dexar | PG unfiltered | PG attention | IoU dexar | IoU unfiltered | SNR_tokens dexar |",
              "|---|---|---|---|---|---|---|"]
    for lbl, t in doc["layer_sweep"].items():
        lines.append(f"| {lbl} | {fmt(t['dexar']['pointing_game'])} | {fmt(t['unfiltered']['pointing_game'])} | "
                     f"{fmt(t['attention']['pointing_game'])} | {fmt(t['dexar']['sentence_soft_iou'])} | "
                     f"{fmt(t['unfiltered']['sentence_soft_iou'])} | {fmt(t['dexar']['snr_tokens'])} |")
    if "per_head" in doc:
        lines += format_heads(doc["per_head"], doc["grid"], label(tuple(doc["layers"])))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="HF checkpoint dir written by models.train_demo")
    p.add_argument("--n", type=int, default=1000, help="held-out questions (templates cycle 1..6)")
    p.add_argument("--seed", type=int, default=900001, help="held-out Shapes-QA seed; the training seed is refused")
    p.add_argument("--templates", default="1,2,3,4,5,6", help="question templates to cycle through")
    p.add_argument("--layers", default="default", help='main layer set: "default" (the bundle\'s), "official", "all", "a-b" or "i,j"')
    p.add_argument("--out", help="JSON file to write")
    p.add_argument("--max-minutes", type=float, help="stop starting new questions after this long")
    p.add_argument("--top-k", type=int, default=1, help="k of the head scores (official: 1)")
    p.add_argument("--single-final-norm", action="store_true", help="turn the double-final-norm quirk off")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (shared machine)")
    p.add_argument("--per-head", action="store_true", help="also score every (layer, head) alone")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    doc = evaluate(Path(a.checkpoint), a.n, a.seed, a.layers,
                   None if a.max_minutes is None else 60 * a.max_minutes, a.top_k, not a.single_final_norm,
                   tuple(int(t) for t in a.templates.split(",")), a.per_head)
    print(format_report(doc))
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(doc, indent=1) + "\n")
        print("wrote", a.out)
    return doc


if __name__ == "__main__":
    main()
