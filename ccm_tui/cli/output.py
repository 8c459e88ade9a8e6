"""How the headless CLI prints accounts: an aligned table, or JSON (secrets redacted)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

TABLE_COLUMNS = ("NAME", "ID", "ROLES", "STATUS", "ACCOUNT STATUS", "COMPONENT", "CREATED")


def account_json(account: Any) -> dict[str, Any]:
    """The account as the server sent it (unknown fields kept), secrets masked."""
    from ccm_tui.service.redact import redact

    return redact(account.raw())


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


class JsonArrayWriter:
    """Writes a JSON array element by element, in exactly the text ``print_json(list)``
    gives (indent 2): ``with JsonArrayWriter(out) as w: w.write_all(items)``. The closing
    bracket is written only when the block ends without an exception."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.count = 0

    def __enter__(self) -> JsonArrayWriter:
        self.out.write("[")
        return self

    def write_all(self, items: Any) -> None:
        parts = []
        for item in items:
            text = json.dumps(item, indent=2, ensure_ascii=False, sort_keys=False)
            parts.append(("\n  " if self.count == 0 else ",\n  ") + text.replace("\n", "\n  "))
            self.count += 1
        self.out.write("".join(parts))

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is None:
            self.out.write("\n]\n" if self.count else "]\n")
        else:
            self.out.write("\n")
        self.out.flush()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # One line per account, whatever the server sent (names may hold odd characters).
    return "".join(ch if ch.isprintable() else " " for ch in text) or "-"


def format_table(rows: Sequence[Sequence[Any]], headers: Sequence[str] = TABLE_COLUMNS) -> str:
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def account_table(accounts: Sequence[Any]) -> str:
    from ccm_tui.service.accounts import rows_from_accounts

    rows = [
        (r.name, r.acct_id, r.roles_text, r.status, r.account_status, r.component,
         r.created_local)
        for r in rows_from_accounts(list(accounts))
    ]
    return format_table(rows)


def account_details(account: Any) -> str:
    """`accounts show` without --json: one "key: value" line per top-level field."""
    data = account_json(account)
    width = max((len(k) for k in data), default=0)
    lines = []
    for key, value in data.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key.ljust(width)}  {_cell(value)}")
    return "\n".join(lines)
