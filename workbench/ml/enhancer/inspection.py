"""Looking inside the mask enhancer: the mask it predicts and its GRU state, frame by frame.

`enhancer_insight(net, samples)` frames the signal exactly as `EnhancerStream`
does (the same left padding, window and hop, the running level and GRU state
carried from chunk to chunk), so the mask shown is the one the enhance task
applied before any attenuation limit.  Frame t's window is centred on input sample
t * hop + hop - n_fft / 2 (the offline output is shifted back by the latency),
which places its column on the timeline.
"""

from __future__ import annotations

import numpy as np
import torch

from workbench.core.analysis.enhancer_insight import EnhancerInsight
from workbench.ml.enhancer.cpu_threads import one_cpu_thread
from workbench.ml.enhancer.net import MaskEnhancer, StreamState

CHUNK_FRAMES = 2000  # frames per step: bounded memory for long spans


@torch.inference_mode()
def enhancer_insight(net: MaskEnhancer, samples: np.ndarray, sample_rate: int,
                     start_s: float = 0.0, model: str = "", channel: int = 0,
                     cancel=None) -> EnhancerInsight:
    """Mask and top-layer GRU state of mono float32 `samples` at the net's `sample_rate`,
    the signal starting at `start_s` seconds on the timeline."""
    n_fft, hop = net.n_fft, net.hop
    device = net.window.device
    signal = torch.from_numpy(np.asarray(samples, np.float32)).to(device)
    # As the stream: n_fft - hop zeros before; enough zeros after for the last samples' frames.
    padded = torch.cat([signal.new_zeros(n_fft - hop), signal, signal.new_zeros(n_fft)])
    frames = (padded.shape[0] - n_fft) // hop + 1
    state, masks, states = StreamState(), [], []
    with one_cpu_thread(device):
        for first in range(0, frames, CHUNK_FRAMES):
            _add_frames(net, padded, first, min(CHUNK_FRAMES, frames - first), state, masks,
                        states, cancel)
    left = start_s + (hop / 2 - n_fft / 2) / sample_rate  # frame 0's column starts here
    return EnhancerInsight(np.concatenate(masks), np.concatenate(states), hop / sample_rate,
                           sample_rate, n_fft, left, model, channel)


def _add_frames(net, padded, first, count, state, masks, states, cancel) -> None:
    """Mask and state of frames [first, first + count), appended to masks and states."""
    if cancel is not None:
        cancel.check()
    piece = padded[first * net.hop:(first + count - 1) * net.hop + net.n_fft][None]
    gains, hidden = net.gains_and_states(net.spectra(piece), state)
    masks.append(gains[0].to(torch.float16).cpu().numpy())
    states.append(hidden[0].to(torch.float16).cpu().numpy())
