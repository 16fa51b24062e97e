"""The lessons shipped with the workbench, in resources/lessons/."""

from __future__ import annotations

from pathlib import Path

from workbench.core.paths import RESOURCES

LESSONS_DIR = RESOURCES / "lessons"
DEMO_AUDIO = RESOURCES / "demo" / "demo.flac"  # what `open: demo` opens


def bundled_lesson_paths(folder: Path = LESSONS_DIR) -> list[Path]:
    """The lesson files in `folder`, in name order (the README is not a lesson)."""
    return sorted(p for p in folder.glob("*.md") if p.name != "README.md")
