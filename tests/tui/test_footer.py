"""QuietFooter: the key footer shows what Textual's would, and is rebuilt only when that
changes (each rebuild styles every key again: five of them were ~170 ms of CPU
while the accounts screen opened)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Static
from textual.widgets._footer import FooterKey
from tui_helpers import until

from ccm_tui.widgets.footer import QuietFooter


class Keys(App[None]):
    BINDINGS = [Binding("f2", "edit", "Edit"), Binding("f3", "delete", "Delete")]

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer_type = footer
        self.can_edit = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield Static("body")
        yield self.footer_type()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return True if self.can_edit else None  # None: shown, disabled
        return True

    def action_edit(self) -> None: ...

    def action_delete(self) -> None: ...


def keys(app: App[None]) -> list[tuple[str, bool]]:
    return [(k.description, k.has_class("-disabled")) for k in app.screen.query(FooterKey)
            if k.description]


async def test_same_keys_as_textuals_footer_and_no_rebuild_when_nothing_changed() -> None:
    async with Keys(Footer).run_test() as pilot:
        await until(pilot, lambda: bool(keys(pilot.app)))
        textual_keys = keys(pilot.app)
    async with Keys(QuietFooter).run_test() as pilot:
        app = pilot.app
        await until(pilot, lambda: bool(keys(app)))
        assert keys(app) == textual_keys == [("Edit", False), ("Delete", False), ("palette", False)]
        before = list(app.screen.query(FooterKey))
        for _ in range(3):  # focus moves and binding refreshes that change no key shown
            await pilot.press("tab")
            app.screen.refresh_bindings()
            await pilot.pause()
        await pilot.pause()
        assert list(app.screen.query(FooterKey)) == before  # the same widgets: not rebuilt


async def test_a_key_that_becomes_disabled_is_shown_disabled() -> None:
    async with Keys(QuietFooter).run_test() as pilot:
        app = pilot.app
        await until(pilot, lambda: bool(keys(app)))
        app.can_edit = False
        app.screen.refresh_bindings()
        await until(pilot, lambda: ("Edit", True) in keys(app))
        app.can_edit = True
        app.screen.refresh_bindings()
        await until(pilot, lambda: ("Edit", False) in keys(app))
