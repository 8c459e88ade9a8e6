"""Faults at submit, in the console: the wizard driven with Pilot, its CcmClient talking real
HTTP to a LIVE loopback emulator (no ASGITransport), one fault injected per row. Every row:
nothing the operator typed is lost, the outcome is said on screen, never two accounts, and no
worker error ("Submit failed unexpectedly") — the TUI's equivalent of a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from reliability_helpers import (
    CREATE, LIST, READ_TIMEOUT, duplicate_answers_400, named, posts, precreate, requests_of,
)
from textual.widgets import Input
from tui_fault_helpers import BASICS, NAME, REVIEW, banner, make_app, on_details, submit, to_review
from wizard_helpers import SIZE, error_text, wait_for

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _precreate(emulator: Any) -> None:
    precreate(emulator, NAME)


def _dup_400(emulator: Any) -> None:
    duplicate_answers_400(emulator, NAME)


@dataclass(frozen=True)
class Row:
    id: str
    inject: Callable[[Any], None]
    lands: str  # "review" (banner), "field" (beside a field), "basics" (name kept), "details"
    says: tuple[str, ...]
    accounts: int
    field: str = ""
    reconciles: bool = False


F = lambda emu: emu.faults

ROWS = [
    Row("500", lambda e: F(e).fail_next(CREATE, 500, body={"message": "database on fire"}),
        "review", ("500", "database on fire", "not created"), 0),
    Row("502-reconciled", lambda e: F(e).fail_next(CREATE, 502),
        "review", ("502", "was not created", "account list"), 0, reconciles=True),
    Row("502-html-error-page", lambda e: F(e).fail_next(CREATE, 502, body=HTML_502,
                                                        content_type="text/html"),
        "review", ("502", "502 Bad Gateway", "was not created"), 0, reconciles=True),
    Row("503-retry-after", lambda e: F(e).fail_next(CREATE, 503, retry_after=7),
        "review", ("503", "wait 7 s", "not created"), 0),
    Row("504-reconciled", lambda e: F(e).fail_next(CREATE, 504),
        "review", ("504", "was not created", "account list"), 0, reconciles=True),
    Row("429", lambda e: F(e).fail_next(CREATE, 429, retry_after=3),
        "review", ("429", "wait 3 s", "not created"), 0),
    Row("400-names-a-field", lambda e: F(e).fail_next(
        CREATE, 400, body={"message": "invalid value for field `component`: not allowed here"}),
        "field", ("not allowed here",), 0, field="component"),
    Row("409-name-taken", _precreate, "basics", ("already exists",), 1),
    Row("400-name-taken", _dup_400, "basics", ("already exists",), 1),
    Row("403", lambda e: F(e).fail_next(CREATE, 403, body={"message": "forbidden"}),
        "review", ("your role does not allow this", "403"), 0),
    Row("timeout-after-commit", lambda e: F(e).delay_after_commit(READ_TIMEOUT * 3),
        "details", (), 1, reconciles=True),
    Row("connection-closed-after-commit", lambda e: F(e).drop_after_commit(),
        "details", (), 1, reconciles=True),
    Row("slower-than-read-timeout", lambda e: F(e).latency(READ_TIMEOUT + 0.3, route=CREATE),
        "details", (), 1, reconciles=True),
    Row("200-malformed-json", lambda e: F(e).malformed_next(CREATE, kind="json"),
        "review", ("unreadable", "was not created"), 0, reconciles=True),
    Row("200-html-page", lambda e: F(e).malformed_next(CREATE, kind="html"),
        "review", ("unreadable", "was not created"), 0, reconciles=True),
    Row("dropped-and-list-fails-cannot-tell", lambda e: (
        F(e).drop_after_commit(), F(e).fail_next(LIST, 500, count=10)),
        "review", ("Could not tell whether the account was created",), 1),
]


@pytest.mark.parametrize("row", ROWS, ids=[f"tui{i + 1:02d}-{r.id}" for i, r in enumerate(ROWS)])
async def test_wizard_submit_under_fault(row: Row, server, live_session):
    emulator = server.emulator
    app = make_app(live_session)
    async with app.run_test(size=SIZE) as pilot:
        wiz = await to_review(pilot)
        row.inject(emulator)
        await submit(pilot, wiz)
        if row.lands == "details":
            await wait_for(pilot, lambda: on_details(app))
        else:
            assert wiz.is_attached and app.screen is wiz
            assert wiz.form.name == NAME  # nothing typed is lost
            if row.lands == "basics":
                assert wiz.step == BASICS
                assert wiz.query_one("#name", Input).value == NAME
                shown = error_text(wiz, "name")
            else:
                assert wiz.step == REVIEW
                shown = error_text(wiz, row.field) if row.field else banner(wiz)
            assert "unexpectedly" not in shown and "Traceback" not in shown
            for phrase in row.says:
                assert phrase in shown, f"{phrase!r} missing from {shown!r}"
    assert len(named(emulator, NAME)) == row.accounts
    assert posts(emulator) == 1
    if row.reconciles:
        assert requests_of(emulator, "GET", "/v1/accounts") >= 2  # the screen's load + the check


