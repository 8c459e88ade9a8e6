"""Faults at submit, headless: `ccm-tui accounts create` against a LIVE loopback emulator with
one fault injected per row (the table of issue 4). Every row: no traceback, never two
accounts with the name, exit 0 only when the account exists, and a message an operator can act
on (the HTTP status when there was one; whether the account exists when that is unclear)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from reliability_helpers import (
    CREATE, LIST, READ_TIMEOUT, closed_port, duplicate_answers_400, named, posts, precreate,
    requests_of, run_cli,
)

NAME = "Fault Row Co"
HTML_502 = ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
            "<h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>")


def _precreate(emulator: Any) -> None:
    precreate(emulator, NAME)


def _dup_400(emulator: Any) -> None:
    duplicate_answers_400(emulator, NAME)


@dataclass(frozen=True)
class Row:
    id: str
    inject: Callable[[Any], None]
    exit: int
    says: tuple[str, ...]
    accounts: int  # accounts called NAME afterwards
    posts: int = 1  # POST /v1/accounts the emulator received
    reconciles: bool = False  # the account list was read after the POST
    argv: tuple[str, ...] = ()
    never_says: tuple[str, ...] = field(default=())


F = lambda emu: emu.faults

ROWS = [
    Row("500", lambda e: F(e).fail_next(CREATE, 500, body={"message": "database on fire"}),
        1, ("HTTP 500", "database on fire", "was not created", "retry later"), 0),
    Row("502-reconciled", lambda e: F(e).fail_next(CREATE, 502),
        1, ("HTTP 502", "was not created", "account list", "retry is safe"), 0, reconciles=True),
    Row("502-html-error-page", lambda e: F(e).fail_next(
        CREATE, 502, body=HTML_502, content_type="text/html"),
        1, ("HTTP 502", "502 Bad Gateway", "was not created", "account list"), 0,
        reconciles=True, never_says=("<html", "<title", "nginx</")),
    Row("503-retry-after", lambda e: F(e).fail_next(CREATE, 503, retry_after=7),
        1, ("HTTP 503", "wait 7 s", "was not created"), 0),
    Row("504-reconciled", lambda e: F(e).fail_next(CREATE, 504),
        1, ("HTTP 504", "was not created", "account list"), 0, reconciles=True),
    Row("429", lambda e: F(e).fail_next(CREATE, 429, retry_after=3,
                                        body={"message": "slow down"}),
        1, ("HTTP 429", "slow down", "wait 3 s", "was not created"), 0),
    Row("400-names-a-field", lambda e: F(e).fail_next(
        CREATE, 400, body={"message": "invalid value for field `component`: not allowed here"}),
        1, ("component", "not allowed here", "HTTP 400", "was not created"), 0),
    Row("409-name-taken", _precreate, 1, ("already exists",), 1),
    Row("400-name-taken", _dup_400, 1, ("already exists",), 1),
    Row("409-injected", lambda e: F(e).fail_next(
        CREATE, 409, body={"message": f"Account with name {NAME} already exists"}),
        1, ("already exists",), 0),
    Row("401-expired-token-relogin", lambda e: F(e).fail_next(
        CREATE, 401, body={"message": "token expired"}),
        0, ("created account",), 1, posts=2, reconciles=True),
    Row("403", lambda e: F(e).fail_next(CREATE, 403, body={"message": "forbidden"}),
        1, ("your role does not allow this", "HTTP 403", "was not created"), 0),
    Row("timeout-after-commit", lambda e: F(e).delay_after_commit(READ_TIMEOUT * 3),
        0, ("created account", "confirmed by listing"), 1, reconciles=True),
    Row("connection-closed-after-commit", lambda e: F(e).drop_after_commit(),
        0, ("created account", "confirmed by listing"), 1, reconciles=True),
    Row("slower-than-read-timeout", lambda e: F(e).latency(READ_TIMEOUT + 0.3, route=CREATE),
        0, ("created account", "confirmed by listing"), 1, reconciles=True),
    Row("200-malformed-json", lambda e: F(e).malformed_next(CREATE, kind="json"),
        1, ("unreadable", "was not created", "account list"), 0, reconciles=True),
    Row("200-html-page", lambda e: F(e).malformed_next(CREATE, kind="html"),
        1, ("unreadable", "was not created"), 0, reconciles=True, never_says=("<html",)),
    Row("200-plain-text", lambda e: F(e).malformed_next(CREATE, kind="text"),
        1, ("unreadable", "was not created"), 0, reconciles=True),
    Row("dropped-and-list-fails-cannot-tell", lambda e: (
        F(e).drop_after_commit(), F(e).fail_next(LIST, 500, count=10)),
        1, ("cannot tell whether", "accounts list"), 1),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"fault{i + 1:02d}-{r.id}" for i, r in enumerate(ROWS)])
def test_create_under_fault(row: Row, cli_env, capsys, tmp_path):
    emulator = cli_env
    src = tmp_path / "acct.json"
    src.write_text(json.dumps({"name": NAME}))
    row.inject(emulator)

    code, out, err = run_cli(capsys, "accounts", "create", "--from", str(src), *row.argv)
    text = out + err

    assert code == row.exit, text
    for phrase in row.says:
        assert phrase in text, f"{phrase!r} missing from:\n{text}"
    for phrase in row.never_says:
        assert phrase not in text, text
    assert len(named(emulator, NAME)) == row.accounts
    assert posts(emulator) == row.posts
    if row.reconciles:
        last_post = max(i for i, r in enumerate(emulator.received)
                        if r.method == "POST" and r.path == "/v1/accounts")
        assert any(r.method == "GET" and r.path == "/v1/accounts"
                   for r in list(emulator.received)[last_post - (row.posts > 1):]), \
            "the account list was not read to reconcile"
    if code == 0:
        assert len(named(emulator, NAME)) == 1
    else:
        assert err.startswith("error: ") and "error: " not in out
    assert src.read_text() == json.dumps({"name": NAME})  # the input is never touched


def test_token_near_expiry_is_refreshed_silently(cli_env, capsys, tmp_path):
    """A token that expires within the refresh margin is refreshed before the POST."""
    cli_env.token_ttl = 30
    src = tmp_path / "a.json"
    src.write_text(json.dumps({"name": NAME}))
    code, _out, err = run_cli(capsys, "accounts", "create", "--from", str(src))
    assert code == 0, err
    assert requests_of(cli_env, "POST", "/v1/sys/session/refresh") >= 1
    assert posts(cli_env) == 1 and len(named(cli_env, NAME)) == 1


def test_token_expired_on_the_server_clock_relogs_in(cli_env, clock, capsys, tmp_path):
    """The server's clock jumps past the token's life just as the create arrives (the operator
    was slow): the 401 is answered by a silent re-login, the list is checked, and the account
    is created exactly once."""
    original = cli_env.record
    jumped = []

    def record_then_jump(method, path, *rest):
        if (method, path) == ("POST", "/v1/accounts") and not jumped:
            jumped.append(True)
            clock.advance(cli_env.token_ttl + 1)
        return original(method, path, *rest)

    cli_env.record = record_then_jump
    src = tmp_path / "a.json"
    src.write_text(json.dumps({"name": NAME}))
    code, _out, err = run_cli(capsys, "accounts", "create", "--from", str(src))
    assert code == 0, err
    assert jumped, "the clock was not moved"
    assert requests_of(cli_env, "POST", "/v1/sys/auth") == 2  # the 401 led to a new login
    assert posts(cli_env) == 2 and len(named(cli_env, NAME)) == 1


# ---------------------------------------------------------------- no server / no name

def _unreachable_rows() -> list[tuple[str, list[str], tuple[str, ...]]]:
    return [
        ("server-down", ["--server", "http://127.0.0.1:{port}"], ("connection refused", "127.0.0.1:{port}")),
        ("dns-failure", ["--server", "http://ccm.invalid:1", "--insecure"], ("ccm.invalid", "host name not found (DNS)")),
        ("dns-failure-https", ["--server", "https://ccm.invalid"], ("ccm.invalid", "host name not found (DNS)")),
    ]


@pytest.mark.parametrize("rid,argv,says", _unreachable_rows(), ids=[r[0] for r in _unreachable_rows()])
def test_create_when_the_server_cannot_be_reached(rid, argv, says, home, capsys, tmp_path,
                                                  monkeypatch):
    from ccm_tui.emulator import DEMO_EMAIL

    port = closed_port()
    monkeypatch.setenv("CCM_EMAIL", DEMO_EMAIL)
    monkeypatch.setenv("CCM_PASSWORD", "pw-never-printed")
    src = tmp_path / "a.json"
    src.write_text(json.dumps({"name": NAME}))
    argv = [a.format(port=port) for a in argv]
    code, out, err = run_cli(capsys, "accounts", "create", "--from", str(src), *argv)
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if not line.startswith("WARNING: --insecure")]
    assert lines and all(line.startswith("error: ") for line in lines), err
    for phrase in says:
        assert phrase.format(port=port) in err, err
    assert "nothing was created" in err and "safe to run the same command again" in err, err
    assert "pw-never-printed" not in out + err


@pytest.mark.parametrize("kind", ["json", "html", "text"])
def test_login_answered_with_garbage_is_a_readable_error(kind, cli_env, capsys, tmp_path):
    cli_env.faults.malformed_next("POST /v1/sys/auth", kind=kind)
    src = tmp_path / "a.json"
    src.write_text(json.dumps({"name": NAME}))
    code, _out, err = run_cli(capsys, "accounts", "create", "--from", str(src))
    assert code == 1
    assert "unreadable" in err and "<html" not in err and "nothing was created" in err
    assert posts(cli_env) == 0 and named(cli_env, NAME) == []


@pytest.mark.parametrize("kind", ["json", "html"])
def test_list_answered_with_garbage_is_a_readable_error(kind, cli_env, capsys):
    cli_env.faults.malformed_next(LIST, kind=kind)
    code, out, err = run_cli(capsys, "accounts", "list")
    assert code == 1 and out == ""
    assert "unreadable" in err and "GET /v1/accounts" in err and "<html" not in err
