"""`ccm-tui --help` and `--version` must not import the heavy libraries (checked in a fresh
interpreter, so nothing imported by the test session can hide an import)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "httpx", "pydantic", "starlette", "uvicorn", "cryptography", "rich",
         "keyring", "shtab")

PROBE = """
import io, json, runpy, sys
watched = set(json.loads(sys.argv[2]))
sys.argv = ["ccm-tui", *json.loads(sys.argv[1])]
out = io.StringIO()
sys.stdout = out
try:
    runpy.run_module("ccm_tui", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = None
sys.stdout = sys.__stdout__
heavy = sorted({m.split(".")[0] for m in sys.modules} & watched)
print(json.dumps({"code": code, "out": out.getvalue(), "heavy": heavy}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["accounts", "--help"],
                                  ["accounts", "create", "--help"], ["completion", "--help"],
                                  ["config", "path"], ["members", "--help"],
                                  ["members", "invite", "--help"]])
def test_help_and_version_import_nothing_heavy(argv, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(HEAVY)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "CCM_TUI_HOME": str(tmp_path / "home"),
             "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert result["out"].strip()  # it did print the help / version / path
    assert result["heavy"] == []
    assert not (tmp_path / "home").exists()  # nothing created either
