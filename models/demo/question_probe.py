"""What the answer position holds before the demo model answers: linear probes, layer by layer.

    models/.venv/bin/python -m models.demo.question_probe --checkpoint DIR [--template 6] [--n 1600]

Each question is run as at inference. At its last prompt token (the ":" of "ASSISTANT:", where the
first answer word is predicted) the residual stream after every LM layer (0: the embeddings) is
probed with a logistic regression fitted on 70 % of the questions: the colour and the shape the
question names, and for "exists" (template 6) whether that colour, that shape and the pair are in
the image. Half of the "exists" questions are confusable ones (models/demo/binding.py), so "No"
with the shape present is common. Prints held-out probe accuracy per layer, over all questions
and over those whose shape is present, beside the model's own first-word accuracy. A diagnostic:
the scenes come from --seed (not a training or held-out seed).
"""

import argparse
import random

import torch

from models.demo.binding import confusable_exists
from models.demo.data import Encoder, pixel_values
from models.demo.presence_probe import LABELS, named_pair, presence
from models.demo.tokenizer import build_tokenizer
from models.shapes_qa import grammar
from models.shapes_qa.sampler import stream
from models.shapes_qa.scene import render

COLORS, SHAPES = list(grammar.COLORS), list(grammar.SHAPES)


def probe_accuracy(x: torch.Tensor, y: torch.Tensor, train: int, classes: int) -> torch.Tensor:
    """Fit a standardised, lightly L2-regularised logistic probe on the first `train` rows of
    x (n, d) → y (n,); returns a bool per remaining row: its prediction was right."""
    mu, sd = x[:train].mean(0), x[:train].std(0) + 1e-6
    z = (x - mu) / sd
    w = torch.zeros(z.shape[1], classes, requires_grad=True)
    b = torch.zeros(classes, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=200)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(z[:train] @ w + b, y[:train]) + 1e-3 * (w ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return (z[train:] @ w + b).argmax(1) == y[train:]


def questions(template: int, n: int, seed: int) -> list[dict]:
    """Questions with their labels: named colour / shape, and for "exists" what is present."""
    rng = random.Random(seed)
    rows = []
    for s in stream(seed, 72, n, templates=(template,)):
        qa = confusable_exists(s.scene, rng) if template == 6 and rng.random() < 0.5 else s.qa
        color, shape = named_pair(qa)
        labels = dict(zip(LABELS, presence(s.scene, color, shape)))
        rows.append({"scene": s.scene, "prompt": qa.prompt, "first": qa.answer.split()[0].rstrip(","),
                     "color": COLORS.index(color), "shape": SHAPES.index(shape), **labels})
    return rows


@torch.no_grad()
def last_prompt_states(model, enc: Encoder, rows: list[dict], batch: int = 64) -> torch.Tensor:
    """(n, L+1, d) residual states at each question's last prompt token; sets row["first_right"]."""
    states = [None] * len(rows)
    by_length: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        by_length.setdefault(len(enc.prompt_ids(r["prompt"])), []).append(i)
    for idx in by_length.values():
        for start in range(0, len(idx), batch):
            part = idx[start:start + batch]
            ids = torch.tensor([enc.prompt_ids(rows[i]["prompt"]) for i in part])
            pix = torch.stack([pixel_values(render(rows[i]["scene"])[0]) for i in part])
            out = model(input_ids=ids, pixel_values=pix, output_hidden_states=True)
            for k, i in enumerate(part):
                states[i] = torch.stack([h[k, -1] for h in out.hidden_states])
                rows[i]["first_right"] = enc.tok.id_to_token(int(out.logits[k, -1].argmax())) == rows[i]["first"]
    return torch.stack(states)


def main() -> None:
    from transformers import LlavaForConditionalGeneration

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="HF checkpoint dir written by models.train_demo")
    ap.add_argument("--template", type=int, default=6, choices=(3, 6), help='3 "where" or 6 "exists"')
    ap.add_argument("--n", type=int, default=1600, help="questions (70 %% fit the probes, 30 %% score them)")
    ap.add_argument("--seed", type=int, default=777001, help="Shapes-QA seed of the scenes")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model = LlavaForConditionalGeneration.from_pretrained(a.checkpoint).eval()
    enc = Encoder(build_tokenizer(), model.config.image_seq_length)
    rows = questions(a.template, a.n, a.seed)
    x = last_prompt_states(model, enc, rows)
    train = int(0.7 * len(rows))
    test = rows[train:]
    present = torch.tensor([bool(r["shape_present"]) for r in test])
    right = torch.tensor([r["first_right"] for r in test], dtype=torch.float)
    print(f"{len(test)} scored questions, {int(present.sum())} with the shape present; the model's first word right: "
          f"{right.mean():.3f} (shape present {right[present].mean():.3f})")
    labels = [("color", len(COLORS)), ("shape", len(SHAPES))]
    if a.template == 6:
        labels += [(name, 2) for name in LABELS]
    print("label          " + " ".join(f"{'layer ' + str(k):>13s}" for k in range(x.shape[1])) + "   (all / shape present)")
    for key, classes in labels:
        y = torch.tensor([int(r[key]) for r in rows])
        cells = []
        for layer in range(x.shape[1]):
            ok = probe_accuracy(x[:, layer], y, train, classes).float()
            cells.append(f"{ok.mean():.3f}/{ok[present].mean():.3f}")
        print(f"{key:14s} " + " ".join(f"{c:>13s}" for c in cells))


if __name__ == "__main__":
    main()
