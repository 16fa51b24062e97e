"""The classifier's last stage: CNN and context layer fine-tuned together on window sequences.

The CNN is trained on windows one at a time and the context layer (`context`)
after it with the CNN frozen, so neither learns what the other needs: the CNN
never sees that a window's neighbours will be read, and the layer can only fix
what the frozen CNN's class scores already say.  Here both learn together from
stretches of recordings strung from the training clips (`context.training_recording`):
the long log-mel goes through the CNN once (overlapping windows share their
convolutions, so a stretch of 40 windows costs about as much as 11 lone ones),
and the loss is on every window twice, in context and alone, so the window's
own scores stay meaningful (the inspector shows them).  Batch-norm statistics
stay as the CNN's training left them, learning rates are small and decay to
zero: this adjusts the model, it does not retrain it.  Resumable: the state is
saved every `SAVE_EVERY` steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig, LogMel
from workbench.training.classifier.augment import spec_augment
from workbench.training.classifier.context import (
    centre_labels,
    scored_recordings,
    sequence_accuracy,
    training_recording,
)
from workbench.training.classifier.dataset import WindowSampler

STRETCH_WINDOWS = 40  # windows per training stretch (about 10 s)
BATCH_STRETCHES = 8
SAVE_EVERY = 100
VALIDATION_RECORDINGS = 30  # scored at every save
_FRAMES_PER_TIME_MASK = 96  # as the CNN's training crops: one time mask per crop


def _stretch(config: ClassifierConfig, sampler: WindowSampler, rng: np.random.Generator
             ) -> tuple[np.ndarray, np.ndarray]:
    """Audio of ``STRETCH_WINDOWS`` windows from a fresh recording, and each window's class."""
    audio, segments = training_recording(sampler, rng)
    samples = config.window_samples + (STRETCH_WINDOWS - 1) * config.hop_samples
    start_window = int(rng.integers(0, max(1, (len(audio) - samples) // config.hop_samples + 1)))
    start = start_window * config.hop_samples
    stretch = audio[start:start + samples]
    stretch = np.pad(stretch, (0, samples - len(stretch)))
    starts_s = (start + np.arange(STRETCH_WINDOWS) * config.hop_samples) / config.sample_rate
    return stretch, centre_labels(segments, starts_s, config.window_s)


def _freeze_batch_norm(net: nn.Module) -> None:
    for module in net.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()


def finetune_jointly(model: AudioClassifier, train: WindowSampler, val: WindowSampler,
                     steps: int, seed: int, state_path: str | Path,
                     learning_rate: float = 3e-4, label_smoothing: float = 0.05,
                     log: Callable[[str], None] = print) -> list[dict]:
    """Fine-tune ``model`` (CNN and context layer) for ``steps`` steps on stretches strung
    from ``train``'s clips; returns the history (loss, validation accuracy in context).

    ``state_path`` keeps the progress: a call with the same arguments after an
    interruption goes on from the last save."""
    net, config = model.net, model.config
    if net.context is None:
        raise ValueError("joint fine-tuning needs a context layer (context_radius > 0)")
    frontend = LogMel(config)
    optimiser = torch.optim.AdamW(net.parameters(), lr=learning_rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, learning_rate, total_steps=steps,
                                                   pct_start=0.1)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    state_path = Path(state_path)
    done, history = 0, []
    if state_path.exists():
        state = torch.load(state_path, weights_only=False)
        net.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        done, history = int(state["step"]), list(state["history"])
        log(f"joint fine-tuning resumed at step {done}/{steps}")
    losses, started = [], time.perf_counter()
    earlier_s = history[-1]["training_s"] if history else 0.0
    for step in range(done, steps):
        # Each step draws from its own streams, so a resumed run draws what it would have.
        rng = np.random.default_rng([seed, 5252, step])
        masks = torch.Generator().manual_seed(seed * 1_000_003 + step)
        torch.manual_seed(seed * 1_000_003 + step)  # dropout
        net.train()
        _freeze_batch_norm(net)
        stretches = [_stretch(config, train, rng) for _ in range(BATCH_STRETCHES)]
        audio = torch.from_numpy(np.stack([s[0] for s in stretches]))
        labels = torch.from_numpy(np.stack([s[1] for s in stretches])).reshape(-1)
        with torch.no_grad():
            logmel = frontend(audio)
            logmel = spec_augment(logmel, masks, max(1, logmel.shape[-1] // _FRAMES_PER_TIME_MASK))
        alone = net.classify_pooled(net.window_embeddings(logmel))
        in_context = net.in_context(alone)
        classes = alone.shape[-1]
        loss = (loss_fn(in_context.reshape(-1, classes), labels)
                + loss_fn(alone.reshape(-1, classes), labels))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(float(loss.detach()))
        if (step + 1) % SAVE_EVERY == 0 or step + 1 == steps:
            net.eval()
            val_data = scored_recordings(model, val, np.random.default_rng([seed, 5151]),
                                         VALIDATION_RECORDINGS)
            accuracy = sequence_accuracy(net.context, val_data)
            history.append({"step": step + 1, "loss": float(np.mean(losses)),
                            "val_accuracy": accuracy,
                            "val_accuracy_alone": sequence_accuracy(None, val_data),
                            "training_s": earlier_s + time.perf_counter() - started})
            log(f"joint step {step + 1}/{steps}: loss {np.mean(losses):.4f}, validation "
                f"accuracy in context {accuracy:.4f}")
            losses = []
            partial = state_path.with_suffix(".partial")
            torch.save({"model": net.state_dict(), "optimiser": optimiser.state_dict(),
                        "schedule": schedule.state_dict(), "step": step + 1,
                        "history": history}, partial)
            partial.replace(state_path)
    net.eval()
    return history
