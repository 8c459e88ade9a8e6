"""Turn httpx exceptions and non-success responses into the typed CcmError hierarchy."""

from __future__ import annotations

import base64
import binascii
import json
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpx

from ccm_tui.api.errors import (
    AuthRequired,
    BadRequest,
    CcmError,
    ConnectionLost,
    HttpError,
    MalformedResponse,
    NameTaken,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ServerError,
    TlsError,
    field_from_message,
    message_from_body,
    says_name_taken,
)
from ccm_tui.api.policy import parse_retry_after

# Below every layer (standard library only): the secret names and the masks every view uses.
from ccm_tui.redaction import MASK, is_secret_key, redact_text

_MIN_SECRET = 4  # shorter values would mangle ordinary words of a message

_STATUS_CLASSES: dict[int, type[HttpError]] = {
    400: BadRequest,
    401: AuthRequired,
    403: PermissionDenied,
    404: NotFound,
    409: NameTaken,
    429: RateLimited,
}


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _tls_error(exc: BaseException, host: str, method: str, path: str) -> TlsError | None:
    err = _ssl_cause(exc)
    text = str(err if err is not None else exc)
    if err is None and "CERTIFICATE_VERIFY_FAILED" not in text and "SSL" not in text:
        return None
    low = text.lower()
    if "hostname mismatch" in low or "doesn't match" in low or "not valid for" in low:
        msg = (
            f"certificate of {host} is for another host name (hostname mismatch) — "
            "check the server URL"
        )
    elif "certificate_verify_failed" in low or isinstance(err, ssl.SSLCertVerificationError):
        reason = getattr(err, "verify_message", None) or "untrusted certificate"
        msg = (
            f"certificate verify failed for {host} ({reason}) — configure the profile's ca_bundle"
        )
    elif "wrong_version_number" in low or "wrong version number" in low:
        msg = f"TLS handshake with {host} failed: the server does not speak TLS on this port (try http://?)"
    else:
        msg = f"TLS handshake with {host} failed: {_short(text)}"
    return TlsError(msg, method=method, path=path)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text[:limit]


def from_transport_error(
    exc: httpx.HTTPError, *, host: str, method: str, path: str, sent_may_matter: bool
) -> CcmError:
    """Map an exception raised while sending; ``sent_may_matter`` marks non-idempotent calls."""
    if isinstance(exc, httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            err = RequestTimeout(f"timed out connecting to {host}", method=method, path=path)
            err.phase = "connect"
            return err
        if isinstance(exc, httpx.PoolTimeout):
            err = RequestTimeout(f"timed out waiting for a free connection to {host}", method=method, path=path)
            err.phase = "pool"
            return err
        err = RequestTimeout(
            f"{host} did not answer in time"
            + (" — the request was sent and may have been processed" if sent_may_matter else ""),
            method=method,
            path=path,
        )
        err.maybe_sent = sent_may_matter
        err.phase = "read"
        return err
    if isinstance(exc, httpx.ConnectError):
        tls = _tls_error(exc, host, method, path)
        if tls is not None:
            return tls
        return NetworkError(f"cannot connect to {host}: {_reason(exc)}", method=method, path=path)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        tls = _tls_error(exc, host, method, path) if _ssl_cause(exc) else None
        if tls is not None:
            return tls
        return ConnectionLost(
            f"the connection to {host} was closed before an answer arrived"
            + (" — the request may have been processed" if sent_may_matter else ""),
            method=method,
            path=path,
        )
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return NetworkError(f"invalid server URL for {host}: {_short(str(exc))}", method=method, path=path)
    if isinstance(exc, httpx.ProxyError):
        return NetworkError(f"proxy error while connecting to {host}: {_short(str(exc))}", method=method, path=path)
    return NetworkError(f"network error talking to {host}: {_reason(exc)}", method=method, path=path)


def _root_oserror(exc: BaseException) -> BaseException | None:
    """The socket error under httpx/httpcore/anyio wrappers ("All connection attempts failed")."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ConnectionRefusedError | socket.gaierror):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _reason(exc: BaseException) -> str:
    root = _root_oserror(exc)
    if isinstance(root, socket.gaierror):
        return "host name not found (DNS)"
    if isinstance(root, ConnectionRefusedError):
        return "connection refused (is the server running and the port right?)"
    text = _short(str(exc)) or exc.__class__.__name__
    low = text.lower()
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low or "temporary failure in name resolution" in low:
        return "host name not found (DNS)"
    if "connection refused" in low or "errno 111" in low or "connect call failed" in low:
        return "connection refused (is the server running and the port right?)"
    return text


def request_secrets(body: Any) -> list[str]:
    """Every secret value of a request body: strings under secret-named members
    (``client_secret``, ``client_key``, ``password``, ...) at any depth."""
    found: list[str] = []
    stack = [body]
    while stack:
        obj = stack.pop()
        if isinstance(obj, dict):
            for key, value in obj.items():
                if is_secret_key(key) and isinstance(value, str):
                    found.append(value)
                elif is_secret_key(key) and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, str))
                else:
                    stack.append(value)
        elif isinstance(obj, list):
            stack.extend(obj)
    return found


def _forms(secret: str) -> set[str]:
    """The ways a server may quote ``secret``: as sent, JSON-escaped, and — for a base64
    value such as ``client_key`` — decoded, line by line and with its lines joined."""
    forms = {secret, json.dumps(secret)[1:-1]}
    try:
        decoded = base64.b64decode(secret, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        decoded = ""
    if len(decoded.strip()) >= 16:  # a PEM key, say; not 3 stray letters
        forms.update({decoded, decoded.strip(), " ".join(decoded.split())})
        forms.update(line.strip() for line in decoded.splitlines() if len(line.strip()) >= 16)
    return {f for f in forms if len(f) >= _MIN_SECRET}


def scrub_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret (in every form a server may echo it)
    replaced by the mask, and any PEM private key masked too."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms |= _forms(secret)
    for form in sorted(forms, key=len, reverse=True):  # longest first: no half-masked value
        text = text.replace(form, MASK)
    return redact_text(text)


def from_response(resp: httpx.Response, *, method: str, path: str, scrub: Iterable[str] = ()) -> HttpError:
    """The typed error of a non-success response, with a readable message and maybe a field.

    ``scrub``: the secrets of the request this answers and the session's token; a server
    that echoes them (a 400 quoting the request) never gets them shown or printed.
    """
    status = resp.status_code
    try:
        text = resp.text
    except Exception:  # undecodable body
        text = ""
    try:
        message = message_from_body(text, resp.headers.get("content-type", ""))
    except RecursionError:  # an error body nested just under the parser's limit
        message = ""
    message = scrub_text(message, scrub)
    if not message:
        message = resp.reason_phrase or f"HTTP {status}"
    retry_after = parse_retry_after(resp.headers.get("retry-after"))
    if status == 400 and says_name_taken(message):
        cls: type[HttpError] = NameTaken
    elif status >= 500:
        cls = ServerError
    else:
        cls = _STATUS_CLASSES.get(status, HttpError)
    field = "name" if cls is NameTaken else field_from_message(message)
    return cls(message, status=status, method=method, path=path, field=field, retry_after=retry_after)


def malformed(resp: httpx.Response, *, method: str, path: str, what: str = "") -> MalformedResponse:
    ctype = resp.headers.get("content-type", "").lower()
    body = (resp.text or "")[:500].lower() if resp.content else ""
    if "html" in ctype or "<html" in body or "<!doctype" in body:
        kind = "an HTML page"
    elif not resp.content:
        kind = "an empty body"
    elif "json" in ctype and what:
        kind = what
    else:
        kind = "not JSON"
    return MalformedResponse(
        f"the server sent an unreadable answer ({kind}) to {method} {path.split('?')[0]}",
        status=resp.status_code,
        method=method,
        path=path,
    )
