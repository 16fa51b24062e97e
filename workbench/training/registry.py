"""What `workbench train FAMILY` and `workbench eval FAMILY` run, per model family.

Each model issue adds its entry here: a `CommandEntry` naming a module that
defines `add_arguments(parser)` and `run(args) -> int` (the exit code).  The
module is imported only when its command runs, so `workbench --help` and the
other commands stay fast.  A family with no entry yet answers "no trainer for
FAMILY yet" (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass

MODEL_FAMILIES = ("recognizer", "enhancer", "classifier")


@dataclass(frozen=True)
class CommandEntry:
    """One `workbench train|eval FAMILY` command: a help line and the module that runs it."""

    help: str
    module: str


# family -> entry; e.g. "classifier": CommandEntry("train the audio classifier",
#                                                  "workbench.training.classifier_cli")
TRAINERS: dict[str, CommandEntry] = {}
EVALUATORS: dict[str, CommandEntry] = {}

TRAINERS["classifier"] = CommandEntry("train the sound-class CNN (speech, music, noise, tone, "
                                      "silence) on synthesized audio",
                                      "workbench.training.classifier.train_command")
EVALUATORS["classifier"] = CommandEntry("score the sound-class CNN, a threshold baseline and "
                                        "silero-vad on held-out recordings",
                                        "workbench.training.classifier.eval_command")
TRAINERS["enhancer"] = CommandEntry("train the causal GRU speech enhancer on synthesized speech "
                                    "and noise", "workbench.training.enhancer.train_command")
EVALUATORS["enhancer"] = CommandEntry("score the speech enhancer, a Wiener baseline, noisereduce "
                                      "and RNNoise on held-out voices and noises",
                                      "workbench.training.enhancer.eval_command")
TRAINERS["recognizer"] = CommandEntry("train the CTC speech recognizer on synthesized speech "
                                      "and transcribed recordings (--corpus)",
                                      "workbench.training.recognizer.train_command")
EVALUATORS["recognizer"] = CommandEntry("score the speech recognizer and pocketsphinx on held-out "
                                        "synthetic voices (clean, 10 dB SNR) and held-out "
                                        "corpus utterances",
                                        "workbench.training.recognizer.eval_command")
