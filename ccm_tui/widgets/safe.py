"""The Textual side of the safe-text boundary (:mod:`ccm_tui.safetext` is the plain side).

A string we did not write reaches a widget only as a :class:`~textual.content.Content` built here:
never interpolated into a markup string (``[@click=…]`` would run an action, an unbalanced ``[/]``
would raise MarkupError), and with every control, bidi and invisible character made visible.
Markup stays only in strings we write ourselves; to mix both, write the template in markup and
pass the outside strings as variables: ``safe_markup("[b]$name[/b] exists", name=server_name)``.

Rich-based places (a rich ``Table`` cell, a ``Tree`` label) take :func:`safe_text`; a ``Tree``
that shows outside strings overrides ``process_label`` with :func:`plain_label` (``Tree`` parses
``str`` labels as markup).
"""

from __future__ import annotations

from rich.text import Text, TextType
from textual.content import Content

from ccm_tui.safetext import visible


def safe(value: object, *, newlines: bool = False) -> Content:
    """Plain content for an outside string: no markup parsed, unsafe characters made visible."""
    return Content(visible(value, newlines=newlines))


def safe_markup(template: str, **values: object) -> Content:
    """Our own markup ``template`` with outside strings substituted as plain text (``$name``)."""
    return Content.from_markup(template, **{k: safe(v) for k, v in values.items()})


def safe_text(value: object, *, style: str = "", newlines: bool = False) -> Text:
    """The same as :func:`safe` as a Rich ``Text`` (for rich tables and tree labels)."""
    return Text(visible(value, newlines=newlines), style=style)


def plain_label(label: TextType) -> Text:
    """A ``Tree.process_label`` that never parses markup: ``str`` labels are outside text; a
    ``Text`` we built keeps its style, and its characters still pass the boundary."""
    if isinstance(label, str):
        return safe_text(label)
    plain = visible(label.plain)
    if plain == label.plain:
        return label
    return Text(plain, style=label.style)
