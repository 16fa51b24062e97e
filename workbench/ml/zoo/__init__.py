"""Where models come from: the model zoo of our own models with cards and checksums
(model_zoo.py), loading weights without running code (safe_load.py), public pretrained
downloads (pretrained.py) and the cache of loaded models (model_cache.py).

The zoo itself is this room's API: `from workbench.ml.zoo import ModelZoo, read_card`
(re-exported from model_zoo.py, which imports no torch, so the GUI may import it at
start-up).  Imports core and ml's top (errors); never ml.tasks or a model family.
"""

from workbench.ml.zoo.model_zoo import (
    MANIFEST_NAME,
    ModelCard,
    ModelZoo,
    ZooEntry,
    read_card,
    register_model,
    sha256_file,
)

__all__ = ["MANIFEST_NAME", "ModelCard", "ModelZoo", "ZooEntry", "read_card", "register_model",
           "sha256_file"]
