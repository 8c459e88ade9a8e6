"""Pilot helpers for the wizard fault tests over a live emulator (imported as a plain module)."""

from __future__ import annotations

from textual.widgets import Input
from wizard_helpers import open_wizard, wait_for

NAME = "Wizard Fault Co"
REVIEW, BASICS = 4, 0


def make_app(session):
    from ccm_tui.app import create_app

    return create_app(session=session)


async def to_review(pilot, name: str = NAME):
    wiz = await open_wizard(pilot)
    # Typing is covered by the wizard's own tests; filling the field keeps 20+ rows quick.
    wiz.query_one("#name", Input).value = name
    await wiz.action_jump(REVIEW)  # the 1-5 keys' action: validates each step on the way
    await pilot.pause()
    assert wiz.step == REVIEW
    return wiz


async def submit(pilot, wiz, timeout: float = 8.0) -> None:
    await pilot.press("enter")
    await wait_for(pilot, lambda: wiz.outcome is not None and not wiz.in_flight
                   or not wiz.is_attached, timeout)
    await pilot.pause()


def banner(wiz) -> str:
    return wiz.pane(REVIEW).query_one("#review-error").text


def on_details(app) -> bool:
    from ccm_tui.screens.details import AccountDetailsScreen

    return isinstance(app.screen, AccountDetailsScreen)
