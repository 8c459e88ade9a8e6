"""The console against a hostile CCM: every surface shows server strings as plain, visible
text; no control byte reaches the terminal; markup is shown literally and never runs; the
console keeps running."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.cells import cell_len

from ccm_tui.app import create_app
from ccm_tui.config import ConnectionSettings
from ccm_tui.safetext import json_text, visible
from hostile import COMBO, ERROR_TEXT, HOSTILE_ID, SINK_ID, hostile_account
from screen_checks import (
    assert_clean_terminal,
    find_text,
    screen_lines,
    screen_text,
    unsafe_characters,
)

WIDE = (220, 60)
DETAILS = (160, 50)
#: Names whose details title is opened one by one (the kitchen sink holds all the others).
TITLE_KINDS = ("[@click=app.screenshot", "\x1b]52", "\u202e", "東京", "AAAAAAAA")
MARKUP = "[@click=app.quit]"


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)
    await pilot.pause()


def console(url: str, **kw: Any) -> Any:
    settings = ConnectionSettings(url=url, email="op@example.com")
    return create_app(settings=settings, password=kw.pop("password", "pw"), **kw)


def accounts_screen(app: Any) -> Any:
    from ccm_tui.screens.accounts import AccountsScreen

    screen = app.screen
    if isinstance(screen, AccountsScreen) and screen.loaded and \
            not screen.query_one("#accounts-busy").display:
        return screen
    return None


async def logged_in(pilot: Any) -> Any:
    await until(pilot, lambda: accounts_screen(pilot.app) is not None)
    return accounts_screen(pilot.app)


# -- table and header ---------------------------------------------------------------------
async def test_table_and_header_show_every_hostile_string_as_visible_text(hostile):
    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await logged_in(pilot)
        assert len(screen.table.rows) == len(ccm.accounts)
        assert_clean_terminal(app)
        lines = screen_lines(app)
        # header: the user's e-mail as visible text, its markup literal
        assert visible(COMBO)[:60] in lines[0]
        text = "\n".join(lines)
        assert MARKUP in text and "[/]boom" in text and "[link=https://evil.example]" in text
        assert "␛]52;c;" in text  # the OSC 52 shown, not run
        # every row's id column starts at the same cell: wide, zero-width and combining
        # characters in the name do not shift the columns
        starts = set()
        for i in range(len(ccm.strings)):
            short = f"{i:08d}"
            [line] = [ln for ln in lines if short in ln]
            starts.add(cell_len(line[: line.index(short)]))
        assert len(starts) == 1, starts
        assert app.is_running


# -- details, auth tree, raw JSON -----------------------------------------------------------
def tree_labels(app: Any) -> str:
    tree = app.screen.query_one("#auth-tree")
    out: list[str] = []

    def walk(node: Any) -> None:
        out.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return "\n".join(out)


async def open_details(pilot: Any, screen: Any, acct_id: str) -> Any:
    from ccm_tui.screens.details import AccountDetailsScreen

    details = AccountDetailsScreen(screen.session, acct_id)
    pilot.app.push_screen(details)
    await until(pilot, lambda: pilot.app.screen is details and details.account is not None
                and details.account.totals is not None)
    return details


async def test_details_auth_tree_and_raw_json_hold_every_hostile_string(hostile):
    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=DETAILS, notifications=True) as pilot:
        screen = await logged_in(pilot)
        details = await open_details(pilot, screen, SINK_ID)
        assert_clean_terminal(app)
        labels = tree_labels(app)
        for s in ccm.strings:  # every string in an IdP name, client id and cluster target
            shown = visible(s)[:40]
            assert f"OAuth {shown}" in labels and f"client_id: {shown}" in labels
            assert f"cluster auth ref → {shown}" in labels
        assert MARKUP in screen_text(app)  # the roles field
        await pilot.press("v")  # the raw JSON view, unknown fields named by the server
        await until(pilot, lambda: details.query("#json-text")
                    and details.query_one("#details-json").display)
        assert_clean_terminal(app)
        raw = str(details.query_one("#json-text").render())
        assert '"[/]boom": "[/]boom"' in raw  # an unknown field, name and value literal
        for s in ccm.strings:  # each as its JSON string, unsafe characters as \\uXXXX
            assert json_text(s)[:40] in raw
        assert app.is_running


async def test_details_title_shows_each_kind_of_hostile_name_as_visible_text(hostile):
    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=DETAILS, notifications=True) as pilot:
        screen = await logged_in(pilot)
        wanted = [next(a for a in ccm.accounts if kind in a["name"]) for kind in TITLE_KINDS]
        wanted += [a for a in ccm.accounts if a["acct_id"] == HOSTILE_ID]
        for account in wanted:
            await open_details(pilot, screen, account["acct_id"])
            assert_clean_terminal(app)
            title = screen_lines(app)[1]
            assert f"Account: {visible(account['name'])}"[:60] in title
            await pilot.press("escape")
        assert app.is_running


async def test_markup_in_details_is_literal_and_unbalanced_markup_does_not_crash(hostile):
    from ccm_tui.screens.details import AccountDetailsScreen

    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await logged_in(pilot)
        for name in ("[/]boom", "[@click=app.quit]quit[/]", "[bold]bold[/bold] [b]unclosed"):
            [row] = [r for r in screen.table.rows if r.name == name]
            screen.table.move_cursor(screen.table.rows.index(row))
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                        and app.screen.account is not None)
            assert f"Account: {name}" in screen_text(app)
            await pilot.press("escape")
            await until(pilot, lambda: accounts_screen(app) is not None)
        assert app.is_running


# -- toasts -----------------------------------------------------------------------------------
async def test_select_toasts_show_names_and_server_errors_literally(hostile):
    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await logged_in(pilot)
        [row] = [r for r in screen.table.rows if r.name == "[/]boom"]
        screen.table.move_cursor(screen.table.rows.index(row))
        await pilot.press("s")  # the success toast names the account
        await until(pilot, lambda: "Selected account [/]boom" in screen_text(app))
        assert_clean_terminal(app)
        ccm.fail["select"] = (500, ERROR_TEXT)
        [row] = [r for r in screen.table.rows if r.acct_id == HOSTILE_ID]
        screen.table.move_cursor(screen.table.rows.index(row))
        await pilot.press("s")
        await until(pilot, lambda: "Could not select" in screen_text(app))
        assert_clean_terminal(app)
        assert MARKUP in screen_text(app)
        assert app.is_running


async def test_list_error_shows_the_server_message_literally(hostile):
    ccm, url = hostile
    ccm.fail["list"] = (500, ERROR_TEXT)
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        from ccm_tui.screens.accounts import AccountsScreen

        await until(pilot, lambda: isinstance(app.screen, AccountsScreen) and app.screen.error)
        await until(pilot, lambda: "Could not load accounts" in screen_text(app))
        assert_clean_terminal(app)
        assert MARKUP in screen_text(app)
        assert app.is_running


async def test_an_answer_the_client_cannot_read_is_one_clear_line(hostile):
    ccm, url = hostile
    [lone] = ccm.surrogates
    ccm.accounts.append(hostile_account(999, lone))
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        from ccm_tui.screens.accounts import AccountsScreen

        await until(pilot, lambda: isinstance(app.screen, AccountsScreen) and app.screen.error)
        await until(pilot, lambda: "unreadable answer" in screen_text(app))
        assert_clean_terminal(app)
        assert app.is_running


async def test_filter_text_typed_by_the_operator_is_plain(hostile):
    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await logged_in(pilot)
        await pilot.press("slash", "left_square_bracket", "slash", "right_square_bracket")
        await until(pilot, lambda: "match “[/]”" in screen_text(app))
        assert_clean_terminal(app)
        assert app.is_running


# -- login error --------------------------------------------------------------------------------
async def test_login_errors_show_the_server_message_literally(hostile):
    from ccm_tui.screens.login import LoginScreen

    ccm, url = hostile
    for status in (401, 500):
        ccm.fail["login"] = (status, ERROR_TEXT)
        app = console(url)
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LoginScreen)
                        and "Login failed" in screen_text(app))
            assert_clean_terminal(app)
            assert MARKUP in screen_text(app)
            assert app.is_running


# -- a server-supplied [@click=...] is never an action ------------------------------------------
async def test_clicking_server_markup_runs_no_action(hostile, shot_dir):
    from ccm_tui.screens.details import AccountDetailsScreen

    ccm, url = hostile
    acme = next(s for s in ccm.strings if "app.screenshot" in s)
    app = console(url)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        screen = await logged_in(pilot)
        # a table cell
        await pilot.click(offset=find_text(app, "[@click=app.screenshot"))
        await pilot.click(offset=find_text(app, "[@click=app.quit]quit"))
        await pilot.pause()
        # the details title
        [row] = [r for r in screen.table.rows if r.name == acme]
        app.push_screen(AccountDetailsScreen(screen.session, row.account))
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen))
        x, y = find_text(app, "Acme Corp")
        await pilot.click(offset=(x + 2, y))
        # a toast
        await pilot.press("escape")
        await until(pilot, lambda: accounts_screen(app) is not None)
        ccm.fail["select"] = (500, ERROR_TEXT)
        [row] = [r for r in screen.table.rows if r.acct_id == HOSTILE_ID]
        screen.table.move_cursor(screen.table.rows.index(row))
        await pilot.press("s")
        await until(pilot, lambda: MARKUP in screen_text(app))
        x, y = find_text(app, MARKUP)
        await pilot.click(offset=(x + 3, y))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert list(shot_dir.iterdir()) == []


# -- request log -------------------------------------------------------------------------------
async def test_request_log_shows_hostile_answers_as_visible_text(hostile):
    from ccm_tui.screens.requestlog import RequestDetailScreen, RequestLogScreen

    ccm, url = hostile
    app = console(url)
    async with app.run_test(size=DETAILS, notifications=True) as pilot:
        screen = await logged_in(pilot)
        await open_details(pilot, screen, SINK_ID)
        await pilot.press("escape", "L")
        await until(pilot, lambda: isinstance(app.screen, RequestLogScreen) and any(
            SINK_ID in r.path for r in app.screen.records))
        log = app.screen
        assert_clean_terminal(app)
        index = next(i for i, r in enumerate(log.records)
                     if r.method == "GET" and r.path.startswith(f"/v1/accounts/{SINK_ID}"))
        log.table.move_cursor(row=index, animate=False)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        assert_clean_terminal(app)
        assert MARKUP in screen_text(app)  # the answer's server strings, literal
        await pilot.press("y")
        assert "$CCM_TOKEN" in app.clipboard and not unsafe_characters(app.clipboard)
        assert app.is_running
