"""Account use-cases: table rows, filtering and sorting, and create with reconciliation.

``POST /v1/accounts`` has no idempotency key, so it is never repeated blindly. After an
ambiguous failure (timeout after sending, connection lost, 502/504, an unreadable success
answer) the account list is read and the unique name looked up: that tells truthfully
whether the account exists.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from itertools import compress, repeat
from operator import attrgetter, contains
from typing import TYPE_CHECKING, Any, Literal, overload

from ccm_tui.api.errors import (
    AuthRequired,
    BadRequest,
    CcmError,
    ConnectionLost,
    HttpError,
    MalformedResponse,
    NameTaken,
    PermissionDenied,
    RequestTimeout,
    ServerError,
)
from ccm_tui.api.errors import error_cause as _describe  # the one wording of a cause
from ccm_tui.api.listcols import Columns, of_item
from ccm_tui.models.enums import role_words

if TYPE_CHECKING:  # pydantic: imported when an account is created, not to view one
    from ccm_tui.api.client import CcmClient  # httpx: not needed to hold the table's rows
    from ccm_tui.models import Account, AccountRequest
    from ccm_tui.models.account_record import AccountRecord, AnyAccount

# ----------------------------------------------------------------------------- rows

ROLE_ORDER = ("MANAGER", "WRITER", "READER")
_RANK = {r: i for i, r in enumerate(ROLE_ORDER)}


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


_shared: dict[object, object] = {}


def _share(value):
    """One object for equal small values (statuses, role tuples, search suffixes): 50,000
    rows hold a handful of them, not 50,000 copies."""
    got = _shared.get(value)
    if got is None:
        if len(_shared) > 4096:  # outside text could make them many: stop sharing, not grow
            return value
        _shared[value] = value
        got = value
    return got


def _ordered_roles(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    names = [_text(r) for r in raw]
    return _share(tuple(sorted(dict.fromkeys(names), key=lambda r: (_RANK.get(r, len(_RANK)), r))))


_role_cache: dict[tuple, tuple[str, ...]] = {}


def _role_tuple(raw: object) -> tuple[str, ...]:
    """The roles deduplicated in MANAGER, WRITER, READER order (others after, by name);
    the few distinct lists a server sends are worked out once."""
    if type(raw) is list:
        try:
            key = tuple(raw)
            got = _role_cache.get(key)
        except TypeError:  # an unhashable role: not cached
            return _ordered_roles(raw)
        if got is None:
            got = _ordered_roles(raw)
            if len(_role_cache) < 4096:
                _role_cache[key] = got
        return got
    return _ordered_roles(raw)


_column_cache: dict[tuple, tuple] = {}


def _columns(roles: tuple[str, ...], status: str, account_status: str,
             component: str) -> tuple:
    """(roles, status, account_status, component, search suffix) as objects shared by every
    row with the same values: a few combinations for 50,000 accounts."""
    key = (roles, status, account_status, component)
    got = _column_cache.get(key)
    if got is None:
        suffix = " ".join((" ".join(roles),
                           role_words(roles, "console", sep=", "),
                           status, account_status, component)).casefold()
        got = (_share(roles), _share(status), _share(account_status), _share(component),
               _share(suffix))
        if len(_column_cache) < 4096:
            _column_cache[key] = got
    return got


def _roles(account: AnyAccount) -> tuple[str, ...]:
    return _role_tuple(account.roles or [])


class AccountRow:
    """One account as the table shows it: its columns, nothing else held per row but the
    account's page (``account`` builds the model when details or an edit need it).

    ``__slots__`` and shared values (roles, statuses, the search text of everything but name
    and id) keep 50,000 rows under 800 B each (~90 B of it the packed page bodies), a fifth of
    what the pydantic model with its raw dict and a per-row search string would hold."""

    __slots__ = ("acct_id", "name", "roles", "status", "account_status", "component",
                 "created_at", "folded_name", "_hay", "_suffix", "_body", "_account")

    def __init__(self, acct_id: str, name: str, roles: tuple[str, ...], status: str,
                 account_status: str, component: str, created_at: int | None,
                 body: bytes | None = None, index: int = 0,
                 account: AnyAccount | None = None) -> None:
        self.acct_id = acct_id
        self.name = name
        self.roles, self.status, self.account_status, self.component, self._suffix = _columns(
            roles, status, account_status, component)
        self.created_at = created_at
        folded = name.casefold()
        self.folded_name = name if folded == name else folded
        self._hay = f"{folded}\n{acct_id.casefold()}"  # a filter word is looked for here and in _suffix
        self._body = body  # the page's body, packed (service/packing; shared by its rows)
        self._account = account if account is not None else index

    def __repr__(self) -> str:
        return f"AccountRow(acct_id={self.acct_id!r}, name={self.name!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccountRow):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (self.acct_id, self.name, self.roles, self.status, self.account_status,
                self.component, self.created_at)

    @property
    def account(self) -> AnyAccount:
        """The full account, built from the page the row came from on first use (an
        AccountRecord: no pydantic; MalformedResponse when that item does not validate)."""
        held = self._account
        if isinstance(held, int):
            from ccm_tui.api.client import account_from_page
            from ccm_tui.service.packing import unpack

            held = self._account = account_from_page(unpack(self._body or b""), held)
            self._body = None
        return held

    @property
    def roles_text(self) -> str:
        return " ".join(self.roles)

    @property
    def console_roles(self) -> str:
        return role_words(self.roles, "console", sep=", ")

    @property
    def short_id(self) -> str:
        return self.acct_id[:8]

    @property
    def created_local(self) -> str:
        if self.created_at is None:
            return ""
        ts = float(self.created_at)
        if ts > 1e11:  # milliseconds
            ts /= 1000.0
        try:
            return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")
        except (OverflowError, OSError, ValueError):
            return ""

    def matches(self, terms: Iterable[str]) -> bool:
        return all(t in self._hay or t in self._suffix
                   for t in terms)


def row_from_account(account: AnyAccount) -> AccountRow:
    return AccountRow(
        account.acct_id, account.name or "", _roles(account), _text(account.status),
        _text(account.account_status), _text(account.component), account.created_at,
        account=account,
    )


def _created(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None


def _str(value: object) -> str:
    return value if type(value) is str else _text(value)


#: What a row keeps of one list item, as plain values (see item_fields).
RowFields = tuple[str, str, tuple[str, ...], str, str, str, int | None, int]


def item_fields(item: dict, index: int) -> RowFields:
    """The table's columns of one item of a list answer, as plain values — ``(acct_id, name,
    roles, status, account_status, component, created_at, index)`` — the same columns
    row_from_account gives, without building the model. Cheap to pickle: the start-up helper
    sends these (service/prefetch.py), not the items."""
    return column_fields(of_item(item), index)


def column_fields(columns: Columns, index: int) -> RowFields:
    """item_fields from the item's columns as sent (api/listcols: read without the rest of
    the item)."""
    acct_id, name, roles, status, account_status, component, created = columns
    return (acct_id, _str(name) if name is not None else "", _role_tuple(roles), _str(status),
            _str(account_status), _str(component),
            created if type(created) is int else _created(created), index)


def rows_from_fields(body: bytes, fields: Iterable[RowFields]) -> list[AccountRow]:
    """Rows of one page from its body and each account's ``item_fields``: the body is kept
    packed (service/packing: ~0.45 ms for a page of 1000, ~7x smaller), so 50,000 rows keep
    ~90 B of it each instead of ~600 B, and ``row.account`` still has the exact item to
    build the model from."""
    from ccm_tui.service.packing import pack

    packed = pack(body)
    return [AccountRow(acct_id, name, roles, status, account_status, component, created,
                       packed, index)
            for acct_id, name, roles, status, account_status, component, created, index
            in fields]


def rows_from_accounts(accounts: Iterable[AnyAccount]) -> list[AccountRow]:
    return [row_from_account(a) for a in accounts]


def rows_from_items(items: Iterable[tuple[dict, bytes, int]]) -> list[AccountRow]:
    """Rows of one page's ``(item, body, index)`` (see rows_from_fields)."""
    return rows_from_groups(page_fields(items))


def rows_from_groups(groups: Iterable[tuple[bytes, list[RowFields]]]) -> list[AccountRow]:
    """Rows of ``page_fields`` groups, in order (what the start-up helper sends, too)."""
    out: list[AccountRow] = []
    for body, fields in groups:
        out += rows_from_fields(body, fields)
    return out


def page_fields(items: Iterable[tuple[Any, bytes, int]],
                fields_of: Callable[[Any, int], RowFields] = item_fields,
                ) -> list[tuple[bytes, list[RowFields]]]:
    """``(body, [item_fields…])`` for each body the items come from, in order (a page of a
    list answer has one). ``fields_of``: column_fields for items read as columns."""
    groups: list[tuple[bytes, list[RowFields]]] = []
    last: bytes | None = None
    fields: list[RowFields] = []
    for item, body, index in items:
        if body is not last:
            last, fields = body, []
            groups.append((body, fields))
        fields.append(fields_of(item, index))
    return groups


def _terms(query: str) -> list[str]:
    return query.casefold().split()


def filter_rows(rows: list[AccountRow], query: str) -> list[AccountRow]:
    """Rows whose name/id/roles/status contain every word of ``query`` (case-insensitive):
    the rule itself, row by row. The table filters with :class:`RowFilter`, which finds the
    same rows incrementally (a test holds the two to each other)."""
    terms = _terms(query)
    return [r for r in rows if r.matches(terms)] if terms else list(rows)


class RowView(Sequence[AccountRow]):
    """Some rows of a sorted list, in its order: ``positions`` (ascending indexes into
    ``base``), or every row when it is None. What a filter keeps is an array of positions,
    not a list of rows: a new list of 50,000 rows per keystroke was walked by the cyclic
    garbage collector while it was young (every one of its rows looked at, several ms at each
    collection); an array of ints holds no reference for it to follow."""

    __slots__ = ("base", "positions")

    def __init__(self, base: list[AccountRow], positions: array[int] | None = None) -> None:
        self.base = base
        self.positions = positions

    def __len__(self) -> int:
        return len(self.base) if self.positions is None else len(self.positions)

    @overload
    def __getitem__(self, index: int) -> AccountRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[AccountRow]: ...

    def __getitem__(self, index: int | slice) -> AccountRow | list[AccountRow]:
        at = self.positions
        if isinstance(index, slice):
            if at is None:
                return self.base[index]
            return list(map(self.base.__getitem__, at[index]))
        return self.base[index] if at is None else self.base[at[index]]

    def __iter__(self) -> Iterator[AccountRow]:
        if self.positions is None:
            return iter(self.base)
        return map(self.base.__getitem__, self.positions)

    def base_position(self, index: int) -> int:
        """Where row ``index`` of this view is in ``base``."""
        return index if self.positions is None else self.positions[index]

    def index_of_base(self, position: int) -> int:
        """The index in this view of ``base[position]``, or -1 when the view leaves it out."""
        at = self.positions
        if at is None:
            return position if 0 <= position < len(self.base) else -1
        i = bisect_left(at, position)
        return i if i < len(at) and at[i] == position else -1


class RowFilter:
    """The table's filter over one sorted list of rows (replaced, never changed in place), as
    the operator types: a word grows one character at a time, so a query is looked for only
    among the rows its longest earlier prefix kept, and the result of every prefix of the
    query is kept for Backspace. Each word is looked for in C (``map`` over the rows' name+id
    texts into a bytes mask, ``compress`` into an array of positions), never row by row in
    Python; a word found in every shared roles/status suffix keeps every row without looking
    at one. A query that keeps every candidate keeps the candidates' very array."""

    def __init__(self, rows: list[AccountRow]) -> None:
        self.rows = rows
        self._hays: list[str] | None = None  # row i's name and id, case-folded
        self._suffixes: list[str] = []  # row i's shared roles/status text
        self._distinct: list[str] = []
        self._results: dict[str, array[int] | None] = {}  # folded query -> positions (None: all)

    def prepare(self) -> None:
        """Build the per-row search texts (~5 ms at 50,000 rows): done when the filter box
        opens, so the first keystroke does not pay for it."""
        if self._hays is None:
            rows = self.rows
            self._hays = list(map(_HAY, rows))
            self._suffixes = list(map(_SUFFIX, rows))
            self._distinct = list(dict.fromkeys(self._suffixes))

    def select(self, query: str) -> RowView:
        folded = query.casefold()
        if not folded.split():
            return RowView(self.rows)
        results = self._results
        found = folded in results
        if found:
            positions = results[folded]
        else:
            start: array[int] | None = None  # the longest kept prefix's rows (None: all)
            longest = -1
            for key, kept in results.items():
                if len(key) > longest and folded.startswith(key):
                    longest, start = len(key), kept
            self.prepare()
            positions = start
            for term in folded.split():
                positions = self._narrow(positions, term)
        # Keep the results of the query's prefixes only: what Backspace can come back to.
        for key in [k for k in results if not folded.startswith(k)]:
            del results[key]
        results[folded] = positions
        return RowView(self.rows, positions)

    def _narrow(self, positions: array[int] | None, term: str) -> array[int] | None:
        assert self._hays is not None
        hit = [s for s in self._distinct if term in s]
        if len(hit) == len(self._distinct):
            return positions  # every row's suffix holds the word
        if positions is None:
            hays: Iterable[str] = self._hays
        elif not positions:
            return positions
        else:
            hays = map(self._hays.__getitem__, positions)
        mask = bytes(map(contains, hays, repeat(term)))
        if hit:
            hit_set = set(hit)
            suffixes = (self._suffixes if positions is None
                        else map(self._suffixes.__getitem__, positions))
            size = len(mask)
            mask = (int.from_bytes(mask, "little")
                    | int.from_bytes(bytes(map(hit_set.__contains__, suffixes)), "little")
                    ).to_bytes(size, "little")
        if 0 not in mask:
            return positions  # every candidate matched: the same array
        return array("i", compress(range(len(self.rows)) if positions is None else positions,
                                   mask))


_HAY = attrgetter("_hay")
_SUFFIX = attrgetter("_suffix")


def _created_key(r: AccountRow) -> object:
    return r.created_at if r.created_at is not None else -1


@lru_cache(maxsize=4096)  # role tuples are shared: a handful of keys for 50,000 rows
def _privilege(roles: tuple[str, ...]) -> tuple[int, int, str]:
    """Sort key of a role set: most privileged first (MANAGER > WRITER > READER, then
    more roles before fewer), unknown roles last."""
    rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    highest = min((rank.get(r, len(rank)) for r in roles), default=len(rank) + 1)
    return (highest, -len(roles), " ".join(roles))


_SORT_KEYS: dict[str, Callable[[AccountRow], object]] = {
    "name": lambda r: r.folded_name,
    "acct_id": lambda r: r.acct_id,
    "id": lambda r: r.acct_id,
    "roles": lambda r: _privilege(r.roles),
    "status": lambda r: r.status,
    "account_status": lambda r: r.account_status,
    "component": lambda r: r.component,
    "created_at": _created_key,
    "created": _created_key,
}


def sort_key(key: str) -> Callable[[AccountRow], tuple]:
    getter = _SORT_KEYS.get(key)
    if getter is None:
        raise ValueError(f"cannot sort by {key!r}; allowed: {', '.join(sorted(_SORT_KEYS))}")
    return lambda r: (getter(r), r.acct_id)


def sort_rows(rows: list[AccountRow], key: str, reverse: bool = False) -> list[AccountRow]:
    return sorted(rows, key=sort_key(key), reverse=reverse)


class SortedRows:
    """Every loaded row in the table's order, kept sorted page by page: a page is sorted
    on its own and merged in (appended when it sorts after everything so far, as pages of a
    list in the same order do; else only the tail it reaches is re-merged) — not the whole
    list re-sorted for every page.

    The lists are changed in place (a page appended or its tail merged in), not rebuilt: a new
    list of every row so far, per page, was young for the cyclic garbage collector, which
    walked all its rows at the next collections — at 50,000 accounts a third of the CPU of
    loading them. ``rows`` hands out a list that stays as it was (a table shows it while
    pages arrive): the next page is merged into a copy (copy on write), so a copy is made
    once per frame shown, not once per page."""

    def __init__(self, key: str = "name", reverse: bool = False) -> None:
        self.sort_key, self.reverse = key, reverse
        self._key = sort_key(key)
        self._rows: list[AccountRow] = []
        self._shared = False  # _rows was handed out by ``rows``: copy before changing it
        self._keys: list[tuple] = []  # ascending: (key, id), or its inverse when reversed
        self.longest = 0  # the length of the longest name held (never shrinks)

    @property
    def rows(self) -> list[AccountRow]:
        """Every row, sorted; the list is never changed afterwards."""
        self._shared = True
        return self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def _ordered(self, rows: list[AccountRow]) -> tuple[list[AccountRow], list[tuple]]:
        pairs = sorted(((self._key(r), r) for r in rows), key=_first, reverse=self.reverse)
        return [r for _, r in pairs], [k for k, _ in pairs]

    def add(self, page: list[AccountRow]) -> None:
        if not page:
            return
        self.longest = max(self.longest, max(len(r.name) for r in page))
        rows, keys = self._ordered(page)
        if self._shared:
            self._rows, self._shared = list(self._rows), False
        if not self._rows or self._after(keys[0], self._keys[-1]):
            self._rows.extend(rows)
            self._keys.extend(keys)
            return
        # Only the tail from where the page's first row belongs is merged (in C: Timsort
        # sees two sorted runs).
        at = self._position(keys[0])
        tail_rows, tail_keys = self._merge(self._rows[at:], self._keys[at:], rows, keys)
        self._rows[at:] = tail_rows
        self._keys[at:] = tail_keys

    def _after(self, a: tuple, b: tuple) -> bool:
        return a < b if self.reverse else a > b

    def _position(self, k: tuple) -> int:
        from bisect import bisect_left

        if not self.reverse:
            return bisect_left(self._keys, k)
        lo, hi = 0, len(self._keys)  # descending list: first index whose key < k
        while lo < hi:
            mid = (lo + hi) // 2
            if self._keys[mid] > k:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _merge(self, r1, k1, r2, k2):
        pairs = list(zip(k1, r1, strict=True))
        pairs.extend(zip(k2, r2, strict=True))
        pairs.sort(key=_first, reverse=self.reverse)
        return [r for _, r in pairs], [k for k, _ in pairs]

    def replace(self, rows: list[AccountRow]) -> None:
        self._rows, self._keys = self._ordered(rows)
        self._shared = False
        self.longest = max((len(r.name) for r in rows), default=0)

    def resort(self, key: str, reverse: bool) -> None:
        self.sort_key, self.reverse = key, reverse
        self._key = sort_key(key)
        self.replace(self._rows)


def _first(pair: tuple) -> Any:
    return pair[0]


class Phase(StrEnum):
    VALIDATING = "validating"
    CONNECTING = "connecting"
    SENDING = "sending"
    WAITING = "waiting"
    RECONCILING = "reconciling"
    DONE = "done"


CreateState = Literal["created", "not_created", "unknown"]


@dataclass
class CreateOutcome:
    state: CreateState
    account: AnyAccount | None = None  # the POST's answer (a light record) or one found
    error: CcmError | None = None
    reconciled: bool = False
    message: str = ""
    field: str | None = None
    not_sent: bool = False  # a stopped batch never sent this request (so not created)

    @property
    def created(self) -> bool:
        return self.state == "created"

    @property
    def status(self) -> int | None:
        return self.error.status if self.error is not None else None


PhaseCallback = Callable[[Phase], object]
#: Asks the operator for their password after the session expired (the console's re-login
#: dialog): called with "" first, then with why the last password did not work; None gives up.
PasswordPrompt = Callable[[str], Awaitable[str | None]]


async def reconcile_create(client: CcmClient, name: str) -> Account | None:
    """The account called ``name`` if it exists, else None. Raises CcmError when the list
    cannot be read (then nobody can tell)."""
    accounts = await client.list_accounts()
    for account in accounts:
        if account.name == name:
            return account
    wanted = name.strip()
    for account in accounts:
        if (account.name or "").strip() == wanted:
            return account
    return None


def create_deadline(client: CcmClient) -> float:
    """How long after sending a create the server may still answer it: the longest the
    console waits for an answer (the read timeout). A request the console stopped waiting
    for (cancelled) can still be committed by the server until then."""
    timeouts = getattr(client, "timeouts", None)
    return float(getattr(timeouts, "read", 30.0) or 30.0)


@dataclass
class Confirmation:
    """What the list said after a create the console stopped waiting for."""

    account: Account | None  # the account, when the list holds it
    checks: int
    waited: float  # seconds from sending the request to the last check


async def confirm_create(
    client: CcmClient,
    name: str,
    *,
    sent_at: float,
    deadline: float | None = None,
    interval: float = 0.5,
    on_check: Callable[[int, float], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> Confirmation:
    """Look for the account ``name`` in the list until it appears or ``deadline`` seconds
    (default: ``create_deadline``) have passed since the request was sent (``sent_at``, a
    ``clock()`` time). Only an absence after the deadline means "not created": before it, the
    server may still be working on the request. ``on_check(checks, seconds_left)`` is called
    after each look. Raises CcmError when the list cannot be read."""
    limit = sent_at + (create_deadline(client) if deadline is None else deadline)
    checks = 0
    while True:
        found = await reconcile_create(client, name)
        checks += 1
        now = clock()
        if found is not None or now >= limit:
            return Confirmation(found, checks, now - sent_at)
        if on_check is not None:
            try:
                on_check(checks, limit - now)
            except Exception:  # noqa: BLE001 - a display callback must not stop the check
                pass
        await sleep(min(interval, max(0.0, limit - now)))


def _ambiguous(exc: CcmError) -> bool:
    if isinstance(exc, RequestTimeout):
        return exc.maybe_sent
    if isinstance(exc, (ConnectionLost, MalformedResponse)):
        return True
    return isinstance(exc, ServerError) and exc.status in (502, 504)


class _Creator:
    def __init__(self, client: CcmClient, req: AccountRequest, on_phase: PhaseCallback | None,
                 recheck_delay: float, ask_password: PasswordPrompt | None = None,
                 email: str | None = None) -> None:
        self.client = client
        self.req = req
        self.name = req.name
        self.on_phase = on_phase
        self.recheck_delay = recheck_delay
        self.ask_password = ask_password
        self.email = email
        self._phase: Phase | None = None
        self._declined = False  # the operator gave up logging in again

    def phase(self, p: Phase) -> None:
        self._phase = p
        if self.on_phase is not None:
            try:
                self.on_phase(p)
            except Exception:
                pass

    def done(self, outcome: CreateOutcome) -> CreateOutcome:
        self.phase(Phase.DONE)
        return outcome

    def _sent(self) -> None:
        if self._phase == Phase.SENDING:
            self.phase(Phase.WAITING)

    async def post(self) -> AccountRecord:
        self.phase(Phase.SENDING)
        account = await self.client.create_account(self.req, on_sent=self._sent)
        if self._phase == Phase.SENDING:
            self.phase(Phase.WAITING)
        return account

    async def run(self) -> CreateOutcome:
        from pydantic import ValidationError

        from ccm_tui.models import field_errors

        self.phase(Phase.VALIDATING)
        try:
            type(self.req).model_validate(self.req.wire_body())
        except ValidationError as exc:
            errs = field_errors(exc)
            first = errs[0] if errs else None
            return self.done(CreateOutcome(
                "not_created", message="; ".join(str(e) for e in errs) or "invalid account request",
                field=first.field if first else None,
            ))
        self.phase(Phase.CONNECTING)
        try:
            await self.client.ensure_fresh()
        except CcmError:
            pass  # the POST below reports the problem
        return self.done(await self.attempt(allow_reauth=True))

    async def attempt(self, *, allow_reauth: bool) -> CreateOutcome:
        try:
            account = await self.post()
        except CcmError as exc:
            return await self.failed(exc, allow_reauth=allow_reauth)
        return CreateOutcome(
            "created", account=account, message=f"account {self.name!r} created ({account.acct_id})"
        )

    async def failed(self, exc: CcmError, *, allow_reauth: bool) -> CreateOutcome:
        name = self.name
        if isinstance(exc, NameTaken):
            return CreateOutcome("not_created", error=exc, field="name",
                                 message=f"an account named {name!r} already exists")
        if isinstance(exc, PermissionDenied):
            return CreateOutcome("not_created", error=exc,
                                 message=f"your role does not allow this (HTTP 403: {exc.message})")
        if isinstance(exc, AuthRequired):
            if allow_reauth and await self.renew_session():
                # The 401 means the server refused the request; still, look before sending again.
                outcome = await self.reconcile(exc, after="the session was renewed")
                if outcome.state != "not_created":
                    return outcome
                return await self.attempt(allow_reauth=False)
            if self._declined:
                return CreateOutcome("not_created", error=exc,
                                     message="session expired; the account was not created. "
                                             "Enter submits again after logging in.")
            return CreateOutcome("not_created", error=exc,
                                 message="session expired: log in again, then retry "
                                         "(the server refused the request; nothing was created)")
        if _ambiguous(exc):
            return await self.reconcile(exc)
        if isinstance(exc, BadRequest):
            where = f"{exc.field}: " if exc.field else ""
            return CreateOutcome("not_created", error=exc, field=exc.field,
                                 message=f"{where}{exc.message} (HTTP 400)")
        if isinstance(exc, HttpError):
            hint = ""
            if exc.retry_after:
                hint = f"; the server asks to wait {exc.retry_after:.0f} s"
            return CreateOutcome("not_created", error=exc, field=exc.field,
                                 message=f"not created — {exc}{hint}; retry later")
        # Nothing was sent: connect errors, TLS, connect timeouts.
        return CreateOutcome("not_created", error=exc,
                             message=f"not created — {exc.message}")

    async def renew_session(self) -> bool:
        """A new token after a 401: silently (the remembered password, the client's own
        re-login), else by asking the operator (``ask_password``) until a password works or
        they give up."""
        if self.client.can_reauthenticate and await self.client.reauthenticate():
            return True
        if self.ask_password is None:
            return False
        problem = ""
        while True:
            password = await self.ask_password(problem)
            if not password:
                self._declined = True
                return False
            try:
                await self.client.login(self.email or "", password)
            except CcmError as exc:
                problem = str(exc)  # asked again, with the reason (never the password)
                continue
            return True

    async def reconcile(self, exc: CcmError, *, after: str | None = None) -> CreateOutcome:
        self.phase(Phase.RECONCILING)
        why = after or _describe(exc)
        checks = 2 if isinstance(exc, RequestTimeout) and not after else 1
        found = None
        for i in range(checks):
            if i:
                await asyncio.sleep(self.recheck_delay)
            try:
                found = await reconcile_create(self.client, self.name)
            except CcmError as lerr:
                return CreateOutcome(
                    "unknown", error=exc, reconciled=False,
                    message=(f"cannot tell whether {self.name!r} was created: {why}, and "
                             f"reading the account list failed too ({lerr}); check the list "
                             "before retrying"),
                )
            if found is not None:
                break
        if found is not None:
            return CreateOutcome(
                "created", account=found, error=exc, reconciled=True,
                message=(f"account {self.name!r} was created ({found.acct_id}) — confirmed by "
                         f"the account list after {why}"),
            )
        return CreateOutcome(
            "not_created", error=exc, reconciled=True,
            message=(f"account {self.name!r} was not created — {why}, and the account list "
                     f"(checked {time.strftime('%H:%M:%S')}) does not hold it; retry is safe"),
        )


async def create_account(
    client: CcmClient,
    req: AccountRequest,
    *,
    on_phase: PhaseCallback | None = None,
    recheck_delay: float = 1.0,
    ask_password: PasswordPrompt | None = None,
    email: str | None = None,
) -> CreateOutcome:
    """Create one account; never raises for server or network failures, never posts twice
    unless a 401 was answered, a new session obtained and the list shows the account absent.

    After a 401 the client's own re-login is tried first; when it cannot, ``ask_password``
    (if given) is awaited for the password of ``email`` — the console passes its dialog."""
    return await _Creator(client, req, on_phase, recheck_delay, ask_password, email).run()


# ----------------------------------------------------------------------------- one account


async def get_account(client: CcmClient, acct_id: str, *, with_totals: bool = True
                      ) -> AccountRecord:
    """One account read fresh from the server (with its totals by default): the details
    screen and ``accounts show`` (through ``service.resolve``) read it here. A light record
    (models/account_record.py): viewing an account never imports pydantic. Raises CcmError."""
    return await client.get_account(acct_id, with_totals=with_totals)
