"""Training loop of the speech enhancer: pooled speech and noise in, safetensors out.

Reproducible: the pools are seeded, every epoch's mixtures come from
``numpy.random.default_rng([seed, epoch])`` and torch is seeded once.  A
checkpoint (model, optimiser, schedule, epoch, history) is written after every
epoch into the run folder; a second call with the same folder resumes after the
last finished epoch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from workbench.core.jobs import Progress
from workbench.ml.enhancer.net import MaskEnhancer
from workbench.training.enhancer import recipe
from workbench.training.enhancer.dataset import (
    MixSettings,
    MixtureSampler,
    build_noise_pool,
    build_speech_pool,
    synthesis_seconds,
)
from workbench.training.enhancer.losses import si_sdr, spectral_distance
from workbench.training.schedules import load_schedule


@dataclass(frozen=True)
class TrainSettings:
    """Everything a training run depends on (stored next to the weights)."""

    run_dir: str = "runs/enhancer"
    data_dir: str = "data/enhancer"
    speech_utterances: int = 2400
    noise_segments_per_kind: int = 30
    epochs: int = 12
    steps_per_epoch: int = 200
    batch_size: int = 16
    crop_s: float = 3.0
    learning_rate: float = 2e-3
    weight_decay: float = 1e-5
    spectral_weight: float = 4.0
    seed: int = 1
    threads: int = 1
    n_fft: int = 512
    hop: int = 256
    hidden: int = 192
    layers: int = 2

    def net_config(self) -> dict:
        return {"n_fft": self.n_fft, "hop": self.hop, "hidden": self.hidden,
                "layers": self.layers}


def _loss(net: MaskEnhancer, noisy: torch.Tensor, clean: torch.Tensor, weight: float
          ) -> tuple[torch.Tensor, float]:
    estimate = net(noisy)
    sdr = si_sdr(estimate, clean).mean()
    return -sdr / 10 + weight * spectral_distance(estimate, clean), float(sdr.detach())


@torch.inference_mode()
def validate(net: MaskEnhancer, noisy: torch.Tensor, clean: torch.Tensor) -> dict:
    """Mean SI-SDR of input and output and the improvement, over fixed validation pairs."""
    net.eval()
    estimate = torch.cat([net(noisy[i:i + 16]) for i in range(0, len(noisy), 16)])
    net.train()
    before, after = si_sdr(noisy, clean), si_sdr(estimate, clean)
    return {"si_sdr_in": float(before.mean()), "si_sdr_out": float(after.mean()),
            "si_sdr_improvement": float((after - before).mean())}


def _resume(path: Path, net, optimiser, schedule) -> tuple[int, list, float]:
    if not path.exists():
        return 0, [], 0.0
    state = torch.load(path, weights_only=True)
    net.load_state_dict(state["model"])
    optimiser.load_state_dict(state["optimiser"])
    load_schedule(schedule, state["schedule"])  # more epochs continue the run
    return int(state["epoch"]), json.loads(state["history"]), float(state["training_s"])


def train_enhancer(settings: TrainSettings, log: Callable[[str], None] = print,
                   progress: Callable[[Progress], None] = lambda p: None
                   ) -> tuple[MaskEnhancer, dict]:
    """Train; return the trained net and a summary (settings, history, times in seconds)."""
    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    run_dir, data_dir = Path(settings.run_dir), Path(settings.data_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    speech = build_speech_pool(data_dir, "train", settings.speech_utterances, log)
    noises = build_noise_pool(data_dir, "train", recipe.TRAIN_NOISES,
                              settings.noise_segments_per_kind, log)
    val_sampler = MixtureSampler(build_speech_pool(data_dir, "val", 100, log),
                                 build_noise_pool(data_dir, "val", recipe.TRAIN_NOISES, 4, log))
    pools_s = synthesis_seconds(data_dir)  # also counts pools an earlier run made
    synthesis_s = time.perf_counter() - started if pools_s is None else pools_s
    log(f"pools ready: {len(speech.utterances)} utterances, {len(noises)} noise kinds "
        f"({synthesis_s:.0f} s)")
    frames = int(settings.crop_s * recipe.SAMPLE_RATE)
    val_noisy, val_clean = map(torch.from_numpy, val_sampler.batch(
        np.random.default_rng(12345), 64, frames))
    sampler = MixtureSampler(speech, noises, MixSettings())

    net = MaskEnhancer(**settings.net_config())
    optimiser = torch.optim.AdamW(net.parameters(), lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    total = settings.epochs * settings.steps_per_epoch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, settings.learning_rate,
                                                   total_steps=total, pct_start=0.1)
    checkpoint = run_dir / "checkpoint.pt"
    first_epoch, history, earlier_s = _resume(checkpoint, net, optimiser, schedule)
    if first_epoch:
        log(f"resuming after epoch {first_epoch}")
    train_started = time.perf_counter() - earlier_s  # earlier sessions' time counts too
    for epoch in range(first_epoch, settings.epochs):
        rng = np.random.default_rng([settings.seed, epoch])
        losses, sdrs = [], []
        for step in range(settings.steps_per_epoch):
            noisy, clean = map(torch.from_numpy, sampler.batch(rng, settings.batch_size, frames))
            loss, sdr = _loss(net, noisy, clean, settings.spectral_weight)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            losses.append(float(loss.detach()))
            sdrs.append(sdr)
            done = epoch * settings.steps_per_epoch + step + 1
            progress(Progress(done / total, f"epoch {epoch + 1}/{settings.epochs}, "
                                            f"loss {np.mean(losses[-20:]):.3f}"))
        scores = validate(net, val_noisy, val_clean)
        history.append({"epoch": epoch + 1, "loss": float(np.mean(losses)),
                        "train_si_sdr": float(np.mean(sdrs)), **scores})
        log(f"epoch {epoch + 1}/{settings.epochs}: loss {np.mean(losses):.4f}, train SI-SDR "
            f"{np.mean(sdrs):.2f} dB, val SI-SDR {scores['si_sdr_in']:.2f} -> "
            f"{scores['si_sdr_out']:.2f} dB ({time.perf_counter() - train_started:.0f} s)")
        partial = checkpoint.with_suffix(".partial")
        torch.save({"model": net.state_dict(), "optimiser": optimiser.state_dict(),
                    "schedule": schedule.state_dict(), "epoch": epoch + 1,
                    "history": json.dumps(history),
                    "training_s": time.perf_counter() - train_started}, partial)
        partial.replace(checkpoint)
    net.eval()
    summary = {"settings": asdict(settings), "history": history, "synthesis_s": synthesis_s,
               "training_s": time.perf_counter() - train_started}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    return net, summary
