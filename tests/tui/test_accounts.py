"""Accounts screen: roles and status, filter, sort, refresh, select, copy, empty/error states."""

from __future__ import annotations

import gc

from ccm_tui.screens.accounts import AccountsScreen
from tui_helpers import accounts_ready, add_account, screen_text, until


def names(app) -> list[str]:
    return [row.name for row in app.screen.table.rows]


async def test_rows_show_roles_and_status(make_app, det_emulator):
    add_account(det_emulator, "alpha", roles=("MANAGER",))
    add_account(det_emulator, "bravo", roles=("READER",), status="PENDING")
    add_account(det_emulator, "charlie", roles=("WRITER",), component="CONFIDENTIAL_AI")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        text = screen_text(app)
        assert "Accounts (3)" in text
        lines = {name: next(l for l in text.splitlines() if name in l) for name in ("alpha", "bravo", "charlie")}
        # At 80 columns the roles are initials (the details have the words), the date
        # has no time of day, and every column fits: no sideways scroll.
        assert " M " in lines["alpha"] and "ACTIVE" in lines["alpha"]
        assert " R " in lines["bravo"] and "PENDING" in lines["bravo"]
        assert " W " in lines["charlie"]
        assert "Active" in lines["alpha"]
        assert "2023-11-14" in lines["charlie"] and "CONF_AI" in lines["charlie"]
        header = next(l for l in text.splitlines() if "Name" in l)
        for label in ("Roles", "My status", "Acct status", "Created", "Component"):
            assert label in header, label


async def test_columns_use_the_width_of_the_terminal(make_app, det_emulator):
    long_name = "Confidential AI pilot for the payments team"
    add_account(det_emulator, long_name, roles=("MANAGER", "WRITER", "READER"))
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        text = screen_text(app)
        header = next(l for l in text.splitlines() if "Name" in l)
        assert long_name in text  # the name keeps the room it needs first
        assert "Created" in header and "My status" in header
    app = make_app()
    async with app.run_test(size=(140, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        line = next(l for l in screen_text(app).splitlines() if "Confidential" in l)
        assert long_name in line  # the name column takes the room the others leave
        assert "2023-11-14 22:13" in line  # and there is room for the time of day


async def test_every_role_is_shown_and_w_switches_to_console_words(make_app, det_emulator):
    add_account(det_emulator, "alpha", roles=("MANAGER", "WRITER", "READER"))
    add_account(det_emulator, "bravo", roles=("READER",))
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))

        def line(name: str) -> str:
            return next(l for l in screen_text(app).splitlines() if name in l)

        assert "MANAGER WRITER READER" in line("alpha")  # no role hidden behind a count
        assert "+2" not in line("alpha")
        assert "READER" in line("bravo") and "Viewer" not in line("bravo")
        await pilot.press("w")
        assert "Administrator Editor Viewer" in line("alpha")
        assert "Viewer" in line("bravo") and "READER" not in line("bravo")
        await pilot.press("w")
        assert "MANAGER WRITER READER" in line("alpha")
        # The filter still finds either spelling.
        await pilot.press("slash", *"editor")
        assert names(app) == ["alpha"]


async def test_ids_are_short_and_full_on_demand(make_app, det_emulator):
    acct = add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        text = screen_text(app)
        assert acct["acct_id"][:8] in text and acct["acct_id"] not in text
        await pilot.press("i")
        assert acct["acct_id"] in screen_text(app)


async def test_filter_as_you_type_and_escape_clears(make_app, det_emulator):
    for name in ("alpha", "alpine", "bravo", "charlie"):
        add_account(det_emulator, name)
    add_account(det_emulator, "delta", roles=("READER",))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("slash", "a", "l")
        assert names(app) == ["alpha", "alpine"]
        assert "2 of 5 match" in screen_text(app)
        await pilot.press("p", "i")
        assert names(app) == ["alpine"]
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        assert len(names(app)) == 5
        await pilot.press(*"viewer")  # console role words match too
        assert names(app) == ["delta"]
        await pilot.press(*"zz")
        assert "No account matches" in screen_text(app)
        await pilot.press("escape")
        assert len(names(app)) == 5
        assert not app.screen.query_one("#accounts-filter").display
        assert app.focused is app.screen.table


async def test_sort_cycles_and_reverses(make_app, det_emulator):
    add_account(det_emulator, "bravo", minutes=1)
    add_account(det_emulator, "alpha", minutes=3)
    add_account(det_emulator, "charlie", minutes=2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert names(app) == ["alpha", "bravo", "charlie"]
        await pilot.press("O")
        assert names(app) == ["charlie", "bravo", "alpha"]
        assert "Name ▼" in screen_text(app)
        for _ in range(5):  # name -> id -> roles -> status -> account status -> created
            await pilot.press("o")
        assert app.screen.table.sort_key == "created_at"
        assert names(app) == ["bravo", "charlie", "alpha"]
        await pilot.press("O")
        assert names(app) == ["alpha", "charlie", "bravo"]


async def test_header_click_sorts(make_app, det_emulator):
    add_account(det_emulator, "bravo")
    add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert names(app) == ["alpha", "bravo"]
        await pilot.click("#accounts-table", offset=(3, 0))  # the "Name" header
        assert names(app) == ["bravo", "alpha"]


async def test_vim_keys_move_the_cursor(make_app, det_emulator):
    for i in range(30):
        add_account(det_emulator, f"acct-{i:02d}")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        table = app.screen.table
        await pilot.press("j", "j")
        assert table.current_row.name == "acct-02"
        await pilot.press("k")
        assert table.current_row.name == "acct-01"
        await pilot.press("G")
        assert table.current_row.name == "acct-29"
        assert "acct-29" in screen_text(app)  # scrolled into view
        await pilot.press("g")
        assert table.current_row.name == "acct-00"


async def test_refresh_shows_new_accounts(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        add_account(det_emulator, "bravo")
        assert "bravo" not in screen_text(app)
        await pilot.press("r")
        await until(pilot, lambda: "bravo" in screen_text(app))
        assert "Accounts (2)" in screen_text(app)


async def test_select_account_updates_header(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    add_account(det_emulator, "bravo")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert "no account selected" in screen_text(app).splitlines()[0]
        await pilot.press("j", "s")
        await until(pilot, lambda: "account: bravo" in screen_text(app).splitlines()[0])
        assert app.session.selected_account_id == app.screen.table.current_row.acct_id


async def test_a_reload_repaints_no_header_and_a_selection_no_layout(make_app, det_emulator):
    """The header is told after every list loaded: it repaints only when its text changes,
    and without a layout pass (which repainted the table's scrollbar a frame later: one
    more frame, and the screen settled ~30 ms later, after a list of 50,000)."""
    from ccm_tui.widgets.header import SessionHeader

    add_account(det_emulator, "alpha")
    add_account(det_emulator, "bravo")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        header = app.screen.query_one(SessionHeader)
        updates: list[dict] = []
        real_update = header.update
        header.update = lambda *a, **kw: (updates.append(kw), real_update(*a, **kw))[1]
        await pilot.press("r")
        await until(pilot, lambda: accounts_ready(app) and "Accounts (2)" in screen_text(app))
        await pilot.pause()
        assert updates == []
        await pilot.press("j", "s")
        await until(pilot, lambda: "account: bravo" in screen_text(app).splitlines()[0])
        assert updates and all(kw.get("layout") is False for kw in updates)


async def test_copy_id_uses_the_clipboard(make_app, det_emulator):
    acct = add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("c")
        assert app.clipboard == acct["acct_id"]


async def test_empty_state_is_explained(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert "No accounts yet — press n to create one" in screen_text(app)


async def test_error_state_is_explained_and_retry_works(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    det_emulator.faults.fail_next("GET /v1/accounts", 503, count=3, retry_after=0,
                                  body={"message": "maintenance"})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        text = screen_text(app)
        assert "Could not load accounts: HTTP 503" in text
        assert "press r to retry" in text
        await pilot.press("r")
        await until(pilot, lambda: "alpha" in screen_text(app))
        assert "Could not load" not in screen_text(app)


async def test_quit_key(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        assert isinstance(app.screen, AccountsScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_long_filter_stays_readable_while_typing(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        query = "x" * 90 + "tail"
        await pilot.press("slash")
        app.screen.query_one("#accounts-filter").value = "x" * 90
        await pilot.press(*"tail")
        await pilot.pause()
        assert app.screen.query_one("#accounts-filter").value == query
        assert "xxtail" in screen_text(app)  # the box scrolled to the cursor
        assert "No account matches" in screen_text(app)


async def test_long_list_counts_pages_in_the_title_and_esc_keeps_a_partial_list(
        make_app, det_emulator):
    from ccm_tui.emulator.accounts import seed_accounts
    from ccm_tui.api.client import LIST_PAGE_SIZE as PAGE_SIZE
    from ccm_tui.screens.accounts import FIRST_PAGE_SIZE

    total = PAGE_SIZE * 4 + 7
    det_emulator.store.insert_many(
        seed_accounts(total, ids=det_emulator.ids, now=det_emulator.now()),
        det_emulator.user["user_id"])
    # The second page is held on the server: it is on its way when Esc is pressed.
    det_emulator.faults.hold("GET /v1/accounts", after=1)

    def pages_asked() -> int:
        return sum(1 for r in det_emulator.received if (r.method, r.path) == ("GET", "/v1/accounts"))

    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        # The first page is the small one (rows on screen sooner), then pages of PAGE_SIZE.
        await until(pilot, lambda: f"Loading accounts… {FIRST_PAGE_SIZE:,}" in screen_text(app),
                    timeout=20)
        assert "Esc stops" in screen_text(app)
        # While the list loads, what it keeps is out of the collector's walks (frozen)...
        assert gc.get_freeze_count() > 0
        screen = app.screen
        await pilot.press("escape")
        await until(pilot, lambda: not any(w.is_running for w in screen.workers
                                           if w.group == "accounts-load"))
        assert gc.get_freeze_count() == 0 and gc.isenabled()  # ...and given back when stopped
        text = screen_text(app)
        assert f"Accounts ({FIRST_PAGE_SIZE}) — partial" in text
        assert (f"loading stopped after {FIRST_PAGE_SIZE:,} accounts — press r to load them all"
                in text)
        assert len(screen.table.rows) == FIRST_PAGE_SIZE  # what arrived is kept and shown
        assert "Loading" not in text
        # Nothing more is fetched: the page that was on its way was abandoned, and the
        # fetching worker is over (so no later page can arrive).
        assert pages_asked() == 2

        det_emulator.faults.release("GET /v1/accounts")
        await pilot.press("r")  # load it all
        await until(pilot, lambda: f"Accounts ({total})" in screen_text(app))
        text = screen_text(app)
        assert "partial" not in text and "Partial" not in text
        assert len(screen.table.rows) == total
        assert gc.get_freeze_count() == 0 and gc.isenabled()  # and when the list is in


async def test_at_80x24_names_keep_their_room_and_statuses_stay_readable(make_app, det_emulator):
    """Issue 10 #9: names were cut to 11 characters ("Payments (p…" = "Payments (s…"),
    Created disappeared and roles kept 21 columns."""
    add_account(det_emulator, "Payments (prod)", roles=("MANAGER", "WRITER", "READER"))
    add_account(det_emulator, "Payments (staging)", roles=("MANAGER", "WRITER"))
    add_account(det_emulator, "Partner analytics (shared)", roles=("READER",), status="PENDING")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        text = screen_text(app)
        lines = {n: next(l for l in text.splitlines() if n[:8] in l and n[-4:] in l)
                 for n in ("Payments (prod)", "Payments (staging)", "Partner analytics (shared)")}
        for name, line in lines.items():
            assert name in line, line  # whole names
        assert "M W R" in lines["Payments (prod)"] and "M W" in lines["Payments (staging)"]
        assert "PENDING" in lines["Partner analytics (shared)"]
        assert "Active" in lines["Payments (prod)"]
        assert "2023-11-14" in lines["Payments (prod)"]  # Created is on screen
        header = next(l for l in text.splitlines() if "Name" in l)
        assert "My status" in header and "Created" in header


def test_sorting_by_roles_orders_by_privilege():
    from ccm_tui.models import Account
    from ccm_tui.service.accounts import rows_from_accounts, sort_rows

    accounts = [Account(acct_id=f"id{i}", name=n, roles=roles) for i, (n, roles) in enumerate([
        ("reader", ["READER"]), ("writer", ["WRITER"]), ("manager", ["MANAGER"]),
        ("all", ["READER", "WRITER", "MANAGER"])])]
    ordered = [r.name for r in sort_rows(rows_from_accounts(accounts), "roles")]
    assert ordered == ["all", "manager", "writer", "reader"]


async def test_selected_account_is_marked_in_the_table_and_pending_is_explained(make_app, det_emulator):
    add_account(det_emulator, "alpha")
    add_account(det_emulator, "bravo", roles=("READER",), status="PENDING")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))

        def line(name: str) -> str:  # the table row (the header line names the selection too)
            return next(l for l in screen_text(app).splitlines() if name in l and "│" not in l)

        assert "●" not in line("alpha") and "●" not in line("bravo")
        await pilot.press("s")
        await until(pilot, lambda: line("alpha").startswith("●alpha"))
        assert "●" not in line("bravo")
        await pilot.press("j", "s")
        await until(pilot, lambda: line("bravo").startswith("●bravo") and "●" not in line("alpha"))
        messages = "\n".join(str(n.message) for n in app._notifications)  # noqa: SLF001
        assert "membership in it is PENDING" in messages


async def test_scrolling_one_row_shifts_every_row_and_keeps_the_header(make_app, det_emulator):
    """A scroll repaints the rows only (the header is not sent again): every row line must
    still move up by one, and the header stay as it was."""
    for i in range(40):
        add_account(det_emulator, f"scroll-{i:02d}")
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        table = app.screen.table
        await pilot.press("end")
        await until(pilot, lambda: table.scroll_y > 0)
        await pilot.press("home")
        await until(pilot, lambda: table.scroll_y == 0 and "scroll-00" in screen_text(app))
        for _ in range(table._visible_rows() - 1):
            await pilot.press("down")
        await until(pilot, lambda: table.cursor == table._visible_rows() - 1)
        before = screen_text(app).splitlines()
        await pilot.press("down")
        await until(pilot, lambda: table.scroll_y == 1)
        await pilot.pause()
        after = screen_text(app).splitlines()
        header = next(i for i, line in enumerate(before) if "Name" in line and "Id" in line)
        assert after[header][:-2] == before[header][:-2]  # (the scrollbar's cells aside)
        rows_before = [line for line in before[header + 1:] if "scroll-" in line]
        rows_after = [line for line in after[header + 1:] if "scroll-" in line]
        assert "scroll-00" in rows_before[0] and "scroll-01" in rows_after[0]
        assert [r.split()[0] for r in rows_after[:-1]] == [r.split()[0] for r in rows_before[1:]]


async def test_backspace_comes_back_to_each_shorter_query_and_never_to_stale_rows(
        make_app, det_emulator):
    for name in ("alpha", "alpine", "alps", "bravo"):
        add_account(det_emulator, name)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: accounts_ready(app))
        await pilot.press("slash", *"alp")
        assert names(app) == ["alpha", "alpine", "alps"]
        await pilot.press(*"in")
        assert names(app) == ["alpine"]
        await pilot.press("backspace", "backspace")
        assert names(app) == ["alpha", "alpine", "alps"]
        # The list changes (an account deleted elsewhere): the kept results are dropped.
        alps = next(r for r in app.screen.all_rows if r.name == "alps")
        app.screen.account_removed(alps.acct_id)
        await pilot.press("h")  # "alph"
        assert names(app) == ["alpha"]
        await pilot.press("backspace")  # "alp"
        assert names(app) == ["alpha", "alpine"]  # "alps" does not come back
        await pilot.press("backspace", "backspace")  # "a"
        assert names(app) == ["alpha", "alpine", "bravo"]


async def test_scrolling_row_by_row_keeps_the_scrollbar_with_the_rows(make_app, det_emulator):
    """The bar is repainted only when its thumb moves, but always follows the scroll."""
    from ccm_tui.emulator.accounts import seed_accounts
    from ccm_tui.widgets.account_table import _thumb

    det_emulator.store.insert_many(seed_accounts(400, ids=det_emulator.ids, now=det_emulator.now()),
                                   det_emulator.user["user_id"])
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: "Accounts (400)" in screen_text(app))
        table = app.screen.table
        bar = table.vertical_scrollbar
        thumbs = set()
        for _ in range(60):
            await pilot.press("down")
            await pilot.pause()
            assert bar.position == table.scroll_y
            thumbs.add(_thumb(bar, bar.position))
        assert table.scroll_y > 30 and len(thumbs) > 1  # it scrolled, and the thumb moved
        await pilot.press("end")
        await until(pilot, lambda: bar.position == table.scroll_y == table.max_scroll_y)
