"""How the headless CLI prints accounts: an aligned table, or JSON (secrets redacted).

Everything printed passes the safe-text boundary (:mod:`ccm_tui.safetext`): table cells and
field names have their control, bidi and invisible characters made visible, JSON escapes them,
and columns are measured in terminal cells, not characters.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import IO, Any, TextIO

from ccm_tui.safetext import cell_width, json_text, ljust_cells, visible

TABLE_COLUMNS = ("NAME", "ID", "ROLES", "STATUS", "ACCOUNT STATUS", "COMPONENT", "CREATED")


def account_json(account: Any) -> dict[str, Any]:
    """The account as the server sent it (unknown fields kept), secrets masked."""
    from ccm_tui.service.redact import redact

    return redact(account.raw())


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(json_text(data, indent=2) + "\n")


class JsonArrayWriter:
    """Writes a JSON array element by element, in exactly the text ``print_json(list)``
    gives (indent 2, through the safe-text boundary: ``json_text``):
    ``with JsonArrayWriter(out) as w: w.write_all(items)``. The closing bracket is written
    only when the block ends without an exception."""

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out or sys.stdout
        self.count = 0

    def __enter__(self) -> JsonArrayWriter:
        self.out.write("[")
        return self

    def write_all(self, items: Any) -> None:
        self.write_texts(json_text(item, indent=2) for item in items)

    def write_texts(self, texts: Any) -> None:
        """Elements already encoded (safe JSON text, as json_text gives it)."""
        parts = []
        for text in texts:
            parts.append(("\n  " if self.count == 0 else ",\n  ") + text.replace("\n", "\n  "))
            self.count += 1
        self.out.write("".join(parts))

    def write_block(self, block: str, count: int) -> None:
        """``count`` one-line elements already joined with ``",\\n  "`` (safe JSON text, as
        ListedPage.json_block gives it): what write_texts would write for them."""
        if count:
            self.out.write(("\n  " if self.count == 0 else ",\n  ") + block)
            self.count += count

    def write_page(self, page: Any) -> None:
        """A page of the account list (a ListedPage), one account per line."""
        self.write_block(page.json_block(",\n  "), len(page))

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None:
            self.out.write("\n]\n" if self.count else "]\n")
        else:
            self.out.write("\n")
        self.out.flush()


def _cell(value: Any) -> str:
    # One line per account, whatever the server sent: newlines and escapes made visible.
    return visible(value) or "-"


def format_table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = TABLE_COLUMNS) -> str:
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in cells:
        widths = [max(w, cell_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(ljust_cells(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(ljust_cells(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def account_table(accounts: Sequence[Any]) -> str:
    from ccm_tui.service.accounts import rows_from_accounts

    return rows_table(rows_from_accounts(list(accounts)))


def rows_table(rows: Sequence[Any]) -> str:
    """The accounts table of AccountRow objects (service/accounts: the console's rows)."""
    return format_table([(r.name, r.acct_id, r.roles_text, r.status, r.account_status,
                          r.component, r.created_local) for r in rows])


def account_details(account: Any) -> str:
    """`accounts show` without --json: one "key: value" line per top-level field."""
    data = account_json(account)
    # Unknown fields are kept: their names come from the server too.
    keys = {key: visible(key) for key in data}
    width = max((cell_width(k) for k in keys.values()), default=0)
    lines = []
    for key, value in data.items():
        if isinstance(value, dict | list):
            value = json_text(value, indent=None)
        lines.append(f"{ljust_cells(keys[key], width)}  {_cell(value)}")
    return "\n".join(lines)
