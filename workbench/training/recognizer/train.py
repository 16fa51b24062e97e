"""Training loop of the CTC recognizer: pool + corpora in, safetensors weights out.

Seeded: epoch ``e``'s batch order comes from ``default_rng([seed, e])`` and batch ``b``'s
augmentation from ``default_rng([seed, e, b])``, so a resumed run sees the same batches.
A checkpoint (model, optimiser, epoch, batch, step, elapsed time, history) is written
every `checkpoint_every_s` seconds and after each validation into the run folder; a
second call with the same folder resumes from it.  The learning rate follows the run's
progress (time used of ``hours``, or steps done of ``epochs``): linear warm-up for 4%,
then cosine decay to 3% of the peak.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.training.recognizer import augment, data, pool
from workbench.training.recognizer.metrics import encode_text, error_rates, greedy_text


@dataclass(frozen=True)
class TrainSettings:
    """Everything a training run depends on (stored on the card)."""

    run_dir: str = "runs/recognizer"
    pool_dir: str = "data/recognizer/pool"
    pool_shards: int = 72
    corpora: tuple[str, ...] = ()
    corpus_repeat: int = 2
    hours: float | None = 1.5
    epochs: int = 100
    max_batch_s: float = 150.0
    learning_rate: float = 1.5e-3
    weight_decay: float = 1e-2
    clip_norm: float = 5.0
    seed: int = 1
    threads: int = 2
    device: str = "cpu"
    init_from: str | None = None
    validate_every_s: float = 600.0
    checkpoint_every_s: float = 300.0
    config: dict = field(default_factory=lambda: {
        "n_mels": 80, "conv_channels": 32, "hidden": 256, "layers": 3, "dropout": 0.15,
        "chunk": 12, "right": 8})


def learning_rate(settings: TrainSettings, progress: float) -> float:
    peak = settings.learning_rate
    if progress < 0.04:
        return peak * (0.05 + 0.95 * progress / 0.04)
    t = min(1.0, (progress - 0.04) / 0.96)
    return peak * (0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * t)))


def _batch_tensors(items: list[data.Item], rng: np.random.Generator,
                   bank: augment.AugmentBank | None, train: bool):
    waves = []
    for item in items:
        audio = item.audio.astype(np.float32) / 32768.0
        waves.append(augment.augment_waveform(audio, bank, rng) if train else audio)
    lengths = torch.tensor([len(w) for w in waves])
    batch = torch.zeros(len(waves), int(lengths.max()))
    for row, wave in enumerate(waves):
        batch[row, :len(wave)] = torch.from_numpy(wave)
    targets = [torch.tensor(encode_text(item.text)) for item in items]
    return batch, lengths, targets


def set_feature_statistics(net: CtcRecognizer, items: list[data.Item],
                           bank: augment.AugmentBank | None, seed: int) -> None:
    """Per-band mean/std of the (augmented) training log-mels, into the net's buffers."""
    rng = np.random.default_rng([seed, 999])
    picks = rng.choice(len(items), size=min(400, len(items)), replace=False)
    with torch.no_grad():
        frames = []
        for start in range(0, len(picks), 50):
            wave, lengths, _ = _batch_tensors([items[i] for i in picks[start:start + 50]],
                                              rng, bank, train=True)
            raw = net.features.raw(wave)
            counts = lengths // net.features.hop + 1
            frames += [raw[row, :int(counts[row])] for row in range(len(counts))]
        allf = torch.cat(frames)
        net.features.mean.copy_(allf.mean(0))
        net.features.std.copy_(allf.std(0) + 1e-3)


@torch.inference_mode()
def validate(net: CtcRecognizer, items: list[data.Item], device: torch.device) -> dict:
    """Greedy CER/WER on clean validation items (in eval mode, restores train mode)."""
    was_training = net.training
    net.eval()
    hypotheses = []
    for start in range(0, len(items), 16):
        chunk = items[start:start + 16]
        wave, lengths, _ = _batch_tensors(chunk, np.random.default_rng(0), None, train=False)
        log_probs = net(wave.to(device), lengths.to(device)).cpu().numpy()
        frames = net.output_frames(lengths)
        hypotheses += [greedy_text(log_probs[row, :int(frames[row])])
                       for row in range(len(chunk))]
    net.train(was_training)
    return error_rates([i.text for i in items], hypotheses)


def train_recognizer(settings: TrainSettings, weights_out: str | Path,
                     log: Callable[[str], None] = print,
                     progress: Callable[[float, str], None] | None = None) -> dict:
    """Train (or resume, or fine-tune from ``settings.init_from``), write the weights to
    ``weights_out``; return a summary dict (settings, history, data facts, times)."""
    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    device = torch.device(settings.device)
    run_dir = Path(settings.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pool_dir = Path(settings.pool_dir)
    if settings.pool_shards > 0:
        pool.write_noise_bank(pool_dir, settings.seed)
        pool.fill_pool(pool_dir, settings.pool_shards, settings.seed, log=log)
    bank = augment.AugmentBank.load(pool_dir / pool.NOISE_BANK) \
        if (pool_dir / pool.NOISE_BANK).exists() else None
    items = data.load_pool(pool_dir) if settings.pool_shards > 0 else []
    val_items: list[data.Item] = []
    for folder in settings.corpora:
        items += data.load_corpus_items(folder)
        val_items += data.load_corpus_items(folder, held_out=True)[:40]
    if settings.pool_shards > 0:
        val_items += _synthetic_validation(pool_dir, settings.seed)
    if not items:
        raise ValueError("no training data: the pool is empty and no --corpus was given")
    hours = sum(i.seconds for i in items) / 3600
    data_facts = {"utterances": len(items), "hours": round(hours, 2),
                  "synthetic_utterances": sum(i.source == "synthetic" for i in items),
                  "corpus_utterances": sum(i.source != "synthetic" for i in items)}
    synthesis_s = time.perf_counter() - started
    log(f"data ready: {data_facts} ({synthesis_s:.0f} s); validation: {len(val_items)}")

    net = CtcRecognizer(pool.SAMPLE_RATE, len(CHARACTERS) + 1, **settings.config)
    if settings.init_from:
        from workbench.ml.zoo.safe_load import load_weights_into

        load_weights_into(net, settings.init_from)
        log(f"fine-tuning from {settings.init_from}")
    else:
        set_feature_statistics(net, items, bank, settings.seed)
    net.to(device).train()
    optimiser = torch.optim.AdamW(net.parameters(), lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    state = _resume(run_dir / "checkpoint.pt", net, optimiser, log)
    epoch, first_batch, step, elapsed, history, starts = state
    # Each start or resume with its budget: a resumed run's card says how it was made.
    starts.append({"step": step, "minutes": round(elapsed / 60, 1), "hours": settings.hours,
                   "epochs": settings.epochs})
    batches_per_epoch = len(epoch_plan(items, settings, 0))
    total_steps = settings.epochs * batches_per_epoch
    last_checkpoint = last_validation = elapsed
    clock = time.perf_counter() - elapsed
    losses: list[float] = []
    log(f"{batches_per_epoch} batches per epoch; starting at epoch {epoch + 1}, batch "
        f"{first_batch}, step {step}")

    def run_progress() -> float:
        by_steps = step / max(1, total_steps)
        by_time = (time.perf_counter() - clock) / (settings.hours * 3600) \
            if settings.hours else 0.0
        return max(by_steps, by_time)

    def save_checkpoint(next_epoch: int, next_batch: int) -> None:
        path = run_dir / "checkpoint.pt"
        torch.save({"model": net.state_dict(), "optimiser": optimiser.state_dict(),
                    "epoch": next_epoch, "batch": next_batch, "step": step,
                    "elapsed": time.perf_counter() - clock, "history": json.dumps(history),
                    "starts": json.dumps(starts)},
                   path.with_suffix(".partial"))
        path.with_suffix(".partial").replace(path)

    done = False
    while epoch < settings.epochs and not done:
        plan = epoch_plan(items, settings, epoch)
        masks = torch.Generator().manual_seed(settings.seed * 1000 + epoch)
        for b in range(first_batch, len(plan)):
            if run_progress() >= 1.0:
                done = True
                save_checkpoint(epoch, b)
                break
            for group in optimiser.param_groups:
                group["lr"] = learning_rate(settings, run_progress())
            rng = np.random.default_rng([settings.seed, epoch, b])
            loss = _train_step(net, [items[i] for i in plan[b]], rng, bank, masks, optimiser,
                               settings, device)
            step += 1
            losses.append(loss)
            now = time.perf_counter() - clock
            if progress is not None:
                progress(run_progress(), f"epoch {epoch + 1} batch {b + 1}/{len(plan)} "
                                         f"loss {np.mean(losses[-50:]):.3f}")
            if step % 50 == 0:
                log(f"epoch {epoch + 1} batch {b + 1}/{len(plan)} step {step}: loss "
                    f"{np.mean(losses[-50:]):.3f} lr {optimiser.param_groups[0]['lr']:.2e} "
                    f"({now / 60:.1f} min, {100 * run_progress():.0f}%)")
            if now - last_validation >= settings.validate_every_s:
                last_validation = now
                history.append(_record(net, val_items, device, epoch, step, now, losses))
                log(f"validation: {history[-1]}")
                _export(net, run_dir / "latest.safetensors")
            if now - last_checkpoint >= settings.checkpoint_every_s:
                last_checkpoint = now
                save_checkpoint(epoch, b + 1)
        else:
            epoch += 1
            first_batch = 0
            save_checkpoint(epoch, 0)
    training_s = time.perf_counter() - clock
    history.append(_record(net, val_items, device, epoch, step, training_s, losses))
    log(f"final validation: {history[-1]}")
    net.eval()
    _export(net, weights_out)
    summary = {"settings": asdict(settings), "history": history, "starts": starts,
               "data": data_facts,
               "synthesis_s": synthesis_s, "training_s": training_s, "steps": step,
               "epochs_done": round(step / max(1, batches_per_epoch), 2),
               "parameters": sum(p.numel() for p in net.parameters())}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def epoch_plan(items: list[data.Item], settings: TrainSettings, epoch: int) -> list[list[int]]:
    rng = np.random.default_rng([settings.seed, epoch])
    return data.epoch_batches(items, settings.corpus_repeat, settings.max_batch_s, rng)


def _train_step(net, batch_items, rng, bank, masks, optimiser, settings, device) -> float:
    wave, lengths, targets = _batch_tensors(batch_items, rng, bank, train=True)
    wave, lengths = wave.to(device), lengths.to(device)
    with torch.no_grad():
        feats = net.features(wave)
    feat_lengths = lengths // net.features.hop + 1
    feats = augment.augment_features(feats, feat_lengths, masks)
    frames = net.output_frames(lengths)
    log_probs, _ = net.encode(net.frontend(feats), frames)
    target_lengths = torch.tensor([len(t) for t in targets])
    loss = F.ctc_loss(log_probs.transpose(0, 1), torch.cat(targets).to(device), frames,
                      target_lengths.to(device), blank=0, zero_infinity=True)
    optimiser.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), settings.clip_norm)
    optimiser.step()
    return float(loss.detach())


def _record(net, val_items, device, epoch, step, seconds, losses) -> dict:
    rates = validate(net, val_items, device) if val_items else {}
    return {"epoch": epoch + 1, "step": step, "minutes": round(seconds / 60, 1),
            "loss": round(float(np.mean(losses[-200:])), 4) if losses else None,
            **{f"val_{k}": round(v, 4) for k, v in rates.items()}}


def _export(net: CtcRecognizer, path: str | Path) -> None:
    from workbench.ml.zoo.safe_load import save_safetensors

    was_training = net.training
    net.eval()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_safetensors(net, path)
    net.train(was_training)


def _synthetic_validation(pool_dir: Path, seed: int) -> list[data.Item]:
    """60 utterances of the held-out voices from a shard index evaluation does not use."""
    path = pool.write_shard(pool_dir, "eval", 50, seed)
    return [data.Item(audio, text, "synthetic") for audio, text in pool.read_shard(path)[:60]]


def _resume(path: Path, net, optimiser, log) -> tuple[int, int, int, float, list, list]:
    if not path.exists():
        return 0, 0, 0, 0.0, [], []
    state = torch.load(path, weights_only=True)
    net.load_state_dict(state["model"])
    optimiser.load_state_dict(state["optimiser"])
    log(f"resuming from {path}")
    return (int(state["epoch"]), int(state["batch"]), int(state["step"]),
            float(state["elapsed"]), json.loads(state["history"]),
            json.loads(state.get("starts", "[]")))
