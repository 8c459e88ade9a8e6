"""The "remember me" token cache: one 0600 JSON file per (server URL, email) under
``state_dir()/tokens/``. It holds the access token and its expiry — never a password.
Expired or unreadable entries are deleted when found; logout deletes the entry.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccm_tui import paths
from ccm_tui.secret import Secret, SecretLike


def tokens_dir() -> Path:
    return paths.state_dir() / "tokens"


def _key(url: str, email: str | None) -> str:
    raw = f"{url.strip().rstrip('/').lower()}\n{(email or '').strip().lower()}"
    import hashlib  # (~1.2 ms of imports: when a token is cached, not at every start)

    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def cache_path(url: str, email: str | None) -> Path:
    return tokens_dir() / f"{_key(url, email)}.json"


@dataclass(frozen=True)
class CachedToken:
    url: str
    email: str | None
    token: Secret
    expires_at: int | None  # session_token_expires_at (seconds since the epoch)
    session_expires_at: int | None
    subject_id: str | None
    selected_account_id: str | None
    saved_at: float

    def expired(self, now: float | None = None, margin: float = 5.0) -> bool:
        now = time.time() if now is None else now
        for limit in (self.expires_at, self.session_expires_at):
            if limit is not None and limit - margin <= now:
                return True
        return False


def save_token(
    url: str,
    email: str | None,
    token: SecretLike,
    *,
    expires_at: int | None,
    session_expires_at: int | None = None,
    subject_id: str | None = None,
    selected_account_id: str | None = None,
) -> Path:
    data = {
        "url": url.strip().rstrip("/"),
        "email": email,
        "access_token": token.get_secret_value(),
        "session_token_expires_at": expires_at,
        "session_expires_at": session_expires_at,
        "subject_id": subject_id,
        "selected_account_id": selected_account_id,
        "saved_at": time.time(),
    }
    return paths.write_private_file(cache_path(url, email), json.dumps(data, indent=1))


def _parse(data: Any) -> CachedToken | None:
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return None

    def _int(name: str) -> int | None:
        v = data.get(name)
        return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    return CachedToken(
        url=str(data.get("url") or ""),
        email=data.get("email") if isinstance(data.get("email"), str) else None,
        token=Secret(data["access_token"]),
        expires_at=_int("session_token_expires_at"),
        session_expires_at=_int("session_expires_at"),
        subject_id=data.get("subject_id") if isinstance(data.get("subject_id"), str) else None,
        selected_account_id=data.get("selected_account_id")
        if isinstance(data.get("selected_account_id"), str)
        else None,
        saved_at=float(data.get("saved_at") or 0.0),
    )


def _read(path: Path, now: float | None) -> CachedToken | None:
    try:
        entry = _parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        entry = None
    if entry is None or entry.expired(now):
        path.unlink(missing_ok=True)
        return None
    return entry


def load_token(url: str, email: str | None, *, now: float | None = None) -> CachedToken | None:
    """The cached, unexpired token for this server and email (any email when None)."""
    path = cache_path(url, email)
    if path.is_file():
        return _read(path, now)
    if email is not None or not tokens_dir().is_dir():
        return None
    wanted = url.strip().rstrip("/").lower()
    best: CachedToken | None = None
    for candidate in tokens_dir().glob("*.json"):
        entry = _read(candidate, now)
        if entry and entry.url.lower() == wanted and (best is None or entry.saved_at > best.saved_at):
            best = entry
    return best


def delete_token(url: str, email: str | None) -> None:
    cache_path(url, email).unlink(missing_ok=True)
