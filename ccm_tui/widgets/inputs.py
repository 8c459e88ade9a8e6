"""Inputs with SSH-friendly defaults: the cursor does not blink (no repaint every 0.5 s).

Their value may come from outside (a draft file, a paste): :class:`PlainInput` shows it
through the safe-text boundary without changing it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Input

from ccm_tui.safetext import visible_in_place


class PlainInput(Input):
    """An Input that shows control, bidi and invisible characters of its value made visible
    (one for one, so cursor and selection positions still match); the value is unchanged."""

    @property
    def _value(self) -> Text:  # Textual's rendering hook for the value (8.x)
        text = super()._value
        if self.password:
            return text
        shown = visible_in_place(text.plain)
        if shown == text.plain:
            return text
        return Text(shown, no_wrap=True, overflow="ignore", end="")


class QuietInput(PlainInput):
    """An Input whose cursor never blinks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False
