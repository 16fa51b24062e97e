"""Layer rules that import-linter cannot express (it forbids whole packages only)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_runtime_uses_no_widgets_or_gui_classes():
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in _imported_modules(p)
                                           if m.startswith(("PySide6.QtWidgets", "PySide6.QtGui")))
        for p in (PACKAGE / "runtime").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
