"""Widget ids for field paths, and finding the error label nearest to a field."""

from __future__ import annotations

import re

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Label

from ccm_tui.widgets.safe import safe

_TRAIL = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


class FieldErrorLabel(Label):
    """An error line beside a field: hidden (no height) while it has nothing to say.

    Its text is always plain: messages quote what the operator typed and what the server
    answered, so they pass the safe-text boundary and are never parsed as markup."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(safe(text, newlines=True), id=id, classes="field-error")
        self.text = text
        self.display = bool(text.strip())

    def update(self, content: object = "") -> None:  # type: ignore[override]
        self.text = str(content)
        super().update(safe(self.text, newlines=True))
        self.display = bool(self.text.strip())


def field_key(path: str) -> str:
    """A CSS-safe id fragment for a request field path."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", path)


def error_label_for(root: DOMNode, path: str, message: str = "") -> Label | None:
    """The ``err-<key>`` label for ``path`` or its nearest parent field, under ``root``.

    A model-level message that starts with a member name ("client_secret must not be
    empty", reported at ``oauth``) goes beside that member when it has a label."""
    first = message.split(" ", 1)[0]
    if re.fullmatch(r"[a-z_]+", first or "-"):
        found = root.query(f"#err-{field_key(f'{path}.{first}' if path else first)}")
        if found:
            return found.first(Label)
    current = path
    while current:
        found = root.query(f"#err-{field_key(current)}")
        if found:
            return found.first(Label)
        trimmed = _TRAIL.sub("", current)
        if trimmed == current:
            break
        current = trimmed
    return None


def field_of(label: Label) -> Widget | None:
    """The focusable field an error label belongs to: the nearest one before it among its
    siblings (fields are laid out as label, field, error line)."""
    parent = label.parent
    if parent is None:
        return None
    siblings = list(parent.children)
    for widget in reversed(siblings[: siblings.index(label)]):
        if getattr(widget, "can_focus", False) and widget.display:
            return widget
        if isinstance(widget, FieldErrorLabel):
            continue
        focusable = [w for w in widget.query("*") if getattr(w, "can_focus", False) and w.display]
        if focusable:
            return focusable[0]
    return None


def focus_first_error(root: DOMNode) -> bool:
    """After a failed Save or Next: focus the first field (in screen order) whose error
    line says something and scroll it, with its error, into view. True when one was found."""
    for label in root.query(FieldErrorLabel):
        if not label.display or not label.text.strip():
            continue
        field = field_of(label)
        target = field if field is not None else label
        if field is not None:
            field.focus(scroll_visible=False)
        # The field and its error line in view: the error is just below the field, so
        # showing the error (once the layout knows its height) shows the field too.
        label.call_after_refresh(_show_both, target, label)
        return True
    return False


def _show_both(field: Widget, label: Label) -> None:
    field.scroll_visible(animate=False, immediate=True)
    label.scroll_visible(animate=False, immediate=True)
