"""The Members screen, keyboard only, against the deterministic emulator: opening it (the
account is selected for the session first), the table, invite / change roles / disable /
enable / remove with the bodies the emulator received, the guard rails (nothing sent), a 403,
and an unclear answer resolved by re-reading the list."""

from __future__ import annotations

import httpx
import pytest
from tui_helpers import SERVER, START, accounts_ready, add_account, screen_text, until as _until

from ccm_tui.screens.members import MembersScreen
from ccm_tui.screens.members_dialogs import ConfirmDialog, MemberDetails, RolesDialog

SIZE = (100, 30)


async def until(pilot, condition, timeout: float = 20.0) -> None:
    """tui_helpers.until with more room: these walks make several requests per step and the
    test machines are shared."""
    await _until(pilot, condition, timeout)


def person(emulator, email, first=None, last=None, *, verified=True, login=True):
    user = {"user_id": emulator.ids.new(), "user_email": email, "email_verified": verified,
            "created_at": START - 86_400}
    if first:
        user["first_name"] = first
    if last:
        user["last_name"] = last
    if login:
        user["last_logged_in_at"] = START - 3_600
    return user


def seed_team(emulator, *, my_roles=("MANAGER", "WRITER", "READER"), second_manager=False):
    acct = add_account(emulator, "Team", roles=my_roles)["acct_id"]
    store = emulator.store
    store.add_member(acct, person(emulator, "wanda@example.com", "Wanda", "Writer"), ["WRITER"])
    store.add_member(acct, person(emulator, "rex@example.com", "Rex", "Reader"), ["READER"])
    store.add_member(acct, person(emulator, "penny@example.com", verified=False, login=False),
                     ["READER"], "PENDING")
    if second_manager:
        store.add_member(acct, person(emulator, "alice@example.com", "Alice"), ["MANAGER"])
    return acct


def writes(emulator):
    return [(r.method, r.path, r.body) for r in emulator.received
            if r.path.startswith("/v1/users") and r.method in ("POST", "PATCH", "DELETE")]


def member_id(emulator, acct, email):
    return next(u["user_id"] for u in emulator.store.list_members(acct)[0] if u["user_email"] == email)


async def open_members(pilot):
    app = pilot.app
    await until(pilot, lambda: accounts_ready(app))
    await pilot.press("m")
    await until(pilot, lambda: isinstance(app.screen, MembersScreen) and app.screen.loaded
                and not app.screen.query_one("#members-busy").display)
    return app.screen


async def goto(pilot, screen, email):
    """Put the cursor on ``email``'s row."""
    index = next(i for i, r in enumerate(screen.shown) if r.email == email)
    screen.table.move_cursor(row=index)
    await pilot.pause()
    assert screen.current_row.email == email


async def wait_loaded(pilot, screen):
    await until(pilot, lambda: pilot.app.screen is screen and screen.loaded
                and not screen.query_one("#members-busy").display)


def note(screen) -> str:
    return str(screen.query_one("#members-message").render())


def confirm_text(app) -> str:
    return str(app.screen.query_one("#confirm-text").render())


class DropAwareTransport(httpx.ASGITransport):
    """An injected dropped connection reaches the client as it would over a socket."""

    async def handle_async_request(self, request):
        from ccm_tui.emulator import ConnectionDropped

        try:
            return await super().handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc


async def test_m_selects_the_account_and_lists_members(make_app, det_emulator):
    acct = seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        assert app.session.selected_account_id == acct
        assert ("POST", f"/v1/sys/session/select_account/{acct}") in [
            (r.method, r.path) for r in det_emulator.received]
        text = screen_text(app)
        assert "account: Team" in text.splitlines()[0]  # the header says which account
        assert "Selected Team for this session" in text
        assert "Members of Team — 3 members, 1 invitation pending" in text
        mine = next(line for line in text.splitlines()[1:] if "demo@ccm.example" in line)
        assert mine.lstrip().startswith("you") and "MANAGER WRITER READER" in mine
        penny = next(line for line in text.splitlines() if "penny@example.com" in line)
        assert "PENDING" in penny and "never" in penny and " no " in penny
        await pilot.press("w")
        assert "Administrator Editor Viewer" in screen_text(app)
        await pilot.press("slash", *"rex")
        await until(pilot, lambda: [r.email for r in screen.shown] == ["rex@example.com"])
        await pilot.press("escape")
        await until(pilot, lambda: len(screen.shown) == 4)
        await pilot.press("o")  # sort by email
        assert [r.email for r in screen.shown][0] == "demo@ccm.example"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, MembersScreen))


async def test_invite_shows_the_exact_request_then_sends_it(make_app, det_emulator):
    seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        await pilot.press(*"new.person@example.com", "tab", "tab", "space", "ctrl+o")
        dialog = app.screen
        await until(pilot, lambda: dialog.stage == "review")
        review = screen_text(app)
        assert "POST /v1/users/invite (Team)" in review
        assert '"user_email": "new.person@example.com"' in review and '"WRITER"' in review
        assert writes(det_emulator) == []  # reviewing sends nothing
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen is screen)
        await wait_loaded(pilot, screen)
        assert writes(det_emulator) == [
            ("POST", "/v1/users/invite", {"user_email": "new.person@example.com", "roles": ["WRITER"]})]
        assert "invited new.person@example.com as WRITER" in note(screen)
        assert any(r.email == "new.person@example.com" and r.status == "PENDING" for r in screen.shown)


async def test_invite_checks_input_and_an_existing_member_gets_a_clear_outcome(make_app, det_emulator):
    seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        dialog = app.screen
        await pilot.press(*"not-an-address", "ctrl+o")
        await pilot.pause()
        status = str(dialog.query_one("#dialog-status").render())
        assert "user_email: is not an email address" in status
        assert "roles: must name at least one role" in status
        assert dialog.stage == "form"
        dialog.query_one("#invite-email").value = "Wanda@example.com"
        await pilot.press("tab", "tab", "tab", "space", "ctrl+o")
        await until(pilot, lambda: dialog.stage == "review")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: dialog.stage == "done")
        assert "wanda@example.com is already a member with WRITER" in str(
            dialog.query_one("#dialog-status").render())
        assert writes(det_emulator) == []  # known from the list: nothing sent
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen))


async def test_change_roles_promotes_a_reader(make_app, det_emulator):
    acct = seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        await goto(pilot, screen, "rex@example.com")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        dialog = app.screen
        # pre-filled with READER; tick MANAGER (focused first), untick READER
        await pilot.press("space", "tab", "tab", "space", "ctrl+o")
        await until(pilot, lambda: dialog.stage == "review")
        text = screen_text(app)
        assert "roles: READER → MANAGER" in text and '"MANAGER"' in text
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen is screen)
        await wait_loaded(pilot, screen)
        rex = member_id(det_emulator, acct, "rex@example.com")
        assert writes(det_emulator) == [("PATCH", f"/v1/users/{rex}", {"roles": ["MANAGER"]})]
        assert "Rex Reader <rex@example.com>: READER → MANAGER" in note(screen)


async def test_disable_enable_and_remove_with_confirmation(make_app, det_emulator):
    acct = seed_team(det_emulator)
    wanda = member_id(det_emulator, acct, "wanda@example.com")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        await goto(pilot, screen, "wanda@example.com")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Disable the membership of Wanda Writer <wanda@example.com> in Team?" in confirm_text(app)
        await pilot.press("n")  # no: nothing sent
        await until(pilot, lambda: app.screen is screen)
        assert writes(det_emulator) == []
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: len(writes(det_emulator)) == 1)
        await wait_loaded(pilot, screen)
        await until(pilot, lambda: screen.current_row is not None and screen.current_row.status == "DISABLED")
        await pilot.press("d")  # a disabled member: d enables
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Enable the membership" in confirm_text(app)
        await pilot.press("y")
        await until(pilot, lambda: len(writes(det_emulator)) == 2)
        await wait_loaded(pilot, screen)
        await goto(pilot, screen, "wanda@example.com")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Remove Wanda Writer <wanda@example.com> from Team?" in confirm_text(app)
        await pilot.press("y")
        await until(pilot, lambda: len(writes(det_emulator)) == 3)
        await wait_loaded(pilot, screen)
        assert writes(det_emulator) == [
            ("PATCH", f"/v1/users/{wanda}", {"user_account_status": "DISABLED"}),
            ("PATCH", f"/v1/users/{wanda}", {"user_account_status": "ACTIVE"}),
            ("DELETE", f"/v1/users/{wanda}/accounts", None),
        ]
        assert "wanda@example.com" not in [r.email for r in screen.shown]
        assert "removed Wanda Writer <wanda@example.com> from Team" in note(screen)


async def test_last_manager_cannot_be_demoted_disabled_or_removed(make_app, det_emulator):
    seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        await goto(pilot, screen, "demo@ccm.example")
        for key in ("d", "ctrl+d"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen  # no dialog: refused at once
            assert "you are the last active MANAGER of this account" in note(screen)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        dialog = app.screen
        await pilot.press("space", "ctrl+o")  # untick MANAGER
        await until(pilot, lambda: dialog.stage == "review")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: dialog.stage == "done")
        assert "cannot be demoted" in str(dialog.query_one("#dialog-status").render())
        assert writes(det_emulator) == []


async def test_own_manager_role_asks_first(make_app, det_emulator):
    acct = seed_team(det_emulator, second_manager=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        await goto(pilot, screen, "demo@ccm.example")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "you will lose the right to invite, change or remove members" in confirm_text(app)
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen)
        assert writes(det_emulator) == []
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        dialog = app.screen
        await pilot.press("space", "ctrl+o")
        await until(pilot, lambda: dialog.stage == "review")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert writes(det_emulator) == []
        await pilot.press("y")
        await until(pilot, lambda: len(writes(det_emulator)) == 1)
        me = det_emulator.user["user_id"]
        assert writes(det_emulator) == [("PATCH", f"/v1/users/{me}", {"roles": ["WRITER", "READER"]})]
        await wait_loaded(pilot, screen)
        assert det_emulator.store.membership(me, acct) == (["WRITER", "READER"], "ACTIVE")
        assert "Read-only for you" in str(screen.query_one("#members-guard").render())


async def test_a_writer_sees_why_and_nothing_is_sent(make_app, det_emulator):
    seed_team(det_emulator, my_roles=("WRITER",), second_manager=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        assert str(screen.query_one("#members-guard").render()) == (
            "Read-only for you: only an active MANAGER of the account can invite, change or "
            "remove members (you are WRITER).")
        await goto(pilot, screen, "rex@example.com")
        for key in ("a", "e", "d", "ctrl+d"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen, key
            assert "Not sent: only an active MANAGER" in note(screen)
        assert writes(det_emulator) == []


async def test_a_403_from_the_server_is_an_outcome(make_app, det_emulator):
    acct = seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        det_emulator.store.set_membership(det_emulator.user["user_id"], acct, ["READER"])  # behind our back
        await goto(pilot, screen, "rex@example.com")
        await pilot.press("ctrl+d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: "the server refused" in note(screen))
        assert "HTTP 403" in note(screen)
        assert len(writes(det_emulator)) == 1


async def test_unclear_invite_answer_is_checked_not_repeated(make_app, det_emulator_app, det_emulator):
    acct = seed_team(det_emulator)
    det_emulator.faults.drop_after_commit(route="POST /v1/users/invite")
    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD

    app = create_app(settings=ConnectionSettings(url=SERVER, email=DEMO_EMAIL),
                     transport=DropAwareTransport(app=det_emulator_app), password=DEMO_PASSWORD)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, RolesDialog))
        await pilot.press(*"lost@example.com", "tab", "tab", "tab", "space", "ctrl+o", "ctrl+o")
        await until(pilot, lambda: app.screen is screen and "confirmed by the member list" in note(screen))
        assert [w[1] for w in writes(det_emulator)] == ["/v1/users/invite"]
        assert sum(u["user_email"] == "lost@example.com" for u in det_emulator.store.list_members(acct)[0]) == 1


async def test_enter_opens_details_and_strings_are_shown_safely(make_app, det_emulator):
    acct = seed_team(det_emulator)
    det_emulator.store.add_member(acct, person(det_emulator, "eve@example.com", "Eve[b]\x1b[31m",
                                               "[@click=app.quit]x"), ["READER"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        assert "Eve[b]␛[31m" in screen_text(app)
        await goto(pilot, screen, "eve@example.com")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MemberDetails))
        text = screen_text(app)
        assert "[@click=app.quit]x" in text and "Email verified  yes" in text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


async def test_palette_and_details_screen_offer_members(make_app, det_emulator):
    seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Members" in titles
        await pilot.press("enter")
        from ccm_tui.screens.details import AccountDetailsScreen

        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen) and app.screen.loaded)


@pytest.mark.parametrize("demo_roles", [("READER",)])
async def test_pending_membership_cannot_list(make_app, det_emulator, demo_roles):
    add_account(det_emulator, "Invited", roles=demo_roles, status="PENDING")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen) and app.screen.error)
        assert "Could not load members: HTTP 403" in note(app.screen)


async def test_details_count_members_and_pending_invitations(make_app, det_emulator):
    seed_team(det_emulator)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        from ccm_tui.screens.details import AccountDetailsScreen

        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        details = app.screen
        line = details.query_one("#details-members")
        # Its loads have ended: a members line would be shown (and /v1/users read) by now.
        await until(pilot, lambda: all(w.is_finished for w in app.workers if w.node is details))
        assert not line.display  # not the selected account: nothing read, nothing shown
        assert not any(r.path == "/v1/users" for r in det_emulator.received)
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MembersScreen) and app.screen.loaded)
        await pilot.press("escape")
        await until(pilot, lambda: line.display and str(line.render())
                    == "Members: 3 members, 1 invitation pending — m lists them")


async def test_filter_searches_the_server_when_the_list_is_paged(make_app, det_emulator, monkeypatch):
    seed_team(det_emulator)
    monkeypatch.setattr(MembersScreen, "max_members", 2)  # 4 members: only 2 are read
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_members(pilot)
        assert len(screen.shown) == 2 and screen.listing.truncated
        assert "the first ones only" in str(screen.query_one("#members-title").render())
        await pilot.press("slash", *"rex")
        await until(pilot, lambda: [r.email for r in screen.shown] == ["rex@example.com"]
                    and not screen.query_one("#members-busy").display)
        searches = [r.query for r in det_emulator.received if r.path == "/v1/users"]
        assert searches[-1].endswith("all_search=rex")
        assert "(searched on the server)" in str(screen.query_one("#members-title").render())
        await pilot.press("escape")  # clears the filter: the first page again
        await until(pilot, lambda: len(screen.shown) == 2 and "all_search" not in [
            r.query for r in det_emulator.received if r.path == "/v1/users"][-1])
