"""Check boxes and radio buttons whose state shows without colour.

Textual draws the same ``▐X▌``/``▐●▌`` for on and off and tells them apart by colour only:
under ``NO_COLOR`` or the ansi themes an operator cannot see what is selected. These draw
``[x]``/``[ ]`` and ``(•)``/``( )``; the colours still apply on top."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox as _Checkbox
from textual.widgets import RadioButton as _RadioButton


class Checkbox(_Checkbox):
    ON, OFF = "[x]", "[ ]"

    @property
    def _button(self) -> Content:
        return Content.assemble((self.ON if self.value else self.OFF, self.get_visual_style("toggle--button")))


class RadioButton(_RadioButton):
    ON, OFF = "(•)", "( )"

    @property
    def _button(self) -> Content:
        return Content.assemble((self.ON if self.value else self.OFF, self.get_visual_style("toggle--button")))
