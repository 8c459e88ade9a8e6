"""The Emulator object: store, clock, ids, faults, switches and the record of received bodies."""

from __future__ import annotations

import hmac
import secrets
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ccm_tui.emulator.clock import Clock, system_clock
from ccm_tui.emulator.faults import FaultInjector
from ccm_tui.emulator.ids import IdFactory
from ccm_tui.emulator.store import SessionRow, Store

DEMO_EMAIL = "demo@ccm.example"
DEMO_PASSWORD = "demo-password"
EMULATOR_VERSION = "2.0.0-ccm-tui-emulator"
SESSION_COOKIE = "ccm_session"
#: Page size of GET /v1/accounts when the request names no ``limit``.
DEFAULT_PAGE_SIZE = 100
#: Largest ``limit`` GET /v1/accounts accepts (CCM publishes none; ours asks for 500).
MAX_PAGE_SIZE = 1000
#: How many request records ``Emulator.received`` keeps (oldest dropped first).
RECEIVED_MAX = 1000
#: ... and how many body bytes in all (1000 bodies of 1 MiB would otherwise be kept).
RECEIVED_MAX_BYTES = 64 * 1024 * 1024
#: Request bodies above this many bytes are refused with 413 (a create with a 128 KiB logo
#: and a few pinned CAs is well below). ``Emulator.max_body_bytes`` may change it.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Received:
    """One request as it arrived: method, path (no query), query string and parsed JSON body."""

    method: str
    path: str
    body: Any
    query: str = ""

    # Lets tests unpack ``method, path, body = emulator.received[-1]``.
    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.path, self.body))


@dataclass(frozen=True)
class Auth:
    token: str
    session: SessionRow


class Emulator:
    """Everything a route needs, and the knobs tests turn.

    Switches (plain attributes, change them at any time):
      ``duplicate_status``: 409 (default) or 400 for a duplicate account name;
      ``select_account_v2``: False makes ``POST /v1/sys/session/select_account/{id}`` answer 404
      as older servers do, so a client's fallback to ``POST /v1/accounts/select_account/{id}``
      can be tested;
      ``max_body_bytes``: request bodies larger than this are answered 413 (MAX_BODY_BYTES);
      ``control_hosts``: the Host names ``POST /_emulator/faults`` answers to (None: any).
      EmulatorServer sets the loopback names when it listens on loopback, so a web page
      that rebinds its own DNS name to 127.0.0.1 cannot reach the control endpoint.
    """

    def __init__(
        self,
        *,
        db_path: str = ":memory:",
        email: str = DEMO_EMAIL,
        password: str = DEMO_PASSWORD,
        token_ttl: int = 900,
        session_ttl: int = 3600 * 8,
        clock: Clock | None = None,
        id_seed: int | str | None = None,
    ) -> None:
        self.clock: Clock = clock or system_clock
        self.ids = IdFactory(id_seed)
        self.store = Store(str(db_path))
        self.faults = FaultInjector()
        self.token_ttl = int(token_ttl)
        self.session_ttl = int(session_ttl)
        self.email = email
        self._password = password
        self.duplicate_status = 409
        self.select_account_v2 = True
        self.max_body_bytes = MAX_BODY_BYTES
        self.control_hosts: frozenset[str] | None = None
        self.received: deque[Received] = deque(maxlen=RECEIVED_MAX)
        self.received_max_bytes = RECEIVED_MAX_BYTES
        self._received_sizes: deque[int] = deque()
        self._received_total = 0  # sum(self._received_sizes)
        self.user = self.store.ensure_user(
            {
                "user_id": self.ids.new(),
                "user_email": email,
                "first_name": "Demo",
                "last_name": "Operator",
                "created_at": self.now(),
                "email_verified": True,
                "status": "ACTIVE",
                "user_account_status": "ACTIVE",
                "accepted_latest_terms_and_conditions": True,
            }
        )

    # -- time -------------------------------------------------------------------------------
    def now(self) -> int:
        return int(self.clock())

    # -- credentials and tokens ---------------------------------------------------------------
    def check_password(self, email: str, password: str) -> bool:
        ok_email = hmac.compare_digest(email.encode(), self.email.encode())
        ok_password = hmac.compare_digest(password.encode(), self._password.encode())
        return ok_email and ok_password

    def login(self) -> tuple[str, SessionRow]:
        token = secrets.token_urlsafe(32)
        now = self.now()
        session_expires = now + self.session_ttl
        token_expires = min(now + self.token_ttl, session_expires)
        self.store.create_session(token, self.user["user_id"], token_expires, session_expires)
        user = dict(self.user, last_logged_in_at=now)
        self.store.update_user(user)
        self.user = user
        return token, SessionRow(self.user["user_id"], token_expires, session_expires, None)

    def authenticate(self, token: str | None) -> Auth | None:
        """The live session of ``token``, or None when missing, unknown or expired."""
        if not token:
            return None
        session = self.store.get_session(token)
        if session is None:
            return None
        now = self.now()
        if now >= session.token_expires_at or now >= session.session_expires_at:
            return None
        return Auth(token, session)

    def refresh(self, auth: Auth) -> SessionRow:
        """Extend the SAME token: a new ``session_token_expires_at`` (capped by the session)."""
        expires = min(self.now() + self.token_ttl, auth.session.session_expires_at)
        self.store.update_session(auth.token, token_expires_at=expires)
        return self.store.get_session(auth.token) or auth.session

    def record(self, method: str, path: str, body: Any, query: str = "", size: int = 0) -> None:
        """Keep one request; ``size`` (its body's bytes) counts against received_max_bytes,
        and the oldest records are dropped to stay within it (the newest is always kept)."""
        sizes = self._received_sizes
        if len(sizes) != len(self.received):  # a test cleared or edited it
            sizes = self._received_sizes = deque([0] * len(self.received))
            self._received_total = 0
        if len(self.received) == self.received.maxlen:
            self._received_total -= sizes.popleft()
        self.received.append(Received(method, path, body, query))
        sizes.append(size)
        self._received_total += size  # kept, not summed over up to 1000 sizes per request
        while len(self.received) > 1 and self._received_total > self.received_max_bytes:
            self.received.popleft()
            self._received_total -= sizes.popleft()

    def last_body(self, method: str, path: str) -> Any:
        """The JSON body of the latest ``method path`` request received (KeyError if none)."""
        for rec in reversed(self.received):
            if rec.method == method and rec.path == path:
                return rec.body
        raise KeyError(f"no {method} {path} received")


def session_info(session: SessionRow) -> dict[str, Any]:
    info: dict[str, Any] = {
        "subject_id": session.user_id,
        "session_expires_at": session.session_expires_at,
        "session_token_expires_at": session.token_expires_at,
    }
    if session.selected_account_id:
        info["selected_account_id"] = session.selected_account_id
    return info
