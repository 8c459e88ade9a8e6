"""Account endpoints: list (cursor paging, sorting), create, read, update, delete."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ccm_tui.emulator.accounts import UnknownConfigId, apply_update, new_account, to_response
from ccm_tui.emulator.core import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Emulator
from ccm_tui.emulator.http import (
    HttpError,
    emulator_of,
    error_response,
    json_body,
    no_content,
    require_auth,
)
from ccm_tui.emulator.ids import is_uuid
from ccm_tui.emulator.store import SORT_KEYS, NameTakenError
from ccm_tui.emulator.validation import (
    ACCOUNT_REQUEST,
    ACCOUNT_UPDATE_REQUEST,
    ValidationFailed,
    validate_body,
)

SCOPES = ("USER", "SYSTEM")


def _query_error(name: str, expected: str) -> HttpError:
    return HttpError(400, f"invalid value for query parameter `{name}`: expected {expected}")


def parse_sort(value: str | None) -> list[tuple[str, bool]]:
    """``"name:ASC,created_at:DESC"`` -> [("name", False), ("created_at", True)].

    Each key at most once (so at most four terms, however long the query string is)."""
    if value is None or not value.strip():
        return []
    out: list[tuple[str, bool]] = []
    for part in value.split(","):
        key, _, direction = part.strip().partition(":")
        direction = direction.strip().upper() or "ASC"
        if key not in SORT_KEYS or direction not in ("ASC", "DESC"):
            raise _query_error(
                "sort_by", f"key:ASC or key:DESC pairs separated by commas, keys among {', '.join(SORT_KEYS)}"
            )
        if any(key == seen for seen, _ in out):
            raise _query_error("sort_by", f"each key at most once (`{key}` is repeated)")
        out.append((key, direction == "DESC"))
    return out


def _parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    expected = f"a whole number from 1 to {MAX_PAGE_SIZE}"
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:  # also: no 5000-digit int()
        raise _query_error("limit", expected)
    limit = int(text)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise _query_error("limit", expected)
    return limit


def _parse_bool(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise _query_error(name, "true or false")


async def list_accounts(request: Request) -> Response:
    """One page of accounts. No ``limit`` -> DEFAULT_PAGE_SIZE (100); ``previous_id`` is the
    last id of the previous page; default order is creation order."""
    return Response(_list_body(request), media_type="application/json")


async def list_accounts_asgi(scope: Scope, receive: Receive, send: Send) -> None:
    """``GET /v1/accounts`` as a plain ASGI handler, the same answers as :func:`list_accounts`
    (whose route stays, for HEAD and for an app mounted under a root path): the middleware
    hands this hot route straight here, past Starlette's routing, its exception middleware
    and the Response object. An HttpError is answered here, as the app's handler would."""
    try:
        body = _list_body(Request(scope, receive))
    except HttpError as exc:
        await error_response(exc.status, exc.message)(scope, receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})  # the whole body at once


def _list_body(request: Request) -> bytes:
    emu = emulator_of(request)
    auth = require_auth(request)
    q = request.query_params
    scope = q.get("scope", "USER")
    if scope not in SCOPES:
        raise _query_error("scope", "USER or SYSTEM")
    limit = _parse_limit(q.get("limit"))
    sort = parse_sort(q.get("sort_by"))
    previous_id = q.get("previous_id")
    if previous_id is not None and not is_uuid(previous_id):
        raise _query_error("previous_id", "the UUID of the last account of the previous page")
    try:
        body = emu.store.list_body(
            auth.session.user_id, system_scope=scope == "SYSTEM", limit=limit,
            previous_id=previous_id, sort=sort,
        )
    except LookupError:
        raise _query_error("previous_id", "the UUID of an existing account (none has this id)") from None
    # The body comes joined from the store's item texts (see Store.list_body).
    return body


def _duplicate(emu: Emulator, name: str) -> HttpError:
    if emu.duplicate_status == 400:
        return HttpError(400, f"Account with name {name} already exists")
    return HttpError(409, f"the account name `{name}` is already taken; choose another name")


async def create_account(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    body = await json_body(request)
    try:
        validate_body(body, ACCOUNT_REQUEST)
    except ValidationFailed as exc:
        raise HttpError(400, exc.message) from None
    account = new_account(body, ids=emu.ids, now=emu.now())
    try:
        emu.store.insert_account(account, auth.session.user_id)
    except NameTakenError:
        raise _duplicate(emu, body["name"]) from None
    membership = emu.store.membership(auth.session.user_id, account["acct_id"])
    roles, status = membership if membership else (None, None)
    return JSONResponse(to_response(account, roles, status))


def _load(emu: Emulator, user_id: str, acct_id: str, *, manager: bool = False) -> tuple[dict, list[str], str]:
    account = emu.store.get_account(acct_id)
    membership = emu.store.membership(user_id, acct_id)
    if account is None or membership is None:
        raise HttpError(404, f"account {acct_id} not found")
    roles, status = membership
    if manager and "MANAGER" not in roles:
        raise HttpError(403, "this operation requires the MANAGER role in the account")
    return account, roles, status


async def get_account(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    with_totals = _parse_bool("with_totals", request.query_params.get("with_totals"))
    account, roles, status = _load(emu, auth.session.user_id, request.path_params["account_id"])
    return JSONResponse(to_response(account, roles, status, with_totals=with_totals))


async def update_account(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    body = await json_body(request)
    account, roles, status = _load(emu, auth.session.user_id, request.path_params["account_id"], manager=True)
    try:
        validate_body(body, ACCOUNT_UPDATE_REQUEST)
        updated = apply_update(account, body, ids=emu.ids)
    except ValidationFailed as exc:
        raise HttpError(400, exc.message) from None
    except UnknownConfigId as exc:
        raise HttpError(400, str(exc)) from None
    try:
        emu.store.update_account(updated)
    except NameTakenError:
        raise _duplicate(emu, updated["name"]) from None
    return JSONResponse(to_response(updated, roles, status))


async def delete_account(request: Request) -> Response:
    emu = emulator_of(request)
    auth = require_auth(request)
    acct_id = request.path_params["account_id"]
    _load(emu, auth.session.user_id, acct_id, manager=True)
    emu.store.delete_account(acct_id)
    return no_content()


routes = [
    Route("/v1/accounts", list_accounts, methods=["GET"]),
    Route("/v1/accounts", create_account, methods=["POST"]),
    Route("/v1/accounts/{account_id}", get_account, methods=["GET"]),
    Route("/v1/accounts/{account_id}", update_account, methods=["PATCH"]),
    Route("/v1/accounts/{account_id}", delete_account, methods=["DELETE"]),
]
