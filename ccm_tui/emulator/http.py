"""Helpers shared by the route modules: JSON errors, body parsing, token lookup."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ccm_tui.emulator.core import SESSION_COOKIE, Auth, Emulator


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)


def emulator_of(request: Request) -> Emulator:
    return request.app.state.emulator


async def json_body(request: Request, *, required: bool = True) -> Any:
    """The parsed JSON body (recorded in ``emulator.received``); 400 if it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise HttpError(400, "the request body is missing; a JSON object is expected")
        return None
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HttpError(400, f"the request body is not valid JSON: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    return body


def bearer_token(request: Request) -> str | None:
    """``Authorization: Bearer``, the spec's ``Authentication`` header, or the session cookie."""
    for header in ("authorization", "authentication"):
        value = request.headers.get(header)
        if value:
            scheme, _, rest = value.strip().partition(" ")
            if scheme.lower() == "bearer" and rest.strip():
                return rest.strip()
            if header == "authentication" and not rest:
                return scheme  # a bare token in the spec's apiKey header
    return request.cookies.get(SESSION_COOKIE)


def require_auth(request: Request) -> Auth:
    auth = emulator_of(request).authenticate(bearer_token(request))
    if auth is None:
        has_credentials = bool(
            request.headers.get("authorization") or request.headers.get("authentication")
            or request.cookies.get(SESSION_COOKIE)
        )
        msg = ("the access token is invalid or has expired; log in again" if has_credentials
               else "authentication required: send Authorization: Bearer <access_token>")
        raise HttpError(401, msg)
    return auth
