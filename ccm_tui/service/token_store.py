"""Where a remembered session's token lives: the OS keyring, or the 0600 file cache.

``token_store`` in config.toml chooses:

- ``"auto"`` (default): the OS keyring (Secret Service, macOS Keychain, Windows Credential
  Locker) through ``keyring`` when a real backend is available, else the 0600 file of
  :mod:`ccm_tui.service.token_cache`. Over SSH there is usually no keyring: the file is used.
- ``"keyring"``: the OS keyring only; without one, nothing is remembered (and the operator is
  told why) — never a silent fallback to a file.
- ``"file"``: the 0600 file only; ``keyring`` is not even imported.

A backend counts as "not available" when keyring found none (its ``fail`` backend), when it is
the ``null`` backend, a chainer with nothing usable behind it, or a plain-text file keyring
(``keyrings.alt``), which would be no better than our own 0600 file.

Logging out deletes the token from both stores (the file, and the keyring when one is
available), so a token saved before the setting changed does not survive a logout. A token is
looked up in the chosen store first and then in the other (an older entry keeps working); a
save to the keyring removes the file copy, so nothing of it stays on disk.

The entry in the keyring: service ``ccm-tui``, user ``<email> at <url>``, secret the same JSON
document the file would hold (token, expiry, selected account). A second entry, user
``<url>``, names the email last remembered for that server (for a start without an email).
"""

from __future__ import annotations

import json
import time
from typing import Any

from ccm_tui.secret import SecretLike
from ccm_tui.service import token_cache
from ccm_tui.service.token_cache import CachedToken

SERVICE = "ccm-tui"
MODES = ("auto", "keyring", "file")

_announced: set[str] = set()


class KeyringUnavailable(Exception):
    """``token_store = "keyring"`` but no usable OS keyring (or it refused)."""


# ---------------------------------------------------------------------------- choosing

def configured_mode() -> str:
    """``token_store`` from config.toml ("auto" when unset or unreadable: the config is
    validated, with errors shown, before any session exists)."""
    from ccm_tui.config import ConfigError, load_config

    try:
        return load_config().token_store
    except ConfigError:
        return "auto"


def _usable(backend: Any) -> bool:
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        return any(_usable(b) for b in backend.backends)
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if type(backend).__module__.startswith("keyrings.alt"):
        return False  # plain-text or weakly encrypted files: no better than ours
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend whose viability check fails is not viable
        return False


def keyring_backend() -> Any | None:
    """The OS keyring backend when a real one is available, else None."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring installation: treat as none
        return None
    return backend if _usable(backend) else None


def backend_name(backend: Any) -> str:
    name = getattr(backend, "name", None) or type(backend).__name__
    return str(name)


def describe(mode: str | None = None) -> str:
    """Which store remembered sessions go to, in words (``config check``)."""
    mode = mode or configured_mode()
    if mode == "file":
        return f'a 0600 file under {token_cache.tokens_dir()} (token_store = "file")'
    backend = keyring_backend()
    if backend is not None:
        return f"the OS keyring ({backend_name(backend)})"
    if mode == "keyring":
        return ('nowhere: token_store = "keyring" but no OS keyring is available '
                "(sessions are not remembered)")
    return f"a 0600 file under {token_cache.tokens_dir()} (no OS keyring available)"


def announce_once(where: str | None) -> str | None:
    """"Session remembered in ..." the first time a token goes to ``where`` ("keyring" or
    "file") in this process; None afterwards (the operator is told once)."""
    if where is None or where in _announced:
        return None
    _announced.add(where)
    if where == "keyring":
        backend = keyring_backend()
        name = backend_name(backend) if backend is not None else "keyring"
        return f"Session remembered in the OS keyring ({name})"
    why = ('token_store = "file"' if configured_mode() == "file"
           else "no OS keyring available")
    return f"Session remembered in a 0600 file under {token_cache.tokens_dir()} ({why})"


# ---------------------------------------------------------------------------- keyring entries

def _norm_url(url: str) -> str:
    return url.strip().rstrip("/").lower()


def _user(url: str, email: str | None) -> str:
    return f"{(email or '').strip().lower()} at {_norm_url(url)}"


def _kr_save(backend: Any, url: str, email: str | None, document: str) -> None:
    backend.set_password(SERVICE, _user(url, email), document)
    backend.set_password(SERVICE, _norm_url(url), email or "")


def _kr_load(backend: Any, url: str, email: str | None, now: float | None) -> CachedToken | None:
    if email is None:
        email = backend.get_password(SERVICE, _norm_url(url))
        if email is None:
            return None
    text = backend.get_password(SERVICE, _user(url, email or None))
    if text is None:
        return None
    try:
        entry = token_cache._parse(json.loads(text))
    except ValueError:
        entry = None
    if entry is None or entry.expired(now):
        _kr_delete(backend, url, email or None)
        return None
    return entry


def _kr_delete(backend: Any, url: str, email: str | None) -> None:
    from keyring.errors import PasswordDeleteError

    try:
        backend.delete_password(SERVICE, _user(url, email))
    except PasswordDeleteError:
        pass  # there was none
    try:
        if (backend.get_password(SERVICE, _norm_url(url)) or "") == (email or ""):
            backend.delete_password(SERVICE, _norm_url(url))
    except PasswordDeleteError:
        pass


# ---------------------------------------------------------------------------- the API

def save_token(
    url: str,
    email: str | None,
    token: SecretLike,
    *,
    expires_at: int | None,
    session_expires_at: int | None = None,
    subject_id: str | None = None,
    selected_account_id: str | None = None,
    mode: str | None = None,
) -> str:
    """Remember the token; returns "keyring" or "file" (where it went).

    Raises KeyringUnavailable when ``token_store = "keyring"`` and the keyring cannot take it,
    OSError when the file cannot be written."""
    mode = mode or configured_mode()
    if mode != "file":
        backend = keyring_backend()
        if backend is not None:
            from keyring.errors import KeyringError

            document = json.dumps({
                "url": url.strip().rstrip("/"), "email": email,
                "access_token": token.get_secret_value(),
                "session_token_expires_at": expires_at, "session_expires_at": session_expires_at,
                "subject_id": subject_id, "selected_account_id": selected_account_id,
                "saved_at": time.time(),
            })
            try:
                _kr_save(backend, url, email, document)
            except KeyringError as exc:
                if mode == "keyring":
                    raise KeyringUnavailable(f"the OS keyring refused the token: {exc}") from None
            else:
                token_cache.delete_token(url, email)  # no copy left on disk
                return "keyring"
        elif mode == "keyring":
            raise KeyringUnavailable('token_store = "keyring" but no OS keyring is available; '
                                     "the session was not remembered")
    token_cache.save_token(url, email, token, expires_at=expires_at,
                           session_expires_at=session_expires_at, subject_id=subject_id,
                           selected_account_id=selected_account_id)
    return "file"


def load_token(url: str, email: str | None, *, now: float | None = None,
               mode: str | None = None) -> CachedToken | None:
    """The remembered, unexpired token for this server and email (any email when None)."""
    mode = mode or configured_mode()
    if mode != "file":
        backend = keyring_backend()
        if backend is not None:
            from keyring.errors import KeyringError

            try:
                entry = _kr_load(backend, url, email, now)
            except KeyringError:
                entry = None
            if entry is not None:
                return entry
    return token_cache.load_token(url, email, now=now)


def delete_token(url: str, email: str | None, *, mode: str | None = None) -> None:
    """Forget the token wherever it is (both stores, unless token_store = "file")."""
    mode = mode or configured_mode()
    token_cache.delete_token(url, email)
    if mode == "file":
        return
    backend = keyring_backend()
    if backend is not None:
        from keyring.errors import KeyringError

        try:
            _kr_delete(backend, url, email)
        except KeyringError:
            pass
