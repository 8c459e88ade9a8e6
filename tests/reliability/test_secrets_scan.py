"""Secrets never leak: a full session — CLI login + create (password auth config, OAuth client
secret, client certificate + key), the wizard via Pilot with "remember session" on, a draft
left behind, screenshots of the review and details screens — then EVERY file under the tmp
CCM_TUI_HOME (config, drafts, logs, token cache, screenshots), the repo's snapshot SVGs and
everything printed are scanned for the login password, the client secret, the client key
(PEM body and base64) and every access token the server issued. The files the program wrote
are 0600 in 0700 directories."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from reliability_helpers import run_cli_async
from textual.widgets import Input, RadioButton
from wizard_helpers import make_cert, open_wizard, wait_for

REPO = Path(__file__).resolve().parents[2]
EMAIL = "secops@example.com"
PASSWORD = "Login-Pw-7f3a9c51d2e8"
CLIENT_SECRET = "OAuth-Client-Secret-Q8v2Lk4Zt9"
WIZARD_SECRET = "Wizard-Client-Secret-Hb6Xn1Pw3"
DRAFT_SECRET = "Draft-Client-Secret-Jm5Rc8Vy2"
SIZE = (120, 50)


def _chunks(text: str, size: int = 16) -> set[str]:
    """Every ``size``-character window: a secret wrapped over two lines still matches."""
    text = "".join(text.split())
    if len(text) <= size:
        return {text}
    return {text[i:i + size] for i in range(len(text) - size + 1)}


def _secret_chunks(key_pem: bytes, cert_pem: bytes, tokens: list[str]) -> dict[str, set[str]]:
    def pem_body(pem: bytes) -> str:
        return "".join(pem.decode().splitlines()[1:-1])

    # The key file also carries the PUBLIC key, which the certificate shows by design:
    # windows that also occur in the certificate's encodings are public, not secret.
    public = _chunks(pem_body(cert_pem), 24) | _chunks(base64.b64encode(cert_pem).decode(), 24)
    return {
        "login password": {PASSWORD},
        "client secret": {CLIENT_SECRET, WIZARD_SECRET, DRAFT_SECRET},
        "client key PEM body": _chunks(pem_body(key_pem), 24) - public,
        "client key base64 (as sent)": _chunks(base64.b64encode(key_pem).decode(), 24) - public,
        "access token": set().union(*(_chunks(t, 16) for t in tokens)) if tokens else set(),
    }


def _leaks(text: str, secrets: dict[str, set[str]]) -> list[str]:
    return [f"{what} ({next(n for n in needles if n in text)!r})"
            for what, needles in secrets.items() if any(n in text for n in needles)]


def _oauth(cert_pem: bytes, key_pem: bytes, secret: str) -> dict:
    return {"oauth": {
        "idp_name": "Corp SSO", "idp_icon_url": "https://idp.example.com/icon.png",
        "idp_authorization_endpoint": "https://idp.example.com/authorize",
        "idp_token_endpoint": "https://idp.example.com/token",
        "idp_requires_basic_auth": True, "client_id": "ccm-console", "client_secret": secret,
        "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"},
                             "client_cert": base64.b64encode(cert_pem).decode(),
                             "client_key": base64.b64encode(key_pem).decode()}},
    }}


@pytest.fixture
def secret_server(tmp_path, monkeypatch):
    """An emulator whose login password is PASSWORD; records every token it issues."""
    from ccm_tui.emulator import EmulatorServer

    srv = EmulatorServer(host="127.0.0.1", port=0, email=EMAIL, password=PASSWORD).start()
    emulator = srv.emulator
    issued: list[str] = []
    original = emulator.login

    def login():
        token, session = original()
        issued.append(token)
        return token, session

    emulator.login = login
    srv.issued = issued
    try:
        yield srv
    finally:
        srv.stop()


async def test_no_secret_in_any_file_or_output(secret_server, tmp_path, private_home, monkeypatch,
                                               capsys):
    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.logs import close_file_logging, start_request_log
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.wizard.modals import AuthEditor

    home = private_home  # CCM_TUI_HOME
    inputs = tmp_path / "inputs"  # what the operator brings; holds the secrets on purpose
    inputs.mkdir()
    shots = home / "screenshots"
    monkeypatch.setenv("CCM_URL", secret_server.url)
    monkeypatch.setenv("CCM_EMAIL", EMAIL)
    monkeypatch.setenv("CCM_PASSWORD", PASSWORD)
    cert_pem, key_pem = make_cert(inputs / "client.pem", "client", key_path=inputs / "client.key")
    printed: list[str] = []

    # ---- 1. the headless CLI
    src = inputs / "acct.json"
    src.write_text(json.dumps({
        "name": "Secret CLI Co",
        "auth_configs": [{"password": {"require_2fa": True, "administrators_only": False}},
                         _oauth(cert_pem, key_pem, CLIENT_SECRET)],
    }))
    try:
        for argv in (["accounts", "create", "--from", str(src), "--dry-run"],
                     ["accounts", "create", "--from", str(src)],
                     ["accounts", "list", "--json"],
                     ["accounts", "list"]):
            code, out, err = await run_cli_async(capsys, *argv)
            assert code == 0, err
            printed += [out, err]
        acct_id = next(a["acct_id"] for a in json.loads(printed[-4])
                       if a["name"] == "Secret CLI Co")
        for argv in (["accounts", "show", acct_id, "--json"], ["accounts", "show", acct_id]):
            code, out, err = await run_cli_async(capsys, *argv)
            assert code == 0, err
            printed += [out, err]
        # the same account again: a refused create prints the server's complaint
        code, out, err = await run_cli_async(capsys, "accounts", "create", "--from", str(src), "--json")
        assert code == 1
        printed += [out, err]

        # ---- 2. the console: wizard with remember-session, screenshots, a draft left behind
        start_request_log()  # as run_app() does
        settings = ConnectionSettings(url=secret_server.url, email=EMAIL)
        app = create_app(settings=settings, password=PASSWORD, remember=True)
        shots.mkdir(parents=True)
        async with app.run_test(size=SIZE) as pilot:
            wiz = await open_wizard(pilot)
            wiz.query_one("#name", Input).value = "Secret TUI Co"
            await pilot.press("enter", "enter")  # Basics -> Logo -> Auth
            await pilot.pause()
            await pilot.press("a")
            await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: app.screen is wiz)
            await pilot.press("o")
            await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
            fields = _oauth(cert_pem, key_pem, WIZARD_SECRET)["oauth"]
            for key in ("idp_name", "idp_icon_url", "idp_authorization_endpoint",
                        "idp_token_endpoint", "client_id", "client_secret"):
                app.screen.query_one(f"#{key}", Input).value = fields[key]
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: app.screen is wiz)
            wiz.pane(2).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: wiz.step == 3)
            wiz.query_one("#tls1-mode-required", RadioButton).value = True
            await pilot.pause()
            wiz.query_one("#tls1-cert", Input).value = str(inputs / "client.pem")
            wiz.query_one("#tls1-key", Input).value = str(inputs / "client.key")
            await pilot.pause()
            wiz.pane(3).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: wiz.step == 4)
            await pilot.pause()
            (shots / "review.svg").write_text(app.export_screenshot(title="review"))
            await pilot.press("enter")  # submit
            await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen), 10)
            details = app.screen
            await wait_for(pilot, lambda: str(details.query_one("#details-fields").render())
                           .strip() != "")
            # Every load of the screen (account, totals) has ended: all it shows is painted.
            await wait_for(pilot, lambda: all(w.is_finished for w in app.workers
                                              if w.node is details))
            (shots / "details.svg").write_text(app.export_screenshot(title="details"))
            await pilot.press("v")  # the redacted JSON view
            await wait_for(pilot, lambda: details.query_one("#details-json").display
                           and bool(details.query("#json-text")))
            (shots / "details-json.svg").write_text(app.export_screenshot(title="json"))
            # a second wizard, left half-way: its draft stays on disk
            await pilot.press("v", "escape")
            wiz2 = await open_wizard(pilot)
            wiz2.query_one("#name", Input).value = "Drafted Co"
            await pilot.press("enter", "enter")
            await pilot.pause()
            from ccm_tui.service.account_form import AuthEntry, OauthForm, TlsForm

            wiz2.form.auths.append(AuthEntry(kind="oauth", oauth=OauthForm(
                idp_name="IdP", idp_icon_url="https://i.example/x",
                idp_authorization_endpoint="https://i.example/a",
                idp_token_endpoint="https://i.example/t", client_id="cid",
                client_secret=DRAFT_SECRET,
                tls=TlsForm(client_cert_path=str(inputs / "client.pem"),
                            client_key_path=str(inputs / "client.key")))))
            wiz2.pane(2).focus()
            await pilot.press("enter")  # step change: autosave
            await wait_for(pilot, lambda: wiz2.step == 3)
        captured = capsys.readouterr()
        printed += [captured.out, captured.err]
    finally:
        close_file_logging()

    # ---- 3. what was written
    posts = [r for r in secret_server.emulator.received if r.method == "POST"
             and r.path == "/v1/accounts"]
    assert len(posts) == 3  # CLI create, CLI duplicate, wizard create
    assert posts[-1].body["auth_configs"][1]["oauth"]["client_secret"] == WIZARD_SECRET
    assert secret_server.issued, "no token was issued?"
    files = sorted(p for p in home.rglob("*") if p.is_file())
    kinds = {
        "token cache": [p for p in files if "tokens" in p.parts],
        "draft": [p for p in files if "drafts" in p.parts],
        "log": [p for p in files if p.name.startswith("ccm-tui.log")],
        "screenshot": [p for p in files if p.suffix == ".svg"],
    }
    for kind, found in kinds.items():
        assert found, f"no {kind} file was written: {files}"
    log_text = "".join(p.read_text() for p in kinds["log"])
    assert "POST /v1/accounts" in log_text  # the log is real, not empty
    review_svg = (shots / "review.svg").read_text()
    assert "Secret" in review_svg and "TUI" in review_svg  # the screenshot shows the review

    snapshot_files = sorted(p for p in REPO.joinpath("tests").rglob("*")
                            if p.is_file() and "__snapshots__" in p.parts)
    secrets = _secret_chunks(key_pem, cert_pem, secret_server.issued)
    leaks = []
    # the scanner itself finds what it looks for
    assert _leaks(f"..{PASSWORD}..", secrets) and _leaks(key_pem.decode(), secrets)
    assert _leaks(base64.b64encode(key_pem).decode(), secrets)
    assert _leaks(secret_server.issued[-1][3:40], secrets)
    no_token = {k: v for k, v in secrets.items() if k != "access token"}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        # The token cache exists to keep the access token ("remember session"; 0600, checked
        # below); everything else must hold no token, and the cache no other secret.
        leaks += [f"{path.relative_to(home)}: {what}"
                  for what in _leaks(text, no_token if path in kinds["token cache"] else secrets)]
    for i, text in enumerate(printed):
        leaks += [f"output #{i}: {what}" for what in _leaks(text, secrets)]
    # the committed snapshots: the fixture secrets their own tests typed must not show
    from tui_helpers import OAUTH_CONFIG

    from ccm_tui.emulator import DEMO_PASSWORD

    fixture_secrets = {"fixture secrets": {DEMO_PASSWORD, OAUTH_CONFIG["oauth"]["client_secret"],
                                           "s3cr3t-Value!", "PRIVATE KEY-----"}}
    for path in snapshot_files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaks += [f"{path.relative_to(REPO)}: {what}"
                  for what in _leaks(text, secrets) + _leaks(text, fixture_secrets)]
    assert leaks == [], "\n".join(leaks)
    scanned = len(files) + len(snapshot_files)
    print(f"\nsecrets scan: {len(files)} written files + {len(snapshot_files)} snapshot files "
          f"= {scanned} files, {len(printed)} outputs", file=os.sys.__stderr__)

    # ---- 4. permissions of what the program wrote (screenshots are the test's own files)
    for kind in ("token cache", "draft", "log"):
        for path in kinds[kind]:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{kind} {path} is not 0600"
            parent = path.parent
            while parent != home.parent:  # CCM_TUI_HOME itself was created by the program
                assert stat.S_IMODE(parent.stat().st_mode) == 0o700, f"{parent} is not 0700"
                parent = parent.parent
    config_dir = home / "config"
    assert not config_dir.exists() or not any(config_dir.iterdir()), \
        "the program wrote into the config dir; config files must be 0600 if it ever does"
