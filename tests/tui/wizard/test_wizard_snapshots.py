"""Snapshots (80×24) of each wizard step, including error states, against a deterministic
emulator (fixed clock, seeded ids). Files are referenced by relative names (cwd = tmp dir)
and certificates have fixed dates, so nothing varies between runs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textual.widgets import Checkbox, Input, RadioButton

from ccm_tui.config import ConnectionSettings
from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD
from wizard_helpers import (
    SIZE, make_cert, open_wizard, previews_shown, tiny_png, type_text, wait_for,
)

FIXED = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def det_app(det_transport, tmp_path, monkeypatch):
    from ccm_tui.app import create_app
    from tui_helpers import SERVER

    monkeypatch.chdir(tmp_path)
    tiny_png(tmp_path / "logo.png", size=(16, 8), color=(30, 120, 220))
    make_cert(tmp_path / "ca.pem", "Pinned CA", not_after=FIXED)
    return create_app(
        settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
        transport=det_transport,
        password=DEMO_PASSWORD,
    )


def test_snapshot_basics_error(snap_compare, det_app):
    async def run_before(pilot):
        await open_wizard(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_basics_insecure_confirmation(snap_compare, det_app):
    async def run_before(pilot):
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Lab")
        wiz.query_one("#disable-attestation", Checkbox).value = True
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_logo_preview(snap_compare, det_app):
    async def run_before(pilot):
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Logo")
        await pilot.press("enter")
        await pilot.pause()
        wiz.query_one("#logo-path", Input).value = "logo.png"
        await previews_shown(pilot, wiz)  # the preview is built off the loop
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_logo_error(snap_compare, det_app):
    async def run_before(pilot):
        await open_wizard(pilot)
        await type_text(pilot, "Logo")
        await pilot.press("enter")
        await type_text(pilot, "missing.png")
        await pilot.press("enter")
        await previews_shown(pilot, pilot.app.screen)
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def _auths(wiz):
    from ccm_tui.service.account_form import AuthEntry, OauthForm

    wiz.form.auths[:] = [
        AuthEntry(kind="password", administrators_only=True),
        AuthEntry(kind="oauth", oauth=OauthForm(
            idp_name="Corp SSO", idp_icon_url="https://i/x", idp_authorization_endpoint="https://i/a",
            idp_token_endpoint="https://i/t", client_id="console", client_secret="hidden-secret")),
    ]
    wiz._render_auth()


def test_snapshot_auth_list_with_warning(snap_compare, det_app):
    async def run_before(pilot):
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Auth")
        await pilot.press("enter", "enter")
        await pilot.pause()
        _auths(wiz)
        wiz.form.auths.pop(1)
        wiz._render_auth()
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_auth_editor_errors(snap_compare, det_app):
    async def run_before(pilot):
        await open_wizard(pilot)
        await type_text(pilot, "Auth")
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("o")
        from ccm_tui.screens.wizard.modals import AuthEditor

        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AuthEditor))
        editor = pilot.app.screen
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: bool(editor.query_one("#err-oauth-idp_name").text))
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_tls_pinned_error(snap_compare, det_app):
    async def run_before(pilot):
        wiz = await open_wizard(pilot)
        await type_text(pilot, "TLS")
        await pilot.press("enter", "enter")
        await pilot.pause()
        _auths(wiz)
        wiz.pane(2).focus()
        await pilot.press("enter")
        await pilot.pause()
        wiz.query_one("#tls1-ca-pinned", RadioButton).value = True
        await pilot.pause()
        wiz.query_one("#tls1-pinned", Input).value = "ca.pem, nope.pem"
        wiz.pane(3).focus()
        await pilot.press("enter")
        await previews_shown(pilot, wiz)
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_review_with_server_error(snap_compare, det_app, det_emulator):
    det_emulator.faults.fail_next(
        "POST /v1/accounts", 400, body={"message": "invalid value for field `component`: nope"}
    )

    async def run_before(pilot):
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Review me")
        await pilot.press("enter", "enter")
        await pilot.pause()
        _auths(wiz)
        wiz.pane(2).focus()
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: wiz.step == 4 and bool(wiz.pane(4).query_one("#review-error").text))
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_resume_offer(snap_compare, det_app, home):
    from ccm_tui.service.drafts import draft_path

    p = draft_path()
    p.parent.mkdir(parents=True)
    p.write_text(json.dumps({
        "version": 1, "saved_at": 1_700_000_000, "server": "http://127.0.0.1", "step": 2,
        "secrets_to_ask": ["auth_configs[0].oauth.client_secret"],
        "form": {"name": "Half done", "auths": []},
    }))

    async def run_before(pilot):
        from ccm_tui.screens.wizard import ResumeDraftScreen

        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ResumeDraftScreen))
        below = pilot.app.screen_stack[-2]
        await wait_for(pilot, lambda: not below.query_one("#accounts-busy").display)
        await pilot.pause()

    assert snap_compare(det_app, terminal_size=SIZE, run_before=run_before)
