"""``create_app``: the emulator as a Starlette ASGI application."""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ccm_tui.emulator import routes_accounts, routes_session, routes_users
from ccm_tui.emulator.accounts import seed_accounts as build_seed_accounts
from ccm_tui.emulator.core import Emulator
from ccm_tui.emulator.faults import ConnectionDropped
from ccm_tui.emulator.http import HttpError, emulator_of, error_response, json_body
from ccm_tui.emulator.middleware import FaultMiddleware

log = logging.getLogger(__name__)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    return error_response(exc.status, exc.message)


async def _starlette_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(404, f"no such endpoint: {request.method} {request.url.path}")
    if exc.status_code == 405:
        return error_response(405, f"method {request.method} is not allowed on {request.url.path}")
    return error_response(exc.status_code, str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ConnectionDropped):  # an injected drop is not a bug
        log.error("emulator: unexpected %s on %s %s", type(exc).__name__, request.method,
                  request.url.path)
    return error_response(500, "internal server error")


async def control_faults(request: Request) -> Response:
    """``POST /_emulator/faults``: one command object or a list of them, e.g.
    ``{"action": "latency", "seconds": 0.2}``,
    ``{"action": "fail_next", "route": "GET /v1/accounts", "status": 503, "retry_after": 1}``,
    ``{"action": "settings", "duplicate_status": 400, "select_account_v2": false}``,
    ``{"action": "clear"}``.

    Only for a logged-in client: it needs ``Authorization: Bearer <access_token>`` (the header;
    the session cookie is not enough) and ``Content-Type: application/json``. A web page the
    operator happens to visit can send neither without the browser asking (CORS preflight),
    which the emulator never grants, so it cannot reconfigure a running emulator."""
    emu = emulator_of(request)
    host = _host_name(request.headers.get("host", ""))
    if emu.control_hosts is not None and host not in emu.control_hosts:
        raise HttpError(403, "the fault control endpoint answers only requests addressed to the "
                             "emulator's loopback address (127.0.0.1, ::1 or localhost), not "
                             f"{host[:100]!r}")
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or emu.authenticate(token.strip()) is None:
        raise HttpError(401, "the fault control endpoint needs Authorization: Bearer "
                             "<access_token> of a live session (log in with POST /v1/sys/auth)")
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise HttpError(415, "the fault control endpoint accepts only Content-Type: "
                             "application/json")
    body = await json_body(request)
    commands = body if isinstance(body, list) else [body]
    for command in commands:
        try:
            if isinstance(command, dict) and command.get("action") == "settings":
                _apply_settings(emu, command)
            else:
                emu.faults.apply(command)
        except ValueError as exc:
            raise HttpError(400, str(exc)) from None
    return JSONResponse({"active": emu.faults.active})


def _host_name(host: str) -> str:
    """``"127.0.0.1:8080"`` -> ``"127.0.0.1"``, ``"[::1]:80"`` -> ``"::1"``, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _apply_settings(emu: Emulator, command: dict[str, Any]) -> None:
    if "duplicate_status" in command:
        if type(command["duplicate_status"]) is not int or command["duplicate_status"] not in (400, 409):
            raise ValueError("`duplicate_status` must be 400 or 409")
        emu.duplicate_status = command["duplicate_status"]
    if "select_account_v2" in command:
        if not isinstance(command["select_account_v2"], bool):
            raise ValueError("`select_account_v2` must be true or false")
        emu.select_account_v2 = command["select_account_v2"]


def create_app(
    *,
    seed_accounts: int = 0,
    demo_data: bool = False,
    control: bool = True,
    direct_routes: bool = True,
    **emulator_options: Any,
) -> Starlette:
    """A fresh emulator app; ``app.state.emulator`` is its :class:`Emulator`, built from
    ``emulator_options`` (the keyword arguments of :class:`Emulator`, defined there only:
    ``db_path``, ``email``, ``password``, the token and session lifetimes, ``clock``, ...).

    ``seed_accounts=N`` pre-creates N accounts owned by the seeded user (skipped when the
    database already holds accounts, so a file database is seeded once). ``demo_data=True``
    first stores the small realistic set of ``ccm_tui.emulator.demo`` (what ``--demo`` shows),
    also only into an empty database. ``control=False``
    removes the ``/_emulator/faults`` endpoint (faults stay switchable in-process).
    ``direct_routes=False`` sends ``GET /v1/accounts`` through Starlette's router too, like
    every other route (the reference its direct handler is tested against)."""
    emulator = Emulator(**emulator_options)
    empty = emulator.store.count_accounts() == 0
    if demo_data and empty:
        from ccm_tui.emulator.demo import seed_demo

        seed_demo(emulator)
    if seed_accounts and empty:
        emulator.store.insert_many(
            build_seed_accounts(int(seed_accounts), ids=emulator.ids, now=emulator.now()),
            emulator.user["user_id"],
        )
    routes = [*routes_session.routes, *routes_accounts.routes, *routes_users.routes]
    if control:
        routes.append(Route("/_emulator/faults", control_faults, methods=["POST"]))
    # The hot route (a client pages through every account with it) skips the router.
    direct = {("GET", "/v1/accounts"): routes_accounts.list_accounts_asgi} if direct_routes else {}
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, emulator=emulator, direct=direct)],
        exception_handlers={HttpError: _http_error, HTTPException: _starlette_error, Exception: _server_error},
    )
    app.state.emulator = emulator
    return app
