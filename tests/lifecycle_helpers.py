"""Shared bits of the lifecycle tests (service, CLI, console)."""

from __future__ import annotations

import base64
import copy
from typing import Any

SVG_LOGO = base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">'
    b'<rect width="16" height="16" fill="#336"/></svg>'
).decode()

OAUTH = {
    "oauth": {
        "idp_name": "Okta",
        "idp_icon_url": "https://idp.example/icon.png",
        "idp_authorization_endpoint": "https://idp.example/authorize",
        "idp_token_endpoint": "https://idp.example/token",
        "idp_requires_basic_auth": True,
        "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": "GLOBAL_ROOTS"}}},
        "client_id": "ccm-client",
        "client_secret": "TOPSECRET-first-secret",
    }
}
PASSWORD = {"password": {"require_2fa": False, "administrators_only": False}}
ADMIN_ONLY = {"password": {"require_2fa": True, "administrators_only": True}}
CLUSTER = {"cluster_auth_ref": {"target_id": "cluster-auth-1"}}


def oauth(**changes: Any) -> dict[str, Any]:
    cfg = copy.deepcopy(OAUTH)
    cfg["oauth"].update(changes)
    return cfg


def patches(emulator, acct_id: str) -> list[Any]:
    """Bodies of every PATCH of this account the emulator received, in order."""
    path = f"/v1/accounts/{acct_id}"
    return [r.body for r in emulator.received if r.method == "PATCH" and r.path == path]


def deletes(emulator, acct_id: str) -> int:
    path = f"/v1/accounts/{acct_id}"
    return sum(1 for r in emulator.received if r.method == "DELETE" and r.path == path)


def fault_aware_transport(asgi_app):
    """httpx.ASGITransport that reports an injected dropped connection as a socket would
    (httpx.RemoteProtocolError), like tests/conftest.py's asgi_transport."""
    import httpx

    from ccm_tui.emulator import ConnectionDropped

    class _Transport(httpx.ASGITransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            try:
                return await super().handle_async_request(request)
            except ConnectionDropped as exc:
                raise httpx.RemoteProtocolError(str(exc), request=request) from exc

    return _Transport(app=asgi_app)


def make_fault_app(asgi_app):
    """The console logged in to ``asgi_app`` through fault_aware_transport."""
    from ccm_tui.app import create_app
    from ccm_tui.config import ConnectionSettings
    from ccm_tui.emulator import DEMO_EMAIL, DEMO_PASSWORD

    return create_app(settings=ConnectionSettings(url="http://127.0.0.1:9", email=DEMO_EMAIL),
                      transport=fault_aware_transport(asgi_app), password=DEMO_PASSWORD)
