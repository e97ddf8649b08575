"""Train the Shapes-QA demo model from scratch on CPU, then evaluate it on a held-out split.

    models/.venv/bin/python -m models.train_demo [--out DIR] [--max_steps N] ...

Flat config in the nanoGPT style: every knob is an argparse flag with its default and a comment.
Training data is generated on the fly from --seed (an endless Shapes-QA stream); the held-out
split comes from --eval_seed, which training never uses. The checkpoint directory gets the
weights, tokenizer, processor and recipe.json (all args, seed, timings, accuracy table).
"""

import argparse
import json
import math
import os
import time
from dataclasses import fields

# Threads sleep instead of spinning at barriers: on a shared 2-core machine spinning OpenMP
# workers burn the other engineers' CPU (and ours) in system time. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from models.demo.aux import PatchGrid, PatchProbe, capture_projector  # noqa: E402
from models.demo.data import IGNORE, Encoder, batches, patch_batches  # noqa: E402
from models.demo.evaluate import evaluate, format_table  # noqa: E402
from models.demo.grounding import capture_residuals, image_gradient_rows, peak_loss  # noqa: E402
from models.demo.locality import background_value_share, capture_values, image_mixing  # noqa: E402
from models.demo.model import DemoConfig, build_model, save_checkpoint  # noqa: E402
from models.demo.presence_probe import PresenceProbe, capture_layer_output  # noqa: E402

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
# I/O
p.add_argument("--out", default="build/demo/shapes-llava-tiny", help="checkpoint directory to write")
p.add_argument("--init", default="", help="start from this checkpoint's weights (a directory train_demo wrote with the same model flags) instead of a fresh init; its recipe.json is kept in the new one")
# data
p.add_argument("--seed", type=int, default=1, help="seeds weights init and the training stream")
p.add_argument("--eval_seed", type=int, default=900001, help="held-out split seed (never trained on)")
p.add_argument("--eval_n", type=int, default=1200, help="held-out questions (200 per template)")
p.add_argument("--val_seed", type=int, default=800001, help="seed of the small periodic validation set")
p.add_argument("--val_n", type=int, default=180, help="questions in each periodic validation")
p.add_argument("--weights", default="1,1,1.3,1,1.6,1", help="relative sampling weight of templates 1..6; describe and where are the hardest")
p.add_argument("--binding", type=float, default=0.0, help="share of follow-up where/exists questions about confusable cases (models/demo/binding.py); the committed checkpoint used 0")
p.add_argument("--hard_turns", type=int, default=0, help="follow-up turns per image that are extra where/exists questions in place of other templates (models/demo/data.py); the committed checkpoint used 0")
p.add_argument("--binding_from", type=float, default=0.0, help="joint-stage progress (0..1) from which --binding and --hard_turns apply; before it the follow-ups are the generator's uniform ones (0: from the start)")
# model (see models/demo/model.py DemoConfig for what each one means)
for f in fields(DemoConfig):
    p.add_argument(f"--{f.name}", type=int, default=f.default)
# optimisation
p.add_argument("--batch_size", type=int, default=16, help="images per step")
p.add_argument("--turns", type=int, default=6, help="questions per image, packed as independent turns after one image prefix (1: single-turn)")
p.add_argument("--max_steps", type=int, default=20000, help="optimizer steps of the joint stage (upper bound)")
p.add_argument("--time_limit_min", type=float, default=42.0, help="training wall-clock cap, both stages; the lr schedule runs on whichever of steps or time is further along, so a slow (shared) CPU stops early with a fully annealed lr")
p.add_argument("--vision_min", type=float, default=9.0, help="first stage: minutes training only the vision tower, projector and probe on the per-patch targets (no LM: ~8x more images per second)")
p.add_argument("--vision_batch", type=int, default=64, help="images per step in the vision stage")
p.add_argument("--lr", type=float, default=2e-3, help="peak AdamW learning rate")
p.add_argument("--min_lr", type=float, default=5e-5, help="cosine floor")
p.add_argument("--warmup", type=int, default=200, help="linear warm-up steps")
p.add_argument("--weight_decay", type=float, default=0.05, help="AdamW decoupled weight decay (matrices only)")
p.add_argument("--aux_weight", type=float, default=1.0, help="weight of the per-patch probe loss (models/demo/aux.py); 0 trains on answers alone")
p.add_argument("--locality", type=float, default=0.0, help="weight of the image-mixing penalty (models/demo/locality.py): image tokens' attention to other image tokens in the LM; 0 leaves it free")
p.add_argument("--background_values", type=float, default=0.0, help="weight of the background-value penalty (models/demo/locality.py): value energy of background image tokens over that of object tokens, every LM layer; 0 leaves it free")
p.add_argument("--locality_from", type=float, default=0.0, help="joint-stage progress (0..1) from which --locality and --background_values apply (0: from the start)")
p.add_argument("--presence", type=float, default=1.0, help="weight of the exists-presence probe (models/demo/presence_probe.py) on the answering row of every exists turn (the committed checkpoint: 1); 0: off")
p.add_argument("--presence_layer", type=int, default=2, help="LM decoder layer (0-based) whose output the presence probe reads")
p.add_argument("--grounding", type=float, default=0.0, help="weight of the map-grounding term (models/demo/grounding.py): each grounded answer token's DEX-AR map, every LM layer, asked to peak on its region's patches; 0: off")
p.add_argument("--grounding_tau", type=float, default=0.1, help="softmax temperature of the grounding term over the max-normalised map")
p.add_argument("--grounding_from", type=float, default=0.0, help="joint-stage progress (0..1) from which --grounding applies (0: from the start)")
p.add_argument("--grad_clip", type=float, default=1.0, help="global grad-norm clip")
# system
p.add_argument("--threads", type=int, default=2, help="torch CPU threads (the team machine has 2 cores)")
p.add_argument("--device", default="cpu", help="torch device; the recipe targets CPU, 'cuda' only speeds up iterating")
p.add_argument("--log_every", type=int, default=50, help="steps between loss lines")
p.add_argument("--val_every", type=int, default=1000, help="steps between periodic validations (0: never)")


def progress(step: int, elapsed_s: float, a: argparse.Namespace) -> float:
    """Fraction of the joint stage done: by steps or by wall clock, whichever is further."""
    return max(step / a.max_steps, elapsed_s / (60 * (a.time_limit_min - a.vision_min)))


def lr_at(step: int, frac: float, a: argparse.Namespace) -> float:
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    warm = a.warmup / a.max_steps
    x = min(1.0, max(0.0, (frac - warm) / (1 - warm)))
    return a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * x))


def optimizer(params: list[torch.nn.Parameter], a: argparse.Namespace) -> torch.optim.Optimizer:
    # No decay on norms, biases and embeddings' 1-d params: standard GPT practice.
    decay = [p for p in params if p.dim() >= 2]
    other = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": a.weight_decay}, {"params": other, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=a.lr, betas=(0.9, 0.98))


def loss_fn(model, batch: dict[str, torch.Tensor], probe: PatchProbe, tokens: dict, values: list[torch.Tensor],
            residuals: list[torch.Tensor], image: slice, a: argparse.Namespace, local: bool, grounded: bool,
            presence: tuple[PresenceProbe, dict] | None = None) -> dict[str, torch.Tensor]:
    """The joint stage's loss terms: answer cross-entropy, the per-patch probe on the projector
    output the forward pass captured, the image-locality penalties (zero before `local` and
    when their weight is 0: the attention probabilities they need are not collected then), the
    map-grounding term (zero before `grounded` and when its weight is 0) and, with `presence`
    (probe, captured layer output), the exists-presence probe."""
    batch = {k: v.to(model.device) for k, v in batch.items()}
    values.clear()
    residuals.clear()
    mixing_on, background_on = local and a.locality > 0, local and a.background_values > 0
    out = model(input_ids=batch["input_ids"], attention_mask=batch["turn_mask"], position_ids=batch["position_ids"],
                pixel_values=batch["pixel_values"], output_attentions=mixing_on)
    logits = out.logits
    # Position i predicts token i+1; targets are IGNORE outside the answer.
    answer = torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]), batch["targets"][:, 1:].reshape(-1), ignore_index=IGNORE)
    zero = answer.new_zeros(())
    terms = {
        "answer": answer,
        "aux": probe.loss(tokens["tokens"], batch["patch_targets"]),
        "mixing": image_mixing(out.attentions, image) if mixing_on else zero,
        "background": background_value_share(values, image, batch["patch_targets"][:, :, 0] == 0) if background_on else zero,
    }
    if presence is not None:
        head, layer = presence
        rows = batch["presence_rows"]
        terms["presence"] = head.loss(layer["states"][rows[:, 0], rows[:, 1]], batch["presence_targets"])
    if grounded and a.grounding > 0:
        gradient_rows = image_gradient_rows(model, residuals, values, batch["ground_rows"], batch["ground_ids"], image)
        terms["grounding"] = peak_loss(gradient_rows, batch["ground_inside"], a.grounding_tau)
    return terms


def vision_stage(model, probe: PatchProbe, tokens: dict, grid: PatchGrid, a: argparse.Namespace) -> int:
    """Train the vision tower, projector and probe alone for `a.vision_min` minutes (constant lr
    after warm-up: the joint stage anneals everything). Returns the steps taken."""
    if a.vision_min <= 0:
        return 0
    params = [*model.model.vision_tower.parameters(), *model.model.multi_modal_projector.parameters(), *probe.parameters()]
    opt = optimizer(params, a)
    data = patch_batches(a.seed + 1, a.vision_batch, grid)
    t0, step = time.time(), 0
    while time.time() - t0 < 60 * a.vision_min:
        for g in opt.param_groups:
            g["lr"] = a.lr * min(1.0, (step + 1) / a.warmup)
        batch = {k: v.to(a.device) for k, v in next(data).items()}
        model.model.get_image_features(pixel_values=batch["pixel_values"])
        loss = probe.loss(tokens["tokens"], batch["patch_targets"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, a.grad_clip)
        opt.step()
        if step % a.log_every == 0:
            print(f"vision step {step:5d} aux {loss.item():.4f} {time.time() - t0:7.1f}s", flush=True)
        step += 1
    print("vision stage probe accuracy (last batch):", json.dumps(probe.accuracy(tokens["tokens"], batch["patch_targets"])), flush=True)
    return step


def load_init(model, directory: str) -> dict:
    """Load a train_demo checkpoint's weights into `model` (strict: same architecture); returns its recipe."""
    from transformers import LlavaForConditionalGeneration

    model.load_state_dict(LlavaForConditionalGeneration.from_pretrained(directory).state_dict(), strict=True)
    with open(os.path.join(directory, "recipe.json")) as f:
        return json.load(f)


def main() -> None:
    a = p.parse_args()
    assert len({a.seed, a.eval_seed, a.val_seed}) == 3, "train, validation and held-out seeds must differ"
    torch.set_num_threads(a.threads)
    cfg = DemoConfig(**{f.name: getattr(a, f.name) for f in fields(DemoConfig)})
    model, tok = build_model(cfg, a.seed)
    init_recipe = load_init(model, a.init) if a.init else None
    model.to(a.device)
    n_img = (cfg.image_size // cfg.patch_size) ** 2
    enc = Encoder(tok, n_img)
    weights = {t + 1: float(w) for t, w in enumerate(a.weights.split(","))}
    assert len(weights) == 6, f"--weights needs 6 values (templates 1..6), found {a.weights!r}"
    print(f"params {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M, {n_img} image tokens")

    # The mixing penalty needs the LM's attention probabilities, which only eager attention returns.
    if a.locality > 0:
        model.set_attn_implementation({"text_config": "eager"})
    values = capture_values(model) if a.background_values > 0 or a.grounding > 0 else []
    residuals = capture_residuals(model) if a.grounding > 0 else []
    image = enc.image_span
    probe = PatchProbe(cfg.hidden_size).to(a.device)
    tokens = capture_projector(model)
    presence = ((PresenceProbe(cfg.hidden_size).to(a.device), capture_layer_output(model, a.presence_layer))
                if a.presence > 0 else None)
    grid = PatchGrid(cfg.image_size, cfg.patch_size)
    t_start = time.time()
    vision_steps = vision_stage(model, probe, tokens, grid, a)
    params = list(model.parameters()) + list(probe.parameters()) + (list(presence[0].parameters()) if presence else [])
    opt = optimizer(params, a)
    late = (a.binding > 0 or a.hard_turns > 0) and a.binding_from > 0
    data = batches(a.seed, a.batch_size, cfg.image_size, weights, enc, a.turns, grid,
                   *((0.0, 0) if late else (a.binding, a.hard_turns)))
    t0 = time.time()
    history = []
    step = 0
    while (frac := progress(step, time.time() - t0, a)) < 1.0:
        if late and frac >= a.binding_from:
            # Confusable and extra hard cases only once the shortcuts are learnt: a stream of its own from here.
            data = batches(a.seed + 2, a.batch_size, cfg.image_size, weights, enc, a.turns, grid, a.binding, a.hard_turns)
            late = False
            print(f"step {step}: late follow-ups from here on (--binding {a.binding}, --hard_turns {a.hard_turns})", flush=True)
        model.train()
        lr = lr_at(step, frac, a)
        for g in opt.param_groups:
            g["lr"] = lr
        terms = loss_fn(model, next(data), probe, tokens, values, residuals, image, a, frac >= a.locality_from,
                        frac >= a.grounding_from, presence)
        opt.zero_grad(set_to_none=True)
        (terms["answer"] + a.aux_weight * terms["aux"] + a.locality * terms["mixing"]
         + a.background_values * terms["background"] + a.presence * terms.get("presence", 0.0)
         + a.grounding * terms.get("grounding", 0.0)).backward()
        torch.nn.utils.clip_grad_norm_(params, a.grad_clip)
        opt.step()
        if step % a.log_every == 0:
            shown = " ".join(f"{k} {v.item():.4f}" for k, v in terms.items())
            print(f"step {step:5d} {shown} lr {lr:.2e} {time.time() - t0:7.1f}s", flush=True)
        if a.val_every and step > 0 and step % a.val_every == 0:
            table, _ = evaluate(model, enc, a.val_seed, a.val_n, cfg.image_size)
            history.append({"step": step, "val": table})
            print("val", step, json.dumps({k: round(v, 3) for k, v in table.items()}), flush=True)
        step += 1
    train_s = time.time() - t_start
    print(f"trained {vision_steps} vision + {step} joint steps in {train_s / 60:.1f} min", flush=True)

    t1 = time.time()
    table, wrong = evaluate(model, enc, a.eval_seed, a.eval_n, cfg.image_size)
    eval_s = time.time() - t1
    print(f"\nheld-out split: seed {a.eval_seed}, {a.eval_n} questions; train {train_s / 60:.1f} min, eval {eval_s:.0f} s")
    print(format_table(table, a.eval_n))
    for s, ans in wrong[:12]:
        print(f"  wrong: {s.qa.prompt!r} expected {s.qa.answer!r} got {ans!r}")
    recipe = {
        "args": vars(a), "seed": a.seed, "vision_steps": vision_steps, "steps": step, "train_seconds": round(train_s, 1), "eval_seconds": round(eval_s, 1),
        "torch_threads": a.threads, "heldout": {"seed": a.eval_seed, "n": a.eval_n, "accuracy": table},
        "validation_history": history,
    }
    if init_recipe is not None:
        recipe["init_recipe"] = init_recipe
    print("saved", save_checkpoint(model.eval().cpu(), tok, cfg, a.out, recipe))


if __name__ == "__main__":
    main()
