"""Typed errors of the CCM client. Each carries a status (when there was a response)
and a message an operator can read; none ever shows a traceback or a secret."""

from __future__ import annotations

import json
import re
from typing import Any

_FIELD_RE = re.compile(r"(?:field|property|parameter)\s+[`'\"]?([A-Za-z_][\w.\[\]]*)", re.I)
_SCAN_LIMIT = 100_000  # characters of an error body looked at for its message
_KNOWN_FIELDS = (
    "name",
    "custom_logo",
    "auth_configs",
    "node_enrollment",
    "component",
    "azure_cvm_pcr_priority",
)


class CcmError(Exception):
    """Base of every error the client raises."""

    #: True when the request may have reached the server (a create may have happened).
    maybe_sent: bool = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        field: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.field = field
        self.retry_after = retry_after

    def __str__(self) -> str:
        if self.status is not None:
            return f"HTTP {self.status}: {self.message}"
        return self.message


class NetworkError(CcmError):
    """No answer: connection refused, DNS failure, reset before sending."""


class ConnectionLost(NetworkError):
    """The connection broke after the request was sent; it may have been processed."""

    maybe_sent = True


class RequestTimeout(CcmError):
    """Connect or read timeout. A read timeout happens after sending."""

    #: "connect", "pool" (nothing sent) or "read" (sent, no answer in time)
    phase: str = "read"


class TlsError(NetworkError):
    """Certificate verification or handshake failure."""


class BadUrl(CcmError):
    """The server URL cannot be used (no scheme or host, not http/https)."""


class InsecureUrl(BadUrl):
    """Plain http:// to a host that is not this machine, without the insecure flag."""


class HttpError(CcmError):
    """The server answered with a non-success status."""


class BadRequest(HttpError):  # 400
    pass


class AuthRequired(HttpError):  # 401
    pass


class PermissionDenied(HttpError):  # 403
    pass


class NotFound(HttpError):  # 404
    pass


class NameTaken(HttpError):  # 409, or 400 that says the name is taken
    pass


class RateLimited(HttpError):  # 429
    pass


class ServerError(HttpError):  # 5xx
    @property
    def maybe_sent(self) -> bool:  # type: ignore[override]
        # A gateway error (502/504) may hide a request the backend processed.
        return self.status in (502, 504)


class MalformedResponse(CcmError):
    """A success status whose body is not what the spec describes."""


class ResponseTooLarge(MalformedResponse):
    """An answer bigger than the client's size cap; reading stopped at the cap."""


class TooManyItems(CcmError):
    """A listing that goes on past the client's item cap (the server keeps sending pages)."""


# ------------------------------------------------------------- how an error is described
# The one wording of every client error, for the console, the CLI and the service's outcome
# sentences alike. Outside text (the server's message): controls are made visible here.


def describe_error(error: BaseException | None) -> str:
    """One readable line about ``error`` for an operator; never a traceback, never a secret.
    A connection problem says the server could not be reached, a TLS one how to trust a
    private CA. Show the line as plain text, never as markup."""
    from ccm_tui.safetext import visible

    if error is None:
        return "unknown error"
    if not isinstance(error, CcmError):
        return f"unexpected {type(error).__name__} — see the log file"
    text = str(error) or type(error).__name__
    if isinstance(error, TlsError):
        text = f"TLS problem: {text} (use --ca-bundle for a private CA)"
    elif getattr(error, "phase", None) == "deadline":  # it answered, too slowly: reachable
        pass
    elif isinstance(error, NetworkError | RequestTimeout) and "cannot" not in text.lower():
        text = f"cannot reach the server: {text}"
    return visible(text)


def error_cause(error: CcmError) -> str:
    """``error`` as the cause inside a sentence about an outcome ("cannot tell whether the
    account was created: <cause>, and ..."): a timeout, a lost connection or an unreadable
    answer in a few words (the sentence says the rest); otherwise :func:`describe_error`."""
    if isinstance(error, RequestTimeout):
        return "the server did not answer in time"
    if isinstance(error, ConnectionLost):
        return "the connection was lost before the answer arrived"
    if isinstance(error, MalformedResponse):
        return "the server's answer was unreadable"
    return describe_error(error)


def message_from_body(text: str, content_type: str = "") -> str:
    """A readable one-line message from an error body: JSON object, JSON string,
    plain text or an HTML error page."""
    body = (text or "").strip()
    if not body:
        return ""
    if body[:1] in "{[\"" or "json" in content_type:
        try:
            data: Any = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            data = None
        if isinstance(data, str):
            return _one_line(data)
        if isinstance(data, dict):
            for key in ("message", "error_description", "error", "msg", "detail", "reason"):
                val = data.get(key)
                if isinstance(val, str) and val.strip():
                    return _one_line(val)
                if isinstance(val, dict):
                    inner = message_from_body(json.dumps(val))
                    if inner:
                        return inner
                if isinstance(val, list) and val:
                    return _one_line("; ".join(str(v) for v in val))
            return _one_line(json.dumps(data))[:300]
    head = body[:_SCAN_LIMIT]  # a message is near the start; never split a huge body whole
    if "<html" in head[:500].lower() or "<!doctype" in head[:200].lower():
        m = re.search(r"<title[^>]*>(.*?)</title>", head, re.I | re.S) or re.search(
            r"<h1[^>]*>(.*?)</h1>", head, re.I | re.S
        )
        if m:
            return _one_line(_unescape(re.sub(r"<[^>]+>", "", m.group(1))))[:300]
        return _one_line(_unescape(re.sub(r"<[^>]+>", " ", head)))[:300]
    return _one_line(head[:4000])[:300]


def field_from_message(message: str) -> str | None:
    """The request field an error message names, if it names one."""
    m = _FIELD_RE.search(message)
    if m:
        return m.group(1)
    lowered = message.lower()
    for name in _KNOWN_FIELDS:
        if re.search(rf"\b{name}\b", lowered):
            return name
    return None


def says_name_taken(message: str) -> bool:
    lowered = message.lower()
    return "name" in lowered and any(
        w in lowered for w in ("already exists", "already taken", "is taken", "duplicate", "exists")
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unescape(text: str) -> str:
    # html (its entity table: ~0.9 ms) only for an HTML error page, not at every start.
    import html

    return html.unescape(text)
