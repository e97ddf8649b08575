"""Training-only grounding of DEX-AR's gradient rows: each answer word's map asked to peak on its object.

DEX-AR's map of answer token y_t at layer l is ReLU(G), G[h, j] = <u_h, V_l[j]> with
u = W_oᵀ·ds/dm (DESIGN §3): how much moving head h's attention onto patch j would raise the
logit lens's score of y_t. It has no attention factor. On run aux16 the model attends to the right
object (raw attention points 0.90 on template 2) while G peaks elsewhere (pointing 0.16-0.26 for
shape words, 0.11 for position words): nothing in the answer loss asks a patch's value vector to
carry its own object's evidence in the direction the rest of the layer reads. This term asks it:
for every grounded answer token (DESIGN §5 regions) and every LM layer, the map Σ_h ReLU(G) over
the image columns, computed exactly by the layer-local identity with ds/dm held fixed for the step,
is divided by its maximum and pushed, through a softmax at temperature `tau`, to put its peak on
the patches the word's region covers.

It is explainability by design, and models/README says so next to every number it moves: the demo
model is trained so that its DEX-AR maps have a known right answer, which is what the workstation's
checks need from it; it says nothing about how DEX-AR fares on models not trained this way. Like
the probes it is a loss only: the checkpoint stays a plain LLaVA.
"""

from collections.abc import Callable
from functools import cache

import numpy as np
import torch

from models.demo.aux import PatchGrid, patch_cover
from models.reference.layer_local import head_layout, identity_rows, per_head, tail_gradient
from models.shapes_qa.questions import QA

MIN_COVER = 0.5  # a patch is inside a region when the region covers at least half of it


def region_inside(masks: list[np.ndarray], grid: PatchGrid) -> Callable[[tuple[int, ...]], np.ndarray]:
    """For one image: objects (indices into its masks) → (N,) bool patches inside their region.

    A region's patches are those it covers at least MIN_COVER of, plus its best-covered patch, so
    a small object always has one. Cached: an image's turns ask about the same objects again.
    """
    @cache
    def inside(objects: tuple[int, ...]) -> np.ndarray:
        cover = patch_cover(np.logical_or.reduce([masks[k] for k in objects]), grid)
        hit = cover >= MIN_COVER
        hit[cover.argmax()] = True
        return hit

    return inside


def region_patches(qa: QA, inside: Callable[[tuple[int, ...]], np.ndarray]) -> list[tuple[int, np.ndarray]]:
    """(answer word index, (N,) bool patches inside the word's region) for every grounded word;
    `inside` from `region_inside` for the image `qa` asks about."""
    return [(i, inside(tuple(region.objects))) for region in qa.regions for i in region.indices]


def capture_residuals(model) -> list[torch.Tensor]:
    """A list that collects every LM layer's residual after attention m_l (B, T, d), in layer
    order, during training forward passes; clear it before each step."""
    box: list[torch.Tensor] = []
    for layer in model.model.language_model.layers:
        layer.post_attention_layernorm.register_forward_pre_hook(
            lambda m, args: box.append(args[0]) if m.training else None)
    return box


def image_gradient_rows(model, residuals: list[torch.Tensor], values: list[torch.Tensor], rows: torch.Tensor,
                        target_ids: torch.Tensor, image: slice, double_final_norm: bool = True) -> list[torch.Tensor]:
    """Per LM layer, G over the image columns (K, H, N) for K answer tokens.

    `rows` (K, 2): (sequence, row that predicts the token); `target_ids` (K,); `residuals` and
    `values` as captured in one forward pass (capture_residuals, locality.capture_values). ds/dm
    is detached, so gradients reach the values and W_o, not the layer's tail or the lens.
    """
    layout = head_layout(model.config.text_config)
    layers = model.model.language_model.layers
    seq, row = rows[:, 0], rows[:, 1]
    # The tail passes below run each layer's post-attention norm again, which appends to the
    # capture list: take the forward pass's entries first.
    captured = residuals[: len(layers)]
    out = []
    for index, (layer, m, v) in enumerate(zip(layers, captured, values, strict=True)):
        d = tail_gradient(model, layer, m[seq, row], target_ids, index == len(layers) - 1, double_final_norm)
        out.append(identity_rows(d, layer.self_attn.o_proj.weight, per_head(v[:, image][seq], *layout)))
    return out


def peak_loss(gradient_rows: list[torch.Tensor], inside: torch.Tensor, tau: float) -> torch.Tensor:
    """Mean over layers and tokens of −log(softmax mass inside the region) of the max-normalised
    map Σ_h ReLU(G). `inside` (K, N) bool. 0 when K = 0. A map that is zero everywhere (no
    patch raises the word) gives the uniform distribution and no gradient."""
    if inside.shape[0] == 0:
        return gradient_rows[0].new_zeros(())
    losses = []
    for g in gradient_rows:
        relevance = torch.relu(g).sum(1)  # (K, N)
        scaled = relevance / (relevance.amax(-1, keepdim=True) + 1e-12)
        logp = torch.log_softmax(scaled / tau, -1)
        losses.append(-logp.masked_fill(~inside, float("-inf")).logsumexp(-1).mean())
    return torch.stack(losses).mean()
