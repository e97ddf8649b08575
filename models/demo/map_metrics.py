"""Heatmap metrics (DESIGN §4) against binary masks, the app's grid-to-pixel upsampling, and how
a metric prints in a table; shared by the split evaluation (explain_eval) and its per-head table
(head_eval)."""

import numpy as np
import torch
import torch.nn.functional as F


def pointing_hit(heatmap: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of the heatmap's maximal pixels that lie inside the mask (1.0/0.0 without ties)."""
    assert heatmap.shape == mask.shape, f"pointing_hit: map {heatmap.shape} vs mask {mask.shape}"
    top = heatmap == heatmap.max()
    return float((top & mask).sum() / top.sum())


def soft_iou(heatmap: np.ndarray, mask: np.ndarray) -> float:
    """Σ min(E, M) / Σ max(E, M) with E in [0, 1] and M binary."""
    assert heatmap.shape == mask.shape, f"soft_iou: map {heatmap.shape} vs mask {mask.shape}"
    m = mask.astype(np.float64)
    union = np.maximum(heatmap, m).sum()
    return float(np.minimum(heatmap, m).sum() / union) if union > 0 else 0.0


def snr_map(heatmap: np.ndarray, mask: np.ndarray) -> float:
    """mean(E inside M) / mean(E outside M); NaN when either side is empty or outside is all 0."""
    assert heatmap.shape == mask.shape, f"snr_map: map {heatmap.shape} vs mask {mask.shape}"
    if mask.all() or not mask.any():
        return float("nan")
    outside = heatmap[~mask].mean()
    return float(heatmap[mask].mean() / outside) if outside > 0 else float("nan")


def snr_tokens(grounded: list[float], linguistic: list[float]) -> float:
    """mean weight of grounded tokens / mean weight of linguistic tokens (NaN if undefined)."""
    if not grounded or not linguistic or np.mean(linguistic) == 0:
        return float("nan")
    return float(np.mean(grounded) / np.mean(linguistic))


def upsample(maps: torch.Tensor, size: tuple[int, int]) -> np.ndarray:
    """(..., gh, gw) grid maps → (..., H, W) bilinear, half-pixel centres (the app's geometry)."""
    lead = maps.shape[:-2]
    flat = maps.reshape(-1, 1, *maps.shape[-2:]).double()
    up = F.interpolate(flat, size=size, mode="bilinear", align_corners=False)
    return up.reshape(*lead, *size).numpy()


def fmt(x) -> str:
    """A metric for a markdown table: 3 decimals, an em dash when undefined (None or NaN)."""
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.3f}"
