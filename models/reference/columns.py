"""Column sets of a gradient row G_{l,t} (DESIGN §3, "Columns").

A row has one entry per key column 0..q_t. The image set I holds the N image-token columns
[i0, i0+N); the text set X holds every other column up to q_t: the prompt text around the image
and the answer tokens generated so far.
"""

from __future__ import annotations

import torch


def image_columns(image_start: int, num_image_tokens: int) -> torch.Tensor:
    """I = [i0, i0+N) as a LongTensor, in the row-major order of the vision grid."""
    if image_start < 0 or num_image_tokens < 1:
        raise ValueError(
            "image_columns: expected i0 >= 0 and N >= 1, "
            f"found i0={image_start}, N={num_image_tokens}"
        )
    return torch.arange(image_start, image_start + num_image_tokens)


def text_columns(
    query_row: int, image_start: int, num_image_tokens: int, drop_column_after_image: bool
) -> torch.Tensor:
    """X = {0..q_t} minus I, and minus i0+N when the official quirk is on.

    The official code slices the text columns as [0, i0) and [i0+N+1, q_t], which leaves out
    the first column after the image; `drop_column_after_image` keeps that behaviour.
    """
    image_end = image_start + num_image_tokens
    if query_row < image_end:
        raise ValueError(
            "text_columns: expected the query row after the image tokens, "
            f"found q={query_row} with image columns [{image_start}, {image_end})"
        )
    columns = [j for j in range(query_row + 1) if not image_start <= j < image_end]
    if drop_column_after_image:
        columns = [j for j in columns if j != image_end]
    return torch.tensor(columns, dtype=torch.long)
