"""`workbench train classifier --from-labels AUDIO LABELS.txt --name NAME`, or
`--from-labels PROJECT.wbproj --tier TIER --name NAME` (a project's own label tier)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from workbench.core import paths
from workbench.core.audio.audio_file import AudioFileError, read_audio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.jobs import CancelToken, Progress
from workbench.core.labels.label_formats import LabelFormatError, read_audacity
from workbench.core.labels.labels import LabelTier
from workbench.core.storage.project_file import ProjectFileError, read_project
from workbench.ml.errors import ModelLoadError
from workbench.training.classifier.from_labels import LabelTrainingError, train_from_labels
from workbench.training.classifier.label_checkpoint import CheckpointError


def read_label_file(path: Path, sample_rate: int) -> LabelTier:
    """The Audacity label file as a tier; a LabelFormatError names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LabelFormatError(f"{path}: cannot read the label file ({e})") from e
    try:
        return read_audacity(text, sample_rate, path.stem)
    except LabelFormatError as e:
        raise LabelFormatError(f"{path}, {e}") from e


def project_tier(document: Document, name: str, path: Path) -> LabelTier:
    """The document's tier called ``name`` (LabelTrainingError listing the tiers if none)."""
    for tier in document.label_tiers:
        if tier.name == name:
            return tier
    names = ", ".join(repr(t.name) for t in document.label_tiers) or "none"
    raise LabelTrainingError(f"{path}: no label tier named {name!r} (tiers: {names})")


def document_audio(document: Document):
    """All tracks side by side as frames x channels (one track stays a BlockSequence)."""
    tracks = [t.samples for t in document.tracks]
    if len(tracks) == 1:
        return tracks[0]
    parts = [t.read(0, document.frames) for t in tracks]
    return np.concatenate([np.pad(p, ((0, document.frames - len(p)), (0, 0))) for p in parts],
                          axis=1)


def _inputs(args: argparse.Namespace):
    """(audio, sample rate, tier, source name) from the files the options name."""
    files = [Path(p) for p in args.from_labels]
    if len(files) == 1:
        if not args.tier:
            raise _UsageError("--from-labels PROJECT.wbproj needs --tier NAME")
        document = read_project(files[0]).document
        return (document_audio(document), document.sample_rate,
                project_tier(document, args.tier, files[0]), files[0].name)
    if len(files) != 2:
        raise _UsageError("--from-labels takes AUDIO LABELS.txt, or PROJECT.wbproj")
    loaded = read_audio(files[0])
    rate = loaded.info.sample_rate
    return (BlockSequence.from_source(loaded.source), rate, read_label_file(files[1], rate),
            files[0].name)


class _UsageError(Exception):
    pass


def run_from_labels(args: argparse.Namespace) -> int:
    try:
        if not args.name:
            raise _UsageError("--from-labels needs --name NAME")
        audio, rate, tier, source = _inputs(args)
        params = {"tier": tier, "name": args.name, "zoo": args.zoo or paths.models_dir(),
                  "user_zoo": args.user_models or paths.user_models_dir(),
                  "steps": args.steps, "seed": args.seed, "source": source,
                  "resume": args.resume}
        result = _drive(train_from_labels(audio, rate, params, CancelToken()))
    except _UsageError as e:
        print(f"workbench train classifier: {e}", file=sys.stderr)
        return 2
    except (AudioFileError, LabelFormatError, LabelTrainingError, ModelLoadError,
            ProjectFileError, CheckpointError) as e:
        print(f"workbench train classifier: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the task saved a checkpoint on its way out
        print(f"workbench train classifier: interrupted; continue with --resume --name "
              f"{args.name!r}", file=sys.stderr)
        return 130
    accuracy = ("no held-out regions" if result.val_accuracy is None
                else f"held-out window accuracy {result.val_accuracy:.3f}")
    print(f"trained {result.name!r} ({', '.join(result.labels)}) in {result.training_s:.1f} s, "
          f"{accuracy}; wrote {result.weights_path} and {result.card_path}")
    return 0


def _drive(task):
    last = 0.0
    while True:
        try:
            item = next(task)
        except StopIteration as done:
            return done.value
        if isinstance(item, Progress) and (time.monotonic() - last > 1.0
                                           or item.message.startswith("Resuming")):
            last = time.monotonic()
            print(time.strftime("%H:%M:%S"), item.message, flush=True)
