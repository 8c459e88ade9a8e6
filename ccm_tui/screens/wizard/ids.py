"""Widget ids for field paths, and finding the error label nearest to a field."""

from __future__ import annotations

import re

from textual.dom import DOMNode
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
