"""Shown instead of the UI when the terminal is below 60×15."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen):
    BINDINGS = []

    def compose(self) -> ComposeResult:
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(
            f"Terminal too small (need 60×15, have {width}×{height}).\n"
            "Enlarge the window, or press ctrl+q to quit."
        )
