"""Running the CLI in-process for a test: ``run(capsys, *argv)`` -> (exit code, stdout, stderr),
failing the test if a traceback reached either stream."""

from __future__ import annotations

from ccm_tui.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err
