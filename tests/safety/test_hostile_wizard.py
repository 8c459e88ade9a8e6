"""The wizard and its dialogs with outside text: the server's refusal on the review banner,
names typed (or found in a draft file) full of markup and escapes, damaged draft files, and
file names in the file picker. None crashes the console or reaches the terminal raw."""

from __future__ import annotations

import json
import math

import pytest

from ccm_tui.safetext import visible
from hostile import COMBO, ERROR_TEXT
from screen_checks import assert_clean_terminal, screen_text
from test_hostile_console import console, logged_in, until

SIZE = (160, 50)
MARKUP = "[@click=app.quit]"
KEYS = {"[": "left_square_bracket", "]": "right_square_bracket", "/": "slash", " ": "space"}


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[KEYS.get(ch, ch) for ch in text])


async def open_wizard(pilot):
    from ccm_tui.screens.wizard import WizardScreen

    await logged_in(pilot)
    await pilot.press("n")
    await until(pilot, lambda: isinstance(pilot.app.screen, WizardScreen))
    return pilot.app.screen


async def test_review_banner_shows_the_servers_refusal_literally(hostile):
    ccm, url = hostile
    ccm.fail["create"] = (400, ERROR_TEXT)
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "plain name")
        for _ in range(4):
            await pilot.press("enter")
            await pilot.pause()
        await until(pilot, lambda: wiz.step == 4)
        await pilot.press("enter")  # create: the server refuses with a hostile message
        await until(pilot, lambda: wiz.outcome is not None and not wiz.in_flight and wiz.step == 4)
        await until(pilot, lambda: MARKUP in screen_text(app))
        assert_clean_terminal(app)
        assert "␛]52;c;" in screen_text(app)
        assert app.is_running


async def test_a_markup_name_typed_in_the_wizard_never_breaks_a_later_start(hostile):
    from ccm_tui.screens.wizard import ResumeDraftScreen, WizardScreen
    from ccm_tui.service.drafts import draft_path

    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        wiz = await open_wizard(pilot)
        await type_text(pilot, "[/]x")
        await pilot.press("enter")  # moving on autosaves the draft
        await until(pilot, lambda: wiz.step == 1)
        await until(pilot, lambda: wiz.step == 1 and draft_path().is_file())
        assert app.is_running
    assert json.loads(draft_path().read_text())["form"]["name"] == "[/]x"

    app = console(url)  # the next start offers it, literally
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await until(pilot, lambda: "new account '[/]x'" in screen_text(app))
        assert_clean_terminal(app)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        wiz = app.screen
        for _ in range(4):
            await pilot.press("enter")
            await pilot.pause()
        await until(pilot, lambda: wiz.step == 4)  # the review row shows the name literally
        await until(pilot, lambda: "1 Name:  [/]x" in screen_text(app))
        assert_clean_terminal(app)
        assert app.is_running


async def test_a_draft_with_hostile_strings_is_offered_and_discarded(hostile):
    from ccm_tui.screens.wizard import ResumeDraftScreen
    from ccm_tui.service.drafts import draft_path, save_draft

    ccm, url = hostile
    save_draft({"name": COMBO, "logo_path": COMBO,
                "auths": [{"kind": "cluster_auth_ref", "target_id": COMBO}]}, server=COMBO)
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await until(pilot, lambda: MARKUP in screen_text(app))
        assert_clean_terminal(app)
        assert visible(COMBO)[:40] in screen_text(app)
        await pilot.press("d")
        await until(pilot, lambda: not draft_path().exists())
        assert app.is_running


async def test_a_resumed_hostile_draft_shows_its_fields_visibly_and_keeps_them(hostile):
    from ccm_tui.screens.wizard import ResumeDraftScreen, WizardScreen
    from ccm_tui.service.drafts import save_draft

    ccm, url = hostile
    save_draft({"name": COMBO, "logo_path": COMBO})
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        await until(pilot, lambda: "op[/]" in screen_text(app))  # the name field
        assert_clean_terminal(app)
        assert app.screen.form.name == COMBO  # shown visibly, not changed
        assert app.is_running


async def test_a_drafts_hostile_auth_config_shows_visibly_in_the_auth_list(hostile):
    from ccm_tui.screens.wizard import ResumeDraftScreen, WizardScreen
    from ccm_tui.service.drafts import save_draft

    ccm, url = hostile
    oauth = {"idp_name": COMBO, "client_id": COMBO, "idp_icon_url": COMBO,
             "idp_authorization_endpoint": COMBO, "idp_token_endpoint": COMBO}
    save_draft({"name": "plain", "auths": [{"kind": "oauth", "oauth": oauth},
                                            {"kind": "cluster_auth_ref", "target_id": COMBO}]})
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        wiz = app.screen
        await wiz.action_jump(2)  # the Auth step lists the configs
        await until(pilot, lambda: wiz.step == 2 and "Cluster auth ref →" in screen_text(app))
        assert_clean_terminal(app)
        assert MARKUP in screen_text(app)
        await wiz.action_jump(3)  # leaving it checks them: the errors are listed beside them
        await until(pilot, lambda: wiz.auth_errors)
        await pilot.pause()
        assert_clean_terminal(app)
        assert app.is_running


@pytest.mark.parametrize("content", [
    b"{not json",
    b"\xff\xfe\x00binary",
    b"[" * 100_000 + b"]" * 100_000,
], ids=["not-json", "binary", "deep"])
async def test_a_draft_file_that_cannot_be_read_is_offered_for_discard(hostile, content):
    from ccm_tui.screens.wizard import ResumeDraftScreen
    from ccm_tui.service.drafts import draft_path

    ccm, url = hostile
    draft_path().parent.mkdir(parents=True, exist_ok=True)
    draft_path().write_bytes(content)
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await until(pilot, lambda: "cannot be read" in screen_text(app))
        assert "Resume" not in screen_text(app)
        await pilot.press("r")  # nothing to resume: the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, ResumeDraftScreen)
        await pilot.press("d")
        await until(pilot, lambda: not draft_path().exists())
        await until(pilot, lambda: not isinstance(app.screen, ResumeDraftScreen))
        assert app.is_running


async def test_a_draft_of_the_wrong_shape_resumes_without_crashing(hostile):
    from ccm_tui.screens.wizard import ResumeDraftScreen, WizardScreen
    from ccm_tui.service.drafts import draft_path

    ccm, url = hostile
    draft_path().parent.mkdir(parents=True, exist_ok=True)
    draft_path().write_text(json.dumps({
        "form": {"name": ["x"], "component": {"a": 1}, "auths": 5, "logo_path": 7},
        "saved_at": 1e300, "step": "3", "secrets_to_ask": {"a": 1}, "server": 5,
    }))
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftScreen))
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        assert app.screen.form.name == "" and app.screen.form.auths == []
        assert app.is_running


@pytest.mark.parametrize("doc", [
    {"form": {}, "saved_at": math.inf},
    {"form": {}, "saved_at": math.nan},
    {"form": {}, "saved_at": 10**400},
    {"form": {"auths": 5}},
    {"form": {"auths": [5, None, {"kind": ["oauth"]}, {"kind": "oauth", "oauth": 5}]}},
    {"form": {"auths": [{"kind": "oauth", "oauth": {"tls": [1], "idp_name": 5}}]}},
])
def test_odd_values_in_a_draft_load_describe_and_resume(private_home, doc):
    from ccm_tui.service.account_form import WizardForm
    from ccm_tui.service.drafts import draft_path, load_draft

    draft_path().parent.mkdir(parents=True, exist_ok=True)
    draft_path().write_text(json.dumps(doc))
    draft = load_draft()
    assert draft is not None
    assert draft.describe().startswith("new account")
    WizardForm.from_draft(draft.form)


async def test_the_relogin_dialog_shows_the_user_and_the_message_visibly(hostile):
    from ccm_tui.screens.wizard.modals import Relogin

    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await logged_in(pilot)
        app.push_screen(Relogin(COMBO, ERROR_TEXT))
        await until(pilot, lambda: isinstance(app.screen, Relogin)
                    and "Enter the password of" in screen_text(app))
        assert_clean_terminal(app)
        message = str(app.screen.query_one("#err-relogin").render())
        assert message == visible(ERROR_TEXT, newlines=True)  # plain, every character shown
        texts = [str(w.render()) for w in app.screen.query("Static")]
        assert any(t.startswith(f"Enter the password of {visible(COMBO)} to log in") for t in texts)
        assert app.is_running


async def test_file_names_in_the_file_picker_are_shown_visibly(hostile, tmp_path):
    from ccm_tui.screens.wizard.modals import FilePicker

    ccm, url = hostile
    folder = tmp_path / "[@click=app.quit]dir\x1b]0;t\x07"
    folder.mkdir()
    names = [s for s in ccm.strings if "/" not in s and "\x00" not in s
             and len(s.encode()) < 200] + [f"{MARKUP}quit", "[b]unclosed", "[link=x]l"]
    for name in names:
        (folder / name).write_bytes(b"x")
    app = console(url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await logged_in(pilot)
        app.push_screen(FilePicker(folder))
        await until(pilot, lambda: isinstance(app.screen, FilePicker)
                    and f"{MARKUP}quit" in screen_text(app))
        assert_clean_terminal(app)
        assert MARKUP in screen_text(app) and "␛]0;t␇" in screen_text(app)
        assert app.is_running
