"""Project tasks that need nothing but Python 3.11: `python3 tasks.py quickstart|test|bench`.

Each task creates `.venv` on first use and installs the package with its `dev` extra into it,
again whenever `pyproject.toml` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"


def ensure_environment() -> None:
    """Create the virtual environment and install the project, when needed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating {VENV.name}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing pulumi-snapshots with its dev extra", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]")
    STAMP.write_text(wanted)


def run(*args: object) -> None:
    """Run a command in the project root; stop on failure."""
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code != 0:
        sys.exit(code)


def task_test(extra: list[str]) -> None:
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    run(PYTHON, "-m", "pytest", *extra)


def task_quickstart(extra: list[str]) -> None:
    run(PYTHON, "-m", "pulumi_snapshots.testing.quickstart", *extra)


def task_bench(extra: list[str]) -> None:
    run(PYTHON, "-m", "bench", *extra)


TASKS = {"test": task_test, "quickstart": task_quickstart, "bench": task_bench}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [arguments]")
    ensure_environment()
    TASKS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
