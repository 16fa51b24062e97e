"""A small wav2vec 2.0 CTC checkpoint installed where the model manager's download of
WAV2VEC2_ASR_BASE_960H goes (torch's hub cache): same keys as the published one, at
sizes that run in milliseconds.  `says` makes its CTC head emit one letter at every
frame, so what the transcribe task returns is known."""

from __future__ import annotations

import torch
from torchaudio.models import wav2vec2_model

from workbench.ml.zoo.pretrained import pretrained_info

NAME = "WAV2VEC2_ASR_BASE_960H"
LABELS = "-|ETAONIHSRDLUMWCFGYPBVK'XJQZ"  # torchaudio's, blank first


def install_tiny_wav2vec2(says: str = "A", seed: int = 0):
    """Write the checkpoint (the fairseq head's 32 outputs, as published); returns its path."""
    torch.manual_seed(seed)
    model = wav2vec2_model("group_norm", [(16, 10, 5)] + [(16, 3, 2)] * 4 + [(16, 2, 2)] * 2,
                           False, 64, 0.0, 16, 4, 2, 1, 0.0, 64, 0.0, 0.0, False, 0.0, 29)
    state = model.state_dict()
    with torch.no_grad():
        state["aux.weight"].zero_()
        state["aux.bias"].fill_(-10.0)
        state["aux.bias"][LABELS.index(says)] = 10.0
    unused = torch.zeros(3, *state["aux.weight"].shape[1:])  # <pad>, </s>, <unk>
    state["aux.weight"] = torch.cat([state["aux.weight"][:1], unused,
                                     state["aux.weight"][1:]])
    state["aux.bias"] = torch.cat([state["aux.bias"][:1], torch.full((3,), -10.0),
                                   state["aux.bias"][1:]])
    path = pretrained_info(NAME).cache_path
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return path
