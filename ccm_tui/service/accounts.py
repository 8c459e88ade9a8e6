"""Account use-cases: table rows, filtering and sorting, and create with reconciliation.

``POST /v1/accounts`` has no idempotency key, so it is never repeated blindly. After an
ambiguous failure (timeout after sending, connection lost, 502/504, an unreadable success
answer) the account list is read and the unique name looked up: that tells truthfully
whether the account exists.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import ValidationError

from ccm_tui.api.client import CcmClient
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
from ccm_tui.models import Account, AccountRequest, field_errors

# ----------------------------------------------------------------------------- rows

ROLE_ORDER = ("MANAGER", "WRITER", "READER")
CONSOLE_ROLE = {"MANAGER": "Administrator", "WRITER": "Editor", "READER": "Viewer"}


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def _roles(account: Account) -> tuple[str, ...]:
    names = [_text(r) for r in account.roles or []]
    rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    return tuple(sorted(dict.fromkeys(names), key=lambda r: (rank.get(r, len(rank)), r)))


@dataclass(frozen=True)
class AccountRow:
    acct_id: str
    name: str
    roles: tuple[str, ...]
    roles_text: str
    console_roles: str
    status: str
    account_status: str
    component: str
    created_at: int | None
    account: Account = field(compare=False, repr=False)
    _haystack: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        hay = " ".join(
            (self.name, self.acct_id, self.roles_text, self.console_roles, self.status,
             self.account_status, self.component)
        ).casefold()
        object.__setattr__(self, "_haystack", hay)

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
        return all(t in self._haystack for t in terms)


def row_from_account(account: Account) -> AccountRow:
    roles = _roles(account)
    return AccountRow(
        acct_id=account.acct_id,
        name=account.name or "",
        roles=roles,
        roles_text=" ".join(roles),
        console_roles=", ".join(CONSOLE_ROLE.get(r, r.title()) for r in roles),
        status=_text(account.status),
        account_status=_text(account.account_status),
        component=_text(account.component),
        created_at=account.created_at,
        account=account,
    )


def rows_from_accounts(accounts: Iterable[Account]) -> list[AccountRow]:
    return [row_from_account(a) for a in accounts]


def filter_rows(rows: list[AccountRow], query: str) -> list[AccountRow]:
    """Rows whose name/id/roles/status contain every word of ``query`` (case-insensitive)."""
    terms = query.casefold().split()
    if not terms:
        return list(rows)
    return [r for r in rows if r.matches(terms)]


def _privilege(roles: tuple[str, ...]) -> tuple[int, int, str]:
    """Sort key of a role set: most privileged first (MANAGER > WRITER > READER, then
    more roles before fewer), unknown roles last."""
    rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    highest = min((rank.get(r, len(rank)) for r in roles), default=len(rank) + 1)
    return (highest, -len(roles), " ".join(roles))


_SORT_KEYS: dict[str, Callable[[AccountRow], object]] = {
    "name": lambda r: r.name.casefold(),
    "acct_id": lambda r: r.acct_id,
    "id": lambda r: r.acct_id,
    "roles": lambda r: _privilege(r.roles),
    "status": lambda r: r.status,
    "account_status": lambda r: r.account_status,
    "component": lambda r: r.component,
    "created_at": lambda r: r.created_at if r.created_at is not None else -1,
    "created": lambda r: r.created_at if r.created_at is not None else -1,
}


def sort_rows(rows: list[AccountRow], key: str, reverse: bool = False) -> list[AccountRow]:
    getter = _SORT_KEYS.get(key)
    if getter is None:
        raise ValueError(f"cannot sort by {key!r}; allowed: {', '.join(sorted(_SORT_KEYS))}")
    return sorted(rows, key=lambda r: (getter(r), r.acct_id), reverse=reverse)


async def load_accounts(
    client: CcmClient, *, on_page: Callable[[list[Account]], object] | None = None
) -> list[Account]:
    """Every account, page after page; ``on_page`` sees each page as it arrives."""
    if on_page is None:
        return await client.list_accounts()
    out: list[Account] = []
    async for page in client.iter_account_pages():
        out.extend(page)
        on_page(page)
    return out


# ----------------------------------------------------------------------------- create


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
    account: Account | None = None
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
    sleep: Callable[[float], object] = asyncio.sleep,
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


def _describe(exc: CcmError) -> str:
    if isinstance(exc, RequestTimeout):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionLost):
        return "the connection was lost before the answer arrived"
    if isinstance(exc, MalformedResponse):
        return "the server's answer was unreadable"
    return str(exc)


class _Creator:
    def __init__(self, client: CcmClient, req: AccountRequest, on_phase: PhaseCallback | None,
                 recheck_delay: float) -> None:
        self.client = client
        self.req = req
        self.name = req.name
        self.on_phase = on_phase
        self.recheck_delay = recheck_delay
        self._phase: Phase | None = None

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

    async def post(self) -> Account:
        self.phase(Phase.SENDING)
        account = await self.client.create_account(self.req, on_sent=self._sent)
        if self._phase == Phase.SENDING:
            self.phase(Phase.WAITING)
        return account

    async def run(self) -> CreateOutcome:
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
            if allow_reauth and self.client.can_reauthenticate and await self.client.reauthenticate():
                # The 401 means the server refused the request; still, look before sending again.
                outcome = await self.reconcile(exc, after="the session was renewed")
                if outcome.state != "not_created":
                    return outcome
                return await self.attempt(allow_reauth=False)
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
) -> CreateOutcome:
    """Create one account; never raises for server or network failures, never posts twice
    unless a 401 was answered and the list shows the account absent."""
    return await _Creator(client, req, on_phase, recheck_delay).run()
