"""`workbench train classifier`: synthesize the data, train, write weights, card and manifest."""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from workbench.core import paths
from workbench.training.classifier import card
from workbench.training.classifier.train import TrainSettings, train_classifier

_DEFAULTS = TrainSettings()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zoo", type=Path, metavar="DIR",
                        help="model folder to write into (default: WORKBENCH_MODELS_DIR, "
                             "else models/)")
    parser.add_argument("--run-dir", default=_DEFAULTS.run_dir, metavar="DIR",
                        help="cache of synthesized clips and checkpoints (resumes from it)")
    parser.add_argument("--epochs", type=int, default=_DEFAULTS.epochs)
    parser.add_argument("--steps-per-epoch", type=int, default=_DEFAULTS.steps_per_epoch)
    parser.add_argument("--clips-per-class", type=int, default=_DEFAULTS.train_clips_per_class)
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed)
    parser.add_argument("--threads", type=int, default=_DEFAULTS.threads)
    parser.add_argument("--channels", default=",".join(map(str, _DEFAULTS.channels)),
                        metavar="C1,C2,...", help="conv channels of the five blocks")
    parser.add_argument("--embedding", type=int, default=_DEFAULTS.embedding,
                        help="embedding size per time step")
    parser.add_argument("--level-input", action="store_true",
                        help="the head also reads each window's level (mean and low "
                             "percentile of its frames, dB)")
    parser.add_argument("--eq-augment-db", type=float, default=_DEFAULTS.eq_augment_db,
                        metavar="DB", help="random spectral tilt and bump on half the "
                        "training windows other than silence, up to DB (0: off)")
    parser.add_argument("--speed-perturb", type=float, default=_DEFAULTS.speed_perturb,
                        metavar="R", help="read training sounds up to 1+R times faster or "
                        "slower (pitch, timbre and tempo together; 0: off)")
    parser.add_argument("--remix-speech", type=float, default=_DEFAULTS.remix_speech,
                        metavar="SHARE", help="this share of speech windows is clean speech "
                        "over a fresh music or noise piece at 0-15 dB SNR (0: off)")
    parser.add_argument("--context-radius", type=int, default=_DEFAULTS.context_radius,
                        metavar="N", help="windows either side that the context layer reads, "
                        "trained after the CNN (0: none, every window scored alone)")
    parser.add_argument("--window-frames", type=int, default=_DEFAULTS.window_frames,
                        metavar="N", help="10 ms frames one window spans (89: 0.91 s, the "
                        "CNN's receptive field; longer: 89 plus a multiple of 8)")
    parser.add_argument("--joint-steps", type=int, default=_DEFAULTS.joint_steps,
                        metavar="N", help="then fine-tune the CNN and context layer together "
                        "on window sequences for N steps (0: none; needs --context-radius)")
    parser.add_argument("--recipe", default=_DEFAULTS.recipe,
                        choices=("test-timbre", "wide", "wide-music", "randomized", "families",
                                 "first"),
                        help="data recipe: many instrument families (families), with the "
                             "added families, textures and room tones in training (wide) or "
                             "the added families and room tones only (wide-music), "
                             "with music in a test signal's timbre (test-timbre), "
                             "with randomized instrument and noise spaces in training "
                             "(randomized), or the first one")
    parser.add_argument("--family-validation", action="store_true",
                        help="train without the validation families, to compare recipes "
                             "with `workbench eval classifier --family-validation`")
    parser.add_argument("--from-labels", nargs="+", metavar="FILE",
                        help="train a new model from your own labels instead: AUDIO "
                             "LABELS.txt (an Audacity label file of class names over "
                             "regions), or PROJECT.wbproj with --tier NAME")
    parser.add_argument("--tier", help="the project's label tier to train --from-labels on")
    parser.add_argument("--name", help="name of the model trained --from-labels")
    parser.add_argument("--steps", type=int, default=60,
                        help="optimiser steps of --from-labels training")
    parser.add_argument("--user-models", type=Path, metavar="DIR",
                        help="where a model trained --from-labels goes (default: "
                             "WORKBENCH_USER_MODELS_DIR, else the data folder's models/; "
                             "the shipped --zoo is only read)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the cancelled or interrupted --from-labels training "
                             "of --name from its checkpoint")


def _channels(text: str) -> tuple[int, ...]:
    try:
        channels = tuple(int(c) for c in text.split(","))
    except ValueError:
        channels = ()
    if len(channels) != len(_DEFAULTS.channels) or min(channels, default=0) < 1:
        raise SystemExit(f"--channels {text!r}: give {len(_DEFAULTS.channels)} positive "
                         "whole numbers separated by commas, e.g. 16,32,48,64,64")
    return channels


def _log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def run(args: argparse.Namespace) -> int:
    if args.from_labels:
        from workbench.training.classifier.from_labels_command import run_from_labels

        return run_from_labels(args)
    if args.context_radius < 0:
        raise SystemExit(f"--context-radius {args.context_radius}: give 0 (no context layer) "
                         "or more windows")
    if args.joint_steps < 0 or (args.joint_steps and not args.context_radius):
        raise SystemExit(f"--joint-steps {args.joint_steps}: give 0 (none) or more steps, "
                         "with a context layer (--context-radius 1 or more)")
    base = _DEFAULTS.window_frames
    if args.window_frames < base or (args.window_frames - base) % 8:
        raise SystemExit(f"--window-frames {args.window_frames}: give {base} (the CNN's receptive "
                         "field) plus a multiple of 8, e.g. 137 or 185")
    settings = TrainSettings(run_dir=args.run_dir, train_clips_per_class=args.clips_per_class,
                             epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                             seed=args.seed, threads=args.threads, recipe=args.recipe,
                             channels=_channels(args.channels), embedding=args.embedding,
                             level_input=args.level_input,
                             eq_augment_db=args.eq_augment_db,
                             speed_perturb=args.speed_perturb,
                             remix_speech=args.remix_speech,
                             context_radius=args.context_radius,
                             joint_steps=args.joint_steps,
                             window_frames=args.window_frames,
                             family_validation=args.family_validation)
    zoo = Path(args.zoo or paths.models_dir())
    summary = train_classifier(settings, zoo / card.WEIGHTS_FILE, _log)
    install_card(zoo, summary)
    _log(f"wrote {zoo / card.WEIGHTS_FILE} and {zoo / card.CARD_FILE}")
    return 0


def install_card(zoo: Path, summary: dict) -> None:
    """Write the card of freshly trained weights (training facts, validation accuracy) and
    register the model; `workbench eval classifier --update-card` adds the test metrics."""
    from workbench.ml.classifier.net import AudioClassifierNet, ClassifierConfig

    config = ClassifierConfig.from_json(summary["config"])
    settings = summary["settings"]
    minutes = (summary["synthesis_s"] + summary["training_s"]) / 60
    training = {
        "hardware": f"{platform.machine()} CPU with {os.cpu_count()} cores, torch on "
                    f"{settings['threads']} thread(s)",
        "training_time": f"{minutes:.0f} min ({summary['synthesis_s'] / 60:.0f} min synthesis, "
                         f"{summary['training_s'] / 60:.0f} min training)",
        "settings": settings, "history": summary["history"],
    }
    last = summary["history"][-1]["val_accuracy"] if summary["history"] else 0.0
    metrics = {"validation_window_accuracy": last}
    if summary.get("context_history"):
        training["context_history"] = summary["context_history"]
        metrics["validation_recording_accuracy"] = summary["context_history"][-1]["val_accuracy"]
    parameters = sum(p.numel() for p in AudioClassifierNet(config).parameters())
    card.write_card(zoo, config, parameters, training, metrics,
                    "Not evaluated yet: run `workbench eval classifier --update-card`.")
    card.register(zoo)
