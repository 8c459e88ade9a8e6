"""Palette commands of the current screen (ctrl+p): the screen offers them, the app lists them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand


def screen_commands(app: Any, screen: Any) -> Iterable[SystemCommand]:
    offer = getattr(screen, "palette_commands", None)
    if offer is None:
        return
    for title, help_text, callback in offer():
        yield SystemCommand(title, help_text, callback)
