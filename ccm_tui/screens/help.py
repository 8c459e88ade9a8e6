"""Help: the keys of the screen it was opened from (its bindings, as currently mapped)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

_GLOBAL = [
    ("ctrl+p", "command palette (new account, refresh, filter, theme, quit)"),
    ("F1 / ?", "this help"),
    ("L", "request log: this session's requests (Enter details, y copy as curl)"),
    ("escape", "back / close"),
    ("ctrl+q", "quit"),
]


def _key_label(app: Any, binding: Binding) -> str:
    return app.get_key_display(binding)


def bindings_of(screen: Any) -> list[tuple[str, str]]:
    """(keys, description) of every key that works on the screen: its own bindings and
    those of the focused widget and its containers (the table's j/k, g/G…), with any
    keymap applied; every key of a binding is listed ("down / j")."""
    nodes: list[Any] = [screen]
    focused = getattr(screen, "focused", None)
    if focused is not None:
        chain = [n for n in focused.ancestors_with_self if n is not screen and n is not screen.app]
        nodes.extend(reversed(chain))
    keys_of: dict[str, list[str]] = {}
    label_of: dict[str, str] = {}
    for node in nodes:
        for _key, active in node._bindings.key_to_bindings.items():
            for binding in active:
                if not binding.id or not binding.description:
                    continue
                shown = _key_label(screen.app, binding)
                label_of.setdefault(binding.id, binding.description)
                keys = keys_of.setdefault(binding.id, [])
                if shown not in keys:
                    keys.append(shown)
    return [(" / ".join(keys), label_of[ident]) for ident, keys in keys_of.items()]


class HelpScreen(ModalScreen):
    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("q", "close", "Close", show=False, id="help.close_q"),
        Binding("f1", "close", "Close", show=False, id="help.close_f1"),
    ]

    def __init__(self, for_screen: Any) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._content(), id="help-text")

    def _content(self) -> Table:
        screen = self.for_screen
        title = getattr(screen, "HELP_TITLE", "") or type(screen).__name__.replace("Screen", "")
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text(f"Help — {title}", style="bold underline"), "")
        intro = getattr(screen, "HELP_TEXT", "")
        if intro:
            table.add_row("", intro)
        for keys, description in bindings_of(screen):
            table.add_row(keys, description)
        table.add_row(Text("Everywhere", style="bold underline"), "")
        for keys, description in _GLOBAL:
            table.add_row(keys, description)
        return table

    def action_close(self) -> None:
        self.dismiss()
