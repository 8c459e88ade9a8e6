"""System, session and user endpoints."""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ccm_tui.emulator.core import EMULATOR_VERSION, SESSION_COOKIE, session_info
from ccm_tui.emulator.http import (
    HttpError,
    emulator_of,
    json_body,
    no_content,
    require_auth,
)
from ccm_tui.emulator.validation import AUTH_DISCOVER_REQUEST, ValidationFailed, validate_body


async def version(request: Request) -> Response:
    return JSONResponse({"version": EMULATOR_VERSION})


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    value = request.headers.get("authorization", "")
    scheme, _, encoded = value.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    email, sep, password = decoded.partition(":")
    return (email, password) if sep else None


async def auth(request: Request) -> Response:
    """HTTP Basic ``email:password`` -> AuthResponse; also sets the session cookie."""
    emu = emulator_of(request)
    await json_body(request, required=False)  # an SSO AuthRequest body is accepted and ignored
    creds = _basic_credentials(request)
    if creds is None:
        raise HttpError(401, "authentication required: send HTTP Basic credentials (email:password)")
    if not emu.check_password(*creds):
        raise HttpError(401, "invalid email or password")
    token, session = emu.login()
    response = JSONResponse({"access_token": token, "session_info": session_info(session)})
    response.set_cookie(SESSION_COOKIE, token, max_age=emu.session_ttl, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


async def discover(request: Request) -> Response:
    """Every email gets the password method (the emulator does not reveal who exists)."""
    body = await json_body(request)
    try:
        validate_body(body, AUTH_DISCOVER_REQUEST)
    except ValidationFailed as exc:
        raise HttpError(400, exc.message) from None
    return JSONResponse({"auth_methods": [{"password": {}}]})


async def refresh(request: Request) -> Response:
    """Extends the SAME access token: the answer carries only the new expiry."""
    emu = emulator_of(request)
    session = emu.refresh(require_auth(request))
    return JSONResponse({"session_info": session_info(session)})


async def terminate(request: Request) -> Response:
    emu = emulator_of(request)
    auth_ = require_auth(request)
    emu.store.delete_session(auth_.token)
    response = no_content()
    response.delete_cookie(SESSION_COOKIE)
    return response


def _select(request: Request) -> dict:
    emu = emulator_of(request)
    auth_ = require_auth(request)
    acct_id = request.path_params["account_id"]
    if emu.store.membership(auth_.session.user_id, acct_id) is None:
        raise HttpError(404, f"account {acct_id} not found")
    emu.store.update_session(auth_.token, selected_account_id=acct_id)
    session = emu.store.get_session(auth_.token)
    assert session is not None
    return session_info(session)


async def select_account(request: Request) -> Response:
    emu = emulator_of(request)
    if not emu.select_account_v2:
        raise HttpError(404, "not found")
    return JSONResponse({"session_info": _select(request)})


async def select_account_legacy(request: Request) -> Response:
    _select(request)
    return no_content()


async def current_user(request: Request) -> Response:
    emu = emulator_of(request)
    auth_ = require_auth(request)
    user = emu.store.get_user(auth_.session.user_id)
    if user is None:  # pragma: no cover - sessions only exist for stored users
        raise HttpError(401, "the user of this session no longer exists")
    return JSONResponse(user)


async def user_accounts(request: Request) -> Response:
    emu = emulator_of(request)
    auth_ = require_auth(request)
    user_id = request.path_params["user_id"]
    if user_id != auth_.session.user_id:
        raise HttpError(404, f"user {user_id} not found")
    return JSONResponse(emu.store.memberships(user_id))


routes = [
    Route("/v1/sys/version", version, methods=["GET"]),
    Route("/v1/sys/auth", auth, methods=["POST"]),
    Route("/v1/sys/auth/discover", discover, methods=["POST"]),
    Route("/v1/sys/session/refresh", refresh, methods=["POST"]),
    Route("/v1/sys/session/terminate", terminate, methods=["POST"]),
    Route("/v1/sys/session/select_account/{account_id}", select_account, methods=["POST"]),
    Route("/v1/accounts/select_account/{account_id}", select_account_legacy, methods=["POST"]),
    Route("/v1/user", current_user, methods=["GET"]),
    Route("/v1/users/{user_id}/accounts", user_accounts, methods=["GET"]),
]
