"""The headless CLI against a hostile CCM, run as a subprocess: its stdout and stderr bytes
hold no raw control, C1, bidi or invisible character; markup and escapes are shown
literally; --json round-trips what the server sent; columns align by terminal cells."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ccm_tui.safetext import cell_width, visible
from hostile import COMBO, ERROR_TEXT, HOSTILE_ID, SINK_ID
from screen_checks import unsafe_characters

MARKUP = "[@click=app.quit]"


def cli(url: str, home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCM_")}
    env.update(CCM_TUI_HOME=str(home), CCM_PASSWORD="pw", NO_PROXY="127.0.0.1,localhost",
               PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ccm_tui", "accounts", *args, "--server", url,
         "--email", "op@example.com"],
        env=env, capture_output=True, timeout=90, stdin=subprocess.DEVNULL,
    )


def clean(data: bytes) -> str:
    """The output as text, after checking it holds nothing a terminal would act on."""
    text = data.decode("utf-8")  # strict: a lone surrogate never leaks as bytes either
    assert not unsafe_characters(text), f"raw control characters printed: {unsafe_characters(text)}"
    assert "Traceback" not in text
    return text


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_list_plain_shows_every_string_visibly_in_aligned_columns(hostile, private_home):
    ccm, url = hostile
    run = cli(url, private_home, "list")
    assert run.returncode == 0, run.stderr
    out = clean(run.stdout)
    clean(run.stderr)
    assert MARKUP in out and "[/]boom" in out and "␛]52;c;" in out and "\\u202e" in out
    starts = set()
    for i in range(len(ccm.strings)):
        [line] = [ln for ln in out.splitlines() if f"{i:08d}-0000-4000" in ln]
        starts.add(cell_width(line[: line.index(f"{i:08d}-0000-4000")]))
    assert len(starts) == 1, starts  # wide CJK, emoji and combining marks keep the ID column


def test_list_json_round_trips_with_unsafe_characters_escaped(hostile, private_home):
    ccm, url = hostile
    run = cli(url, private_home, "list", "--json")
    assert run.returncode == 0, run.stderr
    listed = {a["acct_id"]: a for a in json.loads(clean(run.stdout))}
    assert len(listed) == len(ccm.accounts)
    for sent in ccm.accounts:
        got, s = listed[sent["acct_id"]], sent["status"]
        assert got["name"] == sent["name"] and got[s] == s and got["roles"] == sent["roles"]
        assert got["component"] == s and got["x_extra"] == sent["x_extra"]


def test_show_plain_and_json_name_unknown_fields_visibly(hostile, private_home):
    ccm, url = hostile
    run = cli(url, private_home, "show", SINK_ID)
    assert run.returncode == 0, run.stderr
    out = clean(run.stdout)
    keys = {line.split("  ", 1)[0].rstrip() for line in out.splitlines()}
    for s in ccm.strings:  # every unknown field, named by the server, made visible
        assert visible(s) in keys
    run = cli(url, private_home, "show", SINK_ID, "--json")
    assert run.returncode == 0, run.stderr
    shown = json.loads(clean(run.stdout))
    assert all(shown[s] == s for s in ccm.strings)


def test_create_echoes_the_servers_name_and_id_visibly(hostile, private_home, tmp_path):
    ccm, url = hostile
    one = write(tmp_path, "one.json", {"name": "plain name"})
    run = cli(url, private_home, "create", "--from", one)
    assert run.returncode == 0, run.stderr
    out = clean(run.stdout)
    assert f"created account {visible(COMBO)} ({visible(HOSTILE_ID)})" in out
    run = cli(url, private_home, "create", "--from", one, "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(clean(run.stdout))["name"] == COMBO

    batch = write(tmp_path, "batch.json", [{"name": "[/]boom one"}, {"name": f"{MARKUP} two"}])
    run = cli(url, private_home, "create", "--from", batch)
    assert run.returncode == 0, run.stderr
    out = clean(run.stdout)
    clean(run.stderr)
    assert "created  [/]boom one  " in out and f"created  {MARKUP} two  {visible(HOSTILE_ID)}" in out
    run = cli(url, private_home, "create", "--from", batch, "--json")
    assert run.returncode == 0, run.stderr
    results = json.loads(clean(run.stdout))
    assert [r["account"]["acct_id"] for r in results] == [HOSTILE_ID, HOSTILE_ID]
    clean(run.stderr)


def test_server_error_messages_on_stderr_are_visible_and_literal(hostile, private_home, tmp_path):
    ccm, url = hostile
    one = write(tmp_path, "one.json", {"name": "plain name"})
    batch = write(tmp_path, "batch.json", [{"name": "a"}, {"name": "b"}])
    cases = [
        ("list", (500, ERROR_TEXT), ("list",)),
        ("get", (500, ERROR_TEXT), ("show", SINK_ID)),
        ("delete", (500, ERROR_TEXT), ("delete", SINK_ID, "--yes")),
        ("create", (400, ERROR_TEXT), ("create", "--from", one)),
        ("create", (400, ERROR_TEXT), ("create", "--from", batch)),
        ("login", (401, ERROR_TEXT), ("list",)),
        ("login", (500, ERROR_TEXT), ("show", SINK_ID, "--json")),
    ]
    for route, failure, args in cases:
        ccm.fail = {route: failure}
        run = cli(url, private_home, *args)
        assert run.returncode == 1, (args, run.stdout, run.stderr)
        err = clean(run.stderr)
        clean(run.stdout)
        assert MARKUP in err and "␛]52;c;" in err and "\\ud800" in err, (args, err)
