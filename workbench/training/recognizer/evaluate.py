"""Scoring the recognizer and its peer on held-out speech.

Sets: synthetic utterances of the held-out voices (`pool.write_shard(..., "eval", i)`;
any whose text occurs in the training pool is dropped), clean and with held-out noise
at 10 dB SNR; and held-out utterances of each training corpus ("seen speaker").
For each set: CER and WER with greedy decoding and with the beam search + word LM,
and the same clips through pocketsphinx (its bundled en-us model) when installed.
Speed: whole-file real-time factor, and streaming latency (look-ahead plus the
compute time of one chunk).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from workbench.ml.recognizer.beam import BeamSettings, beam_search
from workbench.ml.recognizer.lm import BigramLM
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.ml.recognizer.stream import RecognizerStream
from workbench.training.recognizer import augment, data, pool
from workbench.training.recognizer.metrics import error_rates, greedy_text
from workbench.training.synth import noise

SNR_DB = 10.0
_NOISE_STREAM = 307


@dataclass(frozen=True)
class EvalClip:
    audio: np.ndarray  # float32, 16 kHz
    text: str


def synthetic_clips(folder: Path, count: int, seed: int, training_texts: set[str]
                    ) -> list[EvalClip]:
    """``count`` held-out-voice utterances (cached shards in ``folder``)."""
    clips: list[EvalClip] = []
    shard = 0
    while len(clips) < count:
        path = pool.write_shard(folder, "eval", shard, seed)
        for audio, text in pool.read_shard(path):
            if text not in training_texts and len(clips) < count:
                clips.append(EvalClip(audio.astype(np.float32) / 32768.0, text))
        shard += 1
    return clips


def noisy(clips: list[EvalClip], snr_db: float, seed: int) -> list[EvalClip]:
    """The clips with a held-out-seed noise (any of the eight kinds) at ``snr_db``."""
    rng = np.random.default_rng([seed, _NOISE_STREAM])
    out = []
    for clip in clips:
        _, background = noise.random_noise(rng, pool.SAMPLE_RATE, len(clip.audio) / 16000 + 0.1)
        out.append(EvalClip(augment.add_noise(clip.audio, background.astype(np.float32),
                                              snr_db, rng), clip.text))
    return out


def corpus_clips(folder: str | Path) -> list[EvalClip]:
    return [EvalClip(item.audio.astype(np.float32) / 32768.0, item.text)
            for item in data.load_corpus_items(folder, held_out=True)]


@torch.inference_mode()
def posteriors(net: CtcRecognizer, clips: list[EvalClip]) -> tuple[list[np.ndarray], float]:
    """Whole-file log posteriors of each clip, and the seconds the network took."""
    out, spent = [], 0.0
    for clip in clips:
        started = time.perf_counter()
        out.append(net(torch.from_numpy(clip.audio)[None])[0].numpy())
        spent += time.perf_counter() - started
    return out, spent


def score_set(net: CtcRecognizer, clips: list[EvalClip], lm: BigramLM | None,
              peer: CachedPeer | None, peer_clips: int = 40) -> dict:
    """CER/WER greedy and beam+LM (and the peer's, on the first ``peer_clips`` clips, with
    ours on the same clips beside it), the real-time factor, examples."""
    refs = [c.text for c in clips]
    audio_s = sum(len(c.audio) for c in clips) / pool.SAMPLE_RATE
    grams, net_s = posteriors(net, clips)
    greedy = [greedy_text(g) for g in grams]
    started = time.perf_counter()
    beam = [beam_search(g, CHARACTERS, lm, BeamSettings()) for g in grams]
    beam_s = time.perf_counter() - started
    result = {"clips": len(clips), "audio_s": round(audio_s, 1),
              "greedy": _rounded(error_rates(refs, greedy)),
              "beam_lm": _rounded(error_rates(refs, beam)),
              "realtime_factor": round(net_s / audio_s, 4),
              "realtime_factor_with_beam": round((net_s + beam_s) / audio_s, 4),
              "examples": [{"reference": r, "beam_lm": b, "greedy": g}
                           for r, b, g in list(zip(refs, beam, greedy, strict=True))[:4]]}
    if peer is not None:
        subset = clips[:peer_clips]
        subset_s = sum(len(c.audio) for c in subset) / pool.SAMPLE_RATE
        before = peer.seconds
        hyps = [peer(c.audio) for c in subset]
        result["pocketsphinx"] = _rounded(error_rates(refs[:len(subset)], hyps))
        result["pocketsphinx"]["clips"] = len(subset)
        result["pocketsphinx"]["realtime_factor"] = round((peer.seconds - before) / subset_s, 4)
        result["beam_lm_on_peer_clips"] = _rounded(error_rates(refs[:len(subset)],
                                                               beam[:len(subset)]))
    return result


def _rounded(rates: dict) -> dict:
    return {k: round(v, 4) for k, v in rates.items()}


@torch.inference_mode()
def streaming_latency(net: CtcRecognizer, seconds: float = 20.0) -> dict:
    """Look-ahead (audio needed past a chunk) and the mean compute time per chunk."""
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal(int(seconds * pool.SAMPLE_RATE)) * 0.05).astype(np.float32)
    stream = RecognizerStream(net)
    step = int(net.chunk * net.seconds_per_frame * pool.SAMPLE_RATE)
    times = []
    for start in range(0, len(audio), step):
        began = time.perf_counter()
        stream.feed(audio[start:start + step])
        times.append(time.perf_counter() - began)
    compute = float(np.mean(times[2:])) if len(times) > 2 else float(np.mean(times))
    chunk_s = net.chunk * net.seconds_per_frame
    return {"chunk_s": round(chunk_s, 3), "lookahead_s": round(net.lookahead_s, 3),
            "compute_per_chunk_s": round(compute, 4),
            "worst_word_latency_s": round(chunk_s + net.lookahead_s + compute, 3)}


class CachedPeer:
    """A peer recognizer whose answers are kept in a JSON file (keyed by a hash of the
    audio), so a rerun of the evaluation does not wait for a slow peer again."""

    def __init__(self, recognize: Callable[[np.ndarray], str] | None, path: Path) -> None:
        self._recognize, self._path = recognize, path
        self._answers = json.loads(path.read_text()) if path.exists() else {}
        self.seconds = 0.0  # peer compute time, cached answers included

    def __call__(self, audio: np.ndarray) -> str:
        key = hashlib.sha256(np.ascontiguousarray(audio).tobytes()).hexdigest()[:24]
        if key not in self._answers:
            if self._recognize is None:
                raise RuntimeError("pocketsphinx is not installed")
            started = time.perf_counter()
            text = self._recognize(audio)
            self._answers[key] = {"text": text, "seconds": time.perf_counter() - started}
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_text(json.dumps(self._answers))
        self.seconds += self._answers[key]["seconds"]
        return self._answers[key]["text"]


def pocketsphinx_peer() -> Callable[[np.ndarray], str] | None:
    """pocketsphinx's bundled en-us model as a function of 16 kHz audio, or None."""
    try:
        from pocketsphinx import Decoder
    except ImportError:
        return None
    decoder = Decoder(samprate=16000, loglevel="FATAL")

    def recognize(audio: np.ndarray) -> str:
        pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        words = (hyp.hypstr if hyp is not None else "").lower().split()
        return " ".join(w for w in words if not w.startswith(("<", "[", "(")))
    return recognize
