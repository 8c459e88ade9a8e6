"""Inputs with SSH-friendly defaults: the cursor does not blink (no repaint every 0.5 s)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class QuietInput(Input):
    """An Input whose cursor never blinks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cursor_blink = False
