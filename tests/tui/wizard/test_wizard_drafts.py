"""Drafts: autosaved on step changes without secrets (0600 file, 0700 dir), offered on the
next start, resumed with the secret fields asked again; the drafts service on its own."""

from __future__ import annotations

import json
import stat

from textual.widgets import Input

from wizard_helpers import SIZE, make_cert, open_wizard, type_text, wait_for

SECRET = "very-secret-client-value"


def _oauth_entry(key_path: str, cert_path: str):
    from ccm_tui.service.account_form import AuthEntry, OauthForm, TlsForm

    return AuthEntry(kind="oauth", oauth=OauthForm(
        idp_name="IdP", idp_icon_url="https://i/x", idp_authorization_endpoint="https://i/a",
        idp_token_endpoint="https://i/t", client_id="cid", client_secret=SECRET,
        tls=TlsForm(client_cert_path=cert_path, client_key_path=key_path)))


async def test_draft_saved_without_secrets_then_resumed(make_app, home, tmp_path):
    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.screens.wizard.modals import AuthEditor, ResumeDraftScreen
    from ccm_tui.service.drafts import draft_path

    make_cert(tmp_path / "c.pem", "client", key_path=tmp_path / "c.key")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Drafty")
        await pilot.press("enter", "enter")
        await pilot.pause()
        wiz.form.auths.append(_oauth_entry(str(tmp_path / "c.key"), str(tmp_path / "c.pem")))
        wiz.pane(2).focus()
        await pilot.press("enter")  # step change -> autosave
        await pilot.pause()
        assert wiz.step == 3
    path = draft_path()
    text = path.read_text()
    assert SECRET not in text and "c.key" not in text and "PRIVATE" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    doc = json.loads(text)
    assert doc["form"]["name"] == "Drafty"
    assert set(doc["secrets_to_ask"]) == {
        "auth_configs[0].oauth.client_secret",
        "auth_configs[0].oauth.tls.required.client_key",
    }

    # next start: the accounts screen offers the draft
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        wiz = app.screen
        await pilot.pause()
        assert wiz.query_one("#name", Input).value == "Drafty"
        assert wiz.form.auths[0].oauth.client_secret == ""
        assert wiz.form.auths[0].oauth.tls.client_cert_path == str(tmp_path / "c.pem")
        await pilot.press("enter", "enter", "enter")  # to Auth, then try to leave it
        await pilot.pause()
        assert wiz.step == 2  # blocked: the secret must be typed again
        assert "again" in str(wiz.query_one("#auth-list").get_option_at_index(0).prompt)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, AuthEditor))
        assert "again" in app.screen.query_one("#err-oauth-client_secret").text
        app.screen.query_one("#client_secret", Input).value = SECRET
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen is wiz)
        wiz.pane(2).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 3
        await pilot.press("enter")  # the key file must be chosen again
        await pilot.pause()
        assert wiz.step == 3
        wiz.query_one("#tls0-key", Input).value = str(tmp_path / "c.key")
        wiz.pane(3).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert wiz.step == 4


async def test_discard_removes_the_draft(make_app, home):
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.wizard.modals import ResumeDraftScreen
    from ccm_tui.service.drafts import load_draft, save_draft

    save_draft({"name": "Old", "auths": []})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await wait_for(pilot, lambda: load_draft() is None)  # deleted off the event loop
    assert load_draft() is None


def test_save_draft_scrubs_secret_keys_at_any_depth(home):
    from ccm_tui.service.drafts import load_draft, save_draft

    save_draft({
        "name": "n",
        "auths": [{"kind": "oauth", "oauth": {"client_secret": "x1", "tls": {"client_key": "x2"}}}],
        "password": "x3",
        "secrets_to_ask": ["auth_configs[0].oauth.client_secret"],
    }, server="http://127.0.0.1:1", step=3)
    raw = (home / "state" / "drafts" / "new-account.json").read_text()
    assert not any(s in raw for s in ("x1", "x2", "x3"))
    d = load_draft()
    assert d.step == 3 and d.server == "http://127.0.0.1:1"
    assert d.secrets_to_ask == ["auth_configs[0].oauth.client_secret"]


def test_unreadable_draft_is_ignored(home):
    from ccm_tui.service.drafts import draft_path, load_draft

    p = draft_path()
    p.parent.mkdir(parents=True)
    p.write_text("{not json")
    assert load_draft() is None


def test_form_round_trips_through_a_draft():
    from ccm_tui.service.account_form import AuthEntry, WizardForm

    form = WizardForm(name="x", component="CONFIDENTIAL_AI", logo_path="/l.png",
                      auths=[AuthEntry(kind="password", require_2fa=True),
                             AuthEntry(kind="cluster_auth_ref", target_id="t"),
                             _oauth_entry("/k", "/c")])
    back = WizardForm.from_draft(form.to_draft())
    assert back.auths[0].require_2fa and back.auths[1].target_id == "t"
    assert back.auths[2].oauth.client_id == "cid"
    assert back.auths[2].oauth.client_secret == "" and back.auths[2].oauth.tls.client_key_path == ""
    assert (back.name, back.component, back.logo_path) == ("x", "CONFIDENTIAL_AI", "/l.png")


async def test_internal_error_keeps_what_was_typed_as_a_draft(make_app, home):
    """A crash while the wizard is open ends the app, but not the operator's typing: the
    draft is saved before the one-line error (typed since the last step change, too)."""
    import pytest

    from ccm_tui.service.drafts import draft_path

    def crash() -> None:
        raise RuntimeError("an internal error")

    app = make_app()
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await open_wizard(pilot)
            await type_text(pilot, "Crashy")
            await pilot.pause()
            app.call_later(crash)
            await pilot.pause()
    doc = json.loads(draft_path().read_text())
    assert doc["form"]["name"] == "Crashy"


def _draft_name() -> str:
    from ccm_tui.service.drafts import draft_path

    return json.loads(draft_path().read_text())["form"]["name"]


async def test_leaving_then_n_offers_the_draft_and_never_blanks_it(make_app, home):
    """Issue 10 #4: n, a name, Enter, Esc, Esc, y — the dialog promised the draft is kept;
    then n must offer it (resume / discard / start another), not overwrite it with a blank."""
    from tui_helpers import screen_text

    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.screens.wizard.modals import ConfirmLeave, ResumeDraftScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "Kept")
        await pilot.press("enter")
        await wait_for(pilot, lambda: wiz.step == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: wiz.step == 0)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmLeave))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert _draft_name() == "Kept"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        text = screen_text(app)
        assert "'Kept'" in text and "Resume" in text and "Discard" in text and "Start another" in text
        assert _draft_name() == "Kept"
        await pilot.press("s")  # start another: the draft stays until the new one has content
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        await pilot.press("escape")  # nothing typed: it leaves at once, nothing to ask
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        assert _draft_name() == "Kept"  # the empty wizard wrote nothing
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        await pilot.pause()
        assert app.screen.query_one("#name", Input).value == "Kept"


async def test_later_at_start_up_then_n_offers_the_draft(make_app, home):
    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.screens.wizard.modals import ResumeDraftScreen
    from ccm_tui.service.drafts import load_draft, save_draft

    save_draft({"name": "Old", "auths": []})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("escape")  # Later
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        assert _draft_name() == "Old"
        await pilot.press("d")  # discard: deleted, and a new wizard opens
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
    assert load_draft() is None


async def test_creating_from_a_resumed_draft_refreshes_the_list(make_app, home):
    """Issue 10 #5: the account created from a resumed draft is in the list at once."""
    from tui_helpers import screen_text

    from ccm_tui.screens.accounts import AccountsScreen
    from ccm_tui.screens.details import AccountDetailsScreen
    from ccm_tui.screens.wizard import WizardScreen
    from ccm_tui.screens.wizard.modals import ResumeDraftScreen
    from ccm_tui.service.drafts import save_draft

    save_draft({"name": "From Draft", "auths": []}, step=0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, WizardScreen))
        wiz = app.screen
        await wiz.action_jump(4)
        await pilot.pause()
        assert wiz.step == 4
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, AccountsScreen))
        await wait_for(pilot, lambda: "From Draft" in screen_text(app))
