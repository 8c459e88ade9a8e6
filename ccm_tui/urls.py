"""The server URL rule, once: what a CCM base URL may look like, and which hosts are this
machine (the only place plain ``http://`` goes without ``--insecure``).

Standard library only, below every layer: the config loader, the HTTP client (``api/tls.py``)
and the login screen all call these functions, so they cannot disagree about a URL.

Decisions where the three former copies disagreed:

* the scheme is case-insensitive (``HTTPS://`` is https) and is written back lower-case;
* a user name or password in the URL (``https://ops:pw@host``) is refused everywhere, and the
  message never repeats the URL (it may hold a password);
* a query, a fragment or a port that is not a number 0-65535 is refused (a base URL has none);
* loopback means only what cannot leave this machine whatever the resolver does: the name
  ``localhost`` (any case), IPv4 literals in 127.0.0.0/8, and the IPv6 literal ``::1`` (with
  or without brackets; also IPv4-mapped ``::ffff:127.x.y.z``). Not ``localhost.`` (trailing
  dot), ``*.localhost`` or ``localhost.localdomain``: those are looked up by the system
  resolver and may be answered by DNS, so plain http to them needs ``--insecure``.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

EXAMPLE = "https://ccm.fortanix.com"


class ServerUrlError(ValueError):
    """Why a server URL was refused. ``reason`` is one of: ``empty``, ``userinfo``,
    ``invalid``, ``port``, ``query``, ``plain_http``. ``message`` never holds the URL."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def is_loopback_host(host: str) -> bool:
    """True only for a host that is certainly this machine (see the module notes)."""
    if not isinstance(host, str):
        return False
    name = host.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def parse_server_url(text: object) -> str:
    """The normalised base URL (scheme lower-case, trailing slashes dropped), or
    :class:`ServerUrlError` when it is not an absolute http(s) URL with a host."""
    if not isinstance(text, str) or not text.strip():
        raise ServerUrlError("empty", f"must be an http(s) URL, e.g. {EXAMPLE}")
    url = text.strip()
    if "@" in url.split("?", 1)[0].split("#", 1)[0]:
        # Checked first, and the URL is never echoed: it may hold a password.
        raise ServerUrlError("userinfo", "must not contain a user name or password (user@host)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ServerUrlError("port", "must be an http(s) URL with a valid host and port") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ServerUrlError("invalid", f"must be an http(s) URL, e.g. {EXAMPLE}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ServerUrlError("query", "must not contain a query or fragment")
    rest = url.split(":", 1)[1]
    return f"{parts.scheme}:{rest}".rstrip("/")


def plain_http_refused(url: str, *, insecure: bool) -> bool:
    """True when ``url`` is plain http:// to a host other than this machine and the
    operator did not say ``insecure``."""
    parts = urlsplit(url.strip())
    return parts.scheme == "http" and not insecure and not is_loopback_host(parts.hostname or "")


def check_server_url(text: object, *, insecure: bool) -> str:
    """:func:`parse_server_url`, and plain http:// only to this machine unless ``insecure``."""
    url = parse_server_url(text)
    if plain_http_refused(url, insecure=insecure):
        raise ServerUrlError(
            "plain_http",
            "plain http:// is only allowed to a loopback host (127.0.0.1, ::1, localhost); "
            "use https:// or pass --insecure",
        )
    return url
