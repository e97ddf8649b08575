"""Exact-match answer accuracy per template by greedy decoding (DESIGN §4)."""

from collections import defaultdict

import torch

from models.demo.data import Encoder, pixel_values
from models.shapes_qa import grammar
from models.shapes_qa.sampler import Sample, stream
from models.shapes_qa.scene import render


@torch.no_grad()
def greedy_answers(model, enc: Encoder, samples: list[Sample], batch_size: int = 64, max_new: int = 24) -> list[str]:
    """Greedy answers. Samples are grouped by prompt length so no batch needs padding."""
    model.eval()
    groups: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(samples):
        groups[len(enc.prompt_ids(s.qa.prompt))].append(i)
    out: list[str] = [""] * len(samples)
    for idx in groups.values():
        for b in range(0, len(idx), batch_size):
            part = idx[b : b + batch_size]
            ids = torch.tensor([enc.prompt_ids(samples[i].qa.prompt) for i in part])
            pix = torch.stack([pixel_values(render(samples[i].scene)[0]) for i in part])
            ids, pix = ids.to(model.device), pix.to(model.device)
            gen = model.generate(
                input_ids=ids, attention_mask=torch.ones_like(ids), pixel_values=pix,
                max_new_tokens=max_new, do_sample=False, eos_token_id=enc.eos_id, pad_token_id=enc.pad_id)
            for i, row in zip(part, gen[:, ids.shape[1]:].tolist()):
                out[i] = enc.tok.decode(row, skip_special_tokens=True).strip()
    return out


def accuracy_table(samples: list[Sample], answers: list[str]) -> dict[str, float]:
    """{"1 color_of_shape": acc, …, "overall": acc} as fractions."""
    hits: dict[int, list[bool]] = defaultdict(list)
    for s, a in zip(samples, answers):
        hits[s.qa.template].append(a == s.qa.answer)
    table = {f"{t} {grammar.TEMPLATE_NAMES[t]}": sum(h) / len(h) for t, h in sorted(hits.items())}
    table["overall"] = sum(sum(h) for h in hits.values()) / sum(len(h) for h in hits.values())
    return table


def evaluate(model, enc: Encoder, seed: int, n: int, size: int) -> tuple[dict[str, float], list[tuple[Sample, str]]]:
    """Accuracy on `n` held-out questions from `seed`, plus the wrong answers for inspection."""
    samples = list(stream(seed, size, n))
    answers = greedy_answers(model, enc, samples)
    wrong = [(s, a) for s, a in zip(samples, answers) if a != s.qa.answer]
    return accuracy_table(samples, answers), wrong


def format_table(table: dict[str, float], n: int) -> str:
    lines = [f"| template | exact match (n={n}) |", "|---|---|"]
    lines += [f"| {k} | {100 * v:.1f}% |" for k, v in table.items()]
    return "\n".join(lines)
