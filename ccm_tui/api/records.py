"""One line of the request log: what was asked and how it went, with every secret masked
*when it is recorded* (a record never holds a password, a Basic header or a token).

A record keeps the request's and the response's headers (``Authorization``, cookies and
token-like headers masked) and an excerpt of both bodies (secret members and PEM private keys
masked, at most :data:`BODY_LIMIT` characters), the request id a server sent (if it sent one),
and enough to rebuild a ``curl`` command later with placeholders such as ``$CCM_TOKEN``.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ccm_tui.redaction import SECRET_KEYS

AuthKind = Literal["none", "basic", "bearer"]

HISTORY_SIZE = 500  # records kept; the oldest is dropped
BODY_LIMIT = 8 * 1024  # characters of a body kept for display
REQUEST_BODY_LIMIT = 64 * 1024  # a request body up to this is kept whole (for "copy as curl")
_PARSE_LIMIT = 32 * 1024  # a JSON response up to this is parsed and masked member by member (larger: a page of accounts; only its first BODY_LIMIT characters are kept)
_ID_LIMIT = 128
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id")
_MASKED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_HEADER_WORDS = ("token", "secret", "password", "api-key", "apikey", "session")

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # path and query, e.g. "/v1/accounts?limit=100"
    status: int | None  # None when there was no HTTP answer
    elapsed_ms: float
    error: str | None = None  # error class and message (never a secret) or None
    base_url: str = ""
    auth: AuthKind = "none"
    sent_json: bool = False  # a JSON body was sent
    attempt: int = 1
    at: float = field(default_factory=time.time)
    request_id: str | None = None  # x-request-id / request-id / x-correlation-id, if sent
    request_headers: Headers = ()  # masked
    request_body: str | None = None  # JSON text, secrets masked (None: no body)
    request_body_whole: bool = True  # False: request_body is an excerpt
    response_headers: Headers = ()  # masked
    response_body: str | None = None  # excerpt, secrets masked

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + self.path

    def log_line(self) -> str:
        """``METHOD path status duration_ms [request-id]`` (plus attempt and error)."""
        status = str(self.status) if self.status is not None else "---"
        line = f"{self.method} {self.path} {status} {self.elapsed_ms:.0f}ms"
        if self.request_id:
            line += f" {self.request_id}"
        if self.attempt > 1:
            line += f" attempt={self.attempt}"
        if self.error:
            line += f" error={self.error}"
        return line


class RequestHistory:
    """The last ``size`` records, newest last (for the request-log screen)."""

    def __init__(self, size: int = HISTORY_SIZE) -> None:
        self._items: deque[RequestRecord] = deque(maxlen=size)
        self.added = 0  # records ever added (tells a viewer that something new came)

    def add(self, record: RequestRecord) -> None:
        self._items.append(record)
        self.added += 1

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def last(self, n: int | None = None) -> list[RequestRecord]:
        items = list(self._items)
        return items if n is None else items[-n:]

    def clear(self) -> None:
        self._items.clear()


# ---------------------------------------------------------------- masking at record time
def _mask_all(text: str, secrets: Iterable[str]) -> str:
    from ccm_tui.api.errmap import scrub_text

    return scrub_text(text, secrets)


def _mask() -> str:
    from ccm_tui.redaction import MASK

    return MASK


def masked_headers(headers: Iterable[tuple[str, str]], secrets: Iterable[str] = ()) -> Headers:
    """Header pairs with credentials masked: ``Authorization: Bearer **********`` keeps its
    scheme, cookies and token-like headers lose their value entirely."""
    mask = _mask()
    secrets = tuple(secrets)
    out: list[tuple[str, str]] = []
    for name, value in headers:
        low = name.lower()
        if low in ("authorization", "proxy-authorization"):
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} {mask}" if scheme and len(scheme) <= 16 else mask
        elif low in _MASKED_HEADERS or any(w in low for w in _SECRET_HEADER_WORDS):
            value = mask
        else:
            value = _mask_all(value, secrets)
        out.append((name, value))
    return tuple(out)


def request_id_of(headers: Mapping[str, str] | Any) -> str | None:
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)[:_ID_LIMIT]
    return None


def request_body_text(body: Any, secrets: Iterable[str] = ()) -> tuple[str, bool]:
    """A JSON request body as compact JSON with secret members masked -> (text, whole)."""
    from ccm_tui.safetext import json_text
    from ccm_tui.redaction import redact

    text = _mask_all(json_text(redact(body), indent=None), secrets)
    if len(text) > REQUEST_BODY_LIMIT:
        return text[:BODY_LIMIT], False
    return text, True


# the secret-named string members of a JSON text, from the one list of secret names
_SECRET_MEMBER = re.compile(
    r'("(?:' + "|".join(sorted(map(re.escape, SECRET_KEYS))) + r')"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)',
    re.I,
)


def response_body_text(content: bytes, content_type: str, secrets: Iterable[str] = ()) -> str | None:
    """An excerpt of a response body (at most BODY_LIMIT characters) with secrets masked.

    A JSON answer of moderate size is parsed and masked member by member; a larger one (a page
    of 500 accounts) is cut first and its secret-named string members masked in the text."""
    if not content:
        return None
    from ccm_tui.safetext import json_text
    from ccm_tui.redaction import redact

    text: str | None = None
    cut = False
    if "json" in content_type.lower() and len(content) <= _PARSE_LIMIT:
        try:
            text = json_text(redact(json.loads(content)), indent=None)
        except (ValueError, RecursionError):
            text = None
    if text is None:
        raw = content[: BODY_LIMIT * 4].decode("utf-8", "replace")
        cut = len(raw) > BODY_LIMIT or len(content) > BODY_LIMIT * 4
        mask = _mask()
        text = _SECRET_MEMBER.sub(lambda m: f'{m.group(1)}"{mask}"', raw[:BODY_LIMIT])
    text = _mask_all(text, secrets)
    if cut or len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT] + f"… (cut at {BODY_LIMIT} characters)"
    return text
