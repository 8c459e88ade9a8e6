"""The columns of the account table, read from a list answer without building the rest of it.

The table keeps seven values of each account of GET /v1/accounts (``COLUMNS``); the rest of
an item is read again from the page's body only for the account an operator opens. Parsing
a page of 1000 accounts (~600 KB) into dicts and picking the seven out cost ~2 ms; msgspec
reads only those keys and checks the rest of the text as JSON without building it: ~0.6 ms.
At 50,000 accounts that is most of the start-up helper's work on the list
(service/prefetch.py), which is what the operator waits for.

``decode(body)`` answers exactly what picking the columns out of ``_Raw.items()`` would, or
None — and the caller then parses the whole answer the usual way, which accepts or refuses it
as it always has. None is answered for a body under ``FROM_BYTES`` (the console's first page
of 100, a short list: parsed whole as quickly, and msgspec's import, ~4 ms, is then not on
the way to the first rows), where msgspec is not installed, and for any body it does
not read exactly as ``json.loads`` would: not strict UTF-8 (msgspec does not check the text
of the values it skips, ``json.loads`` refuses the whole body), anything msgspec refuses
(NaN, a BOM, a lone surrogate, nesting too deep, an item without a string ``acct_id``, a
document of another shape: the full parse says which), anything it refuses to read as one of
the seven (a number beyond a double, where ``json.loads`` gives inf). Where both read a body,
they read the same values: duplicate keys keep the last, integers of any length are exact.
"""

from __future__ import annotations

from typing import Any

#: The keys of an item the account table shows, in the order of a Columns tuple.
COLUMNS = ("acct_id", "name", "roles", "status", "account_status", "component", "created_at")
#: ``(acct_id, name, roles, status, account_status, component, created_at)`` as sent: None
#: where the key is missing or null.
Columns = tuple[str, Any, Any, Any, Any, Any, Any]

#: Bodies shorter than this are parsed whole (a page of 100 accounts is ~60 KB).
FROM_BYTES = 64 * 1024
_decoder: Any = None  # msgspec's decoder, made on first use; False when msgspec is missing


def of_item(item: dict[str, Any]) -> Columns:
    """The columns of an item parsed whole."""
    get = item.get
    return (item["acct_id"], get("name"), get("roles"), get("status"), get("account_status"),
            get("component"), get("created_at"))


def decode(body: bytes) -> list[Columns] | None:
    """The columns of each item of the list answer ``body``, or None (see the module)."""
    if len(body) < FROM_BYTES:
        return None
    decoder = _decoder if _decoder is not None else _make_decoder()
    if decoder is False:
        return None
    if not body.isascii():
        try:
            body.decode("utf-8")  # strict: what msgspec does not check in what it skips
        except UnicodeDecodeError:
            return None
    try:
        page = decoder.decode(body)
    except Exception:  # noqa: BLE001 - not read here: the full parse decides, and says why
        return None
    return [(i.acct_id, i.name, i.roles, i.status, i.account_status, i.component, i.created_at)
            for i in page.items]


def _make_decoder() -> Any:
    global _decoder
    try:
        import msgspec
    except ImportError:  # pragma: no cover - depends on the platform's wheels
        _decoder = False
        return _decoder

    # gc=False: parsed JSON holds no cycle, and the collector need not track 1000 of these
    # a page. Unknown keys are skipped (their text still checked as JSON).
    item = msgspec.defstruct("ListItem", [("acct_id", str),
                                          *((key, Any, None) for key in COLUMNS[1:])],
                             gc=False)
    page = msgspec.defstruct("ListPage", [("items", list[item], [])],  # type: ignore[valid-type]
                             gc=False)
    _decoder = msgspec.json.Decoder(page)
    return _decoder
