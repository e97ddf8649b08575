"""Training-only supervision of the "exists" lookup, at the position that answers it.

An "exists" answer is decided by its first word, predicted at the prompt's last token. Probes on
that token's residual state (models/demo/question_probe.py) showed the trained models look up
whether the named *shape* is in the image and never whether the named *colour* is, so they answer
"Yes" to "Is there a purple star?" beside a yellow star. Here a linear probe on that state after one
LM layer is asked three yes/no questions during training — is the named colour present, is the
named shape, is the pair — so a colour lookup has to exist by then. Like the per-patch probe it is
dropped afterwards: the checkpoint stays a plain LLaVA.
"""

import torch
from torch import nn

from models.demo.aux import capture_output
from models.shapes_qa.questions import QA
from models.shapes_qa.scene import Scene

LABELS = ("color_present", "shape_present", "pair_present")


def named_pair(qa: QA) -> tuple[str, str]:
    """The colour and shape a "where" or "exists" question names (its last two words)."""
    color, shape = qa.prompt.rstrip("?").split()[-2:]
    return color, shape


def presence(scene: Scene, color: str, shape: str) -> tuple[int, int, int]:
    """Whether `scene` holds that colour, that shape, and an object with both (0/1 each)."""
    objs = scene.objects
    return (int(any(o.color == color for o in objs)), int(any(o.shape == shape for o in objs)),
            int(any(o.color == color and o.shape == shape for o in objs)))


def presence_targets(qa: QA, scene: Scene) -> tuple[int, int, int] | None:
    """The three labels of an "exists" question about `scene`; None for other templates."""
    return presence(scene, *named_pair(qa)) if qa.template == 6 else None


class PresenceProbe(nn.Module):
    """One linear map from a residual state to the three yes/no logits."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.linear = nn.Linear(width, 2 * len(LABELS))

    def loss(self, states: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over the labels; `states` (K, d), `targets` (K, 3). 0 when K = 0."""
        if targets.shape[0] == 0:
            return states.new_zeros(())
        logits = self.linear(states).reshape(-1, len(LABELS), 2)
        return nn.functional.cross_entropy(logits.reshape(-1, 2), targets.reshape(-1))


def capture_layer_output(model, layer: int) -> dict[str, torch.Tensor]:
    """Keep LM decoder layer `layer`'s latest output (B, T, d) in the returned dict under "states"."""
    return capture_output(model.model.language_model.layers[layer], "states")
