"""Listing accounts: the one paging loop behind the console's table and ``accounts list``.

``account_pages(client)`` reads GET /v1/accounts page after page — pages of the largest size
the server allows (the client's LIST_PAGE_SIZE), optionally after a smaller first page for a
first screen of rows sooner — and yields each as a :class:`ListedPage`. What a caller keeps of
a page is its own choice: ``accounts list`` validated models (``page.accounts()``) or, with
``--json``, each account's redacted JSON on one line (``page.json_lines()``), written as it
arrives. The console's table keeps compact rows (no model until details open), and reads
only their columns: ``account_field_pages(client)``, the same pages as FieldsPage.
"""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ccm_tui.api.client import CcmClient
    from ccm_tui.models import Account
    from ccm_tui.service.accounts import AccountRow, RowFields


#: The console's first GET /v1/accounts asks for FIRST_PAGE_SIZE accounts, which a server
#: answers sooner: rows on screen sooner. The next pages are the largest the server allows.
FIRST_PAGE_SIZE = 100


class ListedPage:
    """One page of GET /v1/accounts: ``items`` as the client parsed them, ``(item, body,
    index)`` each (see CcmClient.iter_account_items)."""

    __slots__ = ("items", "max_depth")

    def __init__(self, items: list[tuple[dict[str, Any], bytes, int]], max_depth: int = 64) -> None:
        self.items = items
        self.max_depth = max_depth

    def __len__(self) -> int:
        return len(self.items)

    def rows(self) -> list[AccountRow]:
        """The table's compact rows (the model is built only for the account opened)."""
        from ccm_tui.service.accounts import rows_from_items

        return rows_from_items(self.items)

    def fields(self) -> list[tuple[bytes, list[RowFields]]]:
        """What the table keeps of this page as plain values, ``(body, [item_fields…])``:
        what the start-up helper sends the console (a FieldsPage there)."""
        from ccm_tui.service.accounts import page_fields

        return page_fields(self.items)

    def accounts(self) -> list[Account]:
        """Every item as a validated Account; MalformedResponse names the first that is
        not one (too deep, or of the wrong shape)."""
        from pydantic import ValidationError

        from ccm_tui.api.client import _too_deep, account_from_page
        from ccm_tui.models import Account

        out = []
        for item, body, index in self.items:
            if _too_deep(item, self.max_depth - 2):
                account_from_page(body, index, max_depth=self.max_depth)  # raises, naming the bound
            try:
                out.append(Account.model_validate(item))
            except ValidationError:
                account_from_page(body, index, max_depth=self.max_depth)  # raises, naming the field
                raise
        return out

    def json_lines(self) -> list[str]:
        """Each account as the server sent it, secrets masked, on one line of safe JSON
        text — no model built (50,000 validations and dumps were most of the time of
        ``accounts list --json``). The depth bound still holds: the encoded text tells when
        an item could be too deep (more containers than the bound), and only then is it
        walked. The secret and safety checks look at the whole page's text at once."""
        return self.json_block("\n").split("\n") if self.items else []

    def json_block(self, separator: str) -> str:
        """The json_lines joined with ``separator`` (which must hold no secret word and no
        character the safe-text rules escape, e.g. ``",\\n  "``): what a writer prints, with
        no list of lines made and split again."""
        from ccm_tui.api.client import _too_deep, account_from_page
        from ccm_tui.safetext import json_safe_text

        limit = self.max_depth - 2
        texts = []
        encode = _item_encoder()
        for item, body, index in self.items:
            try:
                text: str | None = encode(item)
            except RecursionError:
                text = None
            if text is None or (text.count("{") + text.count("[") > limit
                                and _too_deep(item, limit)):
                account_from_page(body, index, max_depth=self.max_depth)  # raises, naming the bound
                text = _encode(item)
            texts.append(text)
        # No newline in compact JSON text: one line per account (json_safe_text writes no
        # newline either); the separator adds no secret word and nothing to escape.
        page = separator.join(texts)
        if _may_hold_secret(page):
            return separator.join(account_json_line(item, text)
                                  for (item, _, _), text in zip(self.items, texts, strict=True))
        return json_safe_text(page)


class FieldsPage:
    """A page of rows as ``ListedPage.fields()`` gave them (from the start-up helper): the
    same ``rows()`` as the ListedPage it came from. Pickling plain tuples and the page's body
    costs the helper ~0.3 ms a page of 1000 and the console as little to read, where the
    parsed items cost ~6 ms each way."""

    __slots__ = ("groups",)

    def __init__(self, groups: list[tuple[bytes, list[RowFields]]]) -> None:
        self.groups = groups

    def __len__(self) -> int:
        return sum(len(fields) for _, fields in self.groups)

    def rows(self) -> list[AccountRow]:
        from ccm_tui.service.accounts import rows_from_groups

        return rows_from_groups(self.groups)

    def fields(self) -> list[tuple[bytes, list[RowFields]]]:
        """The page as ``ListedPage.fields()`` gives it (what the start-up helper sends)."""
        return self.groups


async def account_pages(client: CcmClient, *, first_page_size: int | None = None
                        ) -> AsyncIterator[ListedPage]:
    """Every account the user can see, page after page, in the server's order."""
    from ccm_tui.api.client import LIST_PAGE_SIZE

    depth = client.limits.max_json_depth
    async for items in client.iter_account_items(page_size=LIST_PAGE_SIZE,
                                                 first_page_size=first_page_size):
        yield ListedPage(items, depth)


async def account_field_pages(client: CcmClient, *, first_page_size: int | None = None
                              ) -> AsyncIterator[FieldsPage]:
    """The pages of account_pages with only the table's columns of each account read
    (CcmClient.iter_account_columns): what the console's table and the start-up helper keep.
    A page of 1000 costs ~1 ms here instead of ~3 ms, at 50,000 accounts ~100 ms of the
    helper's CPU, on the path to the last rows."""
    from ccm_tui.api.client import LIST_PAGE_SIZE
    from ccm_tui.service.accounts import column_fields, page_fields

    async for items in client.iter_account_columns(page_size=LIST_PAGE_SIZE,
                                                   first_page_size=first_page_size):
        yield FieldsPage(page_fields(items, column_fields))


P = TypeVar("P")


def started(pages: AsyncIterator[P]) -> AsyncIterator[P]:
    """``pages`` with its first page asked for now (a task), not when the caller first
    iterates: the request then travels while the caller does other work (the accounts screen
    composes and mounts meanwhile). Must be called with the event loop running. Closing the
    returned iterator (a cancelled load) cancels the first request if it is still out."""
    import asyncio

    first: asyncio.Future[P] = asyncio.ensure_future(anext(pages))

    async def chained() -> AsyncIterator[P]:
        try:
            try:
                page = await first
            except StopAsyncIteration:
                return
            yield page
            async for page in pages:
                yield page
        finally:
            if not first.done():
                first.cancel()
            await pages.aclose()  # type: ignore[attr-defined]

    return chained()


#: Pages between two collections in paging_gc(): what the cycles of a response hold (its
#: page's body, up to max_response_mb) is freed at most this many pages late.
GC_EVERY_PAGES = 8


@contextmanager
def paging_gc(every: int = GC_EVERY_PAGES) -> Iterator[Callable[[], None]]:
    """The cyclic garbage collector for a paging loop: call the function given once per
    page written; every ``every`` pages it runs one collection, over this loop's objects
    only.

    Left to itself, the collector ran ~150 times over 50 pages of 1000, traversing each
    page's containers again and again as they aged, and now and then the ~45,000 objects
    of the imports (~10% of ``accounts list --json``). Turned off, the cycle each HTTP
    response makes (response <-> stream) would keep every page's body alive: +30 MB at
    50,000 accounts. So what exists before the loop is frozen (gc.freeze: never traversed;
    unfrozen after), and the loop's own garbage is collected every few pages."""
    was_enabled = gc.isenabled()
    was_frozen = gc.get_freeze_count()
    gc.disable()
    gc.freeze()
    pages = 0

    def page_done() -> None:
        nonlocal pages
        pages += 1
        if pages % every == 0:
            gc.collect()

    try:
        yield page_done
    finally:
        if not was_frozen:  # (someone else's frozen objects are left frozen)
            gc.unfreeze()
        if was_enabled:
            gc.enable()


_encode = json.JSONEncoder(ensure_ascii=False).encode
_item_encode: Any = None


def _item_encoder() -> Any:
    """A function giving exactly ``_encode(item)``, without building a new C encoder for
    each item as JSONEncoder.encode does (a quarter of the time of encoding a page of 1000):
    one C encoder, made once (no circular check: parsed JSON has no cycles). ``_encode``
    itself where the C encoder is missing or gives another text."""
    global _item_encode
    if _item_encode is None:
        _item_encode = _encode
        make = getattr(json.encoder, "c_make_encoder", None)
        if make is not None:
            enc = json.JSONEncoder(ensure_ascii=False)
            try:
                c_encode = make(None, enc.default, json.encoder.encode_basestring, None,
                                enc.key_separator, enc.item_separator, False, False, True)
            except TypeError:  # another signature: keep _encode
                return _item_encode

            def encode(item: Any) -> str:
                return "".join(c_encode(item, 0))

            sample = {"a": [1, 2.5, None, True, {"b": "\u00e9\n\"x\"", "c": []}], "d": {}}
            if encode(sample) == _encode(sample):
                _item_encode = encode
    return _item_encode

#: A structural auth config ``"password": {...}`` (every account has one): redact() looks
#: inside it, and masks nothing when no other secret word is in the text.
_PASSWORD_CONFIG = '"password": {'


def account_json_line(data: dict[str, Any], text: str | None = None) -> str:
    """``json_text(redact(data), indent=None)``, with the deep copy of redact() skipped when
    the encoded text cannot hold anything it would mask: no secret key word anywhere in it
    (case-folded, so any key redact() would match shows), except ``password`` as the
    structural auth config, and no PEM private key, plain or base64. ``text``: ``data``
    already encoded with ``json.dumps(data, ensure_ascii=False)``."""
    from ccm_tui.safetext import json_safe_text
    from ccm_tui.redaction import redact

    if text is None:
        text = _encode(data)
    if _may_hold_secret(text):
        text = _encode(redact(data))
    return json_safe_text(text)


def _secret_hints() -> tuple[str, ...]:
    """The fewest of the secret key words (but ``password``) such that each of them holds
    one: ``token`` stands for ``access_token``, ``id_token``, ... (a text without ``token``
    holds none of them), so a page is searched 6 times, not 10."""
    from ccm_tui.redaction import SECRET_KEYS

    hints: list[str] = []
    for word in sorted(SECRET_KEYS - {"password"}, key=lambda w: (len(w), w)):
        if not any(h in word for h in hints):
            hints.append(word)
    return tuple(hints)


_SECRET_HINTS: tuple[str, ...] | None = None
#: Held by each of redaction._B64_PEM_HINTS (checked by the tests): one search, not three.
_B64_COMMON = "LS0t"


def _may_hold_secret(text: str) -> bool:
    """False only when redact() would mask nothing in the JSON ``text``."""
    global _SECRET_HINTS
    from ccm_tui.redaction import _B64_PEM_HINTS

    if _SECRET_HINTS is None:
        _SECRET_HINTS = _secret_hints()
    low = text.lower()
    return ("private key-----" in low
            or (_B64_COMMON in text and any(h in text for h in _B64_PEM_HINTS))
            or any(word in low for word in _SECRET_HINTS)
            or low.count("password") != text.count(_PASSWORD_CONFIG))
