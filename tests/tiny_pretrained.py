"""Small random-weight checkpoints of torchaudio's pretrained architectures, installed where
a user's download goes (torch's hub cache, `pretrained_info(name).cache_path`).

Same architectures and keys as the published SQUIM objective and Conv-TasNet
checkpoints, at sizes that load and run in well under a second; the loading code
reads the sizes from the file (ml/zoo/pretrained_shapes.py).
"""

from __future__ import annotations

import torch
from torchaudio.models import ConvTasNet, squim_objective_model

from workbench.ml.zoo.pretrained import pretrained_info

SQUIM_SIZES = dict(feat_dim=32, win_len=64, d_model=16, nhead=4, hidden_dim=16, num_blocks=1,
                   rnn_type="LSTM", chunk_size=71)
TASNET_SIZES = dict(num_sources=2, enc_kernel_size=16, enc_num_feats=32, msk_kernel_size=3,
                    msk_num_feats=16, msk_num_hidden_feats=32, msk_num_layers=3,
                    msk_num_stacks=1, msk_activate="relu")


def install(name: str, module: torch.nn.Module):
    """Save `module`'s state dict as `name`'s cached checkpoint; returns its path."""
    path = pretrained_info(name).cache_path
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(module.state_dict(), path)
    return path


def install_tiny_squim(seed: int = 0):
    torch.manual_seed(seed)
    model = squim_objective_model(**SQUIM_SIZES).eval()
    return install("SQUIM_OBJECTIVE", model), model


def install_tiny_conv_tasnet(seed: int = 0):
    torch.manual_seed(seed)
    model = ConvTasNet(**TASNET_SIZES).eval()
    return install("CONVTASNET_BASE_LIBRI2MIX", model), model
