"""FieldGrid: the details' grouped fields, drawn as the two-column grid they were (labels
bold and never wrapped, values wrapped under their own column, outside text never markup)."""

from __future__ import annotations

from rich.console import Console

from ccm_tui.widgets.account_view import FieldGrid

GROUPS = [
    ("Identity", [("name", "Delta [bold]Ops[/]"), ("id", "ae97ba94-d0ed-482f-8f6d-05584ef8aa38")]),
    ("Totals", [("datasets", "0"), ("about", "alpha beta gamma delta epsilon zeta eta theta")]),
]


def lines(width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(FieldGrid(GROUPS))
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_labels_and_values_in_two_columns_with_a_blank_line_between_groups() -> None:
    assert lines(80) == [
        "Identity",
        "  name     Delta [bold]Ops[/]",  # outside text is shown as sent, never as markup
        "  id       ae97ba94-d0ed-482f-8f6d-05584ef8aa38",
        "",
        "Totals",
        "  datasets 0",
        "  about    alpha beta gamma delta epsilon zeta eta theta",
    ]


def test_a_value_wider_than_its_column_wraps_under_the_column_and_long_words_fold() -> None:
    shown = lines(30)
    assert shown[2:4] == ["  id       ae97ba94-d0ed-482f-", "           8f6d-05584ef8aa38"]
    assert shown[7:] == ["  about    alpha beta gamma", "           delta epsilon zeta", "           eta theta"]
    assert all(len(line) <= 30 for line in shown)


def test_labels_are_bold_and_values_keep_their_own_style() -> None:
    console = Console(width=80, file=open("/dev/null", "w"), color_system="standard")
    segments = list(console.render(FieldGrid(GROUPS), console.options))
    label = next(s for s in segments if s.text.startswith("  name"))
    value = next(s for s in segments if s.text.startswith("Delta"))
    assert label.style is not None and label.style.bold
    assert not (value.style and value.style.bold)
