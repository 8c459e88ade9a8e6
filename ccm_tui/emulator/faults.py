"""Runtime-switchable fault injection. Everything is off until a test or a demo turns it on.

Routes are written ``"METHOD /path"``; a path segment in braces (``{account-id}``) or ``*``
matches any one segment, and the method ``*`` matches any method. Examples:
``"POST /v1/accounts"``, ``"GET /v1/accounts/{account-id}"``, ``"* /v1/accounts"``.

The injector is shared between the server thread and the test thread: every method locks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CREATE_ROUTE = "POST /v1/accounts"
MALFORMED_KINDS = ("json", "html", "text")


class ConnectionDropped(ConnectionAbortedError):
    """Raised inside the app after a committed create to make the connection fail.

    Under uvicorn the client sees the connection closed mid-response (the declared
    Content-Length is never reached). Under ``httpx.ASGITransport`` the exception reaches the
    caller; tests/conftest.py's ``asgi_transport`` turns it into ``httpx.RemoteProtocolError``.
    """


def route_matches(route: str | None, method: str, path: str) -> bool:
    if route is None:
        return True
    want_method, _, want_path = route.strip().partition(" ")
    if not want_path:  # "/v1/accounts" alone: any method
        want_method, want_path = "*", want_method
    if want_method != "*" and want_method.upper() != method.upper():
        return False
    want = want_path.strip("/").split("/")
    have = path.strip("/").split("/")
    if len(want) != len(have):
        return False
    return all(w == h or w == "*" or (w.startswith("{") and w.endswith("}")) for w, h in zip(want, have))


@dataclass
class _Latency:
    seconds: float
    route: str | None


@dataclass
class _Hold:
    route: str | None
    passes: int  # requests still let through before the hold bites
    released: threading.Event


@dataclass
class FailRule:
    route: str
    status: int
    count: int
    retry_after: float | int | str | None = None
    body: Any = None
    content_type: str = "application/json"
    after: int = 0  # matching calls still let through before the rule bites


@dataclass
class MalformedRule:
    route: str
    count: int
    kind: str
    after: int = 0


@dataclass
class CommitRule:
    count: int
    seconds: float = 0.0
    route: str = CREATE_ROUTE


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holds: list[_Hold] = []
        #: False while no fault is set: the middleware then asks nothing else per request.
        #: Rewritten under the lock after every change (a plain attribute read needs none).
        self.any_set = False
        self.clear()

    # -- switches -------------------------------------------------------------------------
    def clear(self) -> None:
        """Turn every fault off."""
        with self._lock:
            self._latencies: list[_Latency] = []
            self._fails: list[FailRule] = []
            self._malformed: list[MalformedRule] = []
            self._drops: list[CommitRule] = []
            self._delays: list[CommitRule] = []
            for held in self._holds:
                held.released.set()
            self._holds = []
            self.any_set = False

    def latency(self, seconds: float, route: str | None = None) -> None:
        """Add ``seconds`` before every matching request (all routes when ``route`` is None).

        ``latency(0)`` removes the latency for that route."""
        if seconds < 0:
            raise ValueError("latency seconds must be >= 0")
        with self._lock:
            self._latencies = [lat for lat in self._latencies if lat.route != route]
            if seconds > 0:
                self._latencies.append(_Latency(float(seconds), route))
            self._note_change()

    def hold(self, route: str | None = None, after: int = 0) -> None:
        """Keep matching requests waiting, before they are answered or committed, until
        ``release`` (or ``clear``) for that route, or at most ``MAX_FAULT_SECONDS``; the first
        ``after`` of them go through. Unlike a latency, the test decides when the answer
        comes, so a slow machine cannot make it arrive before the step under test."""
        passes = _after(after)
        with self._lock:
            self._holds.append(_Hold(route, passes, threading.Event()))
            self._note_change()

    def release(self, route: str | None = None) -> None:
        """Let the requests held by ``hold(route)`` go on."""
        with self._lock:
            for held in self._holds:
                if held.route == route:
                    held.released.set()
            self._holds = [held for held in self._holds if held.route != route]
            self._note_change()

    def fail_next(
        self,
        route: str,
        status: int,
        count: int = 1,
        retry_after: float | int | str | None = None,
        body: Any = None,
        content_type: str = "application/json",
        after: int = 0,
    ) -> None:
        """Answer the next ``count`` calls of ``route`` with ``status`` (nothing is committed).

        ``body`` may be a dict/list/str (JSON-encoded when ``content_type`` is JSON, else sent
        as text) or bytes; by default ``{"message": "injected fault: HTTP <status>"}``. The
        first ``after`` matching calls go through untouched."""
        if not 100 <= int(status) <= 599:
            raise ValueError("status must be an HTTP status code (100..599)")
        with self._lock:
            self._fails.append(
                FailRule(route, int(status), int(count), retry_after, body, content_type,
                         _after(after))
            )
            self._note_change()

    def malformed_next(self, route: str, count: int = 1, kind: str = "json",
                       after: int = 0) -> None:
        """Answer the next ``count`` calls of ``route`` with 200 and a body the client cannot
        parse: ``json`` (truncated JSON, application/json), ``html`` (an HTML page served as
        text/html) or ``text`` (plain text). The first ``after`` matching calls go through
        untouched."""
        if kind not in MALFORMED_KINDS:
            raise ValueError(f"kind must be one of {', '.join(MALFORMED_KINDS)}")
        with self._lock:
            self._malformed.append(MalformedRule(route, int(count), kind, _after(after)))
            self._note_change()

    def drop_after_commit(self, count: int = 1, route: str = CREATE_ROUTE) -> None:
        """The next ``count`` successful calls of ``route`` (by default ``POST /v1/accounts``;
        also ``PATCH``/``DELETE /v1/accounts/{account-id}``) commit, then the connection is
        closed before a complete response is sent."""
        with self._lock:
            self._drops.append(CommitRule(int(count), route=route))
            self._note_change()

    def delay_after_commit(self, seconds: float, count: int = 1, route: str = CREATE_ROUTE) -> None:
        """The next ``count`` successful calls of ``route`` (by default ``POST /v1/accounts``)
        commit, then wait ``seconds`` before answering (lets a client time out after the
        server committed)."""
        with self._lock:
            self._delays.append(CommitRule(int(count), float(seconds), route=route))
            self._note_change()

    # -- queries used by the middleware -----------------------------------------------------
    def latency_for(self, method: str, path: str) -> float:
        with self._lock:
            return sum(lat.seconds for lat in self._latencies if route_matches(lat.route, method, path))

    def hold_for(self, method: str, path: str) -> threading.Event | None:
        """The event a request must wait for (None: it goes on). Asked once per request."""
        with self._lock:
            for held in self._holds:
                if route_matches(held.route, method, path):
                    if held.passes > 0:
                        held.passes -= 1
                        return None
                    return held.released
            return None

    def take_fail(self, method: str, path: str) -> FailRule | None:
        with self._lock:
            rule = _take(self._fails, method, path)
            self._note_change()
            return rule

    def take_malformed(self, method: str, path: str) -> MalformedRule | None:
        with self._lock:
            rule = _take(self._malformed, method, path)
            self._note_change()
            return rule

    def wants_commit_fault(self, method: str, path: str) -> bool:
        with self._lock:
            return any(route_matches(r.route, method, path) for r in (*self._drops, *self._delays))

    def take_commit_fault(self, method: str = "POST", path: str = "/v1/accounts") -> tuple[bool, float]:
        """(drop, delay_seconds) for a call that has just committed; consumes the rules.

        Without ``method``/``path`` the call is taken to be a create (``POST /v1/accounts``)."""
        with self._lock:
            drop = _take(self._drops, method, path) is not None
            delay_rule = _take(self._delays, method, path)
            self._note_change()
            return drop, delay_rule.seconds if delay_rule is not None else 0.0

    @property
    def active(self) -> bool:
        with self._lock:
            return self._any()

    def _any(self) -> bool:
        return bool(self._latencies or self._fails or self._malformed or self._drops or self._delays
                    or self._holds)

    def _note_change(self) -> None:
        """Called under the lock after every change of the rules."""
        self.any_set = self._any()

    # -- the HTTP control endpoint ------------------------------------------------------------
    def apply(self, command: dict[str, Any]) -> None:
        """Apply one JSON command of ``POST /_emulator/faults``, e.g.
        ``{"action": "fail_next", "route": "GET /v1/accounts", "status": 503, "retry_after": 1}``.
        Actions: latency, hold, release, fail_next, malformed_next, drop_after_commit,
        delay_after_commit, clear.
        """
        if not isinstance(command, dict):
            raise ValueError("each fault command must be a JSON object with an `action`")
        args = dict(command)
        action = args.pop("action", None)
        handlers: dict[str, Callable[..., None]] = {
            "latency": self.latency,
            "hold": self.hold,
            "release": self.release,
            "fail_next": self.fail_next,
            "malformed_next": self.malformed_next,
            "drop_after_commit": self.drop_after_commit,
            "delay_after_commit": self.delay_after_commit,
            "clear": self.clear,
        }
        if action not in handlers:
            raise ValueError(f"`action` must be one of: {', '.join(handlers)}")
        _check_args(action, args)
        try:
            handlers[action](**args)
        except TypeError as exc:
            raise ValueError(f"bad arguments for `{action}`: {exc}") from None


#: Longest latency or delay a command may ask for (a typo of 1e9 would hang a test run).
MAX_FAULT_SECONDS = 600.0


def _printable(value: Any, limit: int = 200) -> bool:
    return isinstance(value, str) and len(value) <= limit and all(" " <= c <= "~" for c in value)


def _check_args(action: str, args: dict[str, Any]) -> None:
    """Type-check a command's arguments, so a bad one is refused (400) instead of being stored
    and breaking every later request."""
    def bad(name: str, expected: str) -> ValueError:
        return ValueError(f"bad arguments for `{action}`: `{name}` must be {expected}")

    for name, value in args.items():
        if name == "route":
            if value is not None and not _printable(value):
                raise bad(name, 'a route such as "GET /v1/accounts" (printable ASCII)')
        elif name in ("seconds",):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    0 <= value <= MAX_FAULT_SECONDS):
                raise bad(name, f"a number of seconds from 0 to {MAX_FAULT_SECONDS:g}")
        elif name in ("status", "count", "after"):
            if type(value) is not int or not 0 <= value <= 1_000_000:
                raise bad(name, "a whole number")
        elif name == "retry_after":
            if value is not None and not (
                    (type(value) in (int, float) and 0 <= value <= 10**9) or _printable(value, 100)):
                raise bad(name, "a number of seconds or an HTTP date (printable ASCII)")
        elif name == "content_type":
            if not _printable(value):
                raise bad(name, 'a media type such as "application/json" (printable ASCII)')
        elif name == "kind":
            if value not in MALFORMED_KINDS:
                raise bad(name, f"one of {', '.join(MALFORMED_KINDS)}")


def _after(after: int) -> int:
    if isinstance(after, bool) or int(after) < 0:
        raise ValueError("after must be a whole number >= 0")
    return int(after)


def _take(rules: list[Any], method: str, path: str) -> Any:
    for rule in rules:
        if route_matches(rule.route, method, path):
            if getattr(rule, "after", 0) > 0:  # this call still goes through
                rule.after -= 1
                return None
            _consume(rules, rule)
            return rule
    return None


def _consume(rules: list[Any], rule: Any) -> None:
    rule.count -= 1
    if rule.count <= 0:
        rules.remove(rule)
