"""The model zoo: the workbench's own trained models, their cards and checksums.

A zoo is a folder (the repository's models/ for shipped models; tests build
temporary ones) holding, for each model, a safetensors weights file and a
model card, plus one ``manifest.json``::

    {"format": 1,
     "models": [{"name": "keyword-spotter",
                 "weights": "keyword-spotter.safetensors",
                 "card": "keyword-spotter.md",
                 "sha256": {"keyword-spotter.safetensors": "<hex>",
                            "keyword-spotter.md": "<hex>"}}]}

Every file a model uses is listed under "sha256" and checked before use.
A card is markdown that opens with a JSON front-matter block between two
``---`` lines (JSON is valid YAML, so markdown viewers show it as front
matter); see CARD_FIELDS for the fields it must carry.

Listing the zoo reads only JSON, markdown and file bytes: it never imports
torch, so the model manager can show the zoo while the GUI starts.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.ml.errors import ModelLoadError, UnknownModelError

if TYPE_CHECKING:
    from torch import nn

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
# Front-matter fields every card must carry, with the JSON type each must have.
CARD_FIELDS: dict[str, type] = {
    "task": str,
    "architecture": str,
    "sample_rate": int,
    "training_data": str,
    "training_command": str,
    "hardware": str,
    "training_time": str,
    "metrics": dict,
}
_JSON_TYPE_NAMES = {str: "a string", int: "an integer", dict: "a JSON object"}
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelCard:
    """What a model card's front matter says, plus its markdown body.

    `labels` are the output classes (empty when the task has none), `alphabet`
    the symbols of a recogniser (None when not a recogniser), `config` the
    architecture's hyperparameters, `extra` any other front-matter fields.
    """

    task: str
    architecture: str
    sample_rate: int
    training_data: str
    training_command: str
    hardware: str
    training_time: str
    metrics: Mapping[str, Any]
    labels: tuple[str, ...] = ()
    alphabet: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class ZooEntry:
    """One model as listed: its files, its card, and what is wrong with it (if anything).

    `problem` is the ModelLoadError that using the model would raise (missing
    file, checksum mismatch, unreadable card); `card` is None when the card
    could not be read.
    """

    name: str
    weights_path: Path
    card_path: Path
    card: ModelCard | None
    problem: ModelLoadError | None

    @property
    def usable(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _ManifestItem:
    name: str
    weights: Path
    card: Path
    sha256: Mapping[Path, str]


class ModelZoo:
    """Reads one zoo folder: lists models, verifies checksums, loads weights.

    With `user_folder`, the models the user trained (a zoo folder of its own,
    outside the shipped one, which stays read-only) are listed after the
    shipped ones and load the same way; a user model with a shipped model's
    name is not listed.  A missing user manifest means no user models yet.

    Thread-safe (the GUI lists while a worker loads).  Checksums are cached
    per file size and modification time for listing; loading always hashes
    the weights again.  The zoo holds no models: it is cheap to build.
    """

    def __init__(self, folder: str | Path, user_folder: str | Path | None = None) -> None:
        self.folder = Path(folder)
        self.user_folder = Path(user_folder) if user_folder is not None else None
        self._lock = threading.Lock()
        self._digests: dict[Path, tuple[int, int, str]] = {}

    @classmethod
    def installed(cls, folder: str | Path | None = None) -> ModelZoo:
        """The zoo the app and every CLI command use: the shipped models (`folder`, else
        core.paths.models_dir()), then the ones the user trained (core.paths.user_models_dir())."""
        from workbench.core import paths

        return cls(folder or paths.models_dir(), paths.user_models_dir())

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST_NAME

    def list_models(self) -> list[ZooEntry]:
        """Every model in the manifest, in manifest order, each checked.

        Raises ModelLoadError (naming manifest.json) only when the manifest
        itself is missing or malformed; a broken model is listed with its
        `problem` set.
        """
        return [self._entry(item, cached=True) for item in self._read_manifest()]

    def usable_names(self, task: str) -> list[str]:
        """The names of the usable models whose card's task is `task` ("speech-recognition",
        ...), shipped first; none without a manifest.  Raises ModelLoadError when the
        manifest cannot be read."""
        entries = self.list_models() if self.manifest_path.exists() else []
        return [e.name for e in entries
                if e.usable and e.card is not None and e.card.task == task]

    def entry(self, name: str) -> ZooEntry:
        """The checked entry for `name` (UnknownModelError if the manifest lacks it)."""
        return self._entry(self._item(name), cached=True)

    def verified_weights(self, name: str) -> Path:
        """The weights path of `name` after hashing every file of the model afresh.

        Raises ModelLoadError naming the first file that is missing or whose
        sha256 differs from the manifest.
        """
        entry = self._entry(self._item(name), cached=False)
        if entry.problem is not None:
            raise entry.problem
        return entry.weights_path

    def load_weights_into(self, name: str, module: nn.Module) -> nn.Module:
        """Verify `name`'s checksums, then load its weights strictly into `module`.

        Pass a freshly built module; on ModelLoadError it is left unchanged.
        """
        from workbench.ml.zoo.safe_load import load_weights_into  # torch only when loading

        return load_weights_into(module, self.verified_weights(name), strict=True)

    def _item(self, name: str) -> _ManifestItem:
        items = self._read_manifest()
        for item in items:
            if item.name == name:
                return item
        raise UnknownModelError(name, tuple(i.name for i in items))

    def _entry(self, item: _ManifestItem, cached: bool) -> ZooEntry:
        problem = self._check_files(item, cached)
        card = None
        try:
            card = read_card(item.card)
        except ModelLoadError as e:
            problem = problem or e
        return ZooEntry(item.name, item.weights, item.card, card, problem)

    def _check_files(self, item: _ManifestItem, cached: bool) -> ModelLoadError | None:
        for path, expected in item.sha256.items():
            if not path.is_file():
                return ModelLoadError(path, f"file of model {item.name!r} is missing")
            actual = self._digest(path, cached)
            if actual != expected:
                return ModelLoadError(path, f"sha256 mismatch: manifest says {expected}, file "
                                            f"has {actual}; the file was changed or damaged")
        return None

    def _digest(self, path: Path, cached: bool) -> str:
        stat = path.stat()
        with self._lock:
            known = self._digests.get(path)
        if cached and known and known[:2] == (stat.st_size, stat.st_mtime_ns):
            return known[2]
        digest = sha256_file(path)
        with self._lock:
            self._digests[path] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest

    def _read_manifest(self) -> list[_ManifestItem]:
        items = self._read_one_manifest(self.folder)
        user = self.user_folder
        if user is not None and (user / MANIFEST_NAME).exists() \
                and user.resolve() != self.folder.resolve():
            shipped = {i.name for i in items}
            items += [i for i in self._read_one_manifest(user) if i.name not in shipped]
        return items

    def _read_one_manifest(self, folder: Path) -> list[_ManifestItem]:
        path = folder / MANIFEST_NAME
        items = [self._parse_item(raw, path, folder)
                 for raw in _read_manifest_json(path)["models"]]
        names = [i.name for i in items]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ModelLoadError(path, f"model names listed twice: {', '.join(duplicates)}")
        return items

    def _parse_item(self, raw: object, manifest: Path, folder: Path) -> _ManifestItem:
        if not isinstance(raw, dict) or not all(
                isinstance(raw.get(k), str) for k in ("name", "weights", "card")):
            raise ModelLoadError(manifest, f"each model needs string \"name\", \"weights\" "
                                           f"and \"card\" fields; got {raw!r}")
        hashes = raw.get("sha256")
        if not isinstance(hashes, dict) or not hashes:
            raise ModelLoadError(manifest, f"model {raw['name']!r} lists no sha256 checksums")
        sha256 = {_inside(folder, name, manifest): str(value).lower()
                  for name, value in hashes.items()}
        weights, card = (_inside(folder, raw["weights"], manifest),
                         _inside(folder, raw["card"], manifest))
        for needed in (weights, card):
            if needed not in sha256:
                raise ModelLoadError(manifest, f"model {raw['name']!r} has no sha256 for "
                                               f"{needed.name}")
        return _ManifestItem(raw["name"], weights, card, sha256)


def _inside(folder: Path, relative: str, manifest: Path) -> Path:
    """Resolve a manifest file name, refusing any that points outside its zoo folder."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()) or Path(relative).is_absolute():
        raise ModelLoadError(manifest, f"file name {relative!r} points outside the zoo folder")
    return folder / relative


def read_card(path: str | Path) -> ModelCard:
    """Parse a model card (JSON front matter between ``---`` lines, then markdown)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ModelLoadError(path, f"unreadable model card ({e})") from e
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ModelLoadError(path, "model card must start with a '---' front-matter line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ModelLoadError(path, "model card front matter has no closing '---' line") from None
    try:
        front = json.loads("".join(lines[1:end]))
    except json.JSONDecodeError as e:
        raise ModelLoadError(path, f"model card front matter is not valid JSON ({e})") from e
    if not isinstance(front, dict):
        raise ModelLoadError(path, "model card front matter must be a JSON object")
    return _card_from_front_matter(front, "".join(lines[end + 1:]).strip(), path)


def _card_from_front_matter(front: dict, body: str, path: Path) -> ModelCard:
    for name, kind in CARD_FIELDS.items():
        value = front.get(name)
        # bool is an int in Python; a sample rate of `true` is still wrong.
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ModelLoadError(path, f"model card field {name!r} is missing or not "
                                       f"{_JSON_TYPE_NAMES[kind]}")
    labels = front.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ModelLoadError(path, "model card field 'labels' must be a list of strings")
    alphabet = front.get("alphabet")
    if alphabet is not None and not isinstance(alphabet, str):
        raise ModelLoadError(path, "model card field 'alphabet' must be a string")
    config = front.get("config", {})
    if not isinstance(config, dict):
        raise ModelLoadError(path, "model card field 'config' must be an object")
    known = set(CARD_FIELDS) | {"labels", "alphabet", "config"}
    return ModelCard(**{k: front[k] for k in CARD_FIELDS}, labels=tuple(labels),
                     alphabet=alphabet, config=config, body=body,
                     extra={k: v for k, v in front.items() if k not in known})


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def register_model(folder: str | Path, name: str, weights: str | Path, card: str | Path,
                   other_files: tuple[str | Path, ...] = ()) -> None:
    """Add or replace `name` in the zoo's manifest with fresh sha256 checksums.

    The files must already be inside `folder`; the card is parsed first, so a
    malformed card is refused (ModelLoadError) before the manifest changes.
    The manifest is rewritten atomically; a missing manifest is created.
    """
    folder = Path(folder)
    files = [Path(weights), Path(card), *map(Path, other_files)]
    relative = [_relative_to_zoo(folder, f) for f in files]
    read_card(folder / relative[1])
    manifest = folder / MANIFEST_NAME
    if manifest.exists():
        data = _read_manifest_json(manifest)
    else:
        data = {"format": MANIFEST_FORMAT, "models": []}
    entry = {"name": name, "weights": relative[0], "card": relative[1],
             "sha256": {r: sha256_file(folder / r) for r in relative}}
    models = list(data["models"])
    names = [m.get("name") for m in models]
    if name in names:
        models[names.index(name)] = entry  # keep the model's place in the listing
    else:
        models.append(entry)
    _write_json_atomically(manifest, {"format": MANIFEST_FORMAT, "models": models})


def _read_manifest_json(path: Path) -> dict:
    """The manifest's JSON, checked for the format number and a "models" list."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ModelLoadError(path, "the zoo has no manifest") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelLoadError(path, f"unreadable manifest ({e})") from e
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ModelLoadError(path, f"manifest must be an object with \"format\": "
                                   f"{MANIFEST_FORMAT}")
    if not isinstance(data.get("models"), list):
        raise ModelLoadError(path, "manifest needs a \"models\" list")
    return data


def _relative_to_zoo(folder: Path, file: Path) -> str:
    full = file if file.is_absolute() else folder / file
    try:
        return full.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        raise ModelLoadError(full, f"model files must be inside the zoo folder {folder}") from None


def _write_json_atomically(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
