"""Build the wheel, install it with its locked pins into a fresh venv and start the app headless
from there: it must find its stylesheets inside the installed package.

Nothing here depends on what happens to be in the uv cache: the pins are installed the ordinary
way (from the cache where it has them, from the package registry otherwise), as they were by the
`uv sync` that set up the environment running this test."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not on PATH; the README's set-up needs it")
    return uv


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
def test_wheel_installs_and_starts_headless_with_its_styles(tmp_path):
    uv = _uv()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    env["CCM_TUI_HOME"] = str(tmp_path / "home")
    dist = tmp_path / "dist"
    _run([uv, "build", "--wheel", "--out-dir", str(dist), str(REPO)], env=env, cwd=tmp_path)
    [wheel] = dist.glob("ccm_tui-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    styles = [n for n in names if n.startswith("ccm_tui/styles/") and n.endswith(".tcss")]
    assert styles, f"no stylesheets in the wheel: {names}"
    assert not any(n.startswith("tests/") for n in names)

    venv = tmp_path / "venv"
    _run([uv, "venv", "--quiet", str(venv)], env=env, cwd=tmp_path)
    python = venv / "bin" / "python"
    # At the locked versions: uv.lock's runtime pins are the complete closure, so --no-deps
    # installs exactly them; `uv pip check` then proves the wheel's declared requirements are
    # all satisfied. Not --offline: a cache filled by `uv sync` lacks the index metadata that
    # `uv pip install` asks for, so an offline install fails on a newcomer's empty cache.
    pins = tmp_path / "requirements.txt"
    _run([uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project",
          "--quiet", "--output-file", str(pins)], env=env, cwd=REPO)
    _run([uv, "pip", "install", "--quiet", "--no-deps", "--python", str(python),
          "-r", str(pins), str(wheel)], env=env, cwd=tmp_path)
    _run([uv, "pip", "check", "--python", str(python)], env=env, cwd=tmp_path)

    # Run from an unrelated directory so the checkout cannot be imported by accident.
    where = _run([str(python), "-c", "import ccm_tui, pathlib; print(pathlib.Path("
                  "ccm_tui.__file__).parent)"], env=env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    # The smoke check is a test-side harness run by the wheel's interpreter (the product has
    # no hidden --smoke-test flag any more).
    smoke = subprocess.run([str(python), str(Path(__file__).with_name("smoke_harness.py"))],
                           env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert smoke.returncode == 0, f"smoke test failed:\n{smoke.stdout}\n{smoke.stderr}"
    version = _run([str(venv / "bin" / "ccm-tui"), "--version"], env=env, cwd=tmp_path)
    assert version.stdout.startswith("ccm-tui ")
