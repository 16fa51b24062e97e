"""`workbench train classifier --from-labels AUDIO LABELS.txt --name NAME`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from workbench.core import paths
from workbench.core.audio.audio_file import AudioFileError, read_audio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress
from workbench.core.labels.label_formats import LabelFormatError, read_audacity
from workbench.core.labels.labels import LabelTier
from workbench.ml.errors import ModelLoadError
from workbench.training.classifier.from_labels import LabelTrainingError, train_from_labels


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


def run_from_labels(args: argparse.Namespace) -> int:
    audio_path, labels_path = (Path(p) for p in args.from_labels)
    if not args.name:
        print("workbench train classifier: --from-labels needs --name NAME", file=sys.stderr)
        return 2
    try:
        loaded = read_audio(audio_path)
        rate = loaded.info.sample_rate
        tier = read_label_file(labels_path, rate)
        params = {"tier": tier, "name": args.name, "zoo": args.zoo or paths.models_dir(),
                  "steps": args.steps, "seed": args.seed, "source": audio_path.name}
        task = train_from_labels(BlockSequence.from_source(loaded.source), rate, params,
                                 CancelToken())
        result = _drive(task)
    except (AudioFileError, LabelFormatError, LabelTrainingError, ModelLoadError) as e:
        print(f"workbench train classifier: {e}", file=sys.stderr)
        return 1
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
        if isinstance(item, Progress) and time.monotonic() - last > 1.0:
            last = time.monotonic()
            print(time.strftime("%H:%M:%S"), item.message, flush=True)
