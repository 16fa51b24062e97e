"""SpecAugment for the classifier's log-mels, shared by the CNN's training and the joint stage."""

from __future__ import annotations

import torch

MAX_BAND_MASK = 8  # mels
MAX_TIME_MASK = 12  # frames


def spec_augment(logmel: torch.Tensor, generator: torch.Generator,
                 time_masks: int = 1) -> torch.Tensor:
    """Mask one random band (up to 8 mels) and ``time_masks`` stretches (up to 12 frames
    each) of every row of ``logmel`` ``[b, 1, mels, frames]`` with the row's floor."""
    batch, _, mels, frames = logmel.shape
    out = logmel.clone()
    floor = logmel.amin(dim=(2, 3), keepdim=True)
    for row in range(batch):
        width = int(torch.randint(0, MAX_BAND_MASK + 1, (1,), generator=generator))
        start = int(torch.randint(0, mels - width + 1, (1,), generator=generator))
        out[row, :, start:start + width, :] = floor[row]
        for _ in range(time_masks):
            length = int(torch.randint(0, MAX_TIME_MASK + 1, (1,), generator=generator))
            at = int(torch.randint(0, frames - length + 1, (1,), generator=generator))
            out[row, :, :, at:at + length] = floor[row]
    return out
