"""TLS settings of the client and the plain-http guard."""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from ccm_tui.api.errors import BadUrl, InsecureUrl, TlsError
from ccm_tui.urls import ServerUrlError, check_server_url

VerifyType = bool | str | os.PathLike | ssl.SSLContext


def check_url(base_url: str, *, insecure: bool) -> str:
    """The normalised base URL; refuses plain http to another machine unless ``insecure``.
    The rule itself is :func:`ccm_tui.urls.check_server_url` (shared with config and login)."""
    try:
        return check_server_url(base_url, insecure=insecure)
    except ServerUrlError as exc:
        if exc.reason == "plain_http":
            host = urlsplit(base_url.strip()).hostname
            raise InsecureUrl(
                f"refusing plain http:// to {host}: passwords and tokens would travel "
                "unencrypted; use https:// or pass the insecure flag explicitly"
            ) from None
        shown = "" if exc.reason == "userinfo" else f" {str(base_url).strip()!r}"
        raise BadUrl(
            f"server URL{shown} is not valid ({exc.message}): use https://HOST[:PORT] "
            "(or http:// for this machine)"
        ) from None


def plain_http_context() -> ssl.SSLContext:
    """For a plain http:// base URL: a context that verifies everything and trusts nothing.

    The client only ever requests paths under its base URL and never follows redirects, so
    no TLS connection is made; loading the CA bundle would cost ~2 MB and ~20 ms for nothing.
    Should an https URL ever be reached anyway, its certificate cannot be trusted (fails
    closed)."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED, check_hostname, no CAs


def ssl_context(verify: VerifyType) -> ssl.SSLContext | bool:
    """What to hand httpx as ``verify``.

    ``True`` -> system/certifi roots (httpx honours SSL_CERT_FILE / SSL_CERT_DIR);
    a path -> a context that trusts exactly that CA bundle (file or directory);
    ``False`` -> no verification (only when the caller asks for it explicitly).
    """
    if isinstance(verify, ssl.SSLContext) or verify is False:
        return verify
    if verify is True:
        import httpx

        return httpx.create_ssl_context(verify=True, trust_env=True)
    path = Path(verify).expanduser()
    if not path.exists():
        raise TlsError(f"ca_bundle {str(path)!r} does not exist: give a PEM file of CA certificates")
    try:
        if path.is_dir():
            return ssl.create_default_context(capath=str(path))
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise TlsError(
            f"ca_bundle {str(path)!r} could not be loaded ({exc.__class__.__name__}): "
            "it must hold PEM CA certificates"
        ) from None
