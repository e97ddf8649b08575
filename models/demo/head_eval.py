"""Every (layer, head) of the demo model scored alone over a split's grounded tokens (explain_eval
--per-head): pointing of its own P^img = ReLU(G[:, I]) and of its attention row A[q_t, I]
(against the word's mask and against any object), its head-filter weight w = max(0, Sv - Stxt),
how often w > 0, and its share of the Σ_h w·P̂ mass of each single layer and of the main layer set.

Mass share in a layer set Λ: per grounded token, head (l, h)'s w·ΣP̂ over the token's
Σ_{l,h∈Λ} w·ΣP̂ (P̂ min-maxed over Λ as the reference does), averaged over the tokens whose total is
> 0 (a token with every head of Λ filtered out has no map to share); `pooled` sums the masses over
the tokens first. Shares sum to 1 over the heads of Λ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from models.demo.layer_sets import label
from models.demo.map_metrics import fmt, pointing_hit, upsample
from models.reference.maps import normalise_relevance
from models.reference.scores import head_filter

if TYPE_CHECKING:
    from models.demo.explain_eval import Question


HEAD_KEYS = ("pointing_relevance", "pointing_attention", "objects_relevance", "objects_attention",
             "flat_relevance", "top_patch", "w", "sv", "stxt")


def _pointing(maps: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """pointing_hit of every (G, L, H, H_px, W_px) map against its token's mask → (G, L, H)."""
    return np.array([[[pointing_hit(m, masks[g]) for m in by_head] for by_head in by_layer]
                     for g, by_layer in enumerate(maps)])


def head_scores(q: Question, result, size: tuple[int, int],
                layer_sets: list[tuple[int, ...]]) -> dict[str, np.ndarray] | None:
    """What each (layer, head) of `result.layers` points at alone, per grounded token.

    Returns HEAD_KEYS arrays shaped (G, L, H) — `top_patch` is the argmax patch of P^img (-1 when
    P^img is all zero) — and "mass/<Λ>" arrays shaped (G, |Λ|, H) holding w·ΣP̂ per layer set.
    None when the question has no grounded token.
    """
    ts = [t for t, _, _ in q.grounded]
    if not ts:
        return None
    grid, n = result.grid, result.grid[0] * result.grid[1]
    image = slice(result.image_start, result.image_start + n)
    relevance = result.image_relevance[ts]  # (G, L, H, N)
    attention = torch.stack([result.attention_rows[t][..., image] for t in ts])
    up_rel = upsample(relevance.reshape(*relevance.shape[:3], *grid), size)
    up_att = upsample(attention.reshape(*attention.shape[:3], *grid), size)
    masks, objects = [m for _, m, _ in q.grounded], [q.objects] * len(ts)
    flat = (relevance.max(dim=-1).values == relevance.min(dim=-1).values).numpy()
    out = {
        "pointing_relevance": _pointing(up_rel, masks), "pointing_attention": _pointing(up_att, masks),
        "objects_relevance": _pointing(up_rel, objects), "objects_attention": _pointing(up_att, objects),
        "flat_relevance": flat, "top_patch": np.where(flat, -1, relevance.argmax(dim=-1).numpy()),
        "w": head_filter(result.visual_scores, result.text_scores)[ts].numpy(),
        "sv": result.visual_scores[ts].numpy(), "stxt": result.text_scores[ts].numpy(),
    }
    for layers in layer_sets:
        idx = [result.layers.index(layer) for layer in layers]
        w = head_filter(result.visual_scores[:, idx], result.text_scores[:, idx])
        p_hat = normalise_relevance(result.image_relevance[:, idx])  # min-max over Λ, all tokens
        out[f"mass/{label(layers)}"] = (w * p_hat.sum(dim=-1))[ts].double().numpy()
    return out


def mass_shares(mass: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(G, |Λ|, H) w·ΣP̂ masses → per-token mean share, pooled share (each (|Λ|, H)), tokens used."""
    total = mass.sum(axis=(1, 2))
    used = total > 0
    per_token = (mass[used] / total[used, None, None]).mean(axis=0) if used.any() else np.zeros(mass.shape[1:])
    pooled = mass.sum(axis=0) / total.sum() if total.sum() > 0 else np.zeros(mass.shape[1:])
    return per_token, pooled, int(used.sum())


def summarise_heads(per_question: list[dict], layers: tuple[int, ...],
                    layer_sets: list[tuple[int, ...]]) -> dict:
    """Pool head_scores() over the split into one row per (layer, head) (the `per_head` JSON)."""
    cat = {k: np.concatenate([d[k] for d in per_question]) for k in per_question[0]}
    shares = {label(ls): mass_shares(cat[f"mass/{label(ls)}"]) for ls in layer_sets}

    def share(layer: int, head: int, which: int) -> dict[str, float]:
        """{set label: head's share} over the layer sets holding `layer` (which: 0 per token, 1 pooled)."""
        return {label(ls): float(shares[label(ls)][which][ls.index(layer), head]) for ls in layer_sets if layer in ls}

    rows = []
    for i, layer in enumerate(layers):
        for h in range(cat["w"].shape[2]):
            kept = cat["w"][:, i, h] > 0
            patches = cat["top_patch"][:, i, h]
            patches = patches[patches >= 0]
            top = int(np.bincount(patches).argmax()) if len(patches) else -1
            mean = {k: float(cat[k][:, i, h].mean()) for k in HEAD_KEYS if k != "top_patch"}
            rows.append({
                "layer": layer, "head": h, **{k: mean[k] for k in HEAD_KEYS[:5]},
                "w_mean": mean["w"], "w_positive": float(kept.mean()),
                "pointing_relevance_kept": float(cat["pointing_relevance"][kept, i, h].mean()) if kept.any() else None,
                "sv_mean": mean["sv"], "stxt_mean": mean["stxt"],
                # The head's favourite patch and how often P^img peaks there: a fixed position
                # (a sink) shows as one patch taking most tokens whatever the object's place.
                "top_patch": top, "top_patch_share": float((patches == top).sum() / len(cat["w"])) if top >= 0 else 0.0,
                "mass_share": share(layer, h, 0), "mass_share_pooled": share(layer, h, 1),
            })
    return {"grounded_tokens": len(cat["w"]), "layer_sets": list(shares),
            "mass_tokens": {lbl: s[2] for lbl, s in shares.items()}, "rows": rows}


def head_layer_sets(main_layers: tuple[int, ...], layers: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Each single layer, then the main set (unless it is a single layer already listed)."""
    singles = [(layer,) for layer in layers]
    return singles if main_layers in singles else singles + [main_layers]


def format_heads(table: dict, grid: list[int], main_label: str) -> list[str]:
    """The per-head table: one row per (layer, head), shares in its own layer and in the main set."""
    lines = ["", f"per head, {table['grounded_tokens']} grounded tokens (tokens with a non-flat map per set: "
             f"{table['mass_tokens']})", "",
             "| layer | head | PG P^img | PG attention | P^img on any object | attention on any object | P^img flat | "
             f"w mean | w > 0 | PG P^img when w > 0 | Sv | Stxt | share in layer | share in {main_label} | "
             "top P^img patch (row,col) |", "|---" * 15 + "|"]
    for r in table["rows"]:
        own, main = r["mass_share"].get(str(r["layer"])), r["mass_share"].get(main_label)
        top = "—" if r["top_patch"] < 0 else f"({r['top_patch'] // grid[1]},{r['top_patch'] % grid[1]}) " \
            f"{100 * r['top_patch_share']:.0f}%"
        lines.append(
            f"| {r['layer']} | {r['head']} | {fmt(r['pointing_relevance'])} | {fmt(r['pointing_attention'])} | "
            f"{fmt(r['objects_relevance'])} | {fmt(r['objects_attention'])} | {fmt(r['flat_relevance'])} | "
            f"{r['w_mean']:.3g} | {fmt(r['w_positive'])} | {fmt(r['pointing_relevance_kept'])} | "
            f"{r['sv_mean']:.3g} | {r['stxt_mean']:.3g} | {fmt(own)} | {fmt(main)} | {top} |")
    return lines
