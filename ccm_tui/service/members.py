"""Members of an account: table rows, guard rails, and invite / change / remove with outcomes.

Shared by the console's Members screen and ``ccm-tui members``. No Textual here.

Every action is checked locally *before anything is sent* (:func:`check_action`): only an
ACTIVE MANAGER may invite, change or remove members; the last ACTIVE MANAGER of an account
cannot be demoted, disabled or removed; changing or removing your own MANAGER role needs an
explicit ``confirmed_self=True`` (the caller asks first). The server may still refuse (403,
400 for the last manager, 409 for an existing member): those answers become the same typed
outcomes.

Writes are never repeated. After an ambiguous failure (timeout after sending, connection lost,
502/504, an unreadable success answer) the member list is read again and tells what happened:
for an invitation "is the email a member now?", for a change "are the roles / status as sent?",
for a removal "is the member gone?".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ccm_tui.api.client import CcmClient
from ccm_tui.api.errors import (
    AuthRequired,
    BadRequest,
    CcmError,
    HttpError,
    NameTaken,
    NotFound,
    PermissionDenied,
)
from ccm_tui.models.enums import AccessRoles, UserAccountStatus, role_words
from ccm_tui.models.session import User  # (a light record: listing members needs no pydantic)

if TYPE_CHECKING:  # pydantic: imported by the writes that build them, not to list or count
    from ccm_tui.models.user import InviteUserRequest, UpdateUserRequest

# one definition of the role words, and of when a write's outcome is unclear
from ccm_tui.service.accounts import ROLE_ORDER, _ambiguous, _describe
#: What each role may do, in one line (the invite and change-roles checklists show it).
ROLE_HELP = {
    "MANAGER": "manage members and the account's settings",
    "WRITER": "create and change apps, images, datasets, workflows",
    "READER": "see the account and its objects; change nothing",
}
STATUS_WORDS = {"ACTIVE": "active", "PENDING": "invitation pending", "DISABLED": "disabled"}

#: Members read at most (pages of PAGE_SIZE); a longer list is shown truncated, and said so.
PAGE_SIZE = 100
MAX_MEMBERS = 10_000


# ----------------------------------------------------------------------------- rows

def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def sorted_roles(roles: Iterable[object]) -> tuple[str, ...]:
    names = [_text(r) for r in roles]
    rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    return tuple(sorted(dict.fromkeys(names), key=lambda r: (rank.get(r, len(rank)), r)))


def local_time(ts: int | None, *, never: str = "never") -> str:
    if ts is None:
        return never
    value = float(ts)
    if value > 1e11:  # milliseconds
        value /= 1000.0
    try:
        return datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return never


@dataclass(frozen=True)
class MemberRow:
    user_id: str
    email: str
    name: str  # first and last name, "" when the server sent none
    roles: tuple[str, ...]
    status: str  # membership status: ACTIVE / PENDING / DISABLED (or what the server sent)
    email_verified: bool | None
    last_login: int | None
    created_at: int | None
    is_me: bool
    user: User = field(compare=False, repr=False)
    _haystack: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        hay = " ".join((self.name, self.email, self.user_id, self.roles_text, self.console_roles,
                        self.status, self.status_text)).casefold()
        object.__setattr__(self, "_haystack", hay)

    @property
    def roles_text(self) -> str:
        return " ".join(self.roles)

    @property
    def console_roles(self) -> str:
        return role_words(self.roles, "console", sep=", ")

    @property
    def status_text(self) -> str:
        return STATUS_WORDS.get(self.status, self.status.lower())

    @property
    def display(self) -> str:
        """How to name this person in a sentence: "Ada Lovelace <ada@example.com>"."""
        return f"{self.name} <{self.email}>" if self.name else self.email or self.user_id

    @property
    def last_login_local(self) -> str:
        return local_time(self.last_login)

    @property
    def verified_text(self) -> str:
        return {True: "yes", False: "no"}.get(self.email_verified, "")  # type: ignore[arg-type]

    @property
    def is_active_manager(self) -> bool:
        return self.status == "ACTIVE" and "MANAGER" in self.roles

    def matches(self, terms: Iterable[str]) -> bool:
        return all(t in self._haystack for t in terms)


def row_from_user(user: User, me_id: str | None = None) -> MemberRow:
    name = " ".join(p.strip() for p in (user.first_name, user.last_name) if p and p.strip())
    return MemberRow(
        user_id=user.user_id,
        email=user.user_email or "",
        name=name,
        roles=sorted_roles(user.roles or []),
        status=_text(user.user_account_status),
        email_verified=user.email_verified,
        last_login=user.last_logged_in_at,
        created_at=user.created_at,
        is_me=me_id is not None and user.user_id == me_id,
        user=user,
    )


def rows_from_users(users: Iterable[User], me_id: str | None = None) -> list[MemberRow]:
    return [row_from_user(u, me_id) for u in users]


def filter_rows(rows: Sequence[MemberRow], query: str) -> list[MemberRow]:
    terms = query.casefold().split()
    return [r for r in rows if r.matches(terms)] if terms else list(rows)


_SORT_KEYS: dict[str, Callable[[MemberRow], Any]] = {
    "name": lambda r: (r.name or r.email).casefold(),
    "email": lambda r: r.email.casefold(),
    "roles": lambda r: tuple(ROLE_ORDER.index(x) if x in ROLE_ORDER else 9 for x in r.roles) or (9,),
    "status": lambda r: r.status,
    "verified": lambda r: {True: 0, False: 1}.get(r.email_verified, 2),  # type: ignore[arg-type]
    "last_login": lambda r: r.last_login if r.last_login is not None else -1,
}
SORT_KEYS = tuple(_SORT_KEYS)


def sort_rows(rows: Sequence[MemberRow], key: str, reverse: bool = False) -> list[MemberRow]:
    getter = _SORT_KEYS.get(key)
    if getter is None:
        raise ValueError(f"cannot sort by {key!r}; allowed: {', '.join(SORT_KEYS)}")
    return sorted(rows, key=lambda r: (getter(r), r.email.casefold()), reverse=reverse)


def find_member(rows: Sequence[MemberRow], key: str) -> MemberRow | None:
    """The member named by ``key``: an email (any case), a user id, or a unique id prefix."""
    wanted = key.strip()
    for row in rows:
        if row.user_id == wanted or row.email.casefold() == wanted.casefold():
            return row
    if len(wanted) >= 4:
        found = [r for r in rows if r.user_id.startswith(wanted)]
        if len(found) == 1:
            return found[0]
    return None


def pending_count(rows: Iterable[MemberRow]) -> int:
    return sum(1 for r in rows if r.status == "PENDING")


def summary(rows: Sequence[MemberRow]) -> str:
    """"3 members, 1 invitation pending"."""
    pending = pending_count(rows)
    members = len(rows) - pending
    text = f"{members} member{'s' if members != 1 else ''}"
    if pending:
        text += f", {pending} invitation{'s' if pending != 1 else ''} pending"
    return text


# ----------------------------------------------------------------------------- loading

def my_user_id(client: CcmClient) -> str | None:
    if client.user is not None:
        return client.user.user_id
    return client.session_info.subject_id if client.session_info else None


async def select_account(client: CcmClient, acct_id: str) -> bool:
    """Make ``acct_id`` the session's selected account unless it is already; True when a
    selection was made (the UI says so)."""
    info = client.session_info
    if info is not None and info.selected_account_id == acct_id:
        return False
    await client.select_account(acct_id)
    return True


@dataclass
class MemberList:
    rows: list[MemberRow]
    total: int | None = None  # what the server says the account has (metadata), if it says
    truncated: bool = False  # MAX_MEMBERS reached: not every member was read

    def find(self, key: str) -> MemberRow | None:
        return find_member(self.rows, key)

    @property
    def me(self) -> MemberRow | None:
        return next((r for r in self.rows if r.is_me), None)


async def load_members(
    client: CcmClient,
    *,
    me_id: str | None = None,
    search: str | None = None,
    page_size: int = PAGE_SIZE,
    max_members: int = MAX_MEMBERS,
    on_page: Callable[[list[User]], None] | None = None,
) -> MemberList:
    """Every member of the selected account (bounded by ``max_members``), paged by offset;
    ``on_page`` sees each page's new members as it arrives (the CLI's progress line).

    Stops at a short page, at a page with nothing new (a server that ignores ``offset``), or
    at the bound (``truncated``)."""
    me_id = me_id if me_id is not None else my_user_id(client)
    users: list[User] = []
    seen: set[str] = set()
    offset = 0
    total: int | None = None
    truncated = False
    while True:
        page = await client.list_users(all_search=search, limit=page_size, offset=offset)
        meta = page.metadata or {}
        if isinstance(meta.get("filtered_count"), int):
            total = meta["filtered_count"]
        fresh = [u for u in page.items if u.user_id not in seen]
        seen.update(u.user_id for u in fresh)
        if on_page is not None:
            on_page(fresh)
        room = max_members - len(users)
        users.extend(fresh[:room])
        if len(fresh) > room or (len(users) >= max_members and len(page.items) >= page_size):
            truncated = True
            break
        if len(page.items) < page_size or not fresh:
            break
        offset += len(page.items)
    return MemberList(rows_from_users(users, me_id), total=total, truncated=truncated)


# ----------------------------------------------------------------------------- guard rails

RefusalKind = Literal["forbidden", "last_manager", "needs_confirmation", "no_change", "not_found"]


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    reason: str

    def __str__(self) -> str:
        return self.reason


Action = Literal["invite", "set_roles", "disable", "enable", "remove"]


def _other_active_manager(rows: Sequence[MemberRow], target: MemberRow) -> bool:
    return any(r.is_active_manager and r.user_id != target.user_id for r in rows)


def check_action(
    rows: Sequence[MemberRow],
    action: Action,
    target: MemberRow | None = None,
    *,
    roles: Sequence[str] | None = None,
    confirmed_self: bool = False,
) -> Refusal | None:
    """Why ``action`` must not be sent, or None when it may be. Checks nothing remote.

    ``rows`` is the account's member list as last read (it holds the operator's own row,
    marked ``is_me``). ``roles`` are the new roles for ``set_roles``."""
    me = next((r for r in rows if r.is_me), None)
    leaving = action == "remove" and target is not None and me is not None and target.user_id == me.user_id
    if me is None or not me.is_active_manager:
        if not leaving:
            what = "" if me is None else (
                f" (you are {', '.join(me.roles) or 'without a role'}"
                f"{'' if me.status == 'ACTIVE' else ', ' + me.status_text})")
            return Refusal("forbidden", "only an active MANAGER of the account can invite, change or "
                                        f"remove members{what}")
    if action == "invite":
        return None
    if target is None:
        return Refusal("not_found", "no such member")
    new_roles = sorted_roles(roles) if roles is not None else target.roles
    if action == "set_roles":
        if not new_roles:
            return Refusal("no_change", "choose at least one role")
        if new_roles == target.roles:
            return Refusal("no_change", f"{target.display} already has {', '.join(target.roles)}")
    if action == "disable" and target.status == "DISABLED":
        return Refusal("no_change", f"{target.display} is already disabled")
    if action == "enable":
        if target.status == "ACTIVE":
            return Refusal("no_change", f"{target.display} is already active")
        if target.status == "PENDING":
            return Refusal("no_change", f"{target.display} has not accepted the invitation yet; "
                                        "only they can make it active")
    loses_manager = target.is_active_manager and (
        action in ("disable", "remove") or (action == "set_roles" and "MANAGER" not in new_roles)
    )
    if loses_manager and not _other_active_manager(rows, target):
        verb = {"disable": "disabled", "remove": "removed", "set_roles": "demoted"}[action]
        who = "you are" if target.is_me else f"{target.display} is"
        return Refusal("last_manager", f"{who} the last active MANAGER of this account and cannot "
                                       f"be {verb}: an account must keep one. Make someone else "
                                       "MANAGER first.")
    if target.is_me and "MANAGER" in target.roles and not confirmed_self and (
        action in ("disable", "remove") or (action == "set_roles" and "MANAGER" not in new_roles)
    ):
        return Refusal("needs_confirmation", "this changes your own MANAGER role: you will lose the "
                                             "right to invite, change or remove members of this "
                                             "account. Confirm to go on.")
    return None


# ----------------------------------------------------------------------------- outcomes

State = Literal["created", "updated", "removed", "already_member", "forbidden", "last_manager",
                "needs_confirmation", "no_change", "not_found", "invalid", "failed", "unknown"]


@dataclass
class MemberOutcome:
    state: State
    message: str
    member: User | None = None
    error: CcmError | None = None
    reconciled: bool = False  # decided by re-reading the member list after an unclear answer
    sent: bool = True  # False: refused before anything was sent
    field: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in ("created", "updated", "removed")

    @property
    def status(self) -> int | None:
        return self.error.status if self.error is not None else None


PhaseCallback = Callable[[str], object]


def _phase(cb: PhaseCallback | None, text: str) -> None:
    if cb is not None:
        try:
            cb(text)
        except Exception:
            pass


def refused(refusal: Refusal) -> MemberOutcome:
    return MemberOutcome(refusal.kind, refusal.reason, sent=False)


def _says_already_member(exc: CcmError) -> bool:
    if isinstance(exc, NameTaken) or exc.status == 409:
        return True
    text = (exc.message or "").lower()
    return isinstance(exc, BadRequest) and ("already" in text and ("member" in text or "exist" in text))


def _says_last_manager(exc: CcmError) -> bool:
    text = (exc.message or "").lower()
    return isinstance(exc, BadRequest) and "last" in text and "manager" in text


def _server_refusal(exc: CcmError, what: str) -> MemberOutcome | None:
    """The outcome of a refusal every action shares (403, last manager, 404, 401, 400)."""
    if isinstance(exc, PermissionDenied):
        return MemberOutcome("forbidden", f"{what}: the server refused — your role does not allow "
                                          f"it (HTTP 403: {exc.message})", error=exc)
    if _says_last_manager(exc):
        return MemberOutcome("last_manager", f"{what}: the server refused — {exc.message}", error=exc)
    if isinstance(exc, NotFound):
        return MemberOutcome("not_found", f"{what}: not a member of this account any more "
                                          f"(HTTP 404: {exc.message}); refresh the list", error=exc)
    if isinstance(exc, AuthRequired):
        return MemberOutcome("failed", f"{what}: session expired — log in again; the server "
                                       "refused the request, nothing was changed", error=exc)
    if isinstance(exc, BadRequest):
        where = f"{exc.field}: " if exc.field else ""
        return MemberOutcome("invalid", f"{what}: {where}{exc.message} (HTTP 400)", error=exc,
                             field=exc.field)
    return None


def _failed(exc: CcmError, what: str) -> MemberOutcome:
    if isinstance(exc, HttpError):
        hint = f"; the server asks to wait {exc.retry_after:.0f} s" if exc.retry_after else ""
        return MemberOutcome("failed", f"{what} failed — {exc}{hint}", error=exc)
    return MemberOutcome("failed", f"{what} failed — {exc.message}; nothing was changed", error=exc)


async def _reread(client: CcmClient, search: str | None = None) -> MemberList:
    return await load_members(client, search=search)


def _unknown(what: str, exc: CcmError, lerr: CcmError) -> MemberOutcome:
    return MemberOutcome("unknown", f"cannot tell whether {what} happened: {_describe(exc)}, and "
                                    f"reading the member list failed too ({lerr}); check the list "
                                    "before trying again", error=exc)


async def invite_member(
    client: CcmClient,
    rows: Sequence[MemberRow],
    req: InviteUserRequest,
    *,
    on_phase: PhaseCallback | None = None,
) -> MemberOutcome:
    """Invite ``req.user_email``; never sends twice. ``rows``: the member list as last read."""
    email = req.user_email
    what = f"inviting {email}"
    refusal = check_action(rows, "invite")
    if refusal is not None:
        return refused(refusal)
    have = find_member(rows, email)
    if have is not None:
        return MemberOutcome("already_member", _already(have), sent=False)
    _phase(on_phase, "sending")
    try:
        user = await client.invite_user(req, on_sent=lambda: _phase(on_phase, "waiting"))
    except CcmError as exc:
        if _says_already_member(exc):
            _phase(on_phase, "checking")
            try:
                now = (await _reread(client, search=email)).find(email)
            except CcmError:
                now = None
            message = _already(now) if now is not None else f"{email} is already a member ({exc.message})"
            return MemberOutcome("already_member", message, error=exc,
                                 member=now.user if now else None)
        if _ambiguous(exc):
            _phase(on_phase, "checking")
            try:
                now = (await _reread(client, search=email)).find(email)
            except CcmError as lerr:
                return _unknown(what, exc, lerr)
            if now is None:
                return MemberOutcome("failed", f"{email} was not invited — {_describe(exc)}, and the member "
                                               "list does not hold the address; inviting again is safe",
                                     error=exc, reconciled=True)
            return MemberOutcome("created", f"invited {email} as {', '.join(now.roles)} — confirmed by "
                                            f"the member list after {_describe(exc)}",
                                 member=now.user, error=exc, reconciled=True)
        return _server_refusal(exc, what) or _failed(exc, what)
    roles = ", ".join(sorted_roles(user.roles or req.roles))
    return MemberOutcome("created", f"invited {email} as {roles}; the invitation is pending until "
                                    "they accept it", member=user)


def _already(row: MemberRow) -> str:
    state = "" if row.status == "ACTIVE" else f" ({row.status_text})"
    return f"{row.email} is already a member with {', '.join(row.roles) or 'no role'}{state}"


async def _update(
    client: CcmClient,
    rows: Sequence[MemberRow],
    target: MemberRow,
    action: Action,
    req: UpdateUserRequest,
    *,
    roles: Sequence[str] | None,
    confirmed_self: bool,
    done: str,
    on_phase: PhaseCallback | None,
) -> MemberOutcome:
    refusal = check_action(rows, action, target, roles=roles, confirmed_self=confirmed_self)
    if refusal is not None:
        return refused(refusal)
    what = f"{action.replace('_', ' ')} for {target.display}"
    _phase(on_phase, "sending")
    try:
        user = await client.update_user(target.user_id, req)
    except CcmError as exc:
        if _ambiguous(exc):
            _phase(on_phase, "checking")
            try:
                now = (await _reread(client)).find(target.user_id)
            except CcmError as lerr:
                return _unknown(what, exc, lerr)
            if now is not None and _applied(now, req):
                return MemberOutcome("updated", f"{done} — confirmed by the member list after "
                                                f"{_describe(exc)}", member=now.user, error=exc,
                                     reconciled=True)
            return MemberOutcome("failed", f"{what} was not applied — {_describe(exc)}, and the member "
                                           "list shows the member unchanged; trying again is safe",
                                 error=exc, reconciled=True)
        return _server_refusal(exc, what) or _failed(exc, what)
    return MemberOutcome("updated", done, member=user)


def _applied(row: MemberRow, req: UpdateUserRequest) -> bool:
    if req.roles is not None and row.roles != sorted_roles(req.roles):
        return False
    return req.user_account_status is None or row.status == _text(req.user_account_status)


async def set_roles(
    client: CcmClient,
    rows: Sequence[MemberRow],
    target: MemberRow,
    roles: Sequence[str],
    *,
    confirmed_self: bool = False,
    on_phase: PhaseCallback | None = None,
) -> MemberOutcome:
    from ccm_tui.models.user import UpdateUserRequest

    new = sorted_roles(roles)
    try:
        req = UpdateUserRequest(roles=[AccessRoles(r) for r in new])
    except ValueError:
        return MemberOutcome("no_change", "choose at least one role: READER, WRITER or MANAGER",
                             sent=False, field="roles")
    done = f"{target.display}: {', '.join(target.roles) or 'no role'} → {', '.join(new)}"
    return await _update(client, rows, target, "set_roles", req, roles=new,
                         confirmed_self=confirmed_self, done=done, on_phase=on_phase)


async def set_status(
    client: CcmClient,
    rows: Sequence[MemberRow],
    target: MemberRow,
    enabled: bool,
    *,
    confirmed_self: bool = False,
    on_phase: PhaseCallback | None = None,
) -> MemberOutcome:
    from ccm_tui.models.user import UpdateUserRequest

    status = UserAccountStatus.ACTIVE if enabled else UserAccountStatus.DISABLED
    req = UpdateUserRequest(user_account_status=status)
    done = f"{target.display} is now {'enabled (ACTIVE)' if enabled else 'disabled'}"
    return await _update(client, rows, target, "enable" if enabled else "disable", req, roles=None,
                         confirmed_self=confirmed_self, done=done, on_phase=on_phase)


async def remove_member(
    client: CcmClient,
    rows: Sequence[MemberRow],
    target: MemberRow,
    *,
    account_name: str = "this account",
    confirmed_self: bool = False,
    on_phase: PhaseCallback | None = None,
) -> MemberOutcome:
    refusal = check_action(rows, "remove", target, confirmed_self=confirmed_self)
    if refusal is not None:
        return refused(refusal)
    what = f"removing {target.display} from {account_name}"
    _phase(on_phase, "sending")
    try:
        await client.remove_user_from_account(target.user_id)
    except CcmError as exc:
        if _ambiguous(exc):
            _phase(on_phase, "checking")
            try:
                now = (await _reread(client)).find(target.user_id)
            except CcmError as lerr:
                return _unknown(what, exc, lerr)
            if now is None:
                return MemberOutcome("removed", f"removed {target.display} from {account_name} — "
                                                f"confirmed by the member list after {_describe(exc)}",
                                     error=exc, reconciled=True)
            return MemberOutcome("failed", f"{what} did not happen — {_describe(exc)}, and the member list "
                                           "still holds them; trying again is safe",
                                 error=exc, reconciled=True)
        return _server_refusal(exc, what) or _failed(exc, what)
    return MemberOutcome("removed", f"removed {target.display} from {account_name} (the user "
                                    "itself is not deleted)")


# ----------------------------------------------------------------------------- accounts

def resolve_account(accounts: Sequence[Any], key: str) -> tuple[Any | None, str]:
    """The account ``key`` names (id, unique id prefix of at least 4, or exact name) -> (account,
    "") or (None, why not). The matching rule is the one ``accounts show/update/delete`` use."""
    from ccm_tui.service.resolve import AccountRefError, match_accounts

    found = match_accounts(key, list(accounts))
    if len(found) == 1:
        return found[0], ""
    if found:
        return None, str(AccountRefError(key.strip(), "ambiguous", found))
    return None, f"no account you can see has the id or name {key.strip()!r}"
