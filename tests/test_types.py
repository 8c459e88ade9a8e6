"""The type checker over ``ccm_tui/`` (configured in pyproject.toml, ``[tool.mypy]``) finds
nothing: run as a test so CI's one command (``uv run pytest``) runs it too.

mypy runs in a subprocess (outside tests/checkout_guard.py's audit hook, which would see it
read the standard library's stubs) with its cache in the test's tmp_path, so a stale cache
from another checkout cannot hide an error and parallel workers do not share one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_finds_no_type_errors(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "mypy-cache"), "--no-error-summary", "--no-pretty"],
        cwd=REPO, capture_output=True, text=True, timeout=170,
    )
    assert proc.returncode == 0, f"mypy found type errors:\n{proc.stdout}{proc.stderr}"
