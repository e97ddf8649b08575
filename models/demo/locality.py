"""Keeping image tokens local inside the LM, used only while training the demo model.

DEX-AR's map for one head is ReLU(G) over the image columns, G_j = ∂s/∂A_j: patch j's value
vector projected on the direction that raises the target. It points at an object only if the
object's evidence sits in the value vectors over that object. The per-patch probe (aux.py) puts
it there at the LM's input, but nothing stops the LM's own causal attention from mixing it into
later image tokens: on run aux9, image-token queries give 81-86 % of their attention to other
image tokens in every layer, and background patches after an object in raster order carry its
colour. `image_mixing` measures that share so training can penalise it. Answer tokens still read
every image token; only image tokens are asked to attend to the text before the image (a constant
sink) or to themselves.

Local states are not enough: with mixing gone, DEX-AR's maps still peaked on background patches.
Every token is RMS-normalised before W_v, so a background token cannot simply fade: on aux9 its
value energy is 0.43 of an object token's, and background tokens outnumber object tokens five to
one. `background_value_share`
measures how much value energy background tokens carry relative to object tokens, so training
can push background values towards zero. Both are training losses only: the checkpoint stays a
plain LLaVA with ordinary causal attention.
"""

import torch


def image_mixing(attentions: tuple[torch.Tensor, ...], image: slice) -> torch.Tensor:
    """Mean attention mass that image-token queries put on *other* image tokens.

    `attentions`: per LM layer (B, H, T, T) probabilities; `image`: the image tokens' rows and
    columns, the same in every sequence. Averaged over layers, batch, heads and the image rows:
    0 when image tokens read only the text before them and themselves.
    """
    count = image.stop - image.start
    eye = torch.eye(count, dtype=torch.bool, device=attentions[0].device)
    shares = [a[:, :, image, image].masked_fill(eye, 0.0).sum(-1).mean() for a in attentions]
    return torch.stack(shares).mean()


def capture_values(model) -> list[torch.Tensor]:
    """A list that collects every LM layer's value projection (B, T, H_kv·hd), in layer order,
    during training forward passes (evaluation passes are not kept); clear it before each step."""
    box: list[torch.Tensor] = []
    for layer in model.model.language_model.layers:
        layer.self_attn.v_proj.register_forward_hook(lambda m, _i, out: box.append(out) if m.training else None)
    return box


def background_value_share(values: list[torch.Tensor], image: slice, background: torch.Tensor) -> torch.Tensor:
    """Mean over layers of mean ‖v‖² on background image tokens / mean ‖v‖² on object tokens.

    `values`: per layer (B, T, D); `image`: the image tokens' rows; `background`: (B, N) bool,
    True where the image token shows background. 0 when background tokens have zero values.
    """
    bg = background.to(values[0].dtype)
    ratios = []
    for v in values:
        energy = (v[:, image] ** 2).sum(-1)
        ratios.append(((energy * bg).sum() / bg.sum()) / ((energy * (1 - bg)).sum() / (1 - bg).sum()))
    return torch.stack(ratios).mean()
