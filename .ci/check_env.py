"""Fail loudly when the installed Python environment differs from the lock.

Usage: python .ci/check_env.py requirements/lock-py3.11.txt

Compares every `name==version` line of the lock with what importlib.metadata sees
in the running interpreter: a locked package that is missing or at another version,
or an installed package the lock does not name, is drift.  The project itself and
pip are allowed beside the lock.  Exit 0 when they match, 1 with a list otherwise.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

ALLOWED_EXTRA = {"pip", "audio-workbench"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of -_. as one hyphen."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, str]:
    """name -> version for every pinned line of a pip requirements lock."""
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line or line[0].isspace() or line.startswith(("#", "-")):
            continue
        match = _PIN.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not an exact pin: {line.strip()!r}")
        pins[normalise(match.group(1))] = match.group(2)
    return pins


def installed() -> dict[str, str]:
    """name -> version of every distribution the running interpreter can import."""
    return {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()
            if d.metadata["Name"]}


def drift(locked: dict[str, str], present: dict[str, str]) -> list[str]:
    """One human-readable line per difference; empty when the environment is the lock."""
    lines = []
    for name, version in sorted(locked.items()):
        have = present.get(name)
        if have is None:
            lines.append(f"missing: {name}=={version}")
        elif have != version:
            lines.append(f"different: {name} is {have}, the lock says {version}")
    for name in sorted(set(present) - set(locked) - ALLOWED_EXTRA):
        lines.append(f"not in the lock: {name}=={present[name]}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    lock = Path(argv[1])
    if not lock.is_file():
        print(f"{lock}: no such lock (supported Pythons have requirements/lock-pyX.Y.txt)",
              file=sys.stderr)
        return 1
    locked = read_lock(lock)
    problems = drift(locked, installed())
    if problems:
        print(f"The environment in {sys.prefix} differs from {lock}:", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        print("Rebuild it from the lock: make clean-venv && make test", file=sys.stderr)
        return 1
    print(f"environment matches {lock} ({len(locked)} pins)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
