"""Live (and block-wise) recognition: audio in as it arrives, posteriors out per chunk.

`RecognizerStream` keeps the audio heard so far (with the same reflect padding at the
start, and at `finish()` at the end, that whole-file feature extraction uses), computes
features and the convolutional front end only over the frames a window needs, and runs
the latency-controlled GRU layers window by window, carrying each layer's forward
state.  The rows it returns therefore equal the whole-file posteriors up to float
rounding (`tests/ml/recognizer/test_stream.py` checks 1e-4 in log probability), and a
chunk's rows come out as soon as `lookahead_s` of audio past the chunk has arrived.
Not thread-safe: one owner feeds it.
"""

from __future__ import annotations

import numpy as np
import torch

from workbench.ml.recognizer.net import SUBSAMPLING, CtcRecognizer

_MARGIN = 2  # subsampled frames of context each side of a front-end slice


class RecognizerStream:
    """`feed(samples)` -> new (frames, symbols) log-posterior rows; `finish()` -> the rest.

    Samples are mono float32 at the network's sample rate.  The network must be in
    eval mode; calls run under `torch.inference_mode`.  With `keep_layers`, every
    recurrent layer's outputs (frames, 2 hidden: forward then backward units) are kept in
    `layer_outputs`, one list of blocks per layer, for looking inside the network."""

    def __init__(self, net: CtcRecognizer, device: torch.device | str = "cpu",
                 keep_layers: bool = False) -> None:
        self.net = net
        self.layer_outputs: list[list[np.ndarray]] | None = \
            [[] for _ in net.rnn] if keep_layers else None
        self.device = torch.device(device)
        self._half = net.features.n_fft // 2
        self._hop = net.features.hop
        self._audio = np.zeros(0, np.float32)  # everything heard (unpadded)
        self._states: list[torch.Tensor | None] = [None] * len(net.rnn)
        self._next_chunk = 0
        self._finished = False

    @property
    def audio(self) -> np.ndarray:
        """Everything fed so far (float32 at the network's rate)."""
        return self._audio

    @property
    def frames_emitted(self) -> int:
        return self._next_chunk * self.net.chunk

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Add audio; return the rows of every chunk whose look-ahead is now complete."""
        if self._finished:
            raise RuntimeError("the stream is finished")
        self._audio = np.concatenate([self._audio, np.asarray(samples, np.float32)])
        # Feature frame f needs padded samples up to f hop + n_fft, i.e. audio up to
        # f hop + n_fft / 2; output frame u needs feature frames up to 4u + 3.
        usable = (len(self._audio) - self._half) // self._hop  # last full feature frame
        ready_out = (usable - 3 - 4 * _MARGIN) // SUBSAMPLING  # exclusive bound on u
        chunks = (ready_out - self.net.right) // self.net.chunk - self._next_chunk
        if len(self._audio) <= self._half or chunks <= 0:
            return np.zeros((0, self.net.classify.out_features), np.float32)
        return self._run(chunks, end=False)

    def finish(self) -> np.ndarray:
        """The rows left once the audio has ended (the file's end padding applies)."""
        if self._finished:
            return np.zeros((0, self.net.classify.out_features), np.float32)
        self._finished = True
        total = int(self.net.output_frames(len(self._audio)))
        chunks = -(-total // self.net.chunk) - self._next_chunk
        # Audio no longer than half a window (16 ms) has no analysis frame to reflect-pad
        # (and no word in it): it gives no rows, as an empty file does.
        if chunks <= 0 or len(self._audio) <= self._half:
            return np.zeros((0, self.net.classify.out_features), np.float32)
        rows = self._run(chunks, end=True)
        return rows[:max(0, total - (self._next_chunk - chunks) * self.net.chunk)]

    @torch.inference_mode()
    def _run(self, chunks: int, end: bool) -> np.ndarray:
        net = self.net
        first_u = self._next_chunk * net.chunk
        last_u = first_u + chunks * net.chunk + net.right  # exclusive
        x = self._frontend(first_u, last_u, end)
        windows = x.unfold(1, net.chunk + net.right, net.chunk).permute(0, 1, 3, 2)
        for i, layer in enumerate(net.rnn):
            windows, self._states[i] = layer(windows, net.chunk, self._states[i])
            if self.layer_outputs is not None:
                core = windows[:, :, :net.chunk].reshape(chunks * net.chunk, -1)
                self.layer_outputs[i].append(core.cpu().numpy().astype(np.float16))
        core = windows[:, :, :net.chunk].reshape(1, chunks * net.chunk, -1)
        self._next_chunk += chunks
        return torch.log_softmax(net.classify(core), dim=-1)[0].cpu().numpy()

    def _frontend(self, first_u: int, last_u: int, end: bool) -> torch.Tensor:
        """Projected frames [first_u, last_u), zero beyond the audio's end when `end`."""
        net = self.net
        audio = self._audio
        total_feats = len(audio) // self._hop + 1 if end else None
        start_f = SUBSAMPLING * max(0, first_u - _MARGIN)
        stop_f = SUBSAMPLING * (last_u + _MARGIN)
        if end:
            stop_f = min(stop_f, total_feats)
        padded = self._padded(start_f, stop_f, end)
        feats = net.features.padded_frames(torch.from_numpy(padded)[None].to(self.device))
        projected = net.frontend(feats)  # output k <-> u = start_f / 4 + k
        offset = first_u - start_f // SUBSAMPLING
        x = projected[:, offset:offset + (last_u - first_u)]
        if x.shape[1] < last_u - first_u:  # past the end of the audio: zeros, as whole-file
            x = torch.nn.functional.pad(x, (0, 0, 0, last_u - first_u - x.shape[1]))
        if end:
            valid = int(net.output_frames(len(audio))) - first_u
            x[:, max(0, valid):] = 0.0
        return x

    def _padded(self, start_f: int, stop_f: int, end: bool) -> np.ndarray:
        """Padded samples for feature frames [start_f, stop_f) (reflect padding of n_fft/2
        at the start, and at the end once the stream is finished)."""
        half, audio = self._half, self._audio
        lo = start_f * self._hop - half  # in unpadded sample positions
        hi = (stop_f - 1) * self._hop + half  # exclusive
        head = audio[1:half + 1][::-1] if lo < 0 else np.zeros(0, np.float32)
        tail = np.zeros(0, np.float32)
        if end and hi > len(audio):
            tail = audio[-half - 1:-1][::-1]
        body = audio[max(0, lo):min(hi, len(audio))]
        out = np.concatenate([head[len(head) + lo:] if lo < 0 else head, body,
                              tail[:max(0, hi - len(audio))]])
        return np.ascontiguousarray(out, dtype=np.float32)
