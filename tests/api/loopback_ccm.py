"""A CCM double on 127.0.0.1 whose account endpoints misbehave on purpose (bounds tests).

It answers login, ``/v1/user`` and logout like CCM, and ``GET``/``POST /v1/accounts`` in the
mode a test sets:

    list_mode   "normal" (the accounts it holds) | "endless" (always a full page of new ids)
                | "trickle" (headers, then one byte a second) | "silent" (no answer at all)
                | "huge" (an endless body)
                | "deep" (JSON nested 100,000 levels)
    create_mode "normal" | "deep_created" (stores the account, answers deep JSON)
                | "deep_not_created" (stores nothing, answers deep JSON)
                | "echo_secret" (400 whose message repeats the request's secrets and token)

Every slow or endless answer stops when the client hangs up or the server is stopped, so
no thread outlives a test by more than a fraction of a second.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

EMAIL = "ops@loopback.example"
PASSWORD = "loopback-Password-1"
TOKEN = "tok-LOOPBACK-7f3a9c1e5b"


def _account(acct_id: str, name: str) -> dict[str, Any]:
    return {"acct_id": acct_id, "name": name, "roles": ["MANAGER"], "status": "ACTIVE",
            "component": "DEFAULT",
            "node_enrollment": {"attestation_enforcement_disabled_insecure": False}}


class LoopbackCcm:
    def __init__(self) -> None:
        self.list_mode = "normal"
        self.create_mode = "normal"
        self.accounts: list[dict[str, Any]] = []
        self.pages_served = 0
        self.bytes_streamed = 0
        self.creates = 0
        self.last_create_body: dict[str, Any] | None = None
        self.stop = threading.Event()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner._handle(self, "GET")

            def do_POST(self) -> None:
                owner._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> LoopbackCcm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # ------------------------------------------------------------------ answers
    def _send_json(self, h: BaseHTTPRequestHandler, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        self._send_bytes(h, status, body)

    @staticmethod
    def _send_bytes(h: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        route = f"{method} {parts.path}"
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        if route == "POST /v1/sys/auth":
            now = int(time.time())
            expected = "Basic " + base64.b64encode(f"{EMAIL}:{PASSWORD}".encode()).decode()
            if h.headers.get("Authorization") != expected:
                self._send_json(h, 401, {"message": "Unauthorized"})
                return
            self._send_json(h, 200, {"access_token": TOKEN, "session_info": {
                "subject_id": "u-1", "session_expires_at": now + 3600,
                "session_token_expires_at": now + 900}})
            return
        if h.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send_json(h, 401, {"message": "Unauthorized"})
            return
        if route == "GET /v1/user":
            self._send_json(h, 200, {"user_id": "u-1", "user_email": EMAIL})
        elif route == "POST /v1/sys/session/terminate":
            h.send_response(204)
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif route == "GET /v1/accounts":
            self._list(h, parse_qs(parts.query))
        elif route == "POST /v1/accounts":
            self._create(h, json.loads(raw or b"{}"))
        else:
            self._send_json(h, 404, {"message": f"no route {parts.path}"})

    def _list(self, h: BaseHTTPRequestHandler, query: dict[str, list[str]]) -> None:
        with self._lock:
            self.pages_served += 1
        mode = self.list_mode
        if mode == "endless":
            limit = int(query.get("limit", ["100"])[0])
            self._send_json(h, 200, {"items": [_account(str(uuid.uuid4()), f"acct {i}")
                                               for i in range(limit)]})
        elif mode == "deep":
            self._send_bytes(h, 200, b"[" * 100_000 + b"]" * 100_000)
        elif mode == "silent":  # not even a status line, until the client hangs up
            self.stop.wait(60.0)
        elif mode == "trickle":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "1000")
            h.end_headers()
            h.wfile.flush()
            for _ in range(1000):  # one byte a second until the client hangs up
                if self.stop.wait(1.0):
                    return
                try:
                    h.wfile.write(b" ")
                    h.wfile.flush()
                except OSError:
                    return
        elif mode == "huge":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.end_headers()  # no Content-Length: the body ends when the connection does
            chunk = b'{"items": [' + b" " * (1024 * 1024 - 11)
            while not self.stop.is_set() and self.bytes_streamed < 1024 * 1024 * 1024:
                try:
                    h.wfile.write(chunk)
                except OSError:
                    return
                with self._lock:
                    self.bytes_streamed += len(chunk)
                chunk = b" " * (1024 * 1024)
            h.close_connection = True
        else:
            self._send_json(h, 200, {"items": list(self.accounts)})

    def _create(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        with self._lock:
            self.creates += 1
        self.last_create_body = body
        mode = self.create_mode
        account = _account(str(uuid.uuid4()), body.get("name", ""))
        if mode == "echo_secret":
            secrets = [TOKEN]
            for cfg in body.get("auth_configs") or []:
                oauth = cfg.get("oauth") or {}
                secrets.append(oauth.get("client_secret", ""))
                key = ((oauth.get("tls") or {}).get("required") or {}).get("client_key")
                if key:
                    secrets += [key, base64.b64decode(key).decode(errors="replace")]
            self._send_json(h, 400, {"message": "invalid request: " + " / ".join(secrets)})
            return
        if mode in ("normal", "deep_created"):
            self.accounts.append(account)
        if mode == "normal":
            self._send_json(h, 200, account)
        else:
            self._send_bytes(h, 200, b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
