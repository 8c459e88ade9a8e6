"""The request log (L): this session's requests, one in detail, copy as curl; no secret and
no markup from outside data ever reaches the screen or the clipboard."""

from __future__ import annotations

from ccm_tui.api.records import RequestRecord
from ccm_tui.emulator import DEMO_PASSWORD
from ccm_tui.screens.details import AccountDetailsScreen
from ccm_tui.screens.requestlog import RequestDetailScreen, RequestLogScreen
from tui_helpers import accounts_ready, add_account, screen_text, until

MASK = "**********"


def notifications(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)  # noqa: SLF001


def log_ready(app) -> bool:
    return isinstance(app.screen, RequestLogScreen) and bool(app.screen.records)


def select(app, predicate) -> None:
    screen = app.screen
    index = next(i for i, r in enumerate(screen.records) if predicate(r))
    screen.table.move_cursor(row=index, animate=False)


async def test_request_log_lists_shows_and_copies_without_secrets(make_app, det_emulator):
    acct = add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("enter")  # details: GET /v1/accounts/{id}
        await until(pilot, lambda: isinstance(app.screen, AccountDetailsScreen)
                    and app.screen.account is not None)
        await pilot.press("escape")
        token = app.session.client.access_token.get_secret_value()

        await pilot.press("L")
        await until(pilot, lambda: log_ready(app))
        text = screen_text(app)
        assert "Request log" in text
        assert "POST" in text and "/v1/sys/auth" in text and "200" in text
        assert f"/v1/accounts/{acct['acct_id']}" in text
        assert token not in text and DEMO_PASSWORD not in text

        # The login: the Basic header and the token of the answer were masked when recorded.
        select(app, lambda r: r.path == "/v1/sys/auth")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        detail = screen_text(app)
        assert "POST http://127.0.0.1/v1/sys/auth" in detail
        assert f"Basic {MASK}" in detail and f'"access_token": "{MASK}"' in detail
        assert DEMO_PASSWORD not in detail and token not in detail
        await pilot.press("y")
        assert '-u "$CCM_EMAIL:$CCM_PASSWORD"' in app.clipboard
        assert DEMO_PASSWORD not in app.clipboard
        await pilot.press("escape")
        assert isinstance(app.screen, RequestLogScreen)

        # A bearer request: Enter shows the header masked; y copies curl with $CCM_TOKEN.
        select(app, lambda r: r.path == f"/v1/accounts/{acct['acct_id']}" or
               r.path.startswith(f"/v1/accounts/{acct['acct_id']}?"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        detail = screen_text(app)
        assert f"Bearer {MASK}" in detail and token not in detail
        await pilot.press("escape")
        await pilot.press("y")
        copied = app.clipboard
        assert copied.startswith("curl -sS -X GET ")
        assert '-H "Authorization: Bearer $CCM_TOKEN"' in copied
        assert token not in copied and DEMO_PASSWORD not in copied
        assert "Copied a curl command for GET /v1/accounts/" in notifications(app)

        await pilot.press("escape")
        assert not isinstance(app.screen, RequestLogScreen)


async def test_requests_made_behind_the_log_show_up_and_the_palette_opens_it(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await app.run_action("request_log")
        await until(pilot, lambda: log_ready(app))
        await app.session.client.version()  # a request made while the log is open
        await until(pilot, lambda: app.screen.records[-1].path == "/v1/sys/version")
        assert "/v1/sys/version" in screen_text(app)
        assert app.screen.current is app.screen.records[-1]  # the cursor follows the newest
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Request log" in commands


async def test_hostile_paths_and_headers_render_as_text(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        app.session.client.history.add(RequestRecord(
            "GET", "/v1/accounts/[@click=app.quit]x[/]\x1b[31mred", 404, 3.0,
            base_url="http://127.0.0.1", auth="bearer", request_id="[b]id[/b]\u202e",
            response_headers=(("x-evil", "[@click=app.quit]boom\x07"),),
            response_body='{"message": "[red]no[/red]\\u001b]52;c;aGk=\\u0007"}',
        ))
        await pilot.press("L")
        await until(pilot, lambda: log_ready(app) and any(
            "click" in r.path for r in app.screen.records))
        text = screen_text(app)
        assert "[@click=app.quit]x[/]␛[31mred" in text
        assert "\x1b" not in text and "[b]id[/b]\\u202e" in text
        select(app, lambda r: "click" in r.path)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RequestDetailScreen))
        detail = screen_text(app)
        assert "x-evil: [@click=app.quit]boom␇" in detail
        assert "[red]no[/red]" in detail and "\x1b" not in detail and "\x07" not in detail
        await pilot.press("y")
        assert "\x1b" not in app.clipboard
        assert app.is_running
