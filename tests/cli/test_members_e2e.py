"""`ccm-tui members ...` against a live demo emulator on a loopback port: the list, each
action with the body the emulator received, the guard rails (nothing sent), bad input
(exit 2, field named, no request), and an unclear answer that is checked, never repeated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run

from ccm_tui.emulator import EmulatorServer

REPO = Path(__file__).resolve().parents[2]
PROD = "Payments (prod)"
STAGING = "Payments (staging)"


@pytest.fixture
def demo_server():
    with EmulatorServer(host="127.0.0.1", port=0, demo_data=True) as server:
        yield server


@pytest.fixture
def emu(demo_server, demo_credentials, monkeypatch, tmp_path):
    email, password = demo_credentials
    monkeypatch.setenv("CCM_URL", demo_server.url)
    monkeypatch.setenv("CCM_EMAIL", email)
    monkeypatch.setenv("CCM_PASSWORD", password)
    return demo_server.app.state.emulator


def writes(emu) -> list[tuple[str, str, object]]:
    return [(r.method, r.path, r.body) for r in emu.received
            if r.path.startswith("/v1/users") and r.method in ("POST", "PATCH", "DELETE")]


def member(emu, account: str, email: str) -> dict:
    acct = emu.store.find_by_name(account)["acct_id"]
    return next(u for u in emu.store.list_members(acct)[0] if u["user_email"] == email)


def test_list_table_and_json(emu, capsys):
    code, out, _ = run(capsys, "members", "list", "--account", PROD)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Members of Payments (prod) (") and lines[0].endswith(
        "6 members, 1 invitation pending")
    assert lines[1].split()[:4] == ["NAME", "EMAIL", "ROLES", "STATUS"]
    [mine] = [ln for ln in lines if emu.email in ln]
    assert mine.startswith("*") and "MANAGER WRITER READER" in mine
    [priya] = [ln for ln in lines if "priya.raman" in ln]
    assert "PENDING" in priya and "never" in priya
    code, out, _ = run(capsys, "members", "list", "--account", PROD, "--json")
    users = {u["user_email"]: u for u in json.loads(out)}
    assert users["erik.lindqvist@acme.example"]["user_account_status"] == "DISABLED"
    assert users["alice.nguyen@acme.example"]["roles"] == ["MANAGER"]
    acct = emu.store.find_by_name(PROD)["acct_id"]
    code, out2, _ = run(capsys, "members", "list", "--account", acct[:8], "--json")
    assert json.loads(out2) == json.loads(out)  # short id names the same account


def test_invite_promote_disable_remove_with_bodies_received(emu, capsys):
    code, out, err = run(capsys, "members", "invite", "new.person@example.com", "--roles", "writer",
                         "--account", PROD)
    assert code == 0, err
    assert "invited new.person@example.com as WRITER" in out
    chen = member(emu, PROD, "wei.chen@acme.example")
    code, out, err = run(capsys, "members", "set-roles", "wei.chen@acme.example", "--roles", "MANAGER",
                         "--account", PROD)
    assert code == 0 and "READER → MANAGER" in out, err
    dana = member(emu, PROD, "dana.kowalski@acme.example")
    code, out, _ = run(capsys, "members", "disable", dana["user_id"], "--account", PROD)
    assert code == 0 and "disabled" in out
    bob = member(emu, PROD, "bob.martin@acme.example")
    code, out, _ = run(capsys, "members", "remove", "bob.martin@acme.example", "--yes", "--account", PROD)
    assert code == 0 and "removed Bob Martin <bob.martin@acme.example> from Payments (prod)" in out
    assert writes(emu) == [
        ("POST", "/v1/users/invite", {"user_email": "new.person@example.com", "roles": ["WRITER"]}),
        ("PATCH", f"/v1/users/{chen['user_id']}", {"roles": ["MANAGER"]}),
        ("PATCH", f"/v1/users/{dana['user_id']}", {"user_account_status": "DISABLED"}),
        ("DELETE", f"/v1/users/{bob['user_id']}/accounts", None),
    ]
    code, out, _ = run(capsys, "members", "list", "--account", PROD, "--json")
    users = {u["user_email"]: u for u in json.loads(out)}
    assert users["new.person@example.com"]["user_account_status"] == "PENDING"
    assert users["wei.chen@acme.example"]["roles"] == ["MANAGER"]
    assert users["dana.kowalski@acme.example"]["user_account_status"] == "DISABLED"
    assert "bob.martin@acme.example" not in users


def test_already_a_member_is_a_clear_outcome(emu, capsys):
    code, _, err = run(capsys, "members", "invite", "bob.martin@acme.example", "--roles", "READER",
                       "--account", PROD)
    assert code == 1
    assert err.strip() == ("error: bob.martin@acme.example is already a member with WRITER "
                           "(nothing was sent)")
    assert writes(emu) == []


def test_last_manager_and_own_role_guards_send_nothing(emu, capsys):
    code, _, err = run(capsys, "members", "set-roles", emu.email, "--roles", "WRITER", "--account", STAGING)
    assert code == 1
    assert "you are the last active MANAGER of this account and cannot be demoted" in err
    code, _, err = run(capsys, "members", "remove", emu.email, "--yes", "--account", STAGING)
    assert code == 1 and "cannot be removed" in err
    # in prod Alice is also a manager: demoting yourself asks for --yes first
    code, _, err = run(capsys, "members", "set-roles", emu.email, "--roles", "WRITER", "--account", PROD)
    assert code == 2 and "you will lose" in err and "pass --yes" in err
    assert writes(emu) == []
    code, out, _ = run(capsys, "members", "set-roles", emu.email, "--roles", "WRITER", "--yes",
                       "--account", PROD)
    assert code == 0 and len(writes(emu)) == 1


def test_writer_is_refused_with_the_reason(emu, capsys):
    code, _, err = run(capsys, "members", "disable", "zoe.angstrom@acme.example",
                       "--account", "Data science sandbox")
    assert code == 1
    assert "only an active MANAGER" in err and "(you are WRITER)" in err
    assert writes(emu) == []


@pytest.mark.parametrize("argv,field", [
    (["invite", "not-an-email", "--roles", "READER"], "EMAIL:"),
    (["invite", "a@example.com", "--roles", "OWNER"], "--roles: 'OWNER' is not a role"),
    (["invite", "a@example.com", "--roles", " , "], "--roles: give at least one role"),
    (["invite", "a@example.com", "--roles", "READER", "--first", "  "], "--first:"),
    (["set-roles", "x@example.com", "--roles", "admin"], "--roles:"),
    (["remove", "x@example.com"], "without --yes"),
])
def test_bad_input_exits_2_naming_the_field_and_sends_nothing(emu, capsys, argv, field):
    before = len(emu.received)
    code, _, err = run(capsys, "members", *argv, "--account", PROD)
    assert code == 2
    assert field in err
    assert len(emu.received) == before  # not even a login


def test_unknown_account_or_member_is_bad_input(emu, capsys):
    code, _, err = run(capsys, "members", "list", "--account", "No such account")
    assert code == 2 and "--account: no account you can see" in err
    code, _, err = run(capsys, "members", "disable", "ghost@example.com", "--account", PROD)
    assert code == 2 and "EMAIL|USER_ID: no member of Payments (prod)" in err
    code, _, err = run(capsys, "members", "list")
    assert code == 2 and "--account: which account?" in err
    assert writes(emu) == []


def test_unclear_invite_answer_is_checked_not_repeated(emu, capsys):
    emu.faults.drop_after_commit(route="POST /v1/users/invite")
    code, out, err = run(capsys, "members", "invite", "lost.answer@example.com", "--roles", "READER",
                         "--account", PROD)
    assert code == 0, err
    assert "checking the member list" in err
    assert "confirmed by the member list" in out
    assert [w[1] for w in writes(emu)] == ["/v1/users/invite"]
    acct = emu.store.find_by_name(PROD)["acct_id"]
    assert sum(u["user_email"] == "lost.answer@example.com"
               for u in emu.store.list_members(acct)[0]) == 1


def test_server_strings_are_printed_safely(emu, capsys):
    acct = emu.store.find_by_name(PROD)["acct_id"]
    emu.store.add_member(acct, {"user_id": emu.ids.new(), "user_email": "evil@example.com",
                                "first_name": "Eve\x1b]52;c;aGk=\x07", "last_name": "\u202eliam"},
                         ["READER"])
    code, out, _ = run(capsys, "members", "list", "--account", PROD)
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "Eve␛]52;c;aGk=␇" in out
    code, out, _ = run(capsys, "members", "list", "--account", PROD, "--json")
    assert "\x1b" not in out and "\u202e" not in out
    assert any(u.get("last_name") == "\u202eliam" for u in json.loads(out))  # the data, unchanged


@pytest.mark.slow
def test_members_list_as_a_subprocess(demo_server, demo_credentials, tmp_path):
    email, password = demo_credentials
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CCM_TUI_HOME": str(tmp_path / "home"),
           "CCM_URL": demo_server.url, "CCM_EMAIL": email, "CCM_PASSWORD": password}
    proc = subprocess.run([sys.executable, "-m", "ccm_tui", "members", "list", "--account", STAGING],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Members of Payments (staging)" in proc.stdout and "fatima.haddad" in proc.stdout


def test_enable_a_disabled_member(emu, capsys):
    erik = member(emu, PROD, "erik.lindqvist@acme.example")
    assert erik["user_account_status"] == "DISABLED"
    code, out, _ = run(capsys, "members", "enable", "ERIK.lindqvist@acme.example", "--account", PROD)
    assert code == 0 and "Erik Lindqvist <erik.lindqvist@acme.example> is now enabled" in out
    assert writes(emu) == [("PATCH", f"/v1/users/{erik['user_id']}", {"user_account_status": "ACTIVE"})]
    code, _, err = run(capsys, "members", "enable", "erik.lindqvist@acme.example", "--account", PROD)
    assert code == 0 and "already active" in err  # nothing to do: said, nothing sent
    assert len(writes(emu)) == 1


def test_remove_asks_on_a_terminal(emu, capsys, monkeypatch):
    from ccm_tui.cli import members as cli_members

    answers = iter(["n", "y"])
    questions = []
    monkeypatch.setattr(cli_members, "_interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda q: questions.append(q) or next(answers))
    code, _, err = run(capsys, "members", "remove", "dana.kowalski@acme.example", "--account", PROD)
    assert code == 2 and "not removed" in err
    assert questions[0].startswith("Remove Dana Kowalski <dana.kowalski@acme.example> from Payments (prod) (")
    assert writes(emu) == []
    code, out, _ = run(capsys, "members", "remove", "dana.kowalski@acme.example", "--account", PROD)
    assert code == 0 and "removed Dana Kowalski" in out
    assert [w[0] for w in writes(emu)] == ["DELETE"]
