"""The model tasks, one spec per kind of model job (see README.md in this folder).

Importing this package imports torch: the GUI imports it inside workers only.
"""

from __future__ import annotations

from workbench.ml.tasks import classify, enhance, transcribe
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
