"""What the `workbench eval <family>` commands share: loading the model under test from a
zoo, timestamped progress lines, and rewriting a card's metrics after an evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType


def log_line(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def load_zoo_model(zoo_dir: Path, name: str, build: Callable):
    """``build(card)`` makes the network; the zoo checks and loads its weights."""
    from workbench.ml.zoo import ModelZoo

    zoo = ModelZoo(zoo_dir)
    entry = zoo.entry(name)
    if entry.problem is not None:
        raise entry.problem
    model = build(entry.card)
    zoo.load_weights_into(name, model)
    return model.eval()


def refresh_card(zoo: Path, card: ModuleType, config, parameters: int, metrics: dict,
                 evaluation: str) -> None:
    """Rewrite ``card``'s model card with new ``metrics`` and evaluation text, keeping what
    training wrote (settings, history, hardware, time), and re-register it."""
    front = card.read_front(zoo)
    training = {**front["training"], "hardware": front["hardware"],
                "training_time": front["training_time"]}
    card.write_card(zoo, config, parameters, training, {**front["metrics"], **metrics},
                    evaluation)
    card.register(zoo)
    print(f"updated {zoo / card.CARD_FILE}")
