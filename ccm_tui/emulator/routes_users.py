"""Members of the session's selected account: list, invite, update, remove.

``GET /v1/users`` (``all_search``, ``limit``, ``offset``, ``sort_by``), ``POST /v1/users/invite``
(201), ``PATCH /v1/users/{user-id}`` and ``DELETE /v1/users/{user-id}/accounts`` (204). Every
route works on the account selected with ``POST /v1/sys/session/select_account/{id}``; without
one it answers 403, as CCM does for account-scoped calls. Reading needs an ACTIVE membership of
any role; inviting, changing or removing someone else needs MANAGER. The account must keep at
least one ACTIVE MANAGER: a change that would leave none is a 400 naming the rule.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ccm_tui.emulator.core import Auth, Emulator
from ccm_tui.emulator.http import HttpError, emulator_of, json_body, no_content, require_auth
from ccm_tui.emulator.store import MEMBER_SORT_KEYS, AlreadyMemberError, LastManagerError
from ccm_tui.emulator.validation import ValidationFailed, validate_body

#: Page size of GET /v1/users when the request names no ``limit``; larger limits are capped.
DEFAULT_USERS_PAGE = 100
MAX_USERS_PAGE = 1000

_ROLES = ("enum", ("READER", "WRITER", "MANAGER"))
_STATUS = ("enum", ("ACTIVE", "PENDING", "DISABLED"))
INVITE_USER_REQUEST = ("obj", {"user_email": ("str",), "roles": ("list", _ROLES),
                               "first_name": ("str",), "last_name": ("str",)},
                       ("user_email", "roles"))
UPDATE_USER_REQUEST = ("obj", {"first_name": ("str",), "last_name": ("str",),
                               "roles": ("list", _ROLES), "user_account_status": _STATUS,
                               "user_email": ("str",)}, ())


def _query_error(name: str, expected: str) -> HttpError:
    return HttpError(400, f"invalid value for query parameter `{name}`: expected {expected}")


def _int_param(request: Request, name: str, default: int, minimum: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise _query_error(name, f"a whole number of at least {minimum}")
    return number


def _parse_sort(value: str | None) -> list[tuple[str, bool]]:
    if value is None or not value.strip():
        return []
    out = []
    for part in value.split(","):
        key, _, direction = part.strip().partition(":")
        direction = direction.strip().upper() or "ASC"
        if key not in MEMBER_SORT_KEYS or direction not in ("ASC", "DESC"):
            raise _query_error("sort_by", "key:ASC or key:DESC pairs separated by commas, keys "
                                          f"among {', '.join(MEMBER_SORT_KEYS)}")
        out.append((key, direction == "DESC"))
    return out


def _scope(emu: Emulator, auth: Auth, *, manager: bool) -> tuple[str, list[str]]:
    """(selected account id, the caller's roles in it); 403 without a usable membership."""
    acct_id = auth.session.selected_account_id
    if not acct_id or emu.store.get_account(acct_id) is None:
        raise HttpError(403, "no account is selected for this session; select one with "
                             "POST /v1/sys/session/select_account/{account-id}")
    membership = emu.store.membership(auth.session.user_id, acct_id)
    if membership is None or membership[1] != "ACTIVE":
        raise HttpError(403, "you are not an active member of the selected account")
    roles = membership[0]
    if manager and "MANAGER" not in roles:
        raise HttpError(403, "this operation requires the MANAGER role in the account")
    return acct_id, roles


def _validated(body: Any, shape: tuple) -> dict[str, Any]:
    try:
        return validate_body(body, shape)
    except ValidationFailed as exc:
        raise HttpError(400, exc.message) from None


def _last_manager(member: dict[str, Any]) -> HttpError:
    return HttpError(400, f"{member.get('user_email')} is the last ACTIVE MANAGER of this account; "
                          "an account must keep at least one active MANAGER — make someone else "
                          "MANAGER first")


def _not_member(user_id: str) -> HttpError:
    return HttpError(404, f"user {user_id} is not a member of this account")


async def list_users(request: Request) -> Response:
    emu = emulator_of(request)
    acct_id, _roles = _scope(emu, require_auth(request), manager=False)
    limit = min(_int_param(request, "limit", DEFAULT_USERS_PAGE, 1), MAX_USERS_PAGE)
    offset = _int_param(request, "offset", 0, 0)
    sort = _parse_sort(request.query_params.get("sort_by"))
    search = (request.query_params.get("all_search") or "").strip() or None
    items, total, filtered = emu.store.list_members(
        acct_id, search=search, limit=limit, offset=offset, sort=sort
    )
    metadata = {"total_count": total, "filtered_count": filtered, "limit": limit,
                "page": offset // limit, "pages": -(-filtered // limit)}
    return JSONResponse({"items": items, "metadata": metadata})


async def invite_user(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    body = await json_body(request)
    acct_id, _roles = _scope(emu, auth, manager=True)
    body = _validated(body, INVITE_USER_REQUEST)
    email = body["user_email"].strip()
    if "@" not in email or not body["roles"]:
        field = "user_email" if "@" not in email else "roles"
        raise HttpError(400, f"invalid value for field `{field}`: expected "
                             + ("an email address" if field == "user_email" else "at least one role"))
    new_user = {
        "user_id": emu.ids.new(), "user_email": email, "created_at": emu.now(),
        "email_verified": False, "status": "PENDING",
        "accepted_latest_terms_and_conditions": False,
        **{k: body[k] for k in ("first_name", "last_name") if body.get(k) is not None},
    }
    roles = list(dict.fromkeys(body["roles"]))
    try:
        member, _created = emu.store.invite_member(acct_id, new_user, roles)
    except AlreadyMemberError as exc:
        have = exc.member
        status = 400 if emu.duplicate_status == 400 else 409
        raise HttpError(status, f"user {have.get('user_email')} is already a member of this account "
                                f"({have.get('user_account_status')}, roles "
                                f"{', '.join(have.get('roles') or [])})") from None
    return JSONResponse(member, status_code=201)


async def update_user(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    body = await json_body(request)
    user_id = request.path_params["user_id"]
    own = user_id == auth.session.user_id
    body = _validated(body, UPDATE_USER_REQUEST)
    membership_change = any(body.get(k) is not None for k in ("roles", "user_account_status"))
    # Anyone may change their own names; everything else is for MANAGERs.
    acct_id, _roles = _scope(emu, auth, manager=membership_change or not own)
    if emu.store.member(acct_id, user_id) is None:
        raise _not_member(user_id)
    if body.get("roles") is not None and not body["roles"]:
        raise HttpError(400, "invalid value for field `roles`: expected at least one role")
    status = body.get("user_account_status")
    current = emu.store.member(acct_id, user_id) or {}
    if status == "PENDING" and current.get("user_account_status") != "PENDING":
        raise HttpError(400, "invalid value for field `user_account_status`: PENDING is set by an "
                             "invitation; expected ACTIVE or DISABLED")
    if status == "ACTIVE" and current.get("user_account_status") == "PENDING":
        raise HttpError(400, "invalid value for field `user_account_status`: the invitation has not "
                             "been accepted yet; only the invited user can make it ACTIVE")
    profile = {k: body[k] for k in ("first_name", "last_name") if body.get(k) is not None}
    if body.get("user_email") is not None:
        profile["new_email"] = body["user_email"].strip()  # confirmed by the user, as CCM does
    try:
        member = emu.store.update_member(
            acct_id, user_id, roles=list(dict.fromkeys(body["roles"])) if body.get("roles") else None,
            status=status, profile=profile,
        )
    except LookupError:
        raise _not_member(user_id) from None
    except LastManagerError as exc:
        raise _last_manager(exc.member) from None
    return JSONResponse(member)


async def remove_user_from_account(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    user_id = request.path_params["user_id"]
    # Anyone may leave an account; removing someone else is for MANAGERs.
    acct_id, _roles = _scope(emu, auth, manager=user_id != auth.session.user_id)
    try:
        emu.store.remove_member(acct_id, user_id)
    except LookupError:
        raise _not_member(user_id) from None
    except LastManagerError as exc:
        raise _last_manager(exc.member) from None
    return no_content()


routes = [
    Route("/v1/users", list_users, methods=["GET"]),
    Route("/v1/users/invite", invite_user, methods=["POST"]),
    Route("/v1/users/{user_id}", update_user, methods=["PATCH"]),
    Route("/v1/users/{user_id}/accounts", remove_user_from_account, methods=["DELETE"]),
]
