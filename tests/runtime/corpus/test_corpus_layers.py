"""Rules import-linter cannot say: ray only inside the Ray executor's functions."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "workbench"


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _is_ray(name: str) -> bool:
    return name == "ray" or name.startswith("ray.")


def test_only_the_ray_executor_imports_ray_and_only_inside_functions():
    importers = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                       if any(map(_is_ray, _imports(ast.parse(p.read_text("utf-8"))))))
    assert importers in ([], ["runtime/corpus/ray_executor.py"])
    executor = PACKAGE / "runtime/corpus/ray_executor.py"
    if executor.exists():
        module = ast.parse(executor.read_text("utf-8"))
        top_level = [n for n in module.body if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not any(map(_is_ray, _imports(ast.Module(top_level, [])))), \
            "ray is imported at module level"


def test_the_local_run_path_imports_neither_ray_nor_torch_nor_qt():
    code = ("import sys; import workbench.runtime.corpus.corpus_run, "
            "workbench.runtime.corpus.local_executor, workbench.runtime.corpus.inputs; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'ray', 'torch', 'PySide6', 'pyqtgraph'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"
