"""QuietFooter: Textual's key footer, rebuilt only when what it shows changes.

Textual's ``Footer`` recomposes (every key a new widget, each styled from the CSS) on every
``bindings_updated`` signal: each focus change and each ``refresh_bindings()``, even when the
keys shown stay the same. Opening the accounts screen sent five such signals, and rebuilding
the footer five times was ~170 ms of CPU while that screen opened (mostly just after its first
rows were painted), nearly all of it for the same keys.

This one keeps Textual's rendering and its rules (nothing before the bindings are ready,
nothing while the terminal has no focus, only for its own screen) and adds two: a rebuild is
skipped when the shown bindings (each binding, whether it is enabled, its tooltip) are the
ones last composed, and several signals before one refresh lead to one rebuild.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


def shown_bindings(screen: Screen) -> tuple[Any, ...]:
    """What the footer of ``screen`` shows: each shown binding (a frozen dataclass: its key,
    action, description, group…), whether it is enabled and its tooltip, in order, and the
    command palette's key."""
    active = screen.active_bindings
    shown = tuple((binding, enabled, tooltip)
                  for (_node, binding, enabled, tooltip) in active.values() if binding.show)
    palette = active.get(screen.app.COMMAND_PALETTE_BINDING)
    return shown, palette[1:] if palette is not None else None


class QuietFooter(Footer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._composed: tuple[Any, ...] | None = None  # shown_bindings() at the last compose
        self._rebuild_pending = False

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed = shown_bindings(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if not (self.is_attached and screen is self.screen) or self._rebuild_pending:
            return
        if shown_bindings(screen) == self._composed:
            return
        self._rebuild_pending = True
        self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if self.is_attached and shown_bindings(self.screen) != self._composed:
            await self.recompose()
