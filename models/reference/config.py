"""Settings of the DEX-AR reference (DESIGN §3).

The defaults reproduce the official algorithm; every quirk of the official code is a named
switch so the TypeScript engine and the fixtures can exercise both behaviours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DexarSettings:
    # Layers explained (0-based decoder layer indices). None = the last `default_layer_count`
    # layers, or all layers when the model has no more than that many (DESIGN §3).
    layers: tuple[int, ...] | None = None
    # How many layers `layers=None` selects, counted from the top of the decoder.
    default_layer_count: int = 10
    # k of the head scores: Sv and Stxt are the mean of the k largest values of a head's row
    # (k = 1 is the official max). Clamped to the number of columns available.
    top_k: int = 1
    # Official-compatible quirk 1: Hugging Face returns the last layer's hidden state already
    # passed through the final norm; the official logit lens normalises it again. False applies
    # the final norm exactly once on every layer (the last layer's score is then the model's logit).
    double_final_norm: bool = True
    # Official-compatible quirk 2: the official code leaves column i0+N (the first column after
    # the image tokens) out of the text set X. False keeps it in X.
    drop_column_after_image: bool = True

    def resolve_layers(self, num_layers: int) -> tuple[int, ...]:
        """The explained layer set Λ for a decoder with `num_layers` layers, ascending."""
        if self.layers is None:
            first = max(0, num_layers - self.default_layer_count)
            return tuple(range(first, num_layers))
        layers = tuple(sorted(set(self.layers)))
        if not layers:
            raise ValueError("DexarSettings.layers: expected at least one layer, found an empty set")
        bad = [layer for layer in layers if not 0 <= layer < num_layers]
        if bad:
            raise ValueError(
                f"DexarSettings.layers: expected indices in [0, {num_layers}), found {bad}"
            )
        return layers

    def __post_init__(self) -> None:
        if self.top_k < 1:
            raise ValueError(f"DexarSettings.top_k: expected k >= 1, found {self.top_k}")
        if self.default_layer_count < 1:
            raise ValueError(
                "DexarSettings.default_layer_count: expected >= 1, "
                f"found {self.default_layer_count}"
            )
