"""`accounts update` and `accounts delete` against a live emulator on a loopback port:
the exact PATCH body, bad input refused before any request, short ids and names, ambiguous
answers settled by re-reading, delete confirmed by typing the name."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run
from lifecycle_helpers import PASSWORD, SVG_LOGO, deletes, patches

from ccm_tui.emulator.accounts import new_account

REPO = Path(__file__).resolve().parents[2]
PCR = [4, 0, 1, 2, 3, *range(5, 23)]


def add(emulator, name: str, acct_id: str | None = None, **body) -> dict:
    account = new_account({"name": name, **body}, ids=emulator.ids, now=emulator.now())
    if acct_id:
        account["acct_id"] = acct_id
    emulator.store.insert_account(account, emulator.user["user_id"])
    return account


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def touched(emulator) -> int:
    """Requests that reached the emulator, logins included."""
    return len(emulator.received)


def test_update_by_short_id_with_flags_sends_exactly_those_fields(ccm, capsys):
    acct = add(ccm, "Acme")
    code, out, err = run(capsys, "accounts", "update", acct["acct_id"][:8], "--name", "Acme Prod",
                         "--deactivate", "--pcr-priority", ",".join(map(str, PCR)))
    assert code == 0, err
    assert out.strip() == f"updated account Acme Prod ({acct['acct_id']})"
    assert patches(ccm, acct["acct_id"]) == [
        {"name": "Acme Prod", "account_status": "Deactivated", "azure_cvm_pcr_priority": PCR}]
    code, out, _ = run(capsys, "accounts", "update", "Acme Prod", "--activate", "--json")
    assert code == 0 and json.loads(out)["account_status"] == "Active"


def test_update_from_toml_and_json_files(ccm, capsys, tmp_path):
    acct = add(ccm, "Files", auth_configs=[PASSWORD])
    [cid] = acct["auth_configs"]
    f = write(tmp_path, "p.toml", f'del_auth_configs = ["{cid}"]\n'
                                  '[[add_auth_configs]]\n[add_auth_configs.cluster_auth_ref]\n'
                                  'target_id = "cluster-1"\n')
    code, _, err = run(capsys, "accounts", "update", acct["acct_id"], "--from", f)
    assert code == 0, err
    assert patches(ccm, acct["acct_id"])[-1] == {
        "add_auth_configs": [{"cluster_auth_ref": {"target_id": "cluster-1"}}],
        "del_auth_configs": [cid]}
    f = write(tmp_path, "p.json", json.dumps({"custom_logo": SVG_LOGO}))
    assert run(capsys, "accounts", "update", "Files", "--from", f)[0] == 0
    code, _, _ = run(capsys, "accounts", "update", "Files", "--remove-logo")
    assert code == 0 and patches(ccm, acct["acct_id"])[-1] == {"custom_logo": ""}
    assert "custom_logo" not in ccm.store.get_account(acct["acct_id"])


@pytest.mark.parametrize(
    ("content", "extra", "words"),
    [
        ('{"nmae": "x"}', (), "nmae"),
        ('{"azure_cvm_pcr_priority": [0, 1]}', (), "azure_cvm_pcr_priority"),
        ('{"account_status": "ACTIVE"}', (), "account_status"),
        ('{"del_auth_configs": ["nope"]}', (), "del_auth_configs[0]"),
        ('{"name": "a",', (), "not valid JSON"),
        ('{"name": "a"}', ("--name", "b"), "--name and --from"),
        (None, ("--pcr-priority", "1,2,3"), "--pcr-priority"),
        (None, (), "nothing to change"),
    ],
)
def test_bad_update_input_exits_2_names_the_field_and_sends_nothing(
        ccm, capsys, tmp_path, content, extra, words):
    acct = add(ccm, "Untouched")
    before = touched(ccm)
    argv = ["accounts", "update", acct["acct_id"], *extra]
    if content is not None:
        argv += ["--from", write(tmp_path, "bad.json", content)]
    code, out, err = run(capsys, *argv)
    assert code == 2 and words in err, err
    assert touched(ccm) == before  # not even a login reached the emulator


def test_dry_run_prints_the_masked_body_and_sends_nothing(ccm, capsys, tmp_path):
    acct = add(ccm, "Dry")
    body = {"mod_auth_configs": {"11111111-1111-4111-8111-111111111111": {"oauth": {
        "idp_name": "Okta", "idp_icon_url": "https://idp.example/i.png",
        "idp_authorization_endpoint": "https://idp.example/a", "idp_token_endpoint": "https://idp.example/t",
        "idp_requires_basic_auth": False, "tls": {"opportunistic": {}}, "client_id": "c",
        "client_secret": "SUPER-SECRET-VALUE"}}}}
    before = touched(ccm)
    code, out, err = run(capsys, "accounts", "update", acct["acct_id"], "--dry-run",
                         "--from", write(tmp_path, "p.json", json.dumps(body)))
    assert code == 0 and "nothing was sent" in err
    printed = json.loads(out)
    assert printed["mod_auth_configs"]["11111111-1111-4111-8111-111111111111"]["oauth"]["client_secret"] == "**********"
    assert "SUPER-SECRET-VALUE" not in out + err
    assert touched(ccm) == before


def test_rename_to_taken_name_exits_1_at_name(ccm, capsys):
    add(ccm, "Taken")
    acct = add(ccm, "Mine")
    code, _, err = run(capsys, "accounts", "update", "Mine", "--name", "Taken")
    assert code == 1 and "name" in err and "already exists" in err
    assert len(patches(ccm, acct["acct_id"])) == 1


def test_no_op_update_sends_nothing(ccm, capsys):
    acct = add(ccm, "Same")
    code, out, _ = run(capsys, "accounts", "update", "Same", "--name", "Same", "--activate")
    assert code == 0 and "no change" in out
    assert patches(ccm, acct["acct_id"]) == []


def test_ambiguous_patch_confirmed_by_reading_exit_0_once(ccm, capsys):
    acct = add(ccm, "Dropped")
    ccm.faults.drop_after_commit(route="PATCH /v1/accounts/{account-id}")
    code, out, err = run(capsys, "accounts", "update", "Dropped", "--deactivate")
    assert code == 0, err
    assert "confirmed by re-reading" in out
    assert len(patches(ccm, acct["acct_id"])) == 1


def test_gateway_error_on_patch_exit_1_not_changed(ccm, capsys):
    acct = add(ccm, "Gate")
    ccm.faults.fail_next("PATCH /v1/accounts/{account-id}", 502)
    code, _, err = run(capsys, "accounts", "update", "Gate", "--deactivate")
    assert code == 1 and "was not changed" in err
    assert len(patches(ccm, acct["acct_id"])) == 1
    assert ccm.store.get_account(acct["acct_id"])["account_status"] == "Active"


def test_ambiguous_prefix_lists_candidates_exit_2(ccm, capsys):
    add(ccm, "One", "abcd1234-0000-4000-8000-000000000001")
    add(ccm, "Two", "abcd5678-0000-4000-8000-000000000002")
    code, _, err = run(capsys, "accounts", "update", "abcd", "--name", "x")
    assert code == 2
    assert "abcd1234-0000-4000-8000-000000000001  One" in err and "Two" in err
    code, _, err = run(capsys, "accounts", "delete", "abcd", "--yes")
    assert code == 2 and deletes(ccm, "abcd1234-0000-4000-8000-000000000001") == 0


def test_delete_on_a_terminal_asks_for_the_name(ccm, capsys, monkeypatch):
    acct = add(ccm, "Prod data")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty("prod data\n"))
    code, out, err = run(capsys, "accounts", "delete", acct["acct_id"][:8])
    assert code == 2 and "not deleted" in err
    assert "0 node(s), 0 dataset(s), 0 workflow(s)" in err
    assert deletes(ccm, acct["acct_id"]) == 0
    monkeypatch.setattr(sys, "stdin", Tty("Prod data\n"))
    code, out, err = run(capsys, "accounts", "delete", acct["acct_id"][:8])
    assert code == 0 and f"deleted account 'Prod data' ({acct['acct_id']})" in out
    assert ccm.store.get_account(acct["acct_id"]) is None


def test_ambiguous_delete_is_settled_by_a_404(ccm, capsys):
    acct = add(ccm, "Flaky")
    ccm.faults.drop_after_commit(route="DELETE /v1/accounts/{account-id}")
    code, out, err = run(capsys, "accounts", "delete", "Flaky", "--yes")
    assert code == 0 and "answers 404" in out, err
    assert deletes(ccm, acct["acct_id"]) == 1


@pytest.mark.slow
def test_update_and_delete_in_real_processes(tmp_path, demo_credentials):
    """The operator's way: the emulator as a subprocess, each command its own process."""
    email, password = demo_credentials
    base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CCM_TUI_HOME": str(tmp_path / "home")}
    emu = subprocess.Popen([sys.executable, "-m", "ccm_tui", "emulator", "--port", "0"],
                           cwd=REPO, env={**base_env, "CCM_EMULATOR_PASSWORD": password},
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        url = emu.stdout.readline().rsplit(" ", 1)[1].strip()
        env = {**base_env, "CCM_URL": url, "CCM_EMAIL": email, "CCM_PASSWORD": password}

        def cli(*argv: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "ccm_tui", *argv], cwd=REPO, env=env,
                                  capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

        (tmp_path / "a.json").write_text('{"name": "Proc"}')
        made = json.loads(cli("accounts", "create", "--from", str(tmp_path / "a.json"), "--json").stdout)
        bad = tmp_path / "bad.toml"
        bad.write_text('azure_cvm_pcr_priority = [1, 1]\n')
        r = cli("accounts", "update", made["acct_id"][:8], "--from", str(bad))
        assert r.returncode == 2 and "azure_cvm_pcr_priority" in r.stderr
        r = cli("accounts", "update", made["acct_id"][:8], "--name", "Proc 2", "--json")
        assert r.returncode == 0 and json.loads(r.stdout)["name"] == "Proc 2", r.stderr
        r = cli("accounts", "delete", "Proc 2")  # no terminal, no --yes
        assert r.returncode == 2 and "without --yes" in r.stderr
        r = cli("accounts", "delete", "Proc 2", "--yes")
        assert r.returncode == 0, r.stderr
        r = cli("accounts", "show", made["acct_id"])
        assert r.returncode == 1
    finally:
        emu.send_signal(signal.SIGINT)
        try:
            emu.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emu.kill()
            emu.wait()
