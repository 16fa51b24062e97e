"""Training-time augmentation of the classifier: the random spectral colouring of windows."""

import torch

from workbench.training.classifier.recipe import CLASSES
from workbench.training.classifier.train import _random_eq


def test_random_colouring_leaves_silence_alone_and_colours_about_half_the_rest():
    torch.manual_seed(0)
    logmel = torch.randn(400, 1, 64, 20) - 60.0
    labels = torch.arange(400) % len(CLASSES)
    out = _random_eq(logmel, labels, torch.Generator().manual_seed(1), 6.0)
    change = (out - logmel)[:, 0]  # [batch, mels, frames]
    silence = labels == CLASSES.index("silence")
    assert torch.equal(change[silence], torch.zeros_like(change[silence]))
    coloured = change.abs().amax(dim=(1, 2)) > 0
    share = coloured[~silence].float().mean()
    assert 0.4 < share < 0.6
    # One gain per band, the same in every frame, bounded by tilt + bump.
    assert torch.allclose(change, change[..., :1].expand_as(change), atol=1e-4)
    assert change.abs().max() <= 12.0 + 1e-4
    # Smooth across the bands (a timbre, not a mask): neighbouring bands differ little.
    assert (change[..., 0].diff(dim=1).abs().max()) < 3.0
    # The same generator seed gives the same colouring.
    again = _random_eq(logmel, labels, torch.Generator().manual_seed(1), 6.0)
    assert torch.equal(out, again)
