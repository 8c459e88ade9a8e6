"""The headless commands against a live emulator on a loopback port (in-process main())."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run

from ccm_tui import logs

REPO = Path(__file__).resolve().parents[2]


def posts(emulator) -> int:
    return sum(1 for r in emulator.received if r.method == "POST" and r.path == "/v1/accounts")


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_create_json_then_list_then_duplicate(ccm, capsys, tmp_path):
    f = write(tmp_path, "acct.json", json.dumps({"name": "Acme Labs", "component": "DEFAULT"}))
    code, out, _ = run(capsys, "accounts", "create", "--from", f, "--json")
    assert code == 0
    created = json.loads(out)
    assert created["name"] == "Acme Labs" and created["acct_id"]

    code, out, _ = run(capsys, "accounts", "list", "--json")
    assert code == 0
    [listed] = [a for a in json.loads(out) if a["acct_id"] == created["acct_id"]]
    assert listed["roles"] == ["MANAGER", "WRITER", "READER"]
    assert listed["status"] == "ACTIVE" and listed["account_status"] == "Active"

    code, out, _ = run(capsys, "accounts", "list")
    header, *rows = out.splitlines()
    assert header.split()[:3] == ["NAME", "ID", "ROLES"]
    assert any(r.startswith("Acme Labs") and created["acct_id"] in r for r in rows)

    before = posts(ccm)
    code, out, err = run(capsys, "accounts", "create", "--from", f)
    assert code == 1
    assert err.strip() == "error: an account named 'Acme Labs' already exists"
    assert posts(ccm) == before + 1  # one attempt, never retried


def test_create_from_toml_prints_the_account(ccm, capsys, tmp_path):
    f = write(tmp_path, "acct.toml", 'name = "Toml Co"\ncomponent = "CONFIDENTIAL_AI"\n'
                                     "[node_enrollment]\n"
                                     "attestation_enforcement_disabled_insecure = false\n")
    code, out, _ = run(capsys, "accounts", "create", "--from", f)
    assert code == 0
    first, *table = out.splitlines()
    assert first.startswith("created account Toml Co (")
    assert "CONFIDENTIAL_AI" in table[1] and "MANAGER WRITER READER" in table[1]
    assert ccm.last_body("POST", "/v1/accounts")["component"] == "CONFIDENTIAL_AI"


def test_bad_field_and_dry_run_send_no_request(ccm, capsys, tmp_path):
    bad = write(tmp_path, "bad.json", json.dumps(
        {"name": "X", "auth_configs": [{"oauth": {"idp_name": "corp"}}]}))
    good = write(tmp_path, "good.json", json.dumps({"name": "Dry"}))
    seen = len(ccm.received)
    code, _, err = run(capsys, "accounts", "create", "--from", bad)
    assert code == 2
    assert "auth_configs[0].oauth.client_id: is required" in err
    code, out, _ = run(capsys, "accounts", "create", "--from", good, "--dry-run")
    assert code == 0 and json.loads(out) == {"name": "Dry"}
    assert len(ccm.received) == seen  # not even a login


def test_batch_of_twenty_with_concurrency_four(ccm, capsys, tmp_path):
    names = [f"batch-{i:02d}" for i in range(20)]
    f = write(tmp_path, "many.jsonl", "\n".join(json.dumps({"name": n}) for n in names))
    code, out, err = run(capsys, "accounts", "create", "--from", f, "--concurrency", "4")
    assert code == 0, err
    lines = out.splitlines()
    created = [line for line in lines if " created  " in line]
    assert len(created) == 20
    assert sorted(line.split(" created  ")[1].split()[0] for line in created) == names
    assert lines[-1] == "20 account(s): 20 created, 0 not created, 0 unknown"


def test_batch_reports_every_failure_and_exits_1(ccm, capsys, tmp_path):
    run(capsys, "accounts", "create", "--from", write(tmp_path, "a.json", '{"name": "taken"}'))
    f = write(tmp_path, "b.toml", '[[accounts]]\nname = "fresh-1"\n[[accounts]]\nname = "taken"\n'
                                  '[[accounts]]\nname = "fresh-2"\n')
    code, out, err = run(capsys, "accounts", "create", "--from", f, "--json")
    assert code == 1
    results = json.loads(out)
    assert [r["state"] for r in results] == ["created", "not_created", "created"]
    assert "[2/3] FAILED  taken: an account named 'taken' already exists" in err
    assert "3 account(s): 2 created, 1 not created, 0 unknown" in err


def test_show_and_delete(ccm, capsys, tmp_path):
    code, out, _ = run(capsys, "accounts", "create", "--from",
                       write(tmp_path, "a.json", '{"name": "Short-lived"}'), "--json")
    acct_id = json.loads(out)["acct_id"]
    code, out, _ = run(capsys, "accounts", "show", acct_id, "--json")
    assert code == 0 and json.loads(out)["name"] == "Short-lived"
    code, out, _ = run(capsys, "accounts", "show", acct_id)
    assert code == 0 and "Short-lived" in out

    code, out, _ = run(capsys, "accounts", "delete", acct_id, "--yes")
    assert code == 0 and out.strip() == f"deleted account 'Short-lived' ({acct_id})"
    code, _, err = run(capsys, "accounts", "show", acct_id)
    assert code == 1 and f"no account with id {acct_id}" in err
    code, _, err = run(capsys, "accounts", "delete", acct_id, "--yes")
    assert code == 1 and f"no account with id {acct_id}" in err


def test_show_and_delete_accept_the_short_id_and_an_exact_name(ccm, capsys, tmp_path):
    ids = {}
    for name in ("Payments (prod)", "Payments (staging)"):
        _code, out, _ = run(capsys, "accounts", "create", "--from",
                            write(tmp_path, "a.json", json.dumps({"name": name})), "--json")
        ids[name] = json.loads(out)["acct_id"]
    prod = ids["Payments (prod)"]
    code, out, _ = run(capsys, "accounts", "show", prod[:8], "--json")
    assert code == 0 and json.loads(out)["acct_id"] == prod
    code, out, _ = run(capsys, "accounts", "show", "Payments (staging)", "--json")
    assert code == 0 and json.loads(out)["acct_id"] == ids["Payments (staging)"]
    code, _, err = run(capsys, "accounts", "show", "no/such thing")
    assert code == 2 and "not an account id" in err
    code, out, _ = run(capsys, "accounts", "delete", "Payments (prod)", "--yes")
    assert code == 0 and out.strip() == f"deleted account 'Payments (prod)' ({prod})"


def test_an_ambiguous_id_prefix_lists_the_candidates_and_exits_2(ccm, capsys):
    from ccm_tui.emulator.accounts import new_account

    ids = ["abcd1234-0000-4000-8000-000000000001", "abcd1234-0000-4000-8000-000000000002"]
    for i, acct_id in enumerate(ids):
        account = new_account({"name": f"twin {i}"}, ids=ccm.ids, now=ccm.now())
        account["acct_id"] = acct_id
        ccm.store.insert_account(account, ccm.user["user_id"], roles=["MANAGER"])
    code, _, err = run(capsys, "accounts", "delete", "abcd1234", "--yes")
    assert code == 2 and "matches 2 accounts" in err
    assert all(a in err for a in ids) and "twin 0" in err
    code, out, _ = run(capsys, "accounts", "delete", ids[1][:-1] + "2", "--yes")
    assert code == 0 and "twin 1" in out


def test_bad_password_exits_1_without_echoing_it(ccm, capsys, monkeypatch):
    monkeypatch.setenv("CCM_PASSWORD", "wrong-pass-123")
    code, out, err = run(capsys, "accounts", "list")
    assert code == 1
    assert err.startswith("error: ") and "login refused" in err
    assert "wrong-pass-123" not in out + err


def test_no_password_and_no_terminal_exits_2(ccm, capsys, monkeypatch):
    monkeypatch.delenv("CCM_PASSWORD")
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # not a terminal: no prompt
    code, _, err = run(capsys, "accounts", "list")
    assert code == 2 and "set CCM_PASSWORD" in err


def test_read_only_profile_refuses_changes(ccm, capsys, tmp_path, monkeypatch):
    cfg = tmp_path / "home" / "config" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'[profiles.ro]\nurl = "{os.environ["CCM_URL"]}"\nread_only = true\n')
    monkeypatch.delenv("CCM_URL")
    seen = len(ccm.received)
    code, _, err = run(capsys, "--profile", "ro", "accounts", "delete", "x", "--yes")
    assert code == 2 and "read-only" in err
    assert len(ccm.received) == seen
    code, out, _ = run(capsys, "accounts", "list", "--profile", "ro", "--json")
    assert code == 0 and isinstance(json.loads(out), list)


def test_unreachable_server_exits_1_with_a_clear_line(capsys, monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: connection refused
    monkeypatch.setenv("CCM_TUI_HOME", str(tmp_path))
    monkeypatch.setenv("CCM_EMAIL", "a@example.com")
    monkeypatch.setenv("CCM_PASSWORD", "pw-not-shown")
    code, out, err = run(capsys, "accounts", "list", "--server", f"http://127.0.0.1:{port}")
    assert code == 1
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert f"127.0.0.1:{port}" in err and "pw-not-shown" not in err


@pytest.mark.slow
def test_done_when_scenario_as_a_subprocess(live_emulator, demo_credentials, tmp_path):
    email, password = demo_credentials
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CCM_URL": live_emulator.url,
           "CCM_EMAIL": email, "CCM_PASSWORD": password, "CCM_TUI_HOME": str(tmp_path / "h")}
    f = write(tmp_path, "acct.json", '{"name": "Subprocess Inc"}')
    cmd = [sys.executable, "-m", "ccm_tui", "accounts", "create", "--from", f, "--json"]
    first = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["name"] == "Subprocess Inc"
    again = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1
    assert again.stderr == "error: an account named 'Subprocess Inc' already exists\n"

def test_cli_requests_are_logged_without_bodies_or_credentials(ccm, capsys, tmp_path):
    secret = "oauth-client-secret-Zq81"
    body = {
        "name": "Logged Co",
        "auth_configs": [{"oauth": {
            "idp_name": "Okta", "idp_icon_url": "https://idp.example/icon.png",
            "idp_authorization_endpoint": "https://idp.example/auth",
            "idp_token_endpoint": "https://idp.example/token",
            "idp_requires_basic_auth": False, "tls": {"opportunistic": {}},
            "client_id": "ccm", "client_secret": secret,
        }}],
    }
    try:
        code, _, _ = run(capsys, "accounts", "create", "--from",
                         write(tmp_path, "a.json", json.dumps(body)))
        assert code == 0
    finally:
        logs.close_file_logging()
    log_file = tmp_path / "home" / "log" / logs.LOG_FILE_NAME
    text = log_file.read_text()
    assert "POST /v1/sys/auth" in text and "200" in text
    assert "POST /v1/accounts" in text
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
    for forbidden in (secret, "demo-password", "Logged Co", "client_secret"):
        assert forbidden not in text


def test_verbose_prints_one_line_per_request_to_stderr_and_keeps_json_stdout(ccm, capsys):
    import re

    password = os.environ["CCM_PASSWORD"]
    code, out, err = run(capsys, "accounts", "list", "--json", "--verbose")
    assert code == 0
    assert isinstance(json.loads(out), list)  # stdout is only the JSON
    lines = err.splitlines()
    line = re.compile(r"^(GET|POST|PATCH|DELETE) /\S* (\d{3}|---) \d+ms( \S+)?$")
    assert lines and all(line.match(x) for x in lines), lines
    assert any(x.startswith("POST /v1/sys/auth 200 ") for x in lines)
    assert any(x.startswith("GET /v1/accounts") for x in lines)
    assert password not in err and "Bearer" not in err and "Basic" not in err

    code, out, err = run(capsys, "-v", "accounts", "list", "--json")  # before the subcommand
    assert code == 0 and isinstance(json.loads(out), list)
    assert any(x.startswith("GET /v1/accounts") for x in err.splitlines())

    code, out, err = run(capsys, "accounts", "list", "--json")  # quiet without it
    assert code == 0 and err == ""
