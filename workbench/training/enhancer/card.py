"""The enhancer's model card and zoo entry: what was trained, how, and how well it does.

`workbench train enhancer` writes the card with the training facts;
`workbench eval enhancer --update-card` adds the measured metrics and the
report, and registers the files again (fresh checksums).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

from workbench.ml.enhancer.net import ARCHITECTURE
from workbench.training.enhancer import recipe
from workbench.training.enhancer.dataset import MixSettings

MODEL_NAME = "enhancer"
FOLDER = "enhancer"
WEIGHTS_FILE = f"{FOLDER}/enhancer.safetensors"
CARD_FILE = f"{FOLDER}/enhancer.md"
TRAINING_COMMAND = "workbench train enhancer"


def data_text(settings: dict) -> str:
    mix = MixSettings()
    return (
        "Synthetic only (workbench.training.synth), 16 kHz mono. Speech: "
        f"{settings.get('speech_utterances', '?')} random sentences from espeak-ng and flite "
        f"({len(recipe.voice_pool('train'))} voice/variant combinations, random rate, pitch and "
        "word gaps), placed with 0.1-0.8 s pauses. Noise: "
        f"{settings.get('noise_segments_per_kind', '?')} segments of 8 s per kind: "
        f"{', '.join(recipe.TRAIN_NOISES)}; a second kind {mix.second_noise_share:.0%} of the "
        f"time. Mixtures of {settings.get('crop_s', '?')} s made fresh every step: speech "
        f"reverberated {mix.reverb_share:.0%} of the time (RT60 {mix.rt60_s[0]}-"
        f"{mix.rt60_s[1]} s), microphone EQ (+-8 dB shelves and peaks) on speech and noise "
        f"{mix.eq_share:.0%} of the time each, SNR {mix.snr_db[0]:.0f} to {mix.snr_db[1]:.0f} "
        f"dB ({mix.clean_share:.0%}: 20-40 dB or no noise), speech level "
        f"{mix.speech_level_db[0]:.0f} to {mix.speech_level_db[1]:.0f} dBFS RMS, the mixture "
        f"clipped {mix.clip_share:.0%} of the time. The target is the reverberant, coloured "
        "speech: the model removes noise, not the room."
    )


_BODY = """# Speech enhancer (causal GRU mask)

A recurrent mask estimator in the spirit of RNNoise and NSNet: 16 kHz inside (other rates are
resampled in and out), {n_fft}-sample square-root Hann frames every {hop} samples, log power
per bin minus a running level (the input's loudness does not matter), a dense layer, {layers}
GRU layers of {hidden} units, a sigmoid gain per bin applied to the noisy spectrum, inverse
FFT and overlap-add. Causal, {latency_ms:.0f} ms algorithmic latency (one window). Long files
run in chunks with the GRU state, the running level and the overlap-add tail carried over:
the chunked output equals the whole-file output (no seam). {parameters} parameters.

## Data

{data}

## Training

`{command}` (defaults: {epochs} epochs x {steps} steps x {batch} mixtures of {crop} s, AdamW
with a one-cycle schedule, loss -SI-SDR/10 + {spectral_weight} x a two-resolution compressed
spectral distance; seeded and resumable from checkpoints in `runs/enhancer`). {training_time},
on {hardware}. Validation after the last epoch (64
mixtures of training voices on their own seeds, made like the training mixtures, so a few are
clean or nearly so and pull the mean up): mean SI-SDR {val_in} -> {val_out} dB.

## Held out for evaluation

{held_out}

## Evaluation (`workbench eval enhancer`)

{evaluation}
"""


def write_card(zoo: Path, config: dict, parameters: int, training: dict, metrics: dict,
               evaluation: str) -> Path:
    """Write the card (JSON front matter + markdown) into ``zoo``; returns its path."""
    settings = training.get("settings", {})
    front = {
        "task": "speech-enhancement", "architecture": ARCHITECTURE,
        "sample_rate": recipe.SAMPLE_RATE, "config": config,
        "training_data": data_text(settings), "training_command": TRAINING_COMMAND,
        "hardware": training.get("hardware", f"{platform.machine()} CPU"),
        "training_time": training.get("training_time", "unknown"),
        "metrics": metrics, "held_out": recipe.held_out_text(),
        "training": {k: v for k, v in training.items() if k not in ("hardware", "training_time")},
    }
    history = training.get("history", [])
    last = history[-1] if history else {}
    body = _BODY.format(
        n_fft=config["n_fft"], hop=config["hop"], layers=config["layers"],
        hidden=config["hidden"], latency_ms=1000 * config["n_fft"] / recipe.SAMPLE_RATE,
        parameters=parameters, data=data_text(settings), command=TRAINING_COMMAND,
        epochs=settings.get("epochs", "?"), steps=settings.get("steps_per_epoch", "?"),
        batch=settings.get("batch_size", "?"), crop=settings.get("crop_s", "?"),
        spectral_weight=settings.get("spectral_weight", "?"),
        training_time=front["training_time"], hardware=front["hardware"],
        val_in=f"{last['si_sdr_in']:.2f}" if last else "-",
        val_out=f"{last['si_sdr_out']:.2f}" if last else "-",
        held_out=recipe.held_out_text(), evaluation=evaluation)
    path = zoo / CARD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + json.dumps(front, indent=2) + "\n---\n\n" + body, encoding="utf-8")
    return path


def read_front(zoo: Path) -> dict:
    """The card's front matter as written (for updating it)."""
    from workbench.ml.zoo import read_card

    card = read_card(zoo / CARD_FILE)
    return {"metrics": dict(card.metrics), "training": dict(card.extra.get("training", {})),
            "hardware": card.hardware, "training_time": card.training_time,
            "config": dict(card.config)}


def register(zoo: Path) -> None:
    """Add or refresh the enhancer in ``zoo``'s manifest."""
    from workbench.ml.zoo import register_model

    register_model(zoo, MODEL_NAME, WEIGHTS_FILE, CARD_FILE)
