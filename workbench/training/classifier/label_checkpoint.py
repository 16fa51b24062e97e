"""Checkpoints of a training from labels, so a cancelled or killed run can be resumed.

A checkpoint lives beside the user's trained models, in
``<user zoo>/.training/<model name>/checkpoint.pt``: the network's and the
optimiser's state, the steps done, their losses and the seconds spent, and
what must match for a resume to make sense (the classes, the base model, the
tuned blocks).  It is written every few steps and when the run is cancelled,
and removed when the model is written.  Loading reads tensors and plain
values only (``weights_only``), never code.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from workbench.core.jobs import Cancelled

CHECKPOINT_FOLDER = ".training"
CHECKPOINT_NAME = "checkpoint.pt"


class CheckpointError(ValueError):
    """No checkpoint to resume, or one that does not fit the labels (names the file)."""


@dataclass(frozen=True)
class LabelCheckpoint:
    """What a resumed run needs: states, progress and the facts it must agree with."""

    net: dict
    optimiser: dict
    step: int
    losses: list[float]
    seconds: float
    labels: list[str]
    base: str
    tune_last_block: bool


def checkpoint_path(user_zoo: Path, name: str) -> Path:
    return Path(user_zoo) / CHECKPOINT_FOLDER / name / CHECKPOINT_NAME


def has_checkpoint(user_zoo: Path, name: str) -> bool:
    """True when a run of model ``name`` stopped before it finished and can be resumed."""
    return checkpoint_path(user_zoo, name).is_file()


def save_checkpoint(path: Path, checkpoint: LabelCheckpoint) -> None:
    """Write ``checkpoint`` atomically (a run killed while saving keeps the older one)."""
    import torch  # here, not at import: the GUI asks `has_checkpoint` without torch

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    torch.save({**checkpoint.__dict__}, partial)
    partial.replace(path)


def load_checkpoint(path: Path, labels: tuple[str, ...], base: str | None,
                    tune_last_block: bool) -> LabelCheckpoint:
    """The checkpoint at ``path``; CheckpointError when there is none or it does not fit."""
    import torch

    if not path.is_file():
        raise CheckpointError(f"{path}: no checkpoint to resume (train without resume first)")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
        checkpoint = LabelCheckpoint(**raw)
    except Exception as exc:  # damaged, or written by something else
        raise CheckpointError(f"{path}: not a readable training checkpoint ({exc})") from exc
    wanted = {"classes": list(labels), "base model": base or "",
              "tuning of the last block": tune_last_block}
    found = {"classes": checkpoint.labels, "base model": checkpoint.base,
             "tuning of the last block": checkpoint.tune_last_block}
    for what, value in wanted.items():
        if found[what] != value:
            raise CheckpointError(f"{path}: the checkpoint's {what} ({found[what]!r}) differ "
                                  f"from this training's ({value!r}); train afresh instead")
    return checkpoint


def remove_checkpoint(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


# A run stopped by these saves a checkpoint first (GeneratorExit: the job runner closed
# the task after seeing the cancel itself).
STOPPED = (Cancelled, KeyboardInterrupt, GeneratorExit)
