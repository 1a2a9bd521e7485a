"""The layering of docs/architecture.md, checked: ui -> sim -> avr/circuit/firmware, numba only in
avr, Qt only in ui (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    """Every import-linter contract in pyproject.toml is kept."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         "sys.exit(lint_imports())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or "0 broken" in result.stdout.lower()


def test_headless_packages_do_not_pull_in_qt():
    """Importing the simulation (as the CLI does) loads neither PySide6 nor pyqtgraph."""
    code = (
        "import sys, breadboard.sim, breadboard.cli; "
        "bad = [m for m in ('PySide6', 'pyqtgraph') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
