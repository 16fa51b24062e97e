"""User settings kept as JSON in the config dir, saved atomically.

Built once by the app and passed to whoever needs it (no global instance).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.core import paths

MAX_RECENT = 10
DEFAULT_DECODE_CACHE_MB = 4096


@dataclass
class Settings:
    recent_files: list[str] = field(default_factory=list)
    last_directory: str = ""
    spectrogram: dict = field(default_factory=dict)
    device: str = "auto"
    history_budget_mb: int = 1024  # memory the undo history may keep; 0: no limit
    decode_cache_mb: int = DEFAULT_DECODE_CACHE_MB  # decoded FLAC/MP3/...; 0: no limit

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read settings; a missing or unreadable file gives the defaults."""
        path = path or paths.config_dir() / "settings.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
            return cls(**known)
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or paths.config_dir() / "settings.json"
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(self), f, indent=2)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def add_recent(self, file: Path) -> None:
        name = str(Path(file).resolve())
        self.recent_files = [name] + [f for f in self.recent_files if f != name]
        del self.recent_files[MAX_RECENT:]
        self.last_directory = str(Path(name).parent)
