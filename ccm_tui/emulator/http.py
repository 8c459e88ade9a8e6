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


#: Deepest nesting of arrays/objects a body may have (serde_json's own limit is 128; no CCM
#: request is deeper than 8).
MAX_JSON_DEPTH = 64


def _is_json_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]}{'...' if len(text) > 20 else ''} is out of range")
    return value


def parse_json(raw: bytes) -> Any:
    """Strict JSON as CCM's parser reads it; HttpError 400 naming the problem.

    Refused: invalid UTF-8 or syntax, NaN/Infinity, numbers out of range (floats that overflow,
    integers of more than 4300 digits), nesting deeper than MAX_JSON_DEPTH, and strings (or
    keys) holding a lone surrogate such as "\\ud800", which is not Unicode text."""
    try:
        # decoded as UTF-8 first: json.loads(bytes) would also take UTF-16/32, CCM does not
        body = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise HttpError(400, f"the request body is not valid JSON: {exc.msg} "
                             f"(line {exc.lineno}, column {exc.colno})") from None
    except UnicodeDecodeError:
        raise HttpError(400, "the request body is not valid JSON: it is not UTF-8 text") from None
    except RecursionError:
        raise HttpError(400, "the request body is not valid JSON: it is nested too deeply "
                             f"(at most {MAX_JSON_DEPTH} levels)") from None
    except ValueError as exc:  # our hooks, or int() refusing a very long integer
        what = str(exc) if "JSON number" in str(exc) or "out of range" in str(exc) else (
            "a number has too many digits")
        raise HttpError(400, f"the request body is not valid JSON: {what}") from None
    _check_tree(body)
    return body


def _check_tree(body: Any) -> None:
    """Depth and lone surrogates, iteratively (no recursion however deep the body). Paths are
    only spelled out for a message, so a 1 MiB array of numbers costs one quick pass."""
    if isinstance(body, str) and _has_surrogate(body):
        raise _surrogate("body", body)
    if not isinstance(body, (dict, list)):
        return
    # (container, depth, parent entry, key in parent)
    stack: list[tuple[Any, int, Any, Any]] = [(body, 1, None, None)]
    while stack:
        entry = stack.pop()
        value, depth = entry[0], entry[1]
        if depth > MAX_JSON_DEPTH:
            raise HttpError(400, f"the request body is nested too deeply at `{_path(entry)[:200]}`"
                                 f"; at most {MAX_JSON_DEPTH} levels of arrays and objects are "
                                 "accepted")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and _has_surrogate(key):
                raise _surrogate(f"{_path(entry)} (one of its keys)", key)
            if isinstance(item, str):
                if _has_surrogate(item):
                    raise _surrogate(_path((None, 0, entry, key)), item)
            elif isinstance(item, (dict, list)):
                stack.append((item, depth + 1, entry, key))


def _path(entry: Any) -> str:
    """``auth_configs[0].oauth.client_id`` for a stack entry (walks up its parents)."""
    parts: list[str] = []
    while entry is not None and entry[2] is not None:
        key = entry[3]
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        entry = entry[2]
    return "".join(reversed(parts)).lstrip(".") or "body"


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _surrogate(where: str, text: str) -> HttpError:
    code = next(ord(ch) for ch in text if 0xD800 <= ord(ch) <= 0xDFFF)
    return HttpError(400, f"invalid value for field `{where[:200]}`: holds a lone surrogate "
                          f"(U+{code:04X}), which is not Unicode text")


async def json_body(request: Request, *, required: bool = True) -> Any:
    """The parsed JSON body; 400 if it is not (strict) JSON, 415 if it is declared as another
    media type. A body without a Content-Type is read as JSON."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise HttpError(400, "the request body is missing; a JSON object is expected")
        return None
    content_type = request.headers.get("content-type")
    if content_type is not None and not _is_json_type(content_type):
        raise HttpError(415, f"the request body is sent as {content_type[:80]!r}; "
                             "send it as application/json")
    return parse_json(raw)


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
