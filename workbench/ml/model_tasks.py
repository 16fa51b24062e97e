"""The model tasks, one spec per kind of model job (see ml/tasks/README.md).

Each model family's task lives in its own room (ml/<family>/task.py); the shared
plumbing (spec, model provider, `run_model_task`) is in ml/tasks/.  Importing this
module imports torch: the GUI imports it inside workers only.
"""

from __future__ import annotations

from workbench.ml.classifier import task as classify
from workbench.ml.enhancer import task as enhance
from workbench.ml.recognizer import task as transcribe
from workbench.ml.tasks.base import (
    ModelProvider,
    ModelTaskSpec,
    NoModelError,
    find_model,
    run_model_task,
)

MODEL_TASKS: dict[str, ModelTaskSpec] = {
    spec.kind: spec for spec in (transcribe.SPEC, enhance.SPEC, classify.SPEC)
}

__all__ = ["MODEL_TASKS", "ModelProvider", "ModelTaskSpec", "NoModelError", "find_model",
           "run_model_task"]
