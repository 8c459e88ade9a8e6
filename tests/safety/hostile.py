"""A hostile CCM double on loopback and the corpus of strings it serves.

``HostileCcm`` is a small Starlette app (served by ``EmulatorServer(app=...)`` on 127.0.0.1)
that speaks just enough of the CCM API for the console and the CLI to log in, list, show,
select, create and delete, and puts crafted strings in every field it answers with:

- the user (``/v1/user``): ``user_email``, names, status, roles;
- every account: ``name``, ``roles``, ``status``, ``account_status``, ``component``,
  ``approval_state``, group ids, an unknown extra field *named* and valued by the string, and
  ``auth_configs`` (OAuth ``idp_name``, ``client_id``, endpoints; ``cluster_auth_ref``
  ``target_id``; the config ids themselves);
- error bodies (``fail``: route -> (status, message)), including for the login.

JSON is written with ``ensure_ascii=True`` so a lone surrogate travels as ``\\ud800``, as
JSON allows. Imported as a plain module (tests/ has no packages).
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

#: An attack of each kind in one string: for single-value places (header, toasts, errors).
COMBO = (
    "\x1b]52;c;cm0gLXJmIH4K\x07[@click=app.quit]op[/]\x1b]0;pwned\x07\u202eevil"
    "\x1b[2J\x9b31m[/]boom[link=https://evil.example]x[/link]\x1b]8;;no-end"
)


def corpus(shot_dir: str = "/tmp/ccm-hostile-shot") -> list[str]:
    """At least 30 hostile strings; the screenshot action writes into ``shot_dir``."""
    return [
        "\x1b[31mRED\x1b[0m plain",  # CSI SGR
        "\x1b[2J\x1b[Hcleared",  # clear screen, cursor home
        "\x1b]52;c;cm0gLXJmIH4K\x07clip",  # OSC 52 clipboard write (BEL)
        "\x1b]52;c;cm0gLXJmIH4K\x1b\\clip-st",  # OSC 52 (ST)
        "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 hyperlink
        "\x1b]0;pwned title\x07title",  # window title
        "\x1b]2;unterminated title",  # BEL-less, unterminated OSC
        "\x1bP1$r\x1b\\dcs",  # DCS
        "\x1b[?1049h\x1b[?25lalt-screen",  # alternate screen, hide cursor
        "\x9b31mC1-CSI",  # C1 CSI
        "\x9d0;c1-osc\x9c",  # C1 OSC ... ST
        "\x85next-line\x8dreverse",  # C1 NEL, RI
        "abc\u202edcba",  # right-to-left override
        "a\u2066isolate\u2069b\u2067c\u2068",  # bidi isolates
        "\u200ezero\u200bwidth\u200d\u2060\ufeff",  # marks, zero-width, BOM
        "soft\u00adhyphen\u061c",  # soft hyphen, Arabic letter mark
        "del\x7fete\x00nul",  # DEL, NUL
        "bell\x07back\x08\rcr",  # BEL, BS, CR
        "tab\tnew\nline\x0bvt\x0cff",  # whitespace controls
        "line\u2028sep\u2029para",  # line/paragraph separators
        "東京アカウント株式会社",  # wide CJK
        "😀 emoji 🏳️‍🌈",  # wide emoji, ZWJ sequence
        "e\u0301\u0301 combining",  # combining marks
        "[@click=app.quit]quit[/]",  # an action in markup
        f"[@click=app.screenshot('x.svg','{shot_dir}')]Acme Corp[/]",  # writes a file
        "[link=https://evil.example]link[/link]",  # markup link
        "[/]",  # a lone closing tag
        "[/]boom",  # MarkupError on details, on select
        "[bold]bold[/bold] [b]unclosed",  # styles
        "\\[escaped] $name ${x} {0} %s",  # escapes, template variables, format strings
        "lone\ud800surrogate\udfff",  # JSON allows \ud800
        "A" * 10_000,  # very long
        "\x1b[" * 3000 + "[/]",  # very long, all escapes
        COMBO,
    ]


#: Error messages: COMBO and a lone surrogate (messages are read leniently, so it arrives).
ERROR_TEXT = COMBO + " lone\ud800"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _uuid(i: int) -> str:
    return f"{i:08d}-0000-4000-8000-000000000000"


#: An account id that is itself hostile (ids are strings the server chooses).
HOSTILE_ID = "id-\x1b]52;c;aGk=\x07[@click=app.quit]\u202e-[/]"


def hostile_account(i: int, s: str, *, acct_id: str | None = None) -> dict[str, Any]:
    """An account whose every string field is ``s``."""
    return {
        "acct_id": acct_id or _uuid(i),
        "name": s,
        "created_at": 1_700_000_000 + i,
        "roles": [s, "MANAGER"],
        "status": s,
        "account_status": s,
        "component": s,
        "approval_state": s,
        "default_group_id": s,
        "node_enrollment": {"attestation_enforcement_disabled_insecure": False},
        "totals": {"datasets": 1, "final_workflows": 2, "nodes": 3},
        s: s,  # an unknown field, named by the server
        "x_extra": {"note": s, "list": [s]},
        "auth_configs": {
            s: {
                "oauth": {
                    "idp_name": s,
                    "idp_icon_url": s,
                    "idp_authorization_endpoint": s,
                    "idp_token_endpoint": s,
                    "idp_userinfo_endpoint": s,
                    "idp_requires_basic_auth": False,
                    "tls": {"required": {"validate_hostname": True, "ca": {"ca_set": s}}},
                    "client_id": s,
                    "client_secret": s,
                }
            },
            f"{_uuid(i)}-c": {"cluster_auth_ref": {"target_id": s}},
            f"{_uuid(i)}-u": {s: {}},
        },
    }


#: The id of the account that holds every corpus string at once (details, tree, JSON).
SINK_ID = "99999999-0000-4000-8000-000000000000"


def kitchen_sink_account(strings: list[str]) -> dict[str, Any]:
    """One account whose roles, unknown fields and auth configs hold every string."""
    account = hostile_account(0, COMBO, acct_id=SINK_ID)
    account["name"] = "kitchen sink " + COMBO
    account["roles"] = list(strings)
    account.update({s: s for s in strings})
    configs: dict[str, Any] = {}
    for i, s in enumerate(strings):
        configs.update(hostile_account(i, s)["auth_configs"])
    account["auth_configs"] = configs
    return account


class HostileCcm:
    """State of the double. Tests change ``accounts``, ``user`` and ``fail`` directly (the
    server runs in a thread of the test process). ``fail`` maps a route name (``login``,
    ``user``, ``list``, ``get``, ``create``, ``delete``, ``select``) to (status, message)."""

    def __init__(self, strings: list[str]) -> None:
        # A lone surrogate makes the whole JSON answer unreadable to the client (one clear
        # error, tested on its own): the accounts hold every other string.
        self.strings = [s for s in strings if _encodable(s)]
        self.surrogates = [s for s in strings if not _encodable(s)]
        self.accounts = [hostile_account(i, s) for i, s in enumerate(self.strings)]
        self.accounts.append(hostile_account(len(strings), COMBO, acct_id=HOSTILE_ID))
        self.accounts.append(kitchen_sink_account(self.strings))
        self.user: dict[str, Any] = {
            "user_id": "u-1",
            "user_email": COMBO,
            "first_name": COMBO,
            "last_name": COMBO,
            "status": COMBO,
            "roles": [COMBO],
        }
        self.fail: dict[str, tuple[int, str]] = {}
        self.created: dict[str, Any] = hostile_account(900, COMBO, acct_id=HOSTILE_ID)
        self.requests: list[str] = []

    # -- answers -------------------------------------------------------------------------
    @staticmethod
    def _json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status_code=status, media_type="application/json")

    def _failure(self, route: str) -> Response | None:
        if route not in self.fail:
            return None
        status, message = self.fail[route]
        return self._json({"message": message, "error": message, "code": message}, status)

    @staticmethod
    def _session_info(selected: str | None = None) -> dict[str, Any]:
        now = int(time.time())
        info = {"subject_id": "u-1", "session_expires_at": now + 3600,
                "session_token_expires_at": now + 3600}
        if selected is not None:
            info["selected_account_id"] = selected
        return info

    def _find(self, acct_id: str) -> dict[str, Any] | None:
        return next((a for a in self.accounts if a["acct_id"] == acct_id), None)

    async def _dispatch(self, request: Request) -> Response:
        path, method = request.url.path, request.method
        self.requests.append(f"{method} {path}")
        if path == "/v1/sys/version":
            return self._json({"version": COMBO})
        if path == "/v1/sys/auth/discover":
            return self._json({"auth_methods": [{"password": {}}]})
        if path == "/v1/sys/auth":
            return self._failure("login") or self._json(
                {"access_token": "hostile-token", "session_info": self._session_info()})
        if path == "/v1/sys/session/refresh":
            return self._json({"session_info": self._session_info()})
        if path == "/v1/sys/session/terminate":
            return Response(status_code=204)
        if path.startswith("/v1/sys/session/select_account/"):
            acct_id = path[len("/v1/sys/session/select_account/"):]
            return self._failure("select") or self._json(
                {"session_info": self._session_info(acct_id)})
        if path == "/v1/user":
            return self._failure("user") or self._json(self.user)
        if path == "/v1/accounts" and method == "GET":
            return self._failure("list") or self._json({"items": self.accounts})
        if path == "/v1/accounts" and method == "POST":
            return self._failure("create") or self._json(self.created)
        if path.startswith("/v1/accounts/"):
            acct_id = path[len("/v1/accounts/"):]  # ids may hold "/" (sent as %2F)
            if method == "DELETE":
                return self._failure("delete") or Response(status_code=204)
            account = self._find(acct_id)
            if account is None:
                return self._json({"message": COMBO}, 404)
            return self._failure("get") or self._json(account)
        return self._json({"message": COMBO}, 404)

    def app(self) -> Starlette:
        methods = ["GET", "POST", "DELETE", "PATCH"]
        return Starlette(routes=[Route("/{rest:path}", self._dispatch, methods=methods)])
