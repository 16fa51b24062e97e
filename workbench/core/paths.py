"""Where the workbench keeps settings, caches and recovery data.

Environment variables override the platform defaults (tests use them to stay
out of the user's home).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "audio-workbench"
REPO_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = REPO_ROOT / "resources"
MODELS = REPO_ROOT / "models"


def _dir(env: str, default: str) -> Path:
    path = Path(os.environ.get(env) or default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    return _dir("WORKBENCH_CONFIG_DIR", platformdirs.user_config_dir(APP))


def cache_dir() -> Path:
    return _dir("WORKBENCH_CACHE_DIR", platformdirs.user_cache_dir(APP))


def data_dir() -> Path:
    return _dir("WORKBENCH_DATA_DIR", platformdirs.user_data_dir(APP))


def models_dir() -> Path:
    """The model zoo folder: WORKBENCH_MODELS_DIR, else the repository's models/."""
    return Path(os.environ.get("WORKBENCH_MODELS_DIR") or MODELS)


def user_models_dir() -> Path:
    """Models the user trained (train from labels): WORKBENCH_USER_MODELS_DIR, else
    <data dir>/models; kept apart from the shipped models/, which stays read-only."""
    return Path(os.environ.get("WORKBENCH_USER_MODELS_DIR") or data_dir() / "models")


def display_name(name: str | os.PathLike) -> str:
    """`name` as text a person can read and Qt can show.

    Linux file names are bytes; Python keeps bytes that are not UTF-8 as lone
    surrogates, which cannot be encoded (printing fails) and which Qt drops.
    Here each such byte becomes U+FFFD, as file managers show it.
    """
    return os.fsencode(name).decode("utf-8", "replace")
