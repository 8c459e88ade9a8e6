"""The table's incremental filter (RowFilter) finds exactly what filter_rows finds, whatever
the order of the keystrokes; RowView behaves as the list of rows it stands for."""

from __future__ import annotations

import random

import pytest

from ccm_tui.service.accounts import (
    AccountRow,
    RowFilter,
    RowView,
    SortedRows,
    filter_rows,
    sort_rows,
)

STATUSES = [("ACTIVE", "Active"), ("PENDING", "Active"), ("ACTIVE", "Deactivated")]
ROLES = [("MANAGER",), ("WRITER", "READER"), ("READER",), ("FUTURE_ROLE",)]


def _rows(n: int = 400) -> list[AccountRow]:
    rnd = random.Random(14)
    rows = []
    for i in range(n):
        status, account_status = STATUSES[i % len(STATUSES)]
        name = rnd.choice(["Zeta", "alpha", "Beta", "ÉCOLE", "straße"]) + f" {rnd.randrange(1000):03d}"
        rows.append(AccountRow(f"{i:08x}-{rnd.randrange(16**4):04x}", name, ROLES[i % len(ROLES)],
                               status, account_status, "DEFAULT", i))
    return sort_rows(rows, "name")


def _typing(query: str) -> list[str]:
    """Every filter text on the way to ``query`` and back: typed, then erased."""
    up = [query[:i] for i in range(1, len(query) + 1)]
    return up + up[-2::-1] + [""]


@pytest.mark.parametrize("query", ["zeta 01", "ALPHA", "00000", "manager", "editor", "deactivated",
                                   "beta viewer 1", "ECOLE", "strasse", "0 0", "nothing here",
                                   "a", "active"])
def test_each_keystroke_finds_what_filter_rows_finds(query):
    rows = _rows()
    flt = RowFilter(rows)
    for text in _typing(query):
        got = flt.select(text)
        assert list(got) == filter_rows(rows, text), text
        assert len(got) == len(filter_rows(rows, text))


def test_jumping_between_queries_and_a_new_list():
    rows = _rows()
    flt = RowFilter(rows)
    for text in ["be", "beta 1", "al", "alpha 12", "alpha 1", "reader", "reader 3", "", "x"]:
        assert list(flt.select(text)) == filter_rows(rows, text), text
    fewer = rows[::3]
    assert list(RowFilter(fewer).select("beta")) == filter_rows(fewer, "beta")


def test_row_view_is_the_rows_it_stands_for():
    rows = _rows(50)
    view = RowFilter(rows).select("reader")
    expected = filter_rows(rows, "reader")
    assert 0 < len(view) < len(rows)
    assert [view[i] for i in range(len(view))] == expected
    assert view[2:7] == expected[2:7]
    assert view[-1] is expected[-1]
    for i, row in enumerate(expected):
        assert view.index_of_base(rows.index(row)) == i
        assert view.base[view.base_position(i)] is row
    left_out = next(i for i, r in enumerate(rows) if r not in expected)
    assert view.index_of_base(left_out) == -1
    whole = RowView(rows)
    assert list(whole) == rows and whole[3:5] == rows[3:5] and whole.index_of_base(7) == 7


@pytest.mark.parametrize(("key", "reverse"), [("name", False), ("name", True), ("created_at", False)])
def test_sorted_rows_merge_pages_and_keep_what_was_handed_out(key, reverse):
    rows = _rows(300)
    random.Random(3).shuffle(rows)
    store = SortedRows(key, reverse)
    seen: list[tuple[list[AccountRow], list[AccountRow]]] = []
    for start in range(0, len(rows), 40):
        store.add(rows[start:start + 40])
        shown = store.rows
        seen.append((shown, list(shown)))
        assert shown == sort_rows(rows[:start + 40], key, reverse)
    # Every list handed out is still what it was when it was handed out.
    assert all(shown == copy for shown, copy in seen)
    assert len(store) == len(rows)
    in_order = sort_rows(rows, key, reverse)
    appended = SortedRows(key, reverse)
    for start in range(0, len(in_order), 50):
        appended.add(in_order[start:start + 50])
    assert appended.rows == in_order
