"""Decoder-layer sets Λ for the demo evaluation: the sweep's contiguous ranges, the --layers
syntax, and the names tables use for them."""

from pathlib import Path

from models.export.manifest import checkpoint_default_layers
from models.reference import DexarSettings


def layer_ranges(num_layers: int) -> list[tuple[int, ...]]:
    """Every contiguous range of decoder layers (the sweep)."""
    return [tuple(range(a, b + 1)) for a in range(num_layers) for b in range(a, num_layers)]


def parse_layers(spec: str, num_layers: int, checkpoint: Path | None = None) -> tuple[int, ...]:
    """"default" (the bundle's default Λ: the checkpoint's explain.json, else the official rule),
    "official" (the last 10 layers, all when L <= 10), "all", "a-b" or "i,j,k" → sorted indices."""
    if spec == "default" and checkpoint is not None:
        chosen = checkpoint_default_layers(checkpoint, num_layers)
        if chosen is not None:
            return tuple(chosen)
    if spec in ("default", "official"):
        return DexarSettings().resolve_layers(num_layers)
    if spec == "all":
        return tuple(range(num_layers))
    out: set[int] = set()
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return DexarSettings(layers=tuple(out)).resolve_layers(num_layers)


def label(layers: tuple[int, ...]) -> str:
    return f"{layers[0]}-{layers[-1]}" if len(layers) > 1 and layers == tuple(range(layers[0], layers[-1] + 1)) \
        else ",".join(map(str, layers))
